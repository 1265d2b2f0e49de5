// 好差评 in a real Chromium against a real server: the window's evaluator follows a real finish at
// w02, takes the citizen's rating, thanks and idles; a bad rating with its reason reaches the
// director's follow-ups live, and the director opens it (the phone shown), records the contact
// and closes it; a phone rating on the ticket page, after which the page shows it and offers
// nothing more; the clerk's page has no rating control, only their own figure. Every page fails
// its test on a page error, a console error or a CSP violation (harness.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startHall, guard, httpStatusLine } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set
const TABLET = { width: 1024, height: 600 };
const PHONE = { width: 390, height: 844 };
const LEVEL_NAMES = ["非常满意", "基本满意", "不满意", "非常不满意"];
let hall, base, browser;

before(async () => {
  hall = await startHall();
  ({ base, browser } = hall);
  if (shots) mkdirSync(shots, { recursive: true });
});

after(async () => {
  await hall?.close();
});

/** A new browser context and page, watched by the guard; `close()` checks and closes. */
async function open(path, { viewport = { width: 1366, height: 900 }, allow = [], ...options } = {}) {
  const ctx = await browser.newContext({ viewport, locale: "zh-CN", ...options });
  const page = await ctx.newPage();
  const g = guard(page, { allow });
  // A finish at the desk opens the case's notice: closed at once, the desk stays in front.
  ctx.on("page", (p) => { if (p !== page) p.close().catch(() => {}); });
  await page.goto(`${base}${path}`);
  return { ctx, page, guard: g, close: async () => { g.check(); await ctx.close(); } };
}

async function post(path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body ?? {}) });
}

async function get(path, token) {
  const r = await fetch(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json();
}

async function issue(service) {
  const r = await post("/api/tickets", { service_id: service }, "demo-kiosk");
  assert.equal(r.status, 201);
  return r.json();
}

const pathOf = (url) => url.replace(/^https?:\/\/[^/]+/, "");

/** Calls the next ticket at the window and finishes it as 即办件, by the API. */
async function callAndFinish(window, token, number) {
  const called = await post(`/api/windows/${window}/call-next`, {}, token);
  assert.equal(called.status, 200);
  assert.equal((await called.json()).number, number);
  const finished = await post(`/api/windows/${window}/finish`, { outcome: "immediate" }, token);
  assert.equal(finished.status, 200);
  return finished.json();
}

async function signIn(user, window) {
  const o = await open("/clerk");
  await o.page.fill("input[name=username]", user);
  await o.page.fill("input[name=password]", "demo");
  await o.page.selectOption("select[name=window]", window);
  await o.page.click("#login button[type=submit]");
  await o.page.waitForSelector("#desk:not([hidden])");
  await o.page.waitForFunction(() => document.querySelector("#who").textContent.length > 0);
  return o;
}

/** The clerk's page offers nothing about a rating: no level, no reason, no way to the evaluator. */
async function noRatingControls(page) {
  assert.equal((await page.$$("[data-level], [data-reason], .rating, a[href*='evaluate']")).length, 0);
  const text = await page.evaluate(() => document.body.innerText);
  for (const name of LEVEL_NAMES) assert.ok(!text.includes(name), `the clerk's page shows ${name}`);
  assert.ok(!text.includes("请您对本次服务进行评价"));
}

let evaluator, clerk;

test("the evaluator at w02 idles with the clerk on duty, asks after a real finish, thanks and idles again", async () => {
  evaluator = await open("/evaluate?window=2&token=demo-evaluator-w02", { viewport: TABLET });
  const { page } = evaluator;
  // The token is kept on the device and taken out of the address.
  assert.ok(!page.url().includes("token="), page.url());
  assert.match(page.url(), /\/evaluate\?window=2$/);
  assert.equal(await page.evaluate(() => localStorage.getItem("evaluatorToken")), "demo-evaluator-w02");
  await page.waitForSelector("#idle:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#windowName").textContent.startsWith("2 号窗口"));
  assert.equal(await page.textContent("#clerkName"), "本窗口暂停服务");

  // The clerk signs in at w02: the evaluator shows them (window_status on the public stream).
  clerk = await signIn("clerk2", "w02");
  await page.waitForFunction(() => document.querySelector("#clerkName").textContent === "陈建国");
  assert.equal(await page.textContent("#staffNo"), "工号：QS-2016-008");
  assert.ok(await page.isHidden("#asking"));
  assert.ok(!(await page.evaluate(() => document.body.innerText)).includes("请您对本次服务进行评价"));
  if (shots) await page.screenshot({ path: join(shots, "evaluator-idle.png") });

  // A real finish at the desk: the evaluator asks about that ticket.
  const ticket = await issue("mz-dibao");
  await clerk.page.click("#callNext");
  await clerk.page.waitForFunction((n) => document.querySelector("#number").textContent === n, ticket.number);
  await clerk.page.click("#finish");
  await clerk.page.waitForFunction(() => document.querySelector("#finishDialog").open);
  await clerk.page.click("#finishOk");
  await clerk.page.waitForFunction(() => !document.querySelector("#finishDialog").open);
  await page.waitForSelector("#asking:not([hidden])");
  assert.equal(await page.textContent("#asking h2"), "请您对本次服务进行评价");
  assert.equal(await page.textContent("#askWhat"), `号码 ${ticket.number}`);
  const levels = await page.$$eval("#rate button[data-level]", (bs) => bs.map((b) => [b.dataset.level, b.textContent]));
  assert.deepEqual(levels, [["very_satisfied", "非常满意"], ["satisfied", "满意"], ["basically_satisfied", "基本满意"],
    ["dissatisfied", "不满意"], ["very_dissatisfied", "非常不满意"]]);
  if (shots) await page.screenshot({ path: join(shots, "evaluator-asking.png") });

  // The desk meanwhile: nothing of the rating there.
  await noRatingControls(clerk.page);

  await page.click('#rate button[data-level="very_satisfied"]');
  await page.waitForSelector("#thanked:not([hidden])");
  assert.equal(await page.textContent("#thanked .thanks"), "感谢您的评价");
  assert.equal(await page.textContent("#thankedLevel"), "您的评价：非常满意");
  assert.ok(await page.isHidden("#thankedFollowUp"));
  if (shots) await page.screenshot({ path: join(shots, "evaluator-thanked.png") });
  await page.waitForSelector("#idle:not([hidden])", { timeout: 15000 });
  assert.equal(await page.textContent("#clerkName"), "陈建国");

  // The ticket's phone page now carries the rating, from the evaluator.
  const view = await get(`/api/t/${ticket.status_url.split("/").pop()}`);
  assert.equal(view.rating.level, "very_satisfied");
  assert.equal(view.rating.channel, "evaluator");
  // One rating per service: the phone page's is refused.
  assert.equal((await post(`/api/t/${ticket.status_url.split("/").pop()}/rating`, { level: "satisfied" })).status, 409);
});

