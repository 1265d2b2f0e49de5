// "Your turn soon" (issue 17) in a real Chromium against a real server.
// The ticket's phone page: tickets ahead are called until the hall's turn_soon_ahead remain,
// and the page says so once (vibration, beep, notification — stubbed by an init script, which
// records the calls — a banner and the title), not again on the next calls, and once more when
// the ticket itself is called. Every page fails its test on a page error, a console error or a
// CSP violation (harness.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startHall, guard } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS; // where to write page screenshots, if set
const PHONE = { width: 360, height: 740 };
let hall, base, browser;

before(async () => {
  hall = await startHall();
  ({ base, browser } = hall);
  if (shots) mkdirSync(shots, { recursive: true });
});

after(async () => {
  await hall?.close();
});

/**
 * The phone's alert devices, replaced before the page's scripts run: navigator.vibrate,
 * Notification (the citizen allows it when asked) and an AudioContext whose oscillators count
 * the beeps. What they were asked to do is in `window.__alerts`.
 */
function stubAlerts() {
  const rec = { vibrate: [], notes: [], beeps: 0, asked: 0 };
  window.__alerts = rec;
  Object.defineProperty(Navigator.prototype, "vibrate", { configurable: true, value: (p) => { rec.vibrate.push(p); return true; } });
  class FakeNotification {
    static permission = "default";
    static async requestPermission() { rec.asked++; FakeNotification.permission = "granted"; return "granted"; }
    constructor(title, options) { rec.notes.push({ title, body: options?.body }); }
    close() {}
  }
  window.Notification = FakeNotification;
  const node = () => ({ connect: (x) => x, gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} } });
  window.AudioContext = class {
    state = "running"; currentTime = 0; destination = {};
    resume() { return Promise.resolve(); }
    createGain() { return node(); }
    createOscillator() { return { ...node(), frequency: { value: 0 }, start() { rec.beeps++; }, stop() {} }; }
  };
}

/** A new browser context and page (Chinese unless `lang`), watched by the guard; `close()` checks and closes. */
async function open(path, { viewport = PHONE, allow = [], lang = "zh", init = null } = {}) {
  const ctx = await browser.newContext({ viewport, locale: "zh-CN", hasTouch: true, isMobile: true });
  await ctx.addInitScript((l) => { if (!sessionStorage.getItem("langSet")) { localStorage.setItem("lang", l); sessionStorage.setItem("langSet", "1"); } }, lang);
  if (init) await ctx.addInitScript(init);
  const page = await ctx.newPage();
  const g = guard(page, { allow });
  await page.goto(`${base}${path}`);
  return { ctx, page, guard: g, close: async () => { g.check(); await ctx.close(); } };
}

async function post(path, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body ?? {}) });
}

async function get(path) {
  const r = await fetch(`${base}${path}`);
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json();
}

async function issue(service) {
  const r = await post("/api/tickets", { service_id: service }, "demo-kiosk");
  assert.equal(r.status, 201);
  return r.json();
}

const pathOf = (url) => url.replace(/^https?:\/\/[^/]+/, "");

const tokens = new Map();
async function clerk(user, window) {
  if (tokens.has(user)) return tokens.get(user);
  const r = await post("/api/auth/login", { username: user, password: "demo", window_id: window });
  assert.equal(r.status, 200);
  const token = (await r.json()).token;
  tokens.set(user, token);
  return token;
}

/** Calls the next ticket at the window (it must be `number`), and finishes it unless told not to. */
async function call(window, token, number, { finish = true } = {}) {
  const called = await post(`/api/windows/${window}/call-next`, {}, token);
  assert.equal(called.status, 200);
  assert.equal((await called.json()).number, number);
  if (finish) assert.equal((await post(`/api/windows/${window}/finish`, { outcome: "immediate" }, token)).status, 200);
}

const alerts = (page) => page.evaluate(() => structuredClone(window.__alerts));

