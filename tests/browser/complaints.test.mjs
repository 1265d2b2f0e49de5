// Complaints (投诉, R21) in a real Chromium against a real server: a citizen complains from the
// ticket's phone page (their text, HTML included, reaches the director's console as text); the
// director registers a written complaint in the console, investigates and answers it, and its
// reply letter opens in a new window and prints on one A4 page (read back with pdftotext). Every
// page fails its test on a page error, a console error or a CSP violation (harness.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHall, openPage, httpStatusLine } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set
let hall, base, browser;
const pdfDir = mkdtempSync(join(tmpdir(), "hall-letters-"));

before(async () => {
  hall = await startHall();
  ({ base, browser } = hall);
  if (shots) mkdirSync(shots, { recursive: true });
});

after(async () => {
  await hall?.close();
});

const open = (path, options) => openPage(browser, base, path, options);

async function post(path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body ?? {}) });
  return { status: r.status, body: await r.json().catch(() => null) };
}

const squash = (s) => s.replace(/\s+/g, "");

/** Signs `user` in at `window` and calls the next ticket there: the clerk's token. */
/** Signs `user` in at `window` (a ticket is sent on only to a window whose clerk is in). */
const signIn = async (user, window) => (await post("/api/auth/login", { username: user, password: "demo", window_id: window })).body.token;

async function callAt(user, window) {
  const clerk = await signIn(user, window);
  assert.equal((await post(`/api/windows/${window}/call-next`, {}, clerk)).status, 200);
  return clerk;
}

