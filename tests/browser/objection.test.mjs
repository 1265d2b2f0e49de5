// R4 异议: an applicant objects to a closed case's result at its window. The clerk opens the
// case by its number (closed: not in the window's open list), records the objection and the
// answer given; the applicant's phone page shows both, in English with the step named.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startHall, openPage } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set

async function call(base, method, path, token, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}

test("the clerk records an objection and its answer; the applicant reads both", async () => {
  const hall = await startHall();
  const { base, browser } = hall;
  try {
    const clerk = (await call(base, "POST", "/api/auth/login", null, { username: "clerk2", password: "demo", window_id: "w02" })).body.token;
    await call(base, "POST", "/api/tickets", "demo-kiosk", { service_id: "mz-linshi" });
    assert.equal((await call(base, "POST", "/api/windows/w02/call-next", clerk, {})).status, 200);
    const number = (await call(base, "POST", "/api/windows/w02/finish", clerk, { outcome: "immediate" })).body.case.number;
    const kase = (await call(base, "GET", `/api/cases/${number}`, clerk)).body;
    assert.equal((await call(base, "POST", "/api/auth/logout", clerk, {})).status, 204);

    const desk = await openPage(browser, base, "/clerk", { allow: [/status of 404/, /status of 422/] });
    const { page } = desk;
    await page.fill("input[name=username]", "clerk2");
    await page.fill("input[name=password]", "demo");
    await page.selectOption("select[name=window]", "w02");
    await page.click("#login button[type=submit]");
    await page.waitForSelector("#desk:not([hidden])");
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

    // The applicant's phone page: the step in their history, named in English.
    const phone = await openPage(browser, base, kase.status_url.replace(/^https?:\/\/[^/]+/, ""), { viewport: { width: 390, height: 844 } });
    await phone.page.waitForFunction(() => document.querySelectorAll("#history li").length === 2);
    assert.match(await phone.page.textContent("#history li:first-child"), /申请人提出异议：认为应当场发放救助金。答复：已说明需经民政所审核后发放$/);
    await phone.page.click("#lang");
    assert.match(await phone.page.textContent("#history li:first-child"), /Objection answered: 申请人提出异议/);
    await phone.close();
  } finally {
    await hall.close();
  }
});
