// Leave with stand-ins (R16) in a real Chromium: a clerk asks for today off naming a stand-in
// for their window, the director approves it on the console, the stand-in signs in at that
// window (outside their own list), and the console shows the window staffed by a stand-in.
// The harness runs on the real clock, so the leave is for today (the hall's date).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { useHall, openPage } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set
let base, browser;
useHall((h) => ({ base, browser } = h));

const login = (username, window_id) => fetch(`${base}/api/auth/login`, {
  method: "POST", headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ username, password: "demo", window_id }),
});

test("a clerk asks for leave with a stand-in, the director approves, the stand-in takes the window", async () => {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  // Before the leave, w01 is not clerk2's window.
  assert.equal((await login("clerk2", "w01")).status, 403);

  const clerk = await openPage(browser, base, "/clerk", { viewport: { width: 1366, height: 1400 } });
  const c = clerk.page;
  await c.fill("input[name=username]", "clerk1");
  await c.fill("input[name=password]", "demo");
  await c.selectOption("select[name=window]", "w01");
  await c.click("#login button[type=submit]");
  await c.waitForSelector("#leaveCard:not([hidden])");
  await c.selectOption("#leaveForm select[name=kind]", "annual");
  await c.fill("#leaveForm input[name=from]", today);
  await c.fill("#leaveForm input[name=to]", today);
  await c.fill("#leaveForm textarea[name=reason]", "家中老人住院陪护");
  // The stand-in choices of w01 list the clerks allowed at w01 first, then the others.
  const options = await c.$$eval("#leaveStandIns select[data-window=w01] option", (os) => os.map((o) => o.value));
  assert.equal(options[0], "", "a choice to make");
  assert.ok(options.includes("clerk2"), options.join());
  await c.selectOption("#leaveStandIns select[data-window=w01]", "clerk2");
  await c.click("#leaveForm button");
  await c.waitForSelector("#myLeave td.lv-pending");
  assert.match(await c.textContent("#myLeave"), /待审批/);
  assert.match(await c.textContent("#myLeave"), /陈建国/, "the stand-in named");
  assert.equal(await c.textContent("#leaveError"), "");
  if (shots) await c.locator("#leaveCard").screenshot({ path: join(shots, "leave-request.png") });
  // The clerk goes home: w01 is left to the stand-in.
  const token = await c.evaluate(() => sessionStorage.getItem("token"));
  await clerk.close();
  const out = await fetch(`${base}/api/auth/logout`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  assert.equal(out.status, 204);

  const director = await openPage(browser, base, "/director", { viewport: { width: 1366, height: 1300 } });
  const d = director.page;
  await d.fill("input[name=password]", "demo");
  await d.click("#login button[type=submit]");
  await d.waitForSelector("#leaveList tr.lv-pending");
  assert.doesNotMatch(await d.textContent("#leaveList"), /家中老人/, "the list never shows the reason");
  // The stand-in's own window is named as left meanwhile, for the director to arrange (R16).
  assert.match(await d.textContent("#leaveList"), /陈建国（其本人的 w02 届时无人值守，请另行安排）/);
  await d.fill("#leaveList input[data-note]", "同意，注意交接");
  await d.click("#leaveList button[data-approve]");
  await d.waitForSelector("#leaveList tr.lv-approved");
  // w01 has nobody now: past the hall's start on a working day (the real clock), the red alarm.
  const dtoken = await d.evaluate(() => sessionStorage.getItem("dtoken"));
  const now = await (await fetch(`${base}/api/director/today`, { headers: { Authorization: `Bearer ${dtoken}` } })).json();
  if ((now.leave_alarms ?? []).length > 0) {
    await d.waitForSelector("#leaveAlarm:not([hidden])");
    assert.match(await d.textContent("#leaveAlarm"), /1号窗口无人：刘晓燕今日休假，顶岗人员陈建国/);
    if (shots) await d.locator("#leaveAlarm").screenshot({ path: join(shots, "leave-alarm.png") });
  }

  // The stand-in signs in at w01 today; the console shows w01 staffed by a stand-in, no alarm.
  assert.equal((await login("clerk2", "w01")).status, 200);
  await d.waitForFunction(() => [...document.querySelectorAll("#windows tr")].some((r) => r.textContent.includes("陈建国") && r.querySelector(".stand-in")));
  await d.waitForFunction(() => document.getElementById("leaveAlarm").hidden);
  assert.match(await d.textContent("#leaveToday"), /刘晓燕.*年休假.*全天.*w01：陈建国/s);
  assert.match(await d.textContent("#staff"), /休假/, "the sign-in list shows the clerk on leave, not absent");
  if (shots) await d.screenshot({ path: join(shots, "leave-director.png"), fullPage: false });
  // On the public window list: standing in, never who is away.
  const windows = await (await fetch(`${base}/api/windows`)).json();
  const w01 = windows.find((w) => w.id === "w01");
  assert.equal(w01.staff.stand_in, true);
  assert.ok(!JSON.stringify(windows).includes("刘晓燕"));
  await director.close();
});