/** Opens a ticket's phone page, as the citizen's phone, with the complaint form open. */
async function complaintForm(ticket) {
  const path = ticket.status_url.replace(/^https?:\/\/[^/]+/, "");
  const phone = await open(path, { viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.page.waitForFunction((n) => document.querySelector("#number").textContent === n, ticket.number);
  await phone.page.click("#complaintOpen");
  await phone.page.waitForSelector("#complaintForm:not([hidden])");
  return phone;
}
/** Sends the phone page's open complaint form about `about`, then reads which window the
 * director's list says the complaint is about. */
async function complainAbout(phone, about, what) {
  const { page } = phone;
  await page.selectOption("#complaintForm select[name=about]", about);
  await page.fill("#complaintForm textarea[name=what]", what);
  await page.click("#complaintForm button[type=submit]");
  await page.waitForSelector("#complaintReceipt:not([hidden])");
  const number = (await page.textContent("#complaintReceipt")).match(/number (TS\d{8}-\d{2})/)[1];
  await phone.close();
  const director = (await post("/api/auth/login", { username: "director", password: "demo" })).body.token;
  const list = await (await fetch(`${base}/api/complaints`, { headers: { Authorization: `Bearer ${director}` } })).json();
  return list.find((c) => c.number === number)?.window_id;
}
const HTML = "<img src=x onerror=alert(1)>窗口人员玩手机，不理人";
let online; // the citizen's complaint: its number

test("a citizen complains from the ticket's phone page and gets the number and due date", async () => {
  // A ticket served and finished at window 2, so that its window is known.
  const ticket = (await post("/api/tickets", { service_id: "mz-linshi" }, "demo-kiosk")).body;
  const clerk = await callAt("clerk2", "w02");
  assert.equal((await post("/api/windows/w02/finish", { outcome: "immediate" }, clerk)).status, 200);
  const phone = await complaintForm(ticket);
  const { page } = phone;
  assert.equal(await page.inputValue("#complaintForm select[name=about]"), "window");
  await page.fill("#complaintForm textarea[name=what]", HTML);
  await page.fill("#complaintForm input[name=contact]", "13700001234");
  if (shots) await page.screenshot({ path: join(shots, "phone-complaint.png"), fullPage: true });
  await page.click("#complaintForm button[type=submit]");
  await page.waitForSelector("#complaintReceipt:not([hidden])");
  const receipt = await page.textContent("#complaintReceipt");
  const m = receipt.match(/编号 (TS\d{8}-\d{2})/);
  assert.ok(m, receipt);
  online = m[1];
  assert.ok(await page.isHidden("#complaintForm"));
  // The page opened again (the receipt was only in the page): the complaint and where it stands.
  await page.reload();
  await page.waitForFunction((n) => document.querySelector("#complaints").textContent.includes(n), online);
  assert.match(await page.textContent("#complaints"), new RegExp(`投诉 ${online}：正在处理，将于 \\d{4}-\\d{2}-\\d{2} 前答复`));
  await phone.close();
});

test("the director registers a written complaint, answers it and prints the reply letter on one A4 page", async () => {
  // One refusal on purpose: the answer without what the staff member is told; and the sign-out
  // at the end may refuse reads still on their way (401).
  const director = await open("/director", { allow: [httpStatusLine(422), httpStatusLine(401)] });
  const { page } = director;
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#console:not([hidden])");
  // The online complaint is in the list; its text is shown as text, never as HTML.
  await page.waitForSelector("#complaints tr[data-complaint]");
  assert.ok((await page.textContent("#complaints")).includes(online));
  await page.click(`#complaints tr[data-complaint]:has-text("${online}")`);
  await page.waitForFunction(() => document.querySelector("#complaintDialog").open);
  await page.waitForFunction((n) => document.querySelector("#complaintNumber").textContent === n, online);
  assert.ok((await page.textContent("#complaintInfo")).includes(HTML));
  assert.equal(await page.locator("#complaintInfo img").count(), 0, "the citizen's HTML is text");
  assert.ok((await page.textContent("#complaintInfo")).includes("未留姓名"));
  await page.click("#complaintDialog button[value=cancel]");

  // Register a written complaint about clerk2 at window 2.
  await page.click("#newComplaint");
  await page.waitForFunction(() => document.querySelector("#newComplaintDialog").open);
  const f = "#newComplaintForm";
  await page.selectOption(`${f} select[name=channel]`, "written");
  await page.selectOption(`${f} select[name=about]`, "staff");
  await page.selectOption(`${f} select[name=window_id]`, "w02");
  await page.fill(`${f} input[name=staff]`, "clerk2");
  await page.fill(`${f} textarea[name=what]`, "办理临时救助时工作人员态度生硬，要求我反复跑腿补交同一份材料。");
  await page.fill(`${f} input[name=happened]`, "12月1日上午");
  await page.fill(`${f} input[name=complainant_name]`, "周明");
  await page.fill(`${f} input[name=complainant_contact]`, "13900002222");
  // A letter without the address its written answer goes to: said at once, nothing sent.
  await page.click("#registerComplaint");
  assert.equal(await page.textContent("#newComplaintError"), "书面投诉须书面答复：请填写投诉人的通信地址。");
  assert.ok(await page.evaluate(() => document.querySelector("#newComplaintDialog").open), "still open");
  await page.fill(`${f} input[name=complainant_address]`, "青石镇河西村三组12号");
  // The letter came yesterday (the hall's day): its time limit runs from then (R21).
  const yesterday = new Date(Date.now() + 8 * 3600e3 - 24 * 3600e3).toISOString().slice(0, 10);
  await page.fill(`${f} input[name=received_at]`, `${yesterday}T16:40`);
  const [sent] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith("/api/complaints") && r.method() === "POST"),
    page.click("#registerComplaint"),
  ]);
  assert.equal(JSON.parse(sent.postData()).received_at, `${yesterday}T16:40`);
  await page.waitForFunction(() => document.querySelector("#complaintDialog").open);
  await page.waitForFunction((d) => new RegExp(`^TS${d}-0\\d$`).test(document.querySelector("#complaintNumber").textContent),
    yesterday.replaceAll("-", ""));
  assert.ok((await page.textContent("#complaintHistory li")).includes(`${yesterday} 收到`));
  const number = await page.textContent("#complaintNumber");
  assert.ok((await page.textContent("#complaintInfo")).includes("周明"));
  assert.ok((await page.textContent("#complaintInfo")).includes("青石镇河西村三组12号"));
  // Investigate, then answer with the finding.
  await page.waitForSelector("#actInvestigate:not([hidden])");
  await page.fill("#complaintDialog input[name=investigate_note]", "调阅窗口录像并询问当事人");
  await page.click("#investigateComplaint");
  await page.waitForFunction(() => document.querySelector("#investigateComplaint").textContent === "改为此类型");
  // Still investigating, the kind may change: several units involved after all (the other
  // kind is the one offered).
  assert.equal(await page.inputValue("#complaintDialog select[name=investigate_complexity]"), "complex");
  await page.click("#investigateComplaint");
  await page.waitForFunction(() => document.querySelector("#complaintHistory").textContent.includes("经调查改为复杂投诉"));
  await page.selectOption("#complaintDialog select[name=finding]", "upheld");
  const answer = "经调查核实，您反映的情况属实。中心已对当事工作人员进行批评教育，并在全体人员中开展一次性告知制度学习。";
  await page.fill("#complaintDialog textarea[name=answer]", answer);
  // About a staff member: answered only with what they are told, in the director's words (R21).
  assert.ok(await page.isVisible("#toStaffLabel"));
  await page.click("#answerComplaint");
  await page.waitForFunction(() => document.querySelector("#complaintError").textContent.includes("告知被投诉人"));
  const told = "经调查，你在办理临时救助时未一次性告知所需材料，投诉属实。中心予以批评教育，请改进。";
  await page.fill("#complaintDialog textarea[name=to_staff]", told);
  await page.click("#answerComplaint");
  await page.waitForSelector("#printLetter:not([hidden])");
  assert.ok(await page.isVisible("#actClose"));
  assert.ok((await page.textContent("#complaintInfo")).includes("属实"));
  assert.ok((await page.textContent("#complaintInfo")).includes(told));
  const steps = await page.$$("#complaintHistory li");
  assert.equal(steps.length, 4);
  // The reply letter: a new window, one A4 page, everything on it.
  const [letter] = await Promise.all([director.ctx.waitForEvent("page"), page.click("#printLetter")]);
  await letter.waitForLoadState();
  await letter.waitForFunction(() => document.body.dataset.ready === "1");
  const file = join(pdfDir, "letter.pdf");
  await letter.pdf({ path: file, format: "A4" });
  const pages = Number(execFileSync("pdfinfo", [file]).toString().match(/^Pages:\s+(\d+)/m)[1]);
  assert.equal(pages, 1, "the letter is one A4 page");
  const text = squash(execFileSync("pdftotext", [file, "-"]).toString());
  for (const part of ["投诉处理答复书", number, "收信地址：青石镇河西村三组12号", "周明：", "书面", "调查结论属实", squash(answer), "12月1日上午", "陈建国",
    "青石镇便民服务中心（盖章）"]) {
    assert.ok(text.includes(squash(part)), `the letter has ${part}: ${text}`);
  }
  assert.ok(!text.includes("13900002222"), "the letter does not print the complainant's phone");
  if (shots) await letter.screenshot({ path: join(shots, "complaint-letter.png"), fullPage: true });
  await letter.close();
  // Close it; the list shows both.
  await page.click("#closeComplaint");
  await page.waitForSelector("#actClose", { state: "hidden" });
  await page.click("#complaintDialog button[value=cancel]");
  await page.waitForFunction(() => document.querySelectorAll("#complaints tr[data-complaint]").length === 2);
  assert.match(await page.textContent("#complaintTotals"), /办理中 1 件/);
  // Only the late ones listed: none, but the hall's totals stay the server's (not the list's).
  await page.check("#complaintsLateOnly");
  await page.waitForFunction(() => document.querySelectorAll("#complaints tr[data-complaint]").length === 0);
  assert.match(await page.textContent("#complaintTotals"), /办理中 1 件/);
  await page.uncheck("#complaintsLateOnly");
  await page.waitForFunction(() => document.querySelectorAll("#complaints tr[data-complaint]").length === 2);
  if (shots) await page.locator("#complaintsCard").screenshot({ path: join(shots, "director-complaints.png") });
  // An anonymous letter (匿名信): registered with no name or contact, on purpose.
  await page.click("#newComplaint");
  await page.waitForFunction(() => document.querySelector("#newComplaintDialog").open);
  await page.selectOption(`${f} select[name=channel]`, "written");
  await page.selectOption(`${f} select[name=about]`, "hall");
  await page.fill(`${f} textarea[name=what]`, "大厅叫号屏经常不显示，老人听不清广播。");
  await page.check(`${f} input[name=anonymous]`);
  const [anon] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith("/api/complaints") && r.method() === "POST"),
    page.click("#registerComplaint"),
  ]);
  const posted = JSON.parse(anon.postData());
  assert.equal(posted.anonymous, true);
  assert.ok(!("complainant_name" in posted) && !("complainant_contact" in posted), anon.postData());
  await page.waitForFunction(() => document.querySelector("#complaintDialog").open);
  assert.ok((await page.textContent("#complaintInfo")).includes("未留姓名"));
  // Nothing written for the first complaint is there to be sent with this one: not the answer
  // to 周明, not what clerk2 was told.
  for (const name of ["answer", "to_staff", "late_explanation", "investigate_note", "close_note"]) {
    assert.equal(await page.inputValue(`#complaintDialog [name=${name}]`), "", name);
  }
  // Signed out with 周明's complaint open: his name and address leave the page, hidden or not.
  await page.click("#complaintDialog button[value=cancel]");
  await page.click(`#complaints tr[data-complaint]:has-text("${number}")`);
  await page.waitForFunction(() => document.querySelector("#complaintInfo").textContent.includes("周明"));
  await page.evaluate(() => document.querySelector("#logout").click());
  await page.waitForSelector("#login:not([hidden])");
  assert.equal(await page.textContent("#complaintInfo"), "");
  assert.equal(await page.textContent("#complaintNumber"), "");
  await director.close();
});

