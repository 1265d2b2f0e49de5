// The monthly report (/reports/month) in a real Chromium: a few tickets served and rated this
// month, the report opened from /reports with the same sign-in, printed to PDF on A4 and read
// back with pdftotext (title, hall, figures, the signature block, no buttons); opened directly it
// asks for the sign-in, a leader may read it, and it reads in English. Every page fails its test
// on a page error, a console error or a CSP violation (harness.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHall, guard, httpStatusLine } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set
let hall, base, browser;
const pdfDir = mkdtempSync(join(tmpdir(), "hall-monthly-"));
const squash = (s) => s.replace(/\s+/g, "");

before(async () => {
  hall = await startHall();
  ({ base, browser } = hall);
  if (shots) mkdirSync(shots, { recursive: true });
});

after(async () => {
  await hall?.close();
});

async function post(path, body, token) {
  return fetch(`${base}${path}`, {
    method: "POST", headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

const login = async (body) => (await (await post("/api/auth/login", { password: "demo", ...body })).json()).token;

/** Serves `n` tickets of `service` at `window`, each rated `levels[i]` on its phone page (if given). */
async function serve(clerk, window, service, n, levels = []) {
  for (let i = 0; i < n; i++) {
    const t = await (await post("/api/tickets", { service_id: service }, "demo-kiosk")).json();
    assert.equal((await post(`/api/windows/${window}/call-next`, {}, clerk)).status, 200);
    assert.equal((await post(`/api/windows/${window}/finish`, { outcome: "immediate" }, clerk)).status, 200);
    const level = levels[i];
    if (level) {
      const token = t.status_url.split("/").pop();
      const body = level.endsWith("dissatisfied") ? { level, reason: "efficiency" } : { level };
      assert.equal((await post(`/api/t/${token}/rating`, body)).status, 201);
    }
  }
}

// The hall's month (Asia/Shanghai), whatever this machine's clock zone.
const month = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()).slice(0, 7);
const title = `青石镇便民服务中心${Number(month.slice(0, 4))}年${Number(month.slice(5))}月工作月报`;

test("the monthly report opens from /reports and prints on A4 with its figures and signatures", async () => {
  const w01 = await login({ username: "clerk1", window_id: "w01" });
  const w02 = await login({ username: "clerk2", window_id: "w02" });
  await serve(w01, "w01", "zh-zixun", 3, ["very_satisfied", "satisfied"]);
  await serve(w02, "w02", "mz-linshi", 2, ["very_satisfied", "dissatisfied"]);
  await serve(w02, "w02", "mz-dibao", 2);
  // A no-show at w02.
  assert.equal((await post("/api/tickets", { service_id: "mz-linshi" }, "demo-kiosk")).status, 201);
  assert.equal((await post("/api/windows/w02/call-next", {}, w02)).status, 200);
  assert.equal((await post("/api/windows/w02/no-show", {}, w02)).status, 200);

  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: "zh-CN" });
  const reports = await ctx.newPage();
  const g = guard(reports);
  await reports.goto(`${base}/reports`);
  await reports.fill("input[name=password]", "demo");
  await reports.click("#login button[type=submit]");
  await reports.waitForSelector("#figures tr.total");
  const [page] = await Promise.all([ctx.waitForEvent("page"), reports.click("#month")]);
  const gm = guard(page);
  await page.waitForSelector("body[data-ready='1']");
  assert.equal(new URL(page.url()).search, `?month=${month}`, "the month of the range chosen on /reports");
  assert.equal(await page.textContent("#docTitle"), title);
  const totals = await page.$$eval("#totals table.figures:first-of-type td", (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(totals, ["8", "7", "1", "0", "4", "75.0%"], "issued, served, no-show, transferred, rated, satisfaction");
  // No earlier month in this database: the comparison does not make up a zero.
  const compare = await page.$$eval("#compare tbody tr", (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(compare.map((r) => r.slice(1)), [["8", "—", "—"], ["7", "—", "—"], ["75.0%", "—", "—"]]);
  const windows = await page.$$eval("#windows tbody tr", (trs) => trs.map((tr) => tr.cells[0].textContent));
  assert.deepEqual(windows, ["1号 综合受理窗口", "2号 民政窗口（一）", "合计"]);
  assert.equal(await page.$$eval("#staff tbody tr", (trs) => trs.length), 2, "clerk1 and clerk2");
  assert.equal(await page.$$eval("#charts img", (imgs) => imgs.filter((i) => i.naturalWidth > 0).length), 3);
  // The staff's monthly assessment, ranked: clerk1 and clerk2 served, so they lead.
  const ranked = await page.$$eval("#assessment tbody tr", (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.dataset.key]));
  assert.deepEqual(ranked.slice(0, 2).map((r) => r[0]), ["1", "2"], `${ranked}`);
  assert.deepEqual(ranked.slice(0, 2).map((r) => r[1]).sort(), ["clerk1", "clerk2"]);
  assert.equal(await page.$$eval("#assessment thead th", (ths) => ths.length), 11, "the printed sheet: no figure columns");
  if (shots) await page.screenshot({ path: join(shots, "report-month.png"), fullPage: true });

  const file = join(pdfDir, "month.pdf");
  await page.pdf({ path: file, format: "A4" });
  const info = execFileSync("pdfinfo", [file]).toString();
  assert.match(info, /^Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)/m, info);
  const pages = Number(info.match(/^Pages:\s+(\d+)/m)[1]);
  assert.ok(pages >= 1 && pages <= 4, `${pages} pages`);
  const text = squash(execFileSync("pdftotext", [file, "-"]).toString());
  assert.ok(text.includes(squash(title)), text);
  assert.ok(text.includes("青石镇便民服务中心"), text);
  assert.ok(text.includes("取号办结未到（过号）转办评价数满意率871"), `the served count in the totals: ${text}`);
  for (const words of ["六、工作人员月度考核", "名次", "满意度", "制表人", "中心主任", "分管领导", "签字：", "日期："]) {
    assert.ok(text.includes(words), `${words}: ${text}`);
  }
  for (const chrome of ["打印", "返回报表", "English", "退出", "查看"]) assert.ok(!text.includes(chrome), `printed ${chrome}`);
  g.check();
  gm.check();
  await ctx.close();
});

test("opened directly it asks for the sign-in; a leader reads it, in English too; a clerk does not", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  const g = guard(page, { allow: [httpStatusLine(422)] });
  await page.goto(`${base}/reports/month?month=${month}`);
  await page.waitForSelector("#login:not([hidden])");
  await page.fill("input[name=username]", "clerk1");
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#loginError").textContent !== "");
  assert.ok(await page.isHidden("#sheet"));
  await page.fill("input[name=username]", "leader");
  await page.fill("input[name=password]", "demo"); // typed again: never left in the form
  await page.click("#login button[type=submit]");
  await page.waitForSelector("body[data-ready='1']");
  assert.equal(await page.textContent("#docTitle"), title);
  await page.click("#lang");
  await page.waitForFunction(() => document.querySelector("#docTitle")?.textContent.includes("monthly report"));
  await page.waitForSelector("body[data-ready='1']");
  assert.match(await page.textContent("#signatures"), /Prepared by.*Hall director.*Leader in charge/s);
  assert.equal(await page.getAttribute("#chart-trend", "alt"), "Tickets per day");
  g.check();
  await ctx.close();
});

test("a month written wrong is told, not guessed", async () => {
  const ctx = await browser.newContext({ locale: "zh-CN" });
  const page = await ctx.newPage();
  const g = guard(page);
  await page.goto(`${base}/reports`);
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#figures tr.total");
  await page.goto(`${base}/reports/month?month=2026-13`);
  await page.waitForFunction(() => document.querySelector("#error").textContent !== "");
  assert.match(await page.textContent("#error"), /YYYY-MM/);
  assert.ok(await page.isHidden("#sheet"));
  g.check();
  await ctx.close();
});

test("opened without a month it is the hall's month, whatever the screen's time zone", async () => {
  // 23:30 on 30 November in UTC is 07:30 on 1 December in the hall (Asia/Shanghai): December.
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: "zh-CN", timezoneId: "UTC" });
  const page = await ctx.newPage();
  await page.clock.setFixedTime(new Date("2026-11-30T23:30:00Z"));
  const g = guard(page);
  await page.goto(`${base}/reports/month`);
  await page.waitForSelector("#login:not([hidden])");
  await page.fill("input[name=username]", "leader");
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("body[data-ready='1']");
  assert.equal(await page.inputValue("#pick input[name=month]"), "2026-12");
  assert.equal(await page.textContent("#docTitle"), "青石镇便民服务中心2026年12月工作月报");
  g.check();
  await ctx.close();
});
