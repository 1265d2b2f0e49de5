// Petitions (信访, R20) in a real Chromium against a real server: an urgent petition registered
// in one director console shows the red banner on a second director console at once (the
// director's tier of the live stream), is acknowledged there and the banner leaves both; the
// petition is transferred to a department; its 交办单 and 告知书 print on one A4 page each, read
// back from the PDF with pdftotext; text typed as HTML stays text. Every page fails its test on
// a page error, a console error or a CSP violation (harness.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHall, httpStatusLine, openPage } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set
let hall, base, browser;
const pdfDir = mkdtempSync(join(tmpdir(), "hall-petitions-"));

before(async () => {
  hall = await startHall();
  ({ base, browser } = hall);
  if (shots) mkdirSync(shots, { recursive: true });
});

after(async () => {
  await hall?.close();
});

const open = (path, options) => openPage(browser, base, path, options);

async function director(options = {}) {
  const o = await open("/director", options);
  await o.page.fill("#login input[name=password]", "demo");
  await o.page.click("#login button[type=submit]");
  await o.page.waitForSelector("#console:not([hidden])");
  await o.page.waitForFunction(() => document.querySelector("#link").className === "ok");
  return o;
}

const squash = (s) => s.replace(/\s+/g, "");
const chineseDate = (d) => { const [y, m, day] = d.slice(0, 10).split("-").map(Number); return `${y}年${m}月${day}日`; };

function printed(name) {
  const file = join(pdfDir, `${name}.pdf`);
  const pages = Number(execFileSync("pdfinfo", [file]).toString().match(/^Pages:\s+(\d+)/m)[1]);
  return { pages, text: squash(execFileSync("pdftotext", [file, "-"]).toString()) };
}

async function apiAs(token, path) {
  const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, path);
  return r.json();
}

const ISSUE = "西村至东村的村道塌方约20米，多户出行受阻，雨季前请尽快处理";
const MARKUP = "<b>农民</b><img src=x onerror=alert(1)>"; // typed as HTML: stays text