test("a clerk sees the findings of complaints about them as the director told them, never who complained", async () => {
  const director = (await post("/api/auth/login", { username: "director", password: "demo" })).body.token;
  const c = await post("/api/complaints", {
    channel: "written", about: "staff", staff: "clerk3", window_id: "w03", what: "让我来回跑了三趟",
    complainant_name: "钱七", complainant_contact: "13900003333", complainant_address: "青石镇东村1组", complexity: "simple",
  }, director);
  assert.equal(c.status, 201);
  assert.equal((await post(`/api/complaints/${c.body.id}/investigate`, {}, director)).status, 200);
  const answered = await post(`/api/complaints/${c.body.id}/answer`, {
    finding: "partly_upheld", answer: "钱七您好：已当面致歉，并更新一次性告知清单",
    to_staff: "部分属实：补交材料的要求未一次性说清，请按新清单告知",
  }, director);
  assert.equal(answered.status, 200);
  const o = await open("/clerk");
  const { page } = o;
  await page.fill("input[name=username]", "clerk3");
  await page.fill("input[name=password]", "demo");
  await page.selectOption("select[name=window]", "w03");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#findingsCard:not([hidden])");
  const text = await page.textContent("#findings");
  for (const want of [c.body.number, "部分属实", "请按新清单告知"]) assert.ok(text.includes(want), `${want} in ${text}`);
  // Not the complainant, nor the complaint's wording, nor the answer written to them (R21).
  for (const never of ["钱七", "13900003333", "来回跑了三趟", "当面致歉"]) {
    assert.ok(!(await page.content()).includes(never), `the clerk's page shows ${never}`);
  }
  await o.close();
});

