// R17 档案: a closed case's file waits on its window's desk card 「待归档的办件」 with its date
// until it is archived. Two 即办件 closed through the API; the desk lists both; the director
// opens one by its number and archives it (the desk's card follows the live event), the clerk
// the other from the card.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startHall, openPage, call } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set

test("the desk lists its closed cases' files until each is archived", async () => {
  const hall = await startHall();
  const { base, browser } = hall;
  try {
    const clerk = (await call(base, "POST", "/api/auth/login", null, { username: "clerk2", password: "demo", window_id: "w02" })).body.token;
    const cases = [];
    for (let i = 0; i < 2; i++) {
      await call(base, "POST", "/api/tickets", "demo-kiosk", { service_id: "mz-linshi" });
      assert.equal((await call(base, "POST", "/api/windows/w02/call-next", clerk, {})).status, 200);
      const r = await call(base, "POST", "/api/windows/w02/finish", clerk, { outcome: "immediate" });
      assert.equal(r.status, 200);
      cases.push(r.body.case.number);
    }
    assert.equal((await call(base, "POST", "/api/auth/logout", clerk, {})).status, 204);

    const desk = await openPage(browser, base, "/clerk", { allow: [/status of 409/] });
    await desk.page.fill("input[name=username]", "clerk2");
    await desk.page.fill("input[name=password]", "demo");
    await desk.page.selectOption("select[name=window]", "w02");
    await desk.page.click("#login button[type=submit]");
    await desk.page.waitForSelector("#archiveCard:not([hidden])");
    const rows = await desk.page.$$eval("#archive tr[data-file]", (trs) => trs.map((tr) => tr.dataset.file));
    assert.deepEqual(rows, cases, "the oldest close first");
    const line = await desk.page.textContent(`#archive tr[data-file="${cases[0]}"]`);
    assert.match(line, /临时救助.*\d{4}-\d{2}-\d{2}/, `the matter, the close and its date: ${line}`);
    if (shots) await desk.page.locator("#archiveCard").screenshot({ path: join(shots, "clerk-archive-zh.png") });

    // The director's console counts them by window.
    const console_ = await openPage(browser, base, "/director", { allow: [/status of 404/] });
    await console_.page.fill("input[name=username]", "director");
    await console_.page.fill("input[name=password]", "demo");
    await console_.page.click("#login button[type=submit]");
    await console_.page.waitForSelector("#caseFiles:not([hidden])");
    assert.match(await console_.page.textContent("#caseFiles"), /^待归档 2 件（逾期未归档 0 件）： 2 民政.* 2 件$/);
    if (shots) await console_.page.locator("#casesCard").screenshot({ path: join(shots, "director-case-files-zh.png") });

    // A number that is no case: said, and nothing opens.
    const cp = console_.page;
    await cp.fill("#findCase input[name=number]", "NO-SUCH-CASE");
    await cp.click("#findCase button");
    await cp.waitForFunction(() => document.querySelector("#findCaseError").textContent !== "");
    assert.equal(await cp.textContent("#findCaseError"), "没有这个编号的办件，请核对。");
    assert.equal(await cp.$eval("#caseDialog", (d) => d.open), false);

    // The director opens the first, closed, by its number and archives its file: the desk's card follows.
    await cp.fill("#findCase input[name=number]", cases[0]);
    await cp.click("#findCase button");
    await cp.waitForSelector("#caseDialog[open] #actArchive:not([hidden])");
    assert.equal(await cp.textContent("#findCaseError"), "", "the earlier refusal is gone");
    assert.match(await cp.textContent("#caseInfo"), /归档应于 \d{4}-\d{2}-\d{2} 前归档$/);
    if (shots) await cp.locator("#caseDialog").screenshot({ path: join(shots, "director-case-archive-zh.png") });
    await cp.click("#archiveCase");
    await cp.waitForSelector("#caseDialog[open] #actArchive[hidden]", { state: "attached" });
    assert.match(await cp.textContent("#caseInfo"), /归档已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 归档$/);
    assert.deepEqual(await cp.$$eval("#caseHistory li", (lis) => lis.map((li) => li.textContent.slice(17))),
      ["2号窗口受理，当场办结（即办件） clerk2", "办件材料已归档 director"], "in Chinese, the hall's words alone");
    await desk.page.waitForFunction((n) => !document.querySelector(`#archive tr[data-file="${n}"]`), cases[0]);
    // The director answers an objection on it too (R4): kept in its history, the form emptied.
    await cp.fill("textarea[name=objection]", "要求退还复印费");
    await cp.fill("textarea[name=objection_answer]", "本事项不收费，已当面说明");
    await cp.click("#answerObjection");
    await cp.waitForFunction(() => document.querySelectorAll("#caseHistory li").length === 3);
    assert.match(await cp.textContent("#caseHistory li:last-child"), /申请人提出异议：要求退还复印费。答复：本事项不收费，已当面说明 director$/);
    assert.equal(await cp.inputValue("textarea[name=objection]"), "");
    await cp.click("#caseDialog menu button");
    await cp.click("#lang");
    assert.equal(await cp.textContent("#findCase button"), "Open");
    await cp.fill("#findCase input[name=number]", cases[0]);
    await cp.click("#findCase button");
    await cp.waitForSelector("#caseDialog[open]");
    assert.match(await cp.textContent("#caseInfo"), /Archivearchived on \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    assert.equal(await cp.textContent("#actArchive button"), "Record as archived");
    // The history in English: each step's name, then the hall's own words.
    assert.deepEqual(await cp.$$eval("#caseHistory li", (lis) => lis.map((li) => li.textContent.slice(17))),
      ["Registered: 2号窗口受理，当场办结（即办件） clerk2", "File archived: 办件材料已归档 director",
        "Objection answered: 申请人提出异议：要求退还复印费。答复：本事项不收费，已当面说明 director"]);
    await console_.close();
    const director = (await call(base, "POST", "/api/auth/login", null, { username: "director", password: "demo" })).body.token;

    // A refusal stays on the card after the list is read again (here a 409 put in the server's
    // place: the file archived by someone else between the read and the click).
    const archiveUrl = `${base}/api/cases/${cases[1]}/archive`;
    await desk.page.route(archiveUrl, (r) => r.fulfill({ status: 409, contentType: "application/json",
      body: JSON.stringify({ error: "case_archived", message: "the case's file is archived already (R17)" }) }));
    const reread = desk.page.waitForResponse((r) => r.url().includes("/to-archive"));
    await desk.page.click(`button[data-archive="${cases[1]}"]`);
    await reread;
    await desk.page.waitForFunction(() => document.querySelector("#archiveError").textContent !== "");
    assert.equal(await desk.page.textContent("#archiveError"), "该办件材料已归档。");
    assert.equal(await desk.page.textContent("#archiveDone"), "");
    await desk.page.unroute(archiveUrl);

    // The clerk archives the second from the card.
    await desk.page.click(`button[data-archive="${cases[1]}"]`);
    await desk.page.waitForFunction(() => document.querySelector("#archiveDone").textContent !== "");
    assert.equal(await desk.page.textContent("#archiveDone"), `${cases[1]} 已归档。`);
    await desk.page.waitForFunction(() => document.querySelector("#archive").textContent === "");
    const kase = await call(base, "GET", `/api/cases/${cases[1]}`, director);
    assert.ok(kase.body.archived_at, JSON.stringify(kase.body));
    assert.equal(kase.body.history.at(-1).action, "archived");
    await desk.page.click("#lang");
    assert.equal(await desk.page.textContent("#archiveCard h2"), "Case files to archive");
    assert.equal(await desk.page.textContent("#archiveDone"), `${cases[1]} archived.`);
    await desk.close();
  } finally {
    await hall.close();
  }
});
