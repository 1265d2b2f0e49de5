// The county screen (/county, served by hall-county) in Chromium: a throwaway PostgreSQL
// cluster, two real halls and the county service; sign in, see a hall's row change within
// seconds of a ticket issued there, sort, open a hall's details, download the report's CSV.
// Needs HALL_SERVER_BIN (hall-county is beside it, or HALL_COUNTY_BIN) and Debian's postgresql.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHall, openPage, httpStatusLine } from "./harness.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** A free port of 127.0.0.1. */
const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** PostgreSQL's server tools, run as `postgres` when we are root (initdb refuses root). */
function pgTool(tool, args) {
  const dir = ["15", "16", "17", "14", "13"].map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(`${d}/${tool}`));
  assert.ok(dir, "no PostgreSQL server binaries (apt-get install postgresql)");
  const root = process.getuid?.() === 0;
  const [cmd, argv] = root ? ["runuser", ["-u", "postgres", "--", `${dir}/${tool}`, ...args]] : [`${dir}/${tool}`, args];
  execFileSync(cmd, argv, { stdio: ["ignore", "ignore", "inherit"] });
}

async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), "county-browser-pg-"));
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  const data = join(dir, "data");
  pgTool("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  pgTool("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "-w", "start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try { pgTool("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]); } catch { /* already down */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a process and resolves to its address from its first line `… listening on http://…`. */
function started(child) {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`exited: ${code}`)));
  });
}

let hall, pg, second, county, work;

before(async () => {
  pg = await startPostgres();
  hall = await startHall(); // the sample hall: qingshui 青石镇便民服务中心
  work = mkdtempSync(join(tmpdir(), "county-browser-"));
  // A second hall, 白云镇, from the same sample with its own id and name.
  const sample = readFileSync(join(root, "halls/sample-town.toml"), "utf8")
    .replace('id = "qingshui"', 'id = "baiyun"').replace(/name = "青石镇便民服务中心"/, 'name = "白云镇便民服务中心"');
  writeFileSync(join(work, "baiyun.toml"), sample);
  const secondProc = spawn(process.env.HALL_SERVER_BIN, ["--config", join(work, "baiyun.toml"), "--db", join(work, "baiyun.db"),
    "--demo", "--issue-any-time", "--kiosk-rate-limit", "0", "--listen", "127.0.0.1:0"],
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" } });
  second = { proc: secondProc, base: await started(secondProc) };
  writeFileSync(join(work, "halls.toml"),
    `[[halls]]\nid = "qingshui"\nurl = "${hall.base}"\ntoken = "demo-county"\n\n` +
    `[[halls]]\nid = "baiyun"\nurl = "${second.base}"\ntoken = "demo-county"\n`);
  const bin = process.env.HALL_COUNTY_BIN || join(dirname(process.env.HALL_SERVER_BIN), "hall-county");
  const countyProc = spawn(bin, ["--database-url", pg.url, "--halls", join(work, "halls.toml"), "--listen", "127.0.0.1:0", "--demo"],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, RUST_LOG: "warn" } });
  county = { proc: countyProc, base: await started(countyProc) };
});

