// Spot inspections (督查, R18) in a real Chromium: a leader signs in on /inspections, records an
// inspection of w01 with one finding about clerk1 and a small PNG photo, and sees it listed with
// its thumbnail; clerk1's page then shows the finding in its 「督查发现」 card.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { useHall, openPage, serverAtPageClock, httpStatusLine } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set
// A 2×2 PNG.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4IScHRAwQCgAfJgQRoo8irwAAAABJRU5ErkJggg==";
let base, browser;
useHall((h) => ({ base, browser } = h));

test("a leader records an inspection with a finding and a photo; the clerk sees the finding", async () => {
  const photo = join(mkdtempSync(join(tmpdir(), "insp-")), "w01.png");
  writeFileSync(photo, Buffer.from(PNG, "base64"));
  const o = await openPage(browser, base, "/inspections");
  const { page } = o;
  await page.fill("#login input[name=username]", "leader");
  await page.fill("#login input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#record:not([hidden])");
  await page.waitForSelector("#windows input[value=w01]");
  assert.match(await page.inputValue("#record input[name=at]"), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "now by default");
  await page.check("#windows input[value=w01]");
  await page.fill("#record textarea[name=note]", "上午抽查一号窗口");
  await page.click("#addFinding");
  await page.selectOption("#findingRows tr:last-child select[name=fWindow]", "w01");
  await page.selectOption("#findingRows tr:last-child select[name=fStaff]", "clerk1");
  await page.selectOption("#findingRows tr:last-child select[name=fKind]", "discipline");
  await page.fill("#findingRows tr:last-child input[name=fNote]", "工作时间玩手机");
  await page.setInputFiles("#photos", photo);
  await page.waitForSelector("#photoPreview img");
  await page.click("#record button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#recordDone").textContent !== "");
  assert.equal(await page.textContent("#recordError"), "");

  // Listed with its finding and its photo (fetched with the token, shown as a data: image).
  await page.waitForSelector("article.inspection");
  const text = await page.textContent("article.inspection");
  assert.match(text, /工作时间玩手机/);
  assert.match(text, /纪律/);
  assert.match(text, /上午抽查一号窗口/);
  await page.waitForFunction(() => {
    const img = document.querySelector("article.inspection img[data-photo]");
    return img && img.complete && img.naturalWidth === 2;
  });
  assert.equal(await page.$$eval("#findingRows tr", (rows) => rows.length), 0, "the form is cleared");
  if (shots) await page.screenshot({ path: join(shots, "inspections.png"), fullPage: true });
  // In English too.
  await page.click("#lang");
  const en = await page.textContent("article.inspection");
  assert.match(en, /Discipline/);
  assert.match(en, /Windows visited: Window 1/);
  assert.match(await page.textContent("#record"), /^\s*Record an inspection/);
  await o.close();

  const c = await openPage(browser, base, "/clerk");
  await c.page.fill("input[name=username]", "clerk1");
  await c.page.fill("input[name=password]", "demo");
  await c.page.selectOption("select[name=window]", "w01");
  await c.page.click("#login button[type=submit]");
  await c.page.waitForSelector("#inspectionsCard:not([hidden])");
  const card = await c.page.textContent("#inspectionsCard");
  assert.match(card, /督查发现/);
  assert.match(card, /工作时间玩手机/);
  assert.match(card, /本人/);
  assert.doesNotMatch(card, /上午抽查一号窗口/, "not the inspector's overall note");
  await c.close();
});

