// A real hall server on 127.0.0.1 and a headless Chromium, shared by the browser tests; every
// page opened through `newPage` fails its test on a page error, a console error or a
// Content-Security-Policy violation.
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

/**
 * Starts the hall server (and Chromium). `tls: true` serves HTTPS (`--tls-cert`, `--tls-key`)
 * with a self-signed certificate for 127.0.0.1 made now with openssl; pages then need a context
 * with `ignoreHTTPSErrors`. `keep: true` leaves the database's folder (`dir`) at `close()`, for
 * a later `startHall({ dir })` on the same database (a restart).
 */
export async function startHall({ tls = false, dir: reuse = null, keep = false } = {}) {
  const serverBin = process.env.HALL_SERVER_BIN;
  assert.ok(serverBin, "set HALL_SERVER_BIN to the hall-server binary");
  const dir = reuse ?? mkdtempSync(join(tmpdir(), "hall-browser-"));
  const args = ["--db", join(dir, "hall.db"), "--demo", "--issue-any-time", "--kiosk-rate-limit", "0", "--listen", "127.0.0.1:0"];
  if (tls) {
    const [cert, key] = [join(dir, "hall.pem"), join(dir, "hall.key")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
    args.push("--tls-cert", cert, "--tls-key", key);
  }
  const server = spawn(serverBin, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, RUST_LOG: "warn" },
  });
  const base = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (https?:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`server exited: ${code}`)));
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const close = async () => {
    await browser.close();
    // The server's database folder goes with it, once it has stopped writing there.
    const exited = server.exitCode !== null ? Promise.resolve() : new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  return { base, browser, server, close, dir };
}

/**
 * One hall (server and Chromium, as [`startHall`]) for a test file: started before its tests,
 * `ready(hall)` told of it, stopped after them.
 */
export function useHall(ready, options) {
  let hall;
  before(async () => {
    hall = await startHall(options);
    await ready(hall);
  });
  after(async () => {
    await hall?.close();
  });
}

/**
 * Watches a page for anything that would be a bug a user never sees: uncaught exceptions,
 * console errors, CSP violations. `allow` lists console messages a test expects (e.g. the
 * browser's own line about a 401 it provoked). Call `check()` at the end of the test (and
 * `newPage` contexts call it on close).
 */
export function guard(page, { allow = [] } = {}) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.stack || e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    if (allow.some((re) => re.test(text))) return;
    problems.push(`console error: ${text} (${m.location()?.url ?? ""})`);
  });
  // A violation is also a console error in Chromium; this names the directive plainly.
  // (A window the test closes at once, e.g. a notice, may be gone before this is installed.)
  page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
    });
  }).catch(() => {});
  return {
    problems,
    allow(re) { allow.push(re); },
    check() { assert.deepEqual(problems, [], `the page reported problems:\n${problems.join("\n")}`); },
  };
}

/** The browser's console line for a failed request the test provoked on purpose. */
/** An API call without a page: `{status, body}` (the body parsed, null for a 204). */
export async function call(base, method, path, token, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, body: r.status === 204 ? null : await r.json() };
}

export const httpStatusLine = (status) => new RegExp(`Failed to load resource: the server responded with a status of ${status}`);

/**
 * Opens `path` of the hall at `base` in a fresh browser context (Chinese locale): the page, and
 * every window it opens (a notice, a letter, a petition's papers), fail the test on a page error,
 * a console error or a CSP violation when `close()` checks them.
 */
/**
 * The server's answers dated by the page's installed clock (their `Date` header, which the pages
 * take as the hall's time): a test that moves the page's clock to a midnight or an afternoon
 * moves the server's as the page sees it. Live streams are left alone.
 */
export async function serverAtPageClock(page) {
  await page.route((url) => url.pathname.startsWith("/api/") && !url.pathname.endsWith("/events"), async (route) => {
    try {
      const res = await route.fetch();
      const now = await page.evaluate(() => Date.now());
      await route.fulfill({ response: res, headers: { ...res.headers(), date: new Date(now).toUTCString() } });
    } catch (e) {
      if (!page.isClosed()) throw e; // else the page closed with the request on its way: nobody waits
    }
  });
}

/** A page in a context of its own; `clockAhead` ms sets the browser's clock that far off the machine's. */
export async function openPage(browser, base, path, { viewport = { width: 1366, height: 900 }, allow = [], clockAhead, ...options } = {}) {
  const ctx = await browser.newContext({ viewport, locale: "zh-CN", ...options });
  if (clockAhead) await ctx.clock.install({ time: Date.now() + clockAhead });
  const guards = [];
  const page = await ctx.newPage();
  guards.push(guard(page, { allow }));
  ctx.on("page", (p) => guards.push(guard(p, { allow })));
  await page.goto(`${base}${path}`);
  return { ctx, page, guards, close: async () => {
    for (const g of guards) g.check();
    // Answers on their way; a page that closed meanwhile (a notice's print window closes itself
    // once printed) has nothing left to unroute.
    for (const p of ctx.pages()) await p.unrouteAll({ behavior: "ignoreErrors" }).catch((e) => { if (!p.isClosed()) throw e; });
    await ctx.close();
  } };
}
