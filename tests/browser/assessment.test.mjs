// The monthly assessment (R17) in a real Chromium against a real server: the director's console
// ranks this month's clerks with each component visible (and the windows), switches language,
// and closes last month, which then says it is frozen; a clerk sees their own sheet only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { useHall, openPage } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set
let base, browser;
useHall((h) => ({ base, browser } = h));

async function post(path, body, token) {
  const r = await fetch(`${base}${path}`, {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}

// The month before the hall's (Asia/Shanghai), whatever this machine's clock zone.
const lastMonth = () => {
  const [y, m] = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()).split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
};

test("the director ranks the month's clerks and windows, and closes last month", async () => {
  // clerk2 serves two citizens at w02 today: the most of anybody, ranked first.
  const clerk = (await post("/api/auth/login", { username: "clerk2", password: "demo", window_id: "w02" })).body.token;
  for (let i = 0; i < 2; i++) {
    assert.equal((await post("/api/tickets", { service_id: "mz-linshi" }, "demo-kiosk")).status, 201);
    assert.equal((await post("/api/windows/w02/call-next", {}, clerk)).status, 200);
    assert.equal((await post("/api/windows/w02/finish", { outcome: "immediate" }, clerk)).status, 200);
  }
  const d = await openPage(browser, base, "/director");
  const page = d.page;
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#assessment tr[data-key]");
  const first = await page.$eval("#assessment tr[data-key]", (tr) => [...tr.cells].map((td) => td.textContent));
  assert.equal(first[0], "1", `rank: ${first}`);
  assert.equal(first[1], "陈建国", "clerk2 by name");
  assert.equal(first[6], "100", `service, the most served: ${first}`);
  // Beside the working days due (service counts per day due), while attendance can be judged
  // (not on a Sunday or a holiday, nor in a year whose calendar is not loaded).
  const director = (await post("/api/auth/login", { username: "director", password: "demo" })).body.token;
  const month = await (await fetch(`${base}/api/assessment`, { headers: { Authorization: `Bearer ${director}` } })).json();
  const due = month.staff.find((s) => s.key === "clerk2").figures.days_due;
  assert.equal(first[13], due == null ? "2" : `2（${due}天）`, "served");
  const heads = await page.$$eval("#assessment th", (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(heads.slice(0, 10), ["名次", "工作人员", "总分", "等次", "考勤", "纪律", "服务量", "办件", "档案", "满意度"]);
  assert.match(await page.textContent("#asState"), /本月尚未结束/);
  assert.equal(await page.isHidden("#asClose"), true, "a month in progress cannot be closed");
  // Windows: no attendance ("—", never zero).
  await page.selectOption("#asOf", "windows");
  const w02 = await page.$$eval("#assessment tr[data-key=w02] td", (tds) => tds.map((td) => td.textContent));
  assert.equal(w02[4], "—", `attendance of a window: ${w02}`);
  assert.equal(w02[0], "1");
  await page.selectOption("#asOf", "staff");
  if (shots) await page.locator("#assessmentCard").screenshot({ path: join(shots, "assessment.png") });
  await page.click("#lang");
  assert.equal(await page.textContent("#assessment th:nth-child(5)"), "Attendance");
  await page.click("#lang");

  // Last month is over: closed here, after the confirmation, and then says it is frozen.
  await page.fill("#asMonth", lastMonth());
  await page.dispatchEvent("#asMonth", "change");
  await page.waitForSelector("#asClose:not([hidden])");
  page.once("dialog", (dialog) => dialog.accept());
  await page.click("#asClose");
  await page.waitForFunction(() => document.querySelector("#asState").textContent.includes("已冻结"));
  assert.equal(await page.isHidden("#asClose"), true, "closed once");
  await d.close();
});

test("a clerk sees their own sheet and rank, nobody else's", async () => {
  const c = await openPage(browser, base, "/clerk");
  const page = c.page;
  c.ctx.on("page", (p) => p.close().catch(() => {}));
  await page.fill("input[name=username]", "clerk2");
  await page.fill("input[name=password]", "demo");
  await page.selectOption("select[name=window]", "w02");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#myAssessment tr[data-key]");
  const rows = await page.$$eval("#myAssessment tr[data-key]", (trs) => trs.map((tr) => tr.dataset.key));
  assert.deepEqual(rows, ["clerk2"]);
  assert.match(await page.textContent("#myRank"), /^第 1 名（共 \d+ 人）$/);
  await c.close();
});
