// The director's reports page in a real Chromium: a served ticket counted, grouped by window,
// and the same figures downloaded as CSV (with the BOM Excel needs) and as an Excel workbook.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { useHall, guard, httpStatusLine } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set
let base, browser;
useHall((h) => ({ base, browser } = h));

async function post(path, body, token) {
  return fetch(`${base}${path}`, {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

test("the director sees a range's figures by window and downloads them as CSV and Excel", async () => {
  const clerk = (await (await post("/api/auth/login", { username: "clerk2", password: "demo", window_id: "w02" })).json()).token;
  for (let i = 0; i < 2; i++) {
    assert.equal((await post("/api/tickets", { service_id: "mz-linshi" }, "demo-kiosk")).status, 201);
    assert.equal((await post("/api/windows/w02/call-next", {}, clerk)).status, 200);
    assert.equal((await post("/api/windows/w02/finish", { outcome: "immediate" }, clerk)).status, 200);
  }
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: "zh-CN", acceptDownloads: true });
  const page = await ctx.newPage();
  const g = guard(page);
  await page.goto(`${base}/reports`);
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#figures tr.total");
  // This month by default: the hall's two services in the total.
  const total = await page.$$eval("#figures tr.total td", (tds) => tds.map((td) => td.textContent));
  assert.equal(total[0], "合计");
  assert.equal(total[2], "2", `served: ${total}`);
  await page.selectOption("select[name=by]", "window");
  await page.click("#range button[type=submit]");
  await page.waitForFunction(() => document.querySelectorAll("#figures tr").length === 3);
  const w02 = await page.$$eval("#figures tr:nth-child(2) td", (tds) => tds.map((td) => td.textContent));
  assert.match(w02[0], /^2号 /);
  assert.equal(w02[1], "—", "a ticket is not issued to a window: unknown, not zero");
  // The five charts drawn by the server are shown as images.
  await page.waitForFunction(() => [...document.querySelectorAll("img[data-chart]")].every((i) => i.complete && i.naturalWidth > 0));
  assert.equal(await page.$$eval("img[data-chart]", (imgs) => imgs.length), 5);
  if (shots) await page.screenshot({ path: join(shots, "reports.png"), fullPage: true });

  const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  assert.match(csv.suggestedFilename(), /^report-window-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = readFileSync(await csv.path());
  assert.deepEqual([...text.subarray(0, 3)], [0xef, 0xbb, 0xbf], "the BOM Excel needs for UTF-8");
  assert.match(text.toString("utf8"), /^\ufeff分组,名称,取号,办结/);
  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.click("#xlsx")]);
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  assert.equal(readFileSync(await xlsx.path()).subarray(0, 2).toString(), "PK", "an Excel workbook is a zip");

  // In English the headings and the download's columns are English.
  await page.click("#lang");
  assert.equal(await page.textContent("#figures th"), "Group");
  const [en] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  assert.match(readFileSync(await en.path()).toString("utf8"), /^\ufeffGroup,Name,Issued,Served/);
  g.check();
  await ctx.close();
});

test("a download refused says why in the page's words; one after the session ended signs out", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: "zh-CN", acceptDownloads: true });
  const page = await ctx.newPage();
  const g = guard(page, { allow: [httpStatusLine(422), httpStatusLine(401)] });
  await page.goto(`${base}/reports`);
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#figures tr.total");
  // The range backwards, downloaded without 查询 first: the server's refusal, in Chinese.
  await page.fill("#range input[name=from]", "2026-05-10");
  await page.fill("#range input[name=to]", "2026-05-01");
  await page.click("#csv");
  await page.waitForFunction(() => document.querySelector("#reportError").textContent !== "");
  assert.equal(await page.textContent("#reportError"), "请检查日期：按 年-月-日 填写，起始日期不晚于截止日期，相隔不超过一年。");
  // The session ended elsewhere: the next download is the sign-in, with the reason.
  const token = await page.evaluate(() => sessionStorage.getItem("rtoken"));
  assert.equal((await post("/api/auth/logout", {}, token)).status, 204);
  await page.fill("#range input[name=from]", "2026-05-01");
  await page.click("#xlsx");
  await page.waitForSelector("#login:not([hidden])");
  assert.equal(await page.textContent("#loginError"), "登录已过期，请重新登录。");
  g.check();
  await ctx.close();
});

test("a clerk's account does not open the reports", async () => {
  const ctx = await browser.newContext({ locale: "zh-CN" });
  const page = await ctx.newPage();
  const g = guard(page, { allow: [httpStatusLine(422)] });
  await page.goto(`${base}/reports`);
  await page.fill("input[name=username]", "clerk1");
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#loginError").textContent !== "");
  // A clerk signs in at a window, which this page does not ask for: refused either way.
  assert.notEqual(await page.textContent("#loginError"), "");
  assert.ok(await page.isHidden("#report"));
  g.check();
  await ctx.close();
});