test("a bad rating with its reason on the evaluator reaches the director live, who calls back and closes it", async () => {
  const director = await open("/director");
  const dp = director.page;
  // The console's one stream carries the token (director-only events: feedback_changed, case_changed).
  const streams = [];
  dp.on("request", (r) => { if (new URL(r.url()).pathname === "/api/events") streams.push(r.headers().authorization ?? ""); });
  await dp.fill("input[name=password]", "demo");
  await dp.click("#login button[type=submit]");
  await dp.waitForSelector("#console:not([hidden])");
  await dp.waitForFunction(() => document.querySelector("#satHall").textContent.includes("评价 1 次"));
  assert.equal(await dp.textContent("#satHall"), "全厅：评价 1 次，满意率 100.0%");
  await dp.waitForSelector("#fuNone:not([hidden])");
  assert.equal(await dp.textContent("#fuNone"), "没有待办的差评回访。");
  assert.ok(streams.length >= 1 && streams.every((h) => h.startsWith("Bearer ")), `streams: ${streams}`);

  const { page } = evaluator;
  const ticket = await issue("mz-tekun");
  const clerkToken = await clerk.page.evaluate(() => sessionStorage.getItem("token"));
  await callAndFinish("w02", clerkToken, ticket.number);
  await page.waitForSelector("#asking:not([hidden])");
  await page.waitForFunction((n) => document.querySelector("#askWhat").textContent.includes(n), ticket.number);

  await page.click('#rate button[data-level="very_dissatisfied"]');
  await page.waitForSelector("#rate .bad:not([hidden])");
  assert.equal(await page.textContent("#rate .chosen"), "非常不满意");
  assert.ok(await page.isDisabled("#rate .submit"), "a bad rating needs its reason first");
  const reasons = await page.$$eval("#rate button[data-reason]", (bs) => bs.map((b) => b.textContent));
  assert.deepEqual(reasons, ["服务态度", "办事效率", "材料反复要求", "未按时办结", "其他"]);
  await page.click('#rate button[data-reason="attitude"]');
  if (shots) await page.screenshot({ path: join(shots, "evaluator-reason.png") });
  const said = "<b>窗口人员态度生硬</b>，让我跑了两趟";
  await page.fill("#rate textarea[name=text]", said);
  await page.fill("#rate input[name=phone]", "13812345678");
  await page.click("#rate .submit");
  await page.waitForSelector("#thanked:not([hidden])");
  assert.equal(await page.textContent("#thankedLevel"), "您的评价：非常不满意");
  assert.ok(await page.isVisible("#thankedFollowUp"));

  // The director's list, live (feedback_changed on the director's own stream; its poll is minutes away).
  await dp.waitForSelector("#followUps tr[data-follow-up]", { timeout: 10000 });
  const row = await dp.textContent("#followUps tr[data-follow-up]");
  for (const part of ["2号窗口", "陈建国", "特困人员救助供养申请", ticket.number, "非常不满意", "服务态度", "待回访"]) {
    assert.ok(row.includes(part), `${part} in ${row}`);
  }
  assert.ok(!row.includes("13812345678"), "the list shows no phone");
  const listed = await get("/api/follow-ups", await dp.evaluate(() => sessionStorage.getItem("dtoken")));
  assert.equal(listed.length, 1);
  assert.ok(listed[0].contact_due && listed[0].rectify_due);
  for (const due of [listed[0].contact_due, listed[0].rectify_due]) assert.ok(row.includes(due), `${due} in ${row}`);
  await dp.waitForFunction(() => document.querySelector("#satHall").textContent.includes("评价 2 次"));
  if (shots) await dp.locator("#ratingsCard").screenshot({ path: join(shots, "director-follow-ups.png") });

  // Opened: the audited read, with the phone; the citizen's words as text.
  await dp.click("#followUps tr[data-follow-up]");
  await dp.waitForFunction(() => document.querySelector("#followUpDialog").open);
  assert.equal(await dp.textContent("#fuInfo .phone"), "13812345678");
  assert.equal(await dp.textContent("#fuInfo .citizen-text"), said);
  assert.equal((await dp.$$("#fuInfo .citizen-text b")).length, 0, "citizen text is never HTML");
  assert.ok(await dp.isVisible("#fuContact"));
  assert.ok(await dp.isHidden("#fuClose"), "a rater who left a phone is contacted first");
  await dp.fill("#followUpDialog textarea[name=note]", "已电话联系，群众反映窗口解释不耐心，已致歉");
  await dp.click("#fuRecord");
  await dp.waitForSelector("#fuClose:not([hidden])");
  assert.ok(await dp.isHidden("#fuContact"));
  assert.ok((await dp.textContent("#fuInfo")).includes("已回访，整改中"));
  await dp.waitForFunction(() => document.querySelector("#followUps").textContent.includes("已回访"));
  await dp.fill("#followUpDialog textarea[name=action_taken]", "对窗口人员进行服务规范培训，已向群众答复");
  await dp.click("#fuCloseButton");
  await dp.waitForFunction(() => document.querySelector("#fuInfo").textContent.includes("已办结"));
  assert.ok(await dp.isHidden("#fuClose"));
  assert.ok((await dp.textContent("#fuInfo")).includes("对窗口人员进行服务规范培训"));
  await dp.click("#followUpDialog button[value=cancel]");
  await dp.waitForSelector("#fuNone:not([hidden])");
  await dp.check("#fuAll");
  await dp.waitForSelector("#followUps tr.closed[data-follow-up]");
  await director.close();
  await page.waitForSelector("#idle:not([hidden])", { timeout: 15000 });
});