test("a ticket sent on: the phone page offers the window that first served it, and the complaint is about that window", async () => {
  const ticket = (await post("/api/tickets", { service_id: "mz-linshi" }, "demo-kiosk")).body;
  await signIn("clerk3", "w03");
  const clerk2 = await callAt("clerk2", "w02");
  assert.equal((await post("/api/windows/w02/transfer", { window_id: "w03" }, clerk2)).status, 200);
  // The citizen opens the page while waiting at window 3: window 2 is offered alone.
  const phone = await complaintForm(ticket);
  const { page } = phone;
  assert.equal(await page.inputValue("#complaintForm select[name=about]"), "first");
  assert.equal(await page.textContent('#complaintForm option[value="first"]'), "先接待我、后转办的窗口（2号窗口 民政窗口（一））");
  // No window serves it yet: "the window that served me" is no choice (Safari lists hidden
  // options, so it is disabled too).
  const choosable = () => page.$$eval("#complaintForm select[name=about] option:not([disabled])", (os) => os.map((o) => o.value));
  assert.deepEqual(await choosable(), ["first", "hall"]);
  // Served at window 3 while the page is open: the default moves to the window that served them.
  const clerk3 = await callAt("clerk3", "w03");
  assert.equal((await post("/api/windows/w03/finish", { outcome: "immediate" }, clerk3)).status, 200);
  await page.waitForFunction(() => document.querySelector("#complaintForm select[name=about]").value === "window");
  assert.deepEqual(await choosable(), ["window", "first", "hall"]);
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector('#complaintForm option[value="first"]').textContent.startsWith("The window"));
  assert.equal(await page.textContent('#complaintForm option[value="first"]'), "The window that first served me and sent me on (window 2, 民政窗口（一）)");
  assert.equal(await complainAbout(phone, "first", "二号窗口没说清楚就让我去三号窗口"), "w02");
});