test("your turn soon: the phone is told once when few are ahead, and once when called", async () => {
  const hallInfo = await get("/api/hall");
  const soon = hallInfo.turn_soon_ahead ?? 3;
  const tickets = [];
  for (let i = 0; i < soon + 2; i++) tickets.push(await issue("zr-budongchan"));
  const mine = tickets.at(-1);
  const p = await open(pathOf(mine.status_url), { init: stubAlerts });
  await p.page.waitForFunction((n) => document.querySelector("#number").textContent === n, mine.number);
  await p.page.waitForFunction(() => document.querySelector("#link").textContent === "● 实时更新");
  assert.equal(await p.page.textContent("#ahead"), String(soon + 1));
  assert.ok(await p.page.isHidden("#turnAlert"));
  assert.doesNotMatch(await p.page.title(), /⏰/);
  // The citizen turns the notifications on (asked only now, by the button).
  assert.equal((await alerts(p.page)).asked, 0);
  await p.page.click("#notifyOn");
  await p.page.waitForFunction(() => document.querySelector("#notifyState").textContent.startsWith("已开启通知"));
  assert.ok(await p.page.isHidden("#notifyOn"));
  assert.equal((await alerts(p.page)).asked, 1);

  const token = await clerk("clerk9", "w09");
  await call("w09", token, tickets[0].number);
  await p.page.waitForFunction((n) => document.querySelector("#ahead").textContent === String(n), soon);
  await p.page.waitForSelector("#turnAlert:not([hidden])");
  assert.equal(await p.page.textContent("#turnAlert"), `快到您了：前面还有 ${soon} 人，请回到大厅留意叫号`);
  assert.match(await p.page.title(), new RegExp(`^⏰ 还有${soon}人 · ${mine.number}`));
  let a = await alerts(p.page);
  assert.equal(a.vibrate.length, 1, "vibrated once");
  assert.equal(a.beeps, 2, "two short beeps");
  assert.deepEqual(a.notes.map((n) => n.title), [`${mine.number} 快到您了`]);
  if (shots) await p.page.screenshot({ path: join(shots, "ticket-turn-soon-zh.png"), fullPage: true });

  // Further calls move it closer: the banner follows, nothing rings again.
  for (let i = 1; i < soon + 1; i++) {
    await call("w09", token, tickets[i].number);
    await p.page.waitForFunction((n) => document.querySelector("#ahead").textContent === String(n), soon - i);
  }
  assert.equal(await p.page.textContent("#turnAlert"), "下一个就是您，请在大厅留意叫号");
  a = await alerts(p.page);
  assert.equal(a.vibrate.length, 1);
  assert.equal(a.notes.length, 1);

  // Called: told again, in red, with the window.
  await call("w09", token, mine.number, { finish: false });
  await p.page.waitForSelector("#turnAlert[data-stage=called]");
  assert.match(await p.page.textContent("#turnAlert"), /^轮到您了！请到 9 号窗口（.+）办理$/);
  assert.match(await p.page.title(), new RegExp(`^🔔 ${mine.number} → 9`));
  a = await alerts(p.page);
  assert.equal(a.vibrate.length, 2);
  assert.equal(a.beeps, 4);
  assert.deepEqual(a.notes.map((n) => n.title), [`${mine.number} 快到您了`, `${mine.number} 轮到您了`]);
  await p.page.waitForTimeout(6500); // the banner's blinking has ended
  if (shots) await p.page.screenshot({ path: join(shots, "ticket-turn-called-zh.png"), fullPage: true });
  // In English, the same banner.
  await p.page.click("#lang");
  assert.match(await p.page.textContent("#turnAlert"), /^It is your turn! Please go to window 9 \(.+\)\.$/);
  assert.match(await p.page.title(), new RegExp(`^🔔 ${mine.number} → 9`));
  // Finished: the banner goes.
  assert.equal((await post("/api/windows/w09/finish", { outcome: "immediate" }, token)).status, 200);
  await p.page.waitForSelector("#turnAlert", { state: "hidden" });
  assert.equal((await alerts(p.page)).vibrate.length, 2);
  await p.close();
});

test("your turn soon without notifications: the page never asks unprompted, and a ticket opened with few ahead does not ring", async () => {
  const first = await issue("zr-budongchan");
  const mine = await issue("zr-budongchan");
  const p = await open(pathOf(mine.status_url), { init: stubAlerts, lang: "en" });
  await p.page.waitForFunction((n) => document.querySelector("#number").textContent === n, mine.number);
  // Already near on opening: the banner and title say it, nothing rings (no crossing seen).
  await p.page.waitForSelector("#turnAlert:not([hidden])");
  assert.equal(await p.page.textContent("#turnAlert"), "Your turn is coming: 1 ahead of you. Please be in the hall and watch for your number.");
  assert.match(await p.page.title(), new RegExp(`^⏰ 1 ahead · ${mine.number}`));
  assert.equal(await p.page.textContent("#notifyOn"), "Notify me when my turn comes");
  const token = await clerk("clerk9", "w09");
  await call("w09", token, first.number);
  await p.page.waitForFunction(() => document.querySelector("#turnAlert").textContent.startsWith("You are next"));
  await call("w09", token, mine.number, { finish: false });
  await p.page.waitForSelector("#turnAlert[data-stage=called]");
  const a = await alerts(p.page);
  assert.equal(a.asked, 0, "never asked for notifications");
  assert.deepEqual(a.notes, []);
  assert.equal(a.vibrate.length, 1, "vibrated when called");
  assert.equal((await post("/api/windows/w09/finish", { outcome: "immediate" }, token)).status, 200);
  await p.close();
});