test("an urgent petition: the red banner at once on another console, acknowledged, transferred, its papers printed", async () => {
  const first = await director();
  const second = await director();
  const { page } = first;
  assert.ok(await second.page.locator("#petitionAlert").isHidden(), "no banner before");

  // Registered in the first console with R20's fields.
  await page.click("#petitionNew");
  const f = "#petitionRegister";
  await page.selectOption(`${f} select[name=channel]`, "visit");
  await page.fill(`${f} input[name=name]`, "赵桂芳");
  await page.selectOption(`${f} select[name=gender]`, "female");
  await page.fill(`${f} input[name=age]`, "63");
  await page.fill(`${f} input[name=occupation]`, MARKUP);
  await page.fill(`${f} input[name=political_status]`, "群众");
  await page.fill(`${f} input[name=address_or_workplace]`, "青石镇西村5组");
  await page.fill(`${f} textarea[name=issue]`, ISSUE);
  await page.check(`${f} input[name=urgent]`);
  await page.click("#registerOk");
  await page.waitForFunction(() => document.querySelector("#petitionDialog").open);
  const number = (await page.textContent("#petitionNumber")).trim();
  assert.match(number, /^XF\d{8}-\d{2}$/);
  // Text typed as HTML stays text.
  const info = await page.textContent("#petitionInfo");
  assert.ok(info.includes(ISSUE) && info.includes("赵桂芳") && info.includes(MARKUP), info);
  assert.equal(await page.locator("#petitionInfo img, #petitionInfo b").count(), 0, "no element made from the text");

  // The second console: the red banner, at once, from the live event; then the list's number.
  await second.page.waitForSelector("#petitionAlert:not([hidden])", { timeout: 5000 });
  await second.page.waitForFunction((n) => document.querySelector("#petitionAlertText").textContent.includes(n), number);
  const banner = await second.page.textContent("#petitionAlert");
  assert.ok(banner.includes("紧急") && !banner.includes("赵桂芳"), banner);
  const color = await second.page.$eval("#petitionAlert", (e) => getComputedStyle(e).backgroundColor);
  assert.match(color, /^rgb\((1[5-9]\d|2\d\d), \d{1,2}, \d{1,2}\)$/, `the banner is red: ${color}`);
  await second.page.waitForSelector(`#petitionList tr[data-petition]`);
  if (shots) {
    // The 信访 card under the banner, which stays at the top of the console (sticky).
    await second.page.evaluate(() => window.scrollTo(0, document.querySelector("#petitionsCard").offsetTop - 120));
    await second.page.screenshot({ path: join(shots, "director-petitions.png") });
  }

  // A console opened now shows it at load.
  const third = await director();
  await third.page.waitForSelector("#petitionAlert:not([hidden])");
  assert.ok((await third.page.textContent("#petitionAlertText")).includes(number));

  // Acknowledged on the second: the banner leaves every console.
  await second.page.click("#petitionAck");
  await second.page.waitForSelector("#petitionAlert", { state: "hidden" });
  await page.waitForSelector("#petitionAlert", { state: "hidden" });
  await third.page.waitForSelector("#petitionAlert", { state: "hidden" });
  await third.close();

  // A leader signing in afterwards is still told (R20: reported to the leaders at once), and
  // says 已知悉 for the leaders: nothing of the petitioner on their page.
  const leader = await open("/inspections");
  await leader.page.fill("#login input[name=username]", "leader");
  await leader.page.fill("#login input[name=password]", "demo");
  await leader.page.click("#login button[type=submit]");
  await leader.page.waitForSelector("#petitionAlert:not([hidden])");
  const told = await leader.page.textContent("#petitionAlertText");
  assert.ok(told.includes(number) && told.includes("请分管领导知悉") && !told.includes("赵桂芳"), told);
  await leader.page.click("#petitionSeen");
  await leader.page.waitForSelector("#petitionAlert", { state: "hidden" });
  assert.equal(await leader.page.textContent("#listError"), "");
  await leader.close();

  // Transferred from the first console's dialog to 民政 with what is asked.
  await page.selectOption("#petitionDialog select[name=department]", "minzheng");
  await page.fill("#petitionDialog input[name=transfer_note]", "请现场查看并组织抢修，三日内书面答复");
  await page.click("#transfer");
  await page.waitForFunction(() => document.querySelector("#petitionInfo").textContent.includes("已转交"));
  assert.ok(!(await page.locator("#printSlip").isHidden()));
  const history = await page.textContent("#petitionHistory");
  assert.ok(history.includes("转交民政办理") && history.includes("确认"), history);

  const token = await page.evaluate(() => sessionStorage.getItem("dtoken"));
  const line = (await apiAs(token, "/api/petitions")).find((l) => l.number === number);
  assert.equal(line.state, "transferred");
  assert.equal(line.department, "民政");
  assert.ok(line.due, "a due day (three working days)");
  const hallInfo = await apiAs(token, "/api/hall");

  // The 交办单: one A4 page, no identity of the petitioner.
  const [slip] = await Promise.all([first.ctx.waitForEvent("page"), page.click("#printSlip")]);
  await slip.waitForLoadState();
  await slip.waitForFunction(() => document.body.dataset.ready === "1");
  assert.match(slip.url(), new RegExp(`/petitions/${line.id}/transfer-slip$`));
  assert.equal(await slip.textContent("#docTitle"), "信访事项交办单");
  await slip.pdf({ path: join(pdfDir, "slip.pdf"), format: "A4" });
  let { pages, text } = printed("slip");
  assert.equal(pages, 1, "the transfer slip prints on one page");
  for (const part of ["信访事项交办单", number, "民政", ISSUE, "请现场查看并组织抢修，三日内书面答复", `请于${chineseDate(line.due)}前办结`,
    "交办人（签字）", "承办部门接收人（签字）", "紧急或重大", hallInfo.name]) {
    assert.ok(text.includes(squash(part)), `the transfer slip lacks ${part}:\n${text}`);
  }
  assert.ok(!text.includes("赵桂芳") && !text.includes("西村5组"), "the petitioner's identity stays with the director");
  for (const chrome of ["打印", "关闭", "English"]) assert.ok(!text.includes(chrome), `printed chrome: ${chrome}`);
  if (shots) await slip.screenshot({ path: join(shots, "petition-transfer-slip.png"), fullPage: true });
  await slip.close();

  // The 告知书 to the petitioner: received, handled by 民政, by when, how to follow up.
  const [notice] = await Promise.all([first.ctx.waitForEvent("page"), page.click("#printNotice")]);
  await notice.waitForLoadState();
  await notice.waitForFunction(() => document.body.dataset.ready === "1");
  assert.equal(await notice.textContent("#docTitle"), "信访事项告知书");
  await notice.pdf({ path: join(pdfDir, "notice.pdf"), format: "A4" });
  ({ pages, text } = printed("notice"));
  assert.equal(pages, 1, "the notice prints on one page");
  for (const part of ["信访事项告知书", "赵桂芳：", number, `已转交民政办理，将于${chineseDate(line.due)}前给予答复`, hallInfo.phone, "查询"]) {
    assert.ok(text.includes(squash(part)), `the notice lacks ${part}:\n${text}`);
  }
  await notice.close();
  // Still running: it may be sent on to another department (民政 is not offered again).
  assert.ok(await page.isVisible("#petitionTransfer"));
  assert.equal(await page.textContent("#petitionTransfer h3"), "改交其他部门（原承办部门告知不属其职责）");
  const offered = await page.$$eval("#petitionDialog select[name=department] option", (o) => o.map((x) => x.value));
  assert.ok(offered.length > 0 && !offered.includes("minzheng"), offered.join());

  // Answered and closed from the console.
  await page.fill("#petitionDialog textarea[name=answer_text]", "民政办已组织抢修，道路恢复通行");
  await page.click("#answer");
  await page.waitForSelector("#petitionClose:not([hidden])");
  await page.click("#closePetition");
  await page.waitForFunction(() => document.querySelector("#petitionInfo").textContent.includes("已办结"));
  await first.close();
  await second.close();
});