test("a phone rating on the ticket page: once, then the page shows it and offers nothing more", async () => {
  const ticket = await issue("rs-jmyanglao-daiyu");
  const login = await (await post("/api/auth/login", { username: "clerk5", password: "demo", window_id: "w05" })).json();
  const finished = await callAndFinish("w05", login.token, ticket.number);
  const phone = await open(pathOf(ticket.status_url), { viewport: PHONE, isMobile: true, hasTouch: true });
  const { page } = phone;
  await page.waitForSelector("#rateCard:not([hidden])");
  assert.equal(await page.textContent("#rateCard h2"), "请您对本次服务进行评价");
  assert.equal((await page.$$("#rateCard button[data-level]")).length, 5);
  await page.tap('#rate button[data-level="dissatisfied"]');
  await page.tap('#rate button[data-reason="efficiency"]');
  await page.fill("#rate textarea[name=text]", "排队等了一个多小时");
  if (shots) await page.screenshot({ path: join(shots, "phone-rating.png"), fullPage: true });
  await page.tap("#rate .submit");
  await page.waitForSelector("#ratedCard:not([hidden])");
  assert.ok(await page.isHidden("#rateCard"));
  assert.equal(await page.textContent("#ratedLevel"), "您的评价：不满意");
  assert.ok(await page.isVisible("#ratedFollowUp"));
  // Reopened later: the rating, nothing to press.
  await page.reload();
  await page.waitForSelector("#ratedCard:not([hidden])");
  assert.ok(await page.isHidden("#rateCard"));
  assert.equal(await page.locator("button[data-level]:visible").count(), 0);
  assert.equal(await page.textContent("#ratedLevel"), "您的评价：不满意");
  // In English too.
  await page.click("#lang");
  assert.equal(await page.textContent("#ratedLevel"), "Your rating: Dissatisfied");
  await phone.close();
  // Once per service, whatever the channel.
  const again = await post(`/api/t/${ticket.status_url.split("/").pop()}/rating`, { level: "satisfied" });
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error, "already_rated");
  // The case the finish registered is the same service: its phone page says it was rated (never
  // the level: the case's staff can open that page too) and offers nothing.
  const directorToken = (await (await post("/api/auth/login", { username: "director", password: "demo" })).json()).token;
  const registered = await get(`/api/cases/${finished.case.number}`, directorToken);
  const casePage = await open(pathOf(registered.status_url), { viewport: PHONE, isMobile: true });
  await casePage.page.waitForSelector("#ratedCard:not([hidden])");
  assert.ok(await casePage.page.isHidden("#rateCard"));
  assert.equal(await casePage.page.textContent("#ratedLevel"), "本次服务已评价。");
  await casePage.close();

  // A case's page rates its service when nothing was rated yet.
  const other = await issue("rs-jmyanglao-daiyu");
  const done = await callAndFinish("w05", login.token, other.number);
  const url = (await get(`/api/cases/${done.case.number}`, directorToken)).status_url;
  const rateCase = await open(pathOf(url), { viewport: PHONE, isMobile: true, hasTouch: true });
  await rateCase.page.waitForSelector("#rateCard:not([hidden])");
  await rateCase.page.tap('#rate button[data-level="satisfied"]');
  await rateCase.page.waitForSelector("#ratedCard:not([hidden])");
  assert.equal(await rateCase.page.textContent("#ratedLevel"), "您的评价：满意");
  assert.ok(await rateCase.page.isHidden("#ratedFollowUp"));
  await rateCase.close();
  assert.equal((await get(`/api/t/${other.status_url.split("/").pop()}`)).rating.level, "satisfied");
});

