// R7 即收即办: a simple matter with complete materials is done on the spot within its minutes
// (综合咨询: 10 in the sample hall). A service begun 15 minutes ago, its ticket called 40 minutes
// ago (the server stopped, the times moved back, started again): the clerk's desk and the director's console say it is past
// the limit, in both languages; finished as a 即办件, the reports count it over time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startHall, openPage, call } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS;

test("a service past its matter's on-the-spot minutes is marked at the desk, on the console and in the reports", async () => {
  const first = await startHall({ keep: true });
  let hall = first;
  try {
    const ticket = (await call(first.base, "POST", "/api/tickets", "demo-kiosk", { service_id: "zh-zixun" })).body;
    const login = { username: "clerk1", password: "demo", window_id: "w01" };
    const clerk = (await call(first.base, "POST", "/api/auth/login", null, login)).body.token;
    assert.equal((await call(first.base, "POST", "/api/windows/w01/call-next", clerk, {})).status, 200);
    assert.equal((await call(first.base, "POST", "/api/windows/w01/start", clerk, {})).status, 200);
    await first.close();
    const db = join(first.dir, "hall.db");
    execFileSync("sqlite3", [db, `UPDATE tickets SET issued_at = issued_at - 2700000, queued_at = queued_at - 2700000, called_at = called_at - 2400000, started_at = started_at - 900000 WHERE id = ${ticket.id}`]);
    hall = await startHall({ dir: first.dir });
    const { base, browser } = hall;

    // The desk: 15 minutes served, past the 10 of 综合咨询.
    const desk = await openPage(browser, base, "/clerk");
    await desk.page.fill("input[name=username]", "clerk1");
    await desk.page.fill("input[name=password]", "demo");
    await desk.page.selectOption("select[name=window]", "w01");
    await desk.page.click("#login button[type=submit]");
    await desk.page.waitForSelector("#overSpot");
    if (shots) await desk.page.screenshot({ path: join(shots, "clerk-on-the-spot-zh.png") });
    assert.equal(await desk.page.textContent("#number"), ticket.number);
    assert.match(await desk.page.textContent("#sheet"), /承诺时限：即办（一般 10 分钟内）/, "the one-time notice tells the minutes");
    assert.match(await desk.page.textContent("#ticketInfo"), /已办理 1[56] 分钟 已超过即办时限 10 分钟/);
    await desk.page.click("#lang");
    assert.match(await desk.page.textContent("#ticketInfo"), /serving 1[56] min over the 10-minute on-the-spot limit/);

    // The director's console: the window's minutes with the limit passed.
    const director = await openPage(browser, base, "/director");
    await director.page.fill("input[name=username]", "director");
    await director.page.fill("input[name=password]", "demo");
    await director.page.click("#login button[type=submit]");
    await director.page.waitForSelector("#windows .over-spot");
    if (shots) await director.page.locator("#windows").screenshot({ path: join(shots, "director-on-the-spot-zh.png") });
    const row = () => director.page.$$eval("#windows tr",
      (trs, number) => trs.map((tr) => tr.textContent).find((x) => x.includes(number)), ticket.number);
    assert.match(await row(), new RegExp(`${ticket.number}1[56] 超过即办时限 10 分钟`), "counted from the start, not the call");
    await director.page.click("#lang");
    await director.page.waitForFunction(() => /over the 10-minute/.test(document.querySelector("#windows").textContent));
    assert.match(await row(), new RegExp(`${ticket.number}1[56] over the 10-minute on-the-spot limit`));

    // Finished at the desk as a 即办件: the month's report counts it over time.
    await desk.page.click("#lang");
    await desk.page.click("#finish");
    await desk.page.waitForSelector("#finishDialog[open]");
    await desk.page.selectOption("#finishDialog select[name=outcome]", "immediate");
    await desk.page.click("#finishOk");
    await desk.page.waitForFunction(() => !document.querySelector("#finishDialog").open);
    await desk.page.waitForSelector("#callNext:not([disabled])");
    assert.equal(await desk.page.$("#overSpot"), null);
    const reports = await openPage(browser, base, "/reports");
    await reports.page.fill("input[name=username]", "director");
    await reports.page.fill("input[name=password]", "demo");
    await reports.page.click("#login button[type=submit]");
    await reports.page.waitForSelector("#figures tr.total");
    const heads = await reports.page.$$eval("#figures th", (ths) => ths.map((th) => th.textContent));
    const total = await reports.page.$$eval("#figures tr.total td", (tds) => tds.map((td) => td.textContent));
    assert.equal(total[heads.indexOf("即办超时/即办件")], "1 / 1", `${heads} ${total}`);
    await reports.close();
    await desk.close();
    await director.close();
  } finally {
    await hall.close();
    rmSync(first.dir, { recursive: true, force: true });
  }
});

test("a desk PC whose clock is off counts the minutes by the server's clock", async () => {
  const hall = await startHall();
  try {
    const { base, browser } = hall;
    const ticket = (await call(base, "POST", "/api/tickets", "demo-kiosk", { service_id: "zh-zixun" })).body;
    const login = { username: "clerk1", password: "demo", window_id: "w01" };
    const clerk = (await call(base, "POST", "/api/auth/login", null, login)).body.token;
    assert.equal((await call(base, "POST", "/api/windows/w01/call-next", clerk, {})).status, 200);
    assert.equal((await call(base, "POST", "/api/windows/w01/start", clerk, {})).status, 200);
    // The PC's clock 25 minutes fast, in another time zone than the hall's.
    const desk = await openPage(browser, base, "/clerk", { clockAhead: 25 * 60_000, timezoneId: "America/New_York" });
    assert.ok(await desk.page.evaluate(() => Date.now()) - Date.now() > 24 * 60_000, "the browser's clock is off");
    await desk.page.fill("input[name=username]", "clerk1");
    await desk.page.fill("input[name=password]", "demo");
    await desk.page.selectOption("select[name=window]", "w01");
    await desk.page.click("#login button[type=submit]");
    await desk.page.waitForFunction((n) => document.querySelector("#number").textContent === n, ticket.number);
    const info = await desk.page.textContent("#ticketInfo");
    assert.match(info, /已等 [01] 分钟/, info);
    assert.match(info, /已办理 [01] 分钟 \(即办时限 10 分钟\)/, info);
    assert.equal(await desk.page.$("#overSpot"), null, "not past the limit: the service began a moment ago");
    // The hall's today (Asia/Shanghai), not the PC's, in the forms that ask for a date.
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
    assert.equal(await desk.page.evaluate(async () => (await import("/assets/common.js")).hallNow().slice(0, 10)), today);
    await desk.close();
  } finally {
    await hall.close();
  }
});
