// R4 异议: an applicant objects to a closed case's result at its window. The clerk opens the
// case by its number (closed: not in the window's open list), records the objection and the
// answer given; the applicant's phone page shows both, in English with the step named.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startHall, openPage, call } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set

/** A 临时救助 ticket served at w02 by clerk2 through the API and finished with `finish`: the case. */
async function caseAtW02(base, finish) {
  const clerk = (await call(base, "POST", "/api/auth/login", null, { username: "clerk2", password: "demo", window_id: "w02" })).body.token;
  await call(base, "POST", "/api/tickets", "demo-kiosk", { service_id: "mz-linshi" });
  assert.equal((await call(base, "POST", "/api/windows/w02/call-next", clerk, {})).status, 200);
  const number = (await call(base, "POST", "/api/windows/w02/finish", clerk, finish)).body.case.number;
  const kase = (await call(base, "GET", `/api/cases/${number}`, clerk)).body;
  assert.equal((await call(base, "POST", "/api/auth/logout", clerk, {})).status, 204);
  return kase;
}

/** clerk2's desk at w02, signed in and its state read. */
async function deskAtW02(browser, base, options) {
  const desk = await openPage(browser, base, "/clerk", options);
  const { page } = desk;
  await page.fill("input[name=username]", "clerk2");
  await page.fill("input[name=password]", "demo");
  await page.selectOption("select[name=window]", "w02");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#desk:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#who").textContent.length > 0);
  return desk;
}

test("the clerk records an objection and its answer; the applicant reads both", async () => {
  const hall = await startHall();
  const { base, browser } = hall;
  try {
    const kase = await caseAtW02(base, { outcome: "immediate" });
    // The applicant has the case's page open: done, said once.
    const phone = await openPage(browser, base, kase.status_url.replace(/^https?:\/\/[^/]+/, ""), { viewport: { width: 390, height: 844 } });
    await phone.page.waitForFunction(() => document.querySelectorAll("#history li").length === 1);
    assert.equal(await phone.page.textContent("#status"), "已办结");
    const desk = await deskAtW02(browser, base, { allow: [/status of 404/, /status of 422/] });
    const { page } = desk;
    assert.equal(await page.$(`#cases tr[data-case="${kase.number}"]`), null, "closed: not in the open list");

    // A number that is no case: said beside the form.
    await page.fill("#findCase input[name=number]", "20991231-0001");
    await page.click("#findCase button");
    await page.waitForFunction(() => document.querySelector("#findCaseError").textContent !== "");
    assert.equal(await page.textContent("#findCaseError"), "没有这个编号的办件，请核对。");

    await page.fill("#findCase input[name=number]", kase.number);
    await page.click("#findCase button");
    await page.waitForSelector("#caseDialog[open] #actObjection");
    assert.equal(await page.textContent("#findCaseError"), "");
    // The answer left out: refused, nothing written, the objection kept in its field.
    await page.fill("textarea[name=objection]", "认为应当场发放救助金");
    await page.click("#answerObjection");
    await page.waitForFunction(() => document.querySelector("#caseError").textContent !== "");
    assert.equal(await page.textContent("#caseError"), "请写明申请人的异议和给予的答复。");
    assert.equal(await page.inputValue("textarea[name=objection]"), "认为应当场发放救助金");
    assert.equal(await page.$$eval("#caseHistory li", (lis) => lis.length), 1);
    await page.fill("textarea[name=objection_answer]", "已说明需经民政所审核后发放");
    if (shots) await page.locator("#actObjection").screenshot({ path: join(shots, "clerk-objection-zh.png") });
    await page.click("#answerObjection");
    await page.waitForFunction(() => document.querySelectorAll("#caseHistory li").length === 2);
    assert.equal(await page.textContent("#caseError"), "");
    assert.match(await page.textContent("#caseHistory li:last-child"),
      /申请人提出异议：认为应当场发放救助金。答复：已说明需经民政所审核后发放 clerk2$/);
    assert.equal(await page.inputValue("textarea[name=objection]"), "", "sent and kept: emptied");
    await desk.close();

    // The applicant's phone page, back in front of them (a closed case is followed by no
    // stream): read again, the step in their history, named in English.
    await phone.page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await phone.page.waitForFunction(() => document.querySelectorAll("#history li").length === 2);
    assert.match(await phone.page.textContent("#history li:first-child"), /申请人提出异议：认为应当场发放救助金。答复：已说明需经民政所审核后发放$/);
    await phone.page.click("#lang");
    assert.match(await phone.page.textContent("#history li:first-child"), /Objection answered: 申请人提出异议/);
    assert.equal(await phone.page.textContent("#status"), "Done");
    await phone.close();
  } finally {
    await hall.close();
  }
});

// R11: the applicant of a 补办件 comes back with the missing materials and takes a ticket. The
// clerk at the case's window calls it, opens the case by its number and finishes the ticket as a
// visit: the clock starts, no second case is registered.
test("a citizen back with the missing materials: the ticket is finished as a visit for their case", async () => {
  const hall = await startHall();
  const { base, browser } = hall;
  try {
    const { number } = await caseAtW02(base, { outcome: "supplement", missing_materials: ["户口簿复印件"] });
    const back = (await call(base, "POST", "/api/tickets", "demo-kiosk", { service_id: "mz-linshi" })).body;
    const desk = await deskAtW02(browser, base);
    const { page } = desk;
    await page.click("#callNext");
    await page.waitForFunction((n) => document.querySelector("#number").textContent === n, back.number);
    await page.fill("#findCase input[name=number]", number);
    await page.click("#findCase button");
    await page.waitForSelector("#caseDialog[open] #actVisit:not([hidden])");
    assert.match(await page.textContent("#visitHelp"), new RegExp(`^正在办理的 ${back.number} 号是此件的申请人回来`));
    await page.check("input[name=visit_materials]");
    if (shots) await page.locator("#actVisit").screenshot({ path: join(shots, "clerk-visit-zh.png") });
    await page.click("#finishVisit");
    await page.waitForFunction(() => !document.querySelector("#caseDialog").open || document.querySelector("#caseError").textContent);
    assert.equal(await page.textContent("#caseError"), "");
    assert.equal(await page.textContent("#visitDone"), `${back.number} 号已按续办办结，记入办件 ${number}。`);
    assert.equal(await page.isDisabled("#finish"), true, "the ticket is done");
    assert.equal(await page.isDisabled("#callNext"), false, "the window is free for the next");
    await page.click("#lang");
    assert.equal(await page.textContent("#visitDone"), `Ticket ${back.number} was finished as a visit for case ${number}.`);
    await desk.close();

    const director = (await call(base, "POST", "/api/auth/login", null, { username: "director", password: "demo" })).body.token;
    const kase = (await call(base, "GET", `/api/cases/${number}`, director)).body;
    assert.equal(kase.state, "open", "the clock runs");
    assert.deepEqual(kase.history.map((s) => s.action), ["registered", "visited", "materials_complete"]);
    const ticket = (await call(base, "GET", `/api/t/${back.status_url.split("/").pop()}`)).body;
    assert.equal(ticket.case.number, number, "the visit's ticket leads to the case, no new one");
  } finally {
    await hall.close();
  }
});