test("the console refuses nothing silently: a bad registration shows its error and registers nothing", async () => {
  const o = await director({ allow: [httpStatusLine(422)] });
  const { page } = o;
  await page.click("#petitionNew");
  const f = "#petitionRegister";
  await page.fill(`${f} input[name=name]`, "钱某");
  await page.fill(`${f} input[name=address_or_workplace]`, "青石镇");
  await page.fill(`${f} textarea[name=issue]`, "反映问题");
  await page.check(`${f} input[name=solved_on_spot]`); // without the answer given
  await page.click("#registerOk");
  await page.waitForFunction(() => document.querySelector("#registerError").textContent !== "");
  assert.match(await page.textContent("#registerError"), /信访登记内容有误/);
  await o.close();
});

test("an unsigned letter is registered without a name or address, and offers no 告知书 (R20)", async () => {
  const o = await director();
  const { page } = o;
  await page.click("#petitionNew");
  const f = "#petitionRegister";
  await page.selectOption(`${f} select[name=channel]`, "letter");
  await page.fill(`${f} input[name=name]`, "不该寄出的名字");
  await page.check(`${f} input[name=anonymous]`);
  assert.ok(await page.isDisabled(`${f} input[name=name]`), "no name to type");
  assert.ok(await page.isDisabled(`${f} input[name=address_or_workplace]`));
  await page.selectOption(`${f} select[name=gender]`, "unstated");
  await page.fill(`${f} textarea[name=issue]`, "匿名反映：村道路灯长期不亮");
  const [sent] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith("/api/petitions") && r.method() === "POST"),
    page.click("#registerOk"),
  ]);
  const body = JSON.parse(sent.postData());
  assert.equal(body.anonymous, true);
  assert.equal(body.name, "", "the name typed before the box was ticked is not sent");
  await page.waitForFunction(() => document.querySelector("#petitionDialog").open);
  assert.match(await page.textContent("#petitionInfo"), /匿名/);
  assert.ok(await page.isHidden("#printNotice"), "nobody to give a 告知书 to");
  // The next registration starts with the name and address asked for again.
  await page.keyboard.press("Escape");
  await page.click("#petitionNew");
  assert.ok(!(await page.isDisabled(`${f} input[name=name]`)));
  assert.ok(!(await page.isChecked(`${f} input[name=anonymous]`)));
  await o.close();
});

