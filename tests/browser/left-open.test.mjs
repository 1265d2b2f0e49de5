// R1 收件登记: a citizen whose service had begun when the day ended, nobody having pressed 办结.
// The server is stopped with the service under way and the ticket moved to the day before (as
// if midnight had passed), then started again: its start-up day close ends the ticket with no
// case. The next morning the desk lists it, its clerk registers the case through the finish
// dialog (dated the day the service began), and the director's console lists it until then.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startHall, openPage, call } from "./harness.mjs";

test("a service the day's close ended is registered the next morning from the desk", async () => {
  // Yesterday: a 临时救助 service begun at w02, never finished.
  const first = await startHall({ keep: true });
  let hall = first;
  try {
    const ticket = (await call(first.base, "POST", "/api/tickets", "demo-kiosk", { service_id: "mz-linshi" })).body;
    const clerk = (await call(first.base, "POST", "/api/auth/login", null, { username: "clerk2", password: "demo", window_id: "w02" })).body.token;
    assert.equal((await call(first.base, "POST", "/api/windows/w02/call-next", clerk, {})).status, 200);
    assert.equal((await call(first.base, "POST", "/api/windows/w02/start", clerk, {})).status, 200);
    await first.close();
    const db = join(first.dir, "hall.db");
    execFileSync("sqlite3", [db, `UPDATE tickets SET day = date(day, '-1 day') WHERE id = ${ticket.id}; DELETE FROM days_closed;`]);
    const yesterday = execFileSync("sqlite3", [db, `SELECT day FROM tickets WHERE id = ${ticket.id}`]).toString().trim();
    hall = await startHall({ dir: first.dir });
    const { base, browser } = hall;

    // The director's console lists it, with its window.
    const director = await openPage(browser, base, "/director");
    await director.page.fill("input[name=username]", "director");
    await director.page.fill("input[name=password]", "demo");
    await director.page.click("#login button[type=submit]");
    await director.page.waitForSelector("#leftOpenCard:not([hidden])");
    assert.match(await director.page.textContent("#leftOpenList"), new RegExp(`${ticket.number}.*临时救助`));

    // The desk's card; the finish dialog registers it as a 承诺件.
    const desk = await openPage(browser, base, "/clerk");
    desk.ctx.on("page", (p) => { p.close().catch(() => {}); });
    await desk.page.fill("input[name=username]", "clerk2");
    await desk.page.fill("input[name=password]", "demo");
    await desk.page.selectOption("select[name=window]", "w02");
    await desk.page.click("#login button[type=submit]");
    await desk.page.waitForSelector("#leftOpenCard:not([hidden])");
    assert.match(await desk.page.textContent("#leftOpen"), new RegExp(ticket.number));
    await desk.page.click(`button[data-register-left="${ticket.id}"]`);
    await desk.page.waitForSelector("#finishDialog[open]");
    assert.equal(await desk.page.textContent("#finishLeftOpen"), `补登记 ${ticket.number}（${yesterday} 收件）`);
    await desk.page.selectOption("#finishDialog select[name=outcome]", "promised");
    await desk.page.fill("#finishDialog input[name=applicant_name]", "张三");
    await desk.page.click("#finishOk");
    await desk.page.waitForFunction(() => !document.querySelector("#finishDialog").open);
    await desk.page.waitForFunction(() => /已补登记/.test(document.querySelector("#leftOpenDone").textContent));
    const done = await desk.page.textContent("#leftOpenDone");
    const number = done.match(/办件编号 (\d{8}-\d{4})/)?.[1];
    assert.ok(number?.startsWith(yesterday.replaceAll("-", "")), `${done}: numbered on the day it was received`);
    assert.match(await desk.page.textContent("#caseRegisteredText"), new RegExp(number));
    await desk.page.waitForFunction(() => document.querySelector("#leftOpen").textContent === "");
    // Only once: the case is there, the ticket's outcome the case's kind.
    const director2 = (await call(base, "POST", "/api/auth/login", null, { username: "director", password: "demo" })).body.token;
    const kase = await call(base, "GET", `/api/cases/${number}`, director2);
    assert.equal(kase.body.kind, "promised");
    assert.equal((await call(base, "GET", "/api/director/today", director2)).body.left_open, undefined);
    // The console, read again (still signed in), no longer lists it.
    await director.page.reload();
    await director.page.waitForSelector("#console:not([hidden])");
    await director.page.waitForFunction(() => document.querySelector("#windows").textContent !== "");
    assert.equal(await director.page.isHidden("#leftOpenCard"), true);
    // The citizen's phone page leads to the case's progress page.
    const phonePath = new URL(ticket.status_url, base).pathname;
    const phone = await openPage(browser, base, phonePath, { viewport: { width: 390, height: 844 } });
    await phone.page.waitForSelector("#caseLine:not([hidden])");
    assert.equal(await phone.page.textContent("#caseText"), `办件编号 ${number}（承诺件）`);
    await phone.page.click("#caseLink");
    await phone.page.waitForURL(/\/c\/[0-9a-f]{32}$/);
    await phone.page.waitForFunction((n) => document.body.textContent.includes(n), number);
    await phone.close();
    await desk.close();
    await director.close();
  } finally {
    await hall.close();
    rmSync(first.dir, { recursive: true, force: true });
  }
});