test("an evaluator without a token asks for it once; with a wrong one it asks again", async () => {
  const o = await open("/evaluate?window=3", { viewport: TABLET, allow: [httpStatusLine(401)] });
  const { page } = o;
  await page.waitForSelector("#setup:not([hidden])");
  assert.equal(await page.textContent("#windowName"), "3 号窗口");
  await page.fill("#setupForm input[name=token]", "not-a-device-token");
  await page.click("#setupForm button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#setupError").textContent !== "");
  assert.equal(await page.textContent("#setupError"), "设备令牌无效，请重新设置。");
  assert.ok(await page.isVisible("#setup"));
  await page.fill("#setupForm input[name=token]", "demo-evaluator-w03");
  await page.click("#setupForm button[type=submit]");
  await page.waitForSelector("#idle:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#windowName").textContent === "3 号窗口 · 民政窗口（二）");
  // Kept on the device: opened again, it needs nothing.
  await page.goto(`${base}/evaluate?window=3`);
  await page.waitForSelector("#idle:not([hidden])");
  assert.equal(await page.evaluate(() => localStorage.getItem("evaluatorToken")), "demo-evaluator-w03");
  await o.close();
});

test("the clerk's page has no rating control, only the clerk's own figure this month to yesterday", async () => {
  await noRatingControls(clerk.page);
  // Signing out closes the window; the desk then asks where its (ended) session is: a 401.
  clerk.guard.allow(httpStatusLine(401));
  await clerk.page.click("#logout");
  await clerk.page.waitForSelector("#login:not([hidden])");
  await clerk.close();
  const again = await signIn("clerk2", "w02");
  // w02's two ratings of today (非常满意 and 非常不满意) count from tomorrow: read live, before
  // and after a service, they would tell the clerk how the citizen just served rated them.
  await again.page.waitForFunction(() => document.querySelector("#mySatisfaction").textContent !== "");
  assert.equal(await again.page.textContent("#mySatisfaction"), "本月截至昨日暂无评价");
  await noRatingControls(again.page);
  await again.close();
  await evaluator.close();
});