after(async () => {
  for (const p of [county?.proc, second?.proc]) {
    if (p && p.exitCode === null) {
      const exited = new Promise((resolve) => p.once("exit", resolve));
      p.kill("SIGTERM");
      await exited;
    }
  }
  await hall?.close();
  pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function issue(base, n = 1) {
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${base}/api/tickets`, {
      method: "POST", headers: { "content-type": "application/json", authorization: "Bearer demo-kiosk" },
      body: JSON.stringify({ service_id: "zh-zixun" }),
    });
    assert.equal(r.status, 201);
  }
}

/** At the hall: clerk1 opens w01, serves the next ticket, and the citizen rates it 满意. */
async function serveAndRate(base) {
  const post = async (path, token, body) => {
    const r = await fetch(`${base}${path}`, {
      method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!r.ok) assert.fail(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  const ticket = await (await fetch(`${base}/api/tickets`, {
    method: "POST", headers: { "content-type": "application/json", authorization: "Bearer demo-kiosk" },
    body: JSON.stringify({ service_id: "zh-zixun" }),
  })).json();
  const { token } = await post("/api/auth/login", null, { username: "clerk1", password: "demo", window_id: "w01" });
  await post("/api/windows/w01/call-next", token, {});
  await post("/api/windows/w01/start", token, {});
  await post("/api/windows/w01/finish", token, { outcome: "immediate" });
  await post(`/api/t/${ticket.status_url.split("/").pop()}/rating`, null, { level: "satisfied" });
}

const cell = (page, hall, column) => page.locator(`#hallRows tr[data-hall="${hall}"] td`).nth(column);
const COL = { name: 0, online: 1, lag: 2, waiting: 3, longest: 4, windows: 5, overdue: 6, tickets: 7, satisfaction: 8 };

test("the county screen: every hall live, sorted, a hall's details, the report's CSV", async () => {
  await issue(second.base, 2);
  await serveAndRate(hall.base); // 青石镇: a window open, one served and rated 满意
  const { page, close } = await openPage(hall.browser, county.base, "/county", { acceptDownloads: true, allow: [httpStatusLine(422)] });
  assert.match(await page.title(), /全县政务服务大厅/);
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.locator("#screen").waitFor();

  // Both halls, online, with the figures of their events.
  await assert.doesNotReject(cell(page, "qingshui", COL.online).filter({ hasText: "在线" }).waitFor());
  await cell(page, "baiyun", COL.tickets).filter({ hasText: /^2$/ }).waitFor();
  assert.equal(await cell(page, "qingshui", COL.name).textContent(), "青石镇便民服务中心");
  assert.match(await cell(page, "qingshui", COL.lag).textContent(), /秒前/);
  await cell(page, "qingshui", COL.satisfaction).filter({ hasText: "100.0%" }).waitFor();
  assert.equal(await cell(page, "qingshui", COL.windows).textContent(), "1");
  assert.equal(await cell(page, "baiyun", COL.satisfaction).textContent(), "—", "nothing rated: unknown, not 0");
  const before = Number(await cell(page, "qingshui", COL.tickets).textContent());
  assert.equal(before, 1);

  // A ticket issued at the hall: its row changes by itself within seconds.
  await issue(hall.base, 3);
  await cell(page, "qingshui", COL.tickets).filter({ hasText: new RegExp(`^${before + 3}$`) }).waitFor({ timeout: 15_000 });
  await cell(page, "qingshui", COL.waiting).filter({ hasText: /^3$/ }).waitFor();
  await cell(page, "baiyun", COL.waiting).filter({ hasText: /^2$/ }).waitFor();

  // Sorting: by waiting, largest first, then the other way.
  const order = () => page.locator("#hallRows tr").evaluateAll((rows) => rows.map((r) => r.dataset.hall));
  await page.click('#halls th button[data-sort="waiting"]');
  assert.deepEqual(await order(), ["qingshui", "baiyun"]);
  assert.equal(await page.locator('#halls th:has(button[data-sort="waiting"])').getAttribute("aria-sort"), "descending");
  await page.click('#halls th button[data-sort="waiting"]');
  assert.deepEqual(await order(), ["baiyun", "qingshui"]);
  // The order holds across the next refresh.
  await page.waitForTimeout(3500);
  assert.deepEqual(await order(), ["baiyun", "qingshui"]);

  // A hall's details, and its own director console one click away.
  await page.click('#hallRows tr[data-hall="baiyun"] td.name');
  await page.locator("#detail").waitFor();
  assert.match(await page.textContent("#detailTitle"), /白云镇便民服务中心/);
  assert.equal(await page.getAttribute("#directorLink", "href"), `${second.base}/director`);
  assert.match(await page.textContent("#days"), /日期/);

  // The report for this month: a line per hall, and its CSV with the BOM for Excel.
  await page.locator("#figures tr.total").waitFor();
  assert.match(await page.textContent("#figures"), /白云镇便民服务中心[\s\S]*青石镇便民服务中心|青石镇便民服务中心[\s\S]*白云镇便民服务中心/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  assert.match(download.suggestedFilename(), /^county-hall-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 BOM");
  const rows = bytes.subarray(3).toString("utf8").trim().split("\r\n");
  assert.match(rows[0], /^大厅编号,大厅名称,取号,办结,未到,/);
  assert.deepEqual(rows.slice(1).map((r) => r.split(",")[0]), ["baiyun", "qingshui", "合计"]);
  assert.equal(rows[1].split(",")[2], "2", "baiyun issued 2");

  // The report again, now: 青石镇's four tickets and its rating.
  await page.click("#range button[type=submit]");
  await page.locator("#figures tr", { hasText: "青石镇便民服务中心" }).filter({ hasText: "100.0%" }).waitFor();
  if (process.env.HALL_SCREENSHOTS) await page.screenshot({ path: join(process.env.HALL_SCREENSHOTS, "county.png"), fullPage: true });

  // A bad range is told on the page, in its language.
  await page.fill("input[name=from]", "2026-12-31");
  await page.fill("input[name=to]", "2026-01-01");
  await page.click("#range button[type=submit]");
  await page.locator("#reportError").filter({ hasText: "起始不晚于截止" }).waitFor();

  // English, complete.
  await page.click("#lang");
  assert.equal(await page.textContent("h1"), "County service halls — live");
  await cell(page, "qingshui", COL.online).filter({ hasText: "Online" }).waitFor();
  assert.equal(await page.textContent('#halls th button[data-sort="waiting"]'), "Waiting");
  await page.click("#lang");
  await close();
});

test("signing out ends the session on the server: the token no longer reads the halls", async () => {
  const { page, close } = await openPage(hall.browser, county.base, "/county");
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.locator("#screen").waitFor();
  const token = await page.evaluate(() => sessionStorage.getItem("ctoken"));
  assert.ok(token);
  const out = page.waitForResponse("**/api/auth/logout");
  await page.click("#logout");
  assert.equal((await out).status(), 204);
  const res = await fetch(`${county.base}/api/county/halls`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error, "session_expired");
  await close();
});

test("a hall's details answered after a sign-out are not shown, then or at the next sign-in", async () => {
  // The read held back arrives after the session ended on the server: refused (401).
  const { page, close } = await openPage(hall.browser, county.base, "/county", { allow: [/status of 401 \(Unauthorized\)/] });
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.locator("#screen").waitFor();
  await cell(page, "baiyun", COL.name).waitFor();
  // The hall's read held back until the sign-out is done.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route("**/api/county/halls/baiyun", async (route) => { await held; await route.continue(); });
  await page.click('#hallRows tr[data-hall="baiyun"] td.name');
  await page.click("#logout");
  await page.locator("#login").waitFor();
  const answered = page.waitForResponse("**/api/county/halls/baiyun");
  release();
  await answered;
  await page.evaluate(() => new Promise((r) => setTimeout(r, 100))); // its handler has run
  assert.ok(await page.isHidden("#detail"), "not under the sign-in form");
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.locator("#screen").waitFor();
  await cell(page, "baiyun", COL.name).waitFor();
  assert.ok(await page.isHidden("#detail"), "nor for the next session");
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await close();
});

test("the county screen lists a reported case the relay cannot deliver, and why", async () => {
  // 青石镇 reports a case upward (R14), but the county's halls file names no county hall.
  const post = async (path, token, body) => {
    const r = await fetch(`${hall.base}${path}`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body),
    });
    if (!r.ok) assert.fail(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  await post("/api/tickets", "demo-kiosk", { service_id: "mz-linshi" });
  const login = await fetch(`${hall.base}/api/auth/login`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "clerk2", password: "demo", window_id: "w02" }),
  });
  const { token } = await login.json();
  await post("/api/windows/w02/call-next", token, {});
  const done = await post("/api/windows/w02/finish", token,
    { outcome: "reported", authority: "县民政局", applicant_name: "王五", applicant_phone: "13700001111" });
  const number = done.case.number;

  const { page, close } = await openPage(hall.browser, county.base, "/county");
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  const row = page.locator(`#relayRows tr[data-key="report:${number}"]`);
  await row.filter({ hasText: "投递失败" }).waitFor({ timeout: 20_000 });
  const cells = await row.locator("td").allTextContents();
  assert.equal(cells[0], "青石镇便民服务中心");
  assert.equal(cells[1], "（大厅清单中没有县级大厅）");
  assert.equal(cells[2], `上报件 ${number}`);
  assert.match(cells[5], /^投递失败，自动重试：.*county_hall = true/);
  assert.match(await page.textContent("#relayTitle"), /未确认的消息 \d 条/);
  assert.doesNotMatch(await page.textContent("#relay"), /王五|13700001111/, "no applicant's data at the county");
  // A progress step in a town's outbox (its database edited: only the county hall answers on
  // reported cases), in words.
  execFileSync("sqlite3", ["-cmd", ".timeout 5000", join(hall.dir, "hall.db"),
    "INSERT INTO outbox (key, kind, to_hall, body, created_at) VALUES ('progress:shanxia:20261201-0003:accepted', 'progress', 'shanxia', '{}', 0)"]);
  const back = page.locator('#relayRows tr[data-key="progress:shanxia:20261201-0003:accepted"]');
  await back.filter({ hasText: "投递失败" }).waitFor({ timeout: 20_000 });
  const words = await back.locator("td").allTextContents();
  assert.deepEqual(words.slice(1, 3), ["shanxia", "县级办理进度 20261201-0003（已受理）"]);
  assert.match(words[5], /only the county hall sends progress on reported cases/);
  if (process.env.HALL_SCREENSHOTS) await page.locator("#relay").screenshot({ path: join(process.env.HALL_SCREENSHOTS, "county-relay.png") });
  await page.click("#lang");
  await page.locator("#relayTitle").filter({ hasText: "Relay: 2 messages not acknowledged" }).waitFor();
  assert.match(await row.textContent(), /Reported case .*no county hall in the halls file|no county hall in the halls file.*Reported case/);
  await page.click("#lang");
  await close();
});