test("a letter's time of arrival is typed in the hall's time, whatever the console's time zone", async () => {
  // A console whose clock is set to UTC (as a fresh Linux install often is).
  const o = await director({ timezoneId: "UTC" });
  const { page } = o;
  // Two hours ago in the hall (Asia/Shanghai, UTC+8), as the datetime field takes it.
  const typed = new Date(Date.now() - 2 * 3600_000 + 8 * 3600_000).toISOString().slice(0, 16);
  await page.click("#petitionNew");
  const f = "#petitionRegister";
  await page.selectOption(`${f} select[name=channel]`, "letter");
  await page.fill(`${f} input[name=name]`, "钱某");
  await page.fill(`${f} input[name=address_or_workplace]`, "青石镇东村");
  await page.fill(`${f} textarea[name=issue]`, "反映村道路灯损坏");
  await page.fill(`${f} input[name=received_at]`, typed);
  await page.click("#registerOk");
  await page.waitForFunction(() => document.querySelector("#petitionDialog").open);
  const number = (await page.textContent("#petitionNumber")).trim();
  const token = await page.evaluate(() => sessionStorage.getItem("dtoken"));
  const line = (await apiAs(token, "/api/petitions")).find((l) => l.number === number);
  const petition = await apiAs(token, `/api/petitions/${line.id}`);
  assert.equal(petition.received_at.slice(0, 16), typed, `received as typed, in the hall's time: ${petition.received_at}`);
  assert.ok(petition.received_at.endsWith("+08:00"), petition.received_at);
  await o.close();
});

test("what the director typed for one petitioner never carries to the next, nor past a sign-out", async () => {
  const d = await director();
  const { page } = d;
  const token = await page.evaluate(() => sessionStorage.getItem("dtoken"));
  const register = async (name) => {
    const r = await fetch(`${base}/api/petitions`, {
      method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ channel: "letter", name, gender: "male", address_or_workplace: "青石镇东村", issue: `${name}反映的问题` }),
    });
    assert.equal(r.status, 201);
    return (await r.json()).id;
  };
  const a = await register("钱进"), b = await register("孙立");
  const openPetition = async (id) => {
    await page.waitForSelector(`#petitionList tr[data-petition="${id}"]`);
    await page.click(`#petitionList tr[data-petition="${id}"]`);
    await page.waitForFunction((n) => document.querySelector("#petitionDialog").open &&
      document.querySelector("#petitionInfo").textContent.includes(n), id === a ? "钱进" : "孙立");
  };
  await openPetition(a);
  await page.fill("#petitionDialog textarea[name=answer_text]", "给钱进的答复");
  await page.fill("#petitionDialog input[name=transfer_note]", "给钱进的交办要求");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("#petitionDialog").open);
  await openPetition(b);
  assert.equal(await page.inputValue("#petitionDialog textarea[name=answer_text]"), "", "R20: not the last petitioner's answer");
  assert.equal(await page.inputValue("#petitionDialog input[name=transfer_note]"), "");
  // Signed out with the dialog open: nothing of the petitioner stays over the sign-in form.
  await page.fill("#petitionDialog textarea[name=answer_text]", "给孙立的答复");
  await page.evaluate(() => document.querySelector("#logout").click());
  await page.waitForSelector("#login:not([hidden])");
  assert.equal(await page.locator("dialog[open]").count(), 0, "no dialog left open");
  assert.equal(await page.inputValue("#petitionDialog textarea[name=answer_text]"), "");
  assert.ok(!(await page.textContent("#petitionList")).includes("孙立"), "the list is gone");
  assert.equal(await page.textContent("#petitionInfo"), "", "nor the petitioner's details, hidden in the page");
  await d.close();
});