test("in English the evaluator and its form show no Chinese of their own (only the hall's data)", async () => {
  const o = await open("/evaluate?window=3&token=demo-evaluator-w03", { viewport: TABLET });
  const { page } = o;
  await page.evaluate(() => localStorage.setItem("lang", "en"));
  await page.reload();
  await page.waitForSelector("#idle:not([hidden])");
  const login = await (await post("/api/auth/login", { username: "clerk3", password: "demo", window_id: "w03" })).json();
  await page.waitForFunction(() => document.querySelector("#clerkName").textContent === "王丽娟");
  assert.equal(await page.textContent("#staffNo"), "Staff no. QS-2021-012");
  const ticket = await issue("mz-linshi");
  await callAndFinish("w03", login.token, ticket.number);
  await page.waitForSelector("#asking:not([hidden])");
  assert.equal(await page.textContent("#asking h2"), "Please rate this service");
  await page.click('#rate button[data-level="dissatisfied"]');
  const data = ["#hall", "#windowName", "#clerkName", "#windowLine", "#askWhat"];
  const chinese = () => page.evaluate((skip) => {
    const found = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.parentElement.closest(["#lang", ...skip].join(","))) continue;
      if (/[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/.test(n.textContent.replace(/\([^)]*\)/g, ""))) found.push(n.textContent.trim());
    }
    return found;
  }, data);
  assert.deepEqual(await chinese(), []);
  assert.equal(await page.textContent("#rate .chosen"), "Dissatisfied");
  // Switched back: the form's labels follow.
  await page.click("#lang");
  assert.equal(await page.textContent("#rate .chosen"), "不满意");
  assert.equal(await page.textContent("#rate button[data-reason=other]"), "其他");
  await page.click("#lang");
  await page.click("#rate .back");
  await page.click('#rate button[data-level="satisfied"]');
  await page.waitForSelector("#thanked:not([hidden])");
  assert.equal(await page.textContent("#thanked .thanks"), "Thank you for your rating");
  assert.equal(await page.textContent("#thankedLevel"), "Your rating: Satisfied");
  await o.close();
  assert.equal((await post("/api/auth/logout", {}, login.token)).status, 204);
});

test("the evaluator returns to idle when the time to rate has passed", async () => {
  // The hall asks for 10 s only (policy.evaluator_seconds, the least allowed), set as the admin does.
  const admin = (await (await post("/api/auth/login", { username: "admin", password: "demo" })).json()).token;
  const { toml } = await get("/api/admin/hall", admin);
  const changed = /^evaluator_seconds\s*=/m.test(toml)
    ? toml.replace(/^evaluator_seconds\s*=\s*\d+/m, "evaluator_seconds = 10")
    : toml.replace(/^\[policy\]\n/m, "[policy]\nevaluator_seconds = 10\n");
  assert.notEqual(changed, toml);
  assert.ok((await post("/api/admin/hall", { toml: changed }, admin)).ok);
  const o = await open("/evaluate?window=2&token=demo-evaluator-w02", { viewport: TABLET });
  const { page } = o;
  await page.waitForSelector("#idle:not([hidden])");
  const login = await (await post("/api/auth/login", { username: "clerk2", password: "demo", window_id: "w02" })).json();
  const ticket = await issue("mz-linshi");
  await callAndFinish("w02", login.token, ticket.number);
  await page.waitForSelector("#asking:not([hidden])");
  const t0 = Date.now();
  await page.waitForSelector("#idle:not([hidden])", { timeout: 20000 });
  const waited = Date.now() - t0;
  assert.ok(waited >= 5000 && waited < 16000, `idled after ${waited} ms`);
  await o.close();
});