test("a session that expires while an inspection is written keeps it for its writer, and says why", async () => {
  const photo = join(mkdtempSync(join(tmpdir(), "insp-")), "w02.png");
  writeFileSync(photo, Buffer.from(PNG, "base64"));
  const o = await openPage(browser, base, "/inspections", { allow: [httpStatusLine(401)] });
  const { page } = o;
  const signIn = async (user) => {
    await page.fill("#login input[name=username]", user);
    await page.fill("#login input[name=password]", "demo");
    await page.click("#login button[type=submit]");
    await page.waitForSelector("#record:not([hidden])");
  };
  await signIn("leader");
  await page.waitForSelector("#windows input[value=w02]");
  await page.check("#windows input[value=w02]");
  await page.fill("#record textarea[name=note]", "下午抽查二号窗口");
  await page.click("#addFinding");
  await page.fill("#findingRows tr:last-child input[name=fNote]", "离岗未挂牌");
  await page.setInputFiles("#photos", photo);
  await page.waitForSelector("#photoPreview img");
  // The session ends on the server (expired, or ended by a new hall configuration).
  const token = await page.evaluate(() => sessionStorage.getItem("itoken"));
  const out = await fetch(`${base}/api/auth/logout`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  assert.equal(out.status, 204);
  await page.click("#record button[type=submit]");
  await page.waitForSelector("#login:not([hidden])");
  assert.equal(await page.textContent("#loginError"), "登录已过期，请重新登录。");
  // Signed in again: the note, the finding and the photo are there, ready to save.
  await signIn("leader");
  assert.equal(await page.inputValue("#record textarea[name=note]"), "下午抽查二号窗口");
  assert.equal(await page.inputValue("#findingRows tr:last-child input[name=fNote]"), "离岗未挂牌");
  assert.equal(await page.$$eval("#photoPreview img", (imgs) => imgs.length), 1);
  assert.equal(await page.textContent("#recordError"), "", "the refusal before the sign-in is not told again");
  // Someone else signing in after an expiry starts from an empty form; 退出 empties it too.
  const again = await page.evaluate(() => sessionStorage.getItem("itoken"));
  await fetch(`${base}/api/auth/logout`, { method: "POST", headers: { Authorization: `Bearer ${again}` } });
  await page.click("#record button[type=submit]");
  await page.waitForSelector("#login:not([hidden])");
  await signIn("director");
  assert.equal(await page.inputValue("#record textarea[name=note]"), "");
  assert.equal(await page.$$eval("#findingRows tr", (rows) => rows.length), 0);
  assert.equal(await page.$$eval("#photoPreview img", (imgs) => imgs.length), 0);
  await o.close();
});

test("the inspection's time follows the clock until the leader sets it", async () => {
  const o = await openPage(browser, base, "/");
  const { page } = o;
  await page.clock.install({ time: new Date("2026-12-04T01:00:00Z") }); // 09:00 in the hall (a day past: sessions are real)
  await serverAtPageClock(page); // the server's clock as the page's (the pages count by the server's)
  await page.goto(`${base}/inspections`);
  await page.fill("#login input[name=username]", "leader");
  await page.fill("#login input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#record:not([hidden])");
  const at = () => page.inputValue("#record input[name=at]");
  await page.waitForFunction(() => document.querySelector("#record input[name=at]").value !== "");
  assert.equal(await at(), "2026-12-04T09:00");
  await page.clock.fastForward(5 * 3_600_000); // the page left open until the afternoon
  await page.waitForFunction(() => document.querySelector("#record input[name=at]").value === "2026-12-04T14:00");
  await page.fill("#record input[name=at]", "2026-12-04T13:30");
  await page.clock.fastForward(3_600_000);
  await page.clock.runFor(60_000);
  assert.equal(await at(), "2026-12-04T13:30", "a time the leader set stays");
  await o.close();
});

test("the director withdraws the finding with a reason: it stays listed, marked withdrawn", async () => {
  const o = await openPage(browser, base, "/inspections", { allow: [httpStatusLine(422)] });
  const { page } = o;
  await page.fill("#login input[name=username]", "director");
  await page.fill("#login input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("article.inspection button[data-withdraw]");
  // Without a reason: refused, in the withdrawal's own words (not a returned case's).
  await page.click("article.inspection button[data-withdraw]");
  await page.waitForFunction(() => document.querySelector("#listError").textContent !== "");
  assert.equal(await page.textContent("#listError"), "撤销问题须写明理由（最多500字）。");
  await page.fill("article.inspection input[data-reason]", "复核监控：当时在为群众查询政策");
  await page.click("article.inspection button[data-withdraw]");
  await page.waitForSelector("article.inspection tr.withdrawn");
  assert.match(await page.textContent("article.inspection tr.withdrawn"), /已撤销.*复核监控/);
  assert.equal(await page.$$eval("article.inspection button[data-withdraw]", (b) => b.length), 0);
  await o.close();
});

test("an administrator reads the inspections but has no form to record one", async () => {
  const o = await openPage(browser, base, "/inspections");
  await o.page.fill("#login input[name=username]", "admin");
  await o.page.fill("#login input[name=password]", "demo");
  await o.page.click("#login button[type=submit]");
  await o.page.waitForSelector("#list:not([hidden])");
  assert.equal(await o.page.isHidden("#record"), true);
  await o.page.waitForSelector("article.inspection");
  await o.close();
});

test("an urgent petition is reported to the leaders' page until a leader has seen it, whatever the director did", async () => {
  const post = async (path, token, body) => {
    const r = await fetch(`${base}${path}`, {
      method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return r.json();
  };
  const director = (await post("/api/auth/login", null, { username: "director", password: "demo" })).token;
  const petition = await post("/api/petitions", director, {
    channel: "visit", name: "王秀英", gender: "female", age: 58, occupation: "农民", political_status: "群众",
    address_or_workplace: "青石镇东村3组", issue: "山体塌方威胁住房", urgent: true,
  });
  assert.ok(petition.number, JSON.stringify(petition));
  const o = await openPage(browser, base, "/inspections", { allow: [httpStatusLine(409)] });
  await o.page.fill("#login input[name=username]", "leader");
  await o.page.fill("#login input[name=password]", "demo");
  await o.page.click("#login button[type=submit]");
  await o.page.waitForSelector("#petitionAlert:not([hidden])");
  const line = await o.page.textContent("#petitionAlert");
  assert.match(line, new RegExp(`紧急或重大信访 1 件.*${petition.number}（来访`));
  assert.doesNotMatch(line, /王秀英|塌方/, "the number, channel and time only");
  await o.page.click("#lang");
  assert.match(await o.page.textContent("#petitionAlert"), /1 urgent or major petition\(s\) for the leaders' attention.*\(visit, /);
  // The director's acknowledgement ends the director's banner, not the leaders' line.
  await post(`/api/petitions/${petition.id}/acknowledge`, director, {});
  const read = o.page.waitForResponse((r) => r.url().endsWith("/api/petitions/alerts"));
  await o.page.reload();
  await (await read).finished();
  await o.page.waitForSelector("#list:not([hidden])");
  await o.page.waitForSelector("#petitionAlert:not([hidden])");
  // Another leader (another device) acknowledges it first: this page's press is refused, says
  // so in its words, and the line it showed goes.
  const other = (await post("/api/auth/login", null, { username: "leader", password: "demo" })).token;
  const seen = await fetch(`${base}/api/petitions/${petition.id}/acknowledge`, {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${other}` }, body: "{}",
  });
  assert.equal(seen.status, 204);
  await o.page.click("#petitionSeen");
  await o.page.waitForSelector("#petitionAlert", { state: "hidden" });
  assert.equal(await o.page.textContent("#listError"), "Another leader has acknowledged this petition already (or it needs no acknowledgement).");
  await o.page.click("#logout");
  await o.page.waitForSelector("#login:not([hidden])");
  assert.equal(await o.page.textContent("#petitionAlertText"), "");
  await o.close();
});
