// The hall over HTTPS (`--tls-cert`, `--tls-key`), as phones reach it from outside: the clerk's
// page and the citizen's ticket page load with the strict CSP and Strict-Transport-Security,
// the clerk signs in and calls, and the phone's live stream tells the citizen over TLS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHall, guard } from "./harness.mjs";

let hall, base, browser;

before(async () => {
  hall = await startHall({ tls: true });
  ({ base, browser } = hall);
});

after(async () => {
  await hall?.close();
});

test("over HTTPS: security headers, a clerk's call reaches the citizen's phone live", async () => {
  assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", viewport: { width: 1366, height: 860 } });
  const api = ctx.request;

  // The kiosk's ticket, through TLS.
  const issued = await api.post(`${base}/api/tickets`, { headers: { Authorization: "Bearer demo-kiosk" }, data: { service_id: "zr-budongchan" } });
  assert.equal(issued.status(), 201);
  assert.equal(issued.headers()["strict-transport-security"], "max-age=31536000");
  const ticket = await issued.json();

  // The clerk's page: signed in through the form, the CSP in force, HSTS on the page itself.
  const clerk = await ctx.newPage();
  const g = guard(clerk);
  const page = await clerk.goto(`${base}/clerk`);
  assert.equal(page.headers()["strict-transport-security"], "max-age=31536000");
  assert.match(page.headers()["content-security-policy"], /script-src 'self'/);
  assert.equal(page.headers()["x-frame-options"], "DENY");
  await clerk.fill("input[name=username]", "clerk9");
  await clerk.fill("input[name=password]", "demo");
  await clerk.selectOption("select[name=window]", "w09");
  await clerk.click("#login button[type=submit]");
  await clerk.waitForSelector("#desk:not([hidden])");

  // The citizen's phone follows the ticket live (SSE over TLS) and is told to go.
  const phone = await ctx.newPage();
  const pg = guard(phone);
  await phone.setViewportSize({ width: 390, height: 780 });
  await phone.goto(`${base}${ticket.status_url}`);
  await phone.waitForFunction((n) => document.querySelector("#number").textContent === n, ticket.number);
  await clerk.click("#callNext");
  await clerk.waitForFunction((n) => document.querySelector("#number").textContent === n, ticket.number);
  await phone.waitForSelector("#go:not([hidden])");
  assert.match(await phone.textContent("#go"), /9/);
  assert.equal(await phone.evaluate(() => document.title), `${ticket.number} → 9`);
  g.check();
  pg.check();
  await ctx.close();
});