test("a ticket sent on twice: the phone page offers the window in between too, and the complaint is about it", async () => {
  const ticket = (await post("/api/tickets", { service_id: "mz-linshi" }, "demo-kiosk")).body;
  const clerk3 = await signIn("clerk3", "w03");
  await signIn("clerk5", "w05");
  const clerk2 = await callAt("clerk2", "w02");
  assert.equal((await post("/api/windows/w02/transfer", { window_id: "w03" }, clerk2)).status, 200);
  const called = await post("/api/windows/w03/call-next", {}, clerk3);
  assert.equal(called.body.id, ticket.id, "window 3 calls the ticket sent to it");
  assert.equal((await post("/api/windows/w03/transfer", { window_id: "w05" }, clerk3)).status, 200);
  const phone = await complaintForm(ticket);
  const { page } = phone;
  const options = await page.$$eval("#complaintForm select[name=about] option:not([hidden])", (os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(options.map(([v]) => v), ["first", "sent-3", "hall"], JSON.stringify(options));
  assert.match(options[1][1], /^之后接待我、又转办的窗口（3号窗口 /);
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector('#complaintForm option[value="sent-3"]').textContent.startsWith("A later window"));
  assert.equal(await complainAbout(phone, "sent-3", "三号窗口又让我去五号窗口"), "w03");
});

test("the hall's answer to an online complaint shows on the phone that made it, not to another opening the same slip", async () => {
  const ticket = (await post("/api/tickets", { service_id: "mz-linshi" }, "demo-kiosk")).body;
  const clerk = await callAt("clerk3", "w03");
  assert.equal((await post("/api/windows/w03/finish", { outcome: "immediate" }, clerk)).status, 200);
  const phone = await complaintForm(ticket);
  await phone.page.fill("#complaintForm textarea[name=what]", "叫号后等了很久才开始办理");
  await phone.page.click("#complaintForm button[type=submit]");
  await phone.page.waitForSelector("#complaintReceipt:not([hidden])");
  const number = (await phone.page.textContent("#complaintReceipt")).match(/编号 (TS\d{8}-\d{2})/)[1];
  const director = (await post("/api/auth/login", { username: "director", password: "demo" })).body.token;
  const list = await (await fetch(`${base}/api/complaints`, { headers: { Authorization: `Bearer ${director}` } })).json();
  const id = list.find((c) => c.number === number).id;
  const answer = "经核实，当时窗口系统故障，已修复并向您致歉。";
  const r = await post(`/api/complaints/${id}/answer`, { finding: "partly_upheld", answer }, director);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  // The phone that complained reads the answer (R21) ...
  await phone.page.reload();
  await phone.page.waitForFunction((a) => document.querySelector("#complaints").textContent.includes(a), answer);
  await phone.close();
  // ... another phone scanning the same slip (left in the hall) learns where it stands, not what.
  const path = ticket.status_url.replace(/^https?:\/\/[^/]+/, "");
  const other = await open(path, { viewport: { width: 390, height: 844 }, isMobile: true });
  await other.page.waitForFunction((n) => document.querySelector("#complaints").textContent.includes(n), number);
  const shown = await other.page.textContent("#complaints");
  assert.ok(!shown.includes(answer) && shown.includes("答复内容只在提交投诉的手机上显示"), shown);
  await other.close();
});
