// Appointments (预约) and "your turn soon" (issue 17) in a real Chromium against a real server.
// The ticket's phone page: tickets ahead are called until the hall's turn_soon_ahead remain,
// and the page says so once (vibration, beep, notification — stubbed by an init script, which
// records the calls — a banner and the title), not again on the next calls, and once more when
// the ticket itself is called. Every page fails its test on a page error, a console error or a
// CSP violation (harness.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startHall, guard, httpStatusLine, openPage, serverAtPageClock } from "./harness.mjs";

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
async function open(path, { viewport = PHONE, allow = [], lang = "zh", init = null, permissions = [] } = {}) {
  const ctx = await browser.newContext({ viewport, locale: "zh-CN", hasTouch: true, isMobile: true, permissions });
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

/** Text of the page (title and hidden parts too) with Chinese in it, outside the given elements. */
const chineseOutside = (page, skip) => page.evaluate((skip) => {
  const found = [];
  const walk = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(["script", "style", "#lang", ...skip].join(","))) continue;
    if (/[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/.test(n.textContent.replace(/\([^)]*\)/g, ""))) found.push(n.textContent.trim());
  }
  return found;
}, skip);

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
  assert.equal(await p.page.title(), `${mine.number} → 9`);
  a = await alerts(p.page);
  assert.equal(a.vibrate.length, 2);
  assert.equal(a.beeps, 4);
  assert.deepEqual(a.notes.map((n) => n.title), [`${mine.number} 快到您了`, `${mine.number} 轮到您了`]);
  await p.page.waitForTimeout(6500); // the banner's blinking has ended
  if (shots) await p.page.screenshot({ path: join(shots, "ticket-turn-called-zh.png"), fullPage: true });
  // In English, the same banner.
  await p.page.click("#lang");
  assert.match(await p.page.textContent("#turnAlert"), /^It is your turn! Please go to window 9 \(.+\)\.$/);
  assert.equal(await p.page.title(), `${mine.number} → 9`);
  // Finished: the banner goes.
  assert.equal((await post("/api/windows/w09/finish", { outcome: "immediate" }, token)).status, 200);
  await p.page.waitForSelector("#turnAlert", { state: "hidden" });
  assert.equal((await alerts(p.page)).vibrate.length, 2);
  await p.close();
});

test("a poll read before the call and answered after it never puts the called ticket back to waiting", async () => {
  const mine = await issue("ly-caifa");
  const p = await open(pathOf(mine.status_url));
  await p.ctx.clock.install();
  await p.page.reload();
  await p.page.waitForFunction(() => document.querySelector("#link").textContent === "● 实时更新");
  assert.ok(await p.page.isHidden("#go"));
  // The minute's poll is read now (waiting) and answered only after the call has come.
  let release;
  const held = new Promise((r) => { release = r; });
  const path = new URL(mine.status_url, base).pathname.replace(/^\/t\//, "/api/t/");
  await p.page.route(`**${path}`, async (route) => {
    const res = await route.fetch();
    await held;
    await route.fulfill({ response: res }).catch(() => {});
  });
  const polled = p.page.waitForRequest((r) => new URL(r.url()).pathname === path);
  await p.page.clock.runFor(61_000);
  await polled;
  const token = await clerk("clerk11", "w11");
  await call("w11", token, mine.number, { finish: false });
  await p.page.waitForSelector("#go:not([hidden])");
  const late = p.page.waitForResponse((r) => new URL(r.url()).pathname === path);
  release();
  await (await late).finished();
  for (let i = 0; i < 3; i++) await p.page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  assert.ok(await p.page.isVisible("#go"), "still called");
  assert.equal((await post("/api/windows/w11/finish", { outcome: "immediate" }, token)).status, 200);
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

/**
 * Android's Chrome: the page may not make its own notifications (`new Notification` throws
 * there); the permission and its request are the browser's own.
 */
function noPageNotifications() {
  const Real = window.Notification;
  window.Notification = class {
    static get permission() { return Real.permission; }
    static requestPermission(...args) { return Real.requestPermission(...args); }
    constructor() { throw new TypeError("Illegal constructor. Use ServiceWorkerRegistration.showNotification() instead."); }
  };
}

test("your turn soon on Android's Chrome: the notifications come through the page's service worker", async () => {
  const soon = (await get("/api/hall")).turn_soon_ahead ?? 3;
  const tickets = [];
  for (let i = 0; i < soon + 2; i++) tickets.push(await issue("zr-budongchan"));
  const mine = tickets.at(-1);
  // Allowed on an earlier visit: the page registers its worker on opening.
  const p = await open(pathOf(mine.status_url), { init: noPageNotifications, permissions: ["notifications"] });
  await p.page.waitForFunction((n) => document.querySelector("#number").textContent === n, mine.number);
  await p.page.waitForFunction(() => document.querySelector("#link").textContent === "● 实时更新");
  const scope = await p.page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
  assert.equal(scope, `${base}/t/`);
  assert.match(await p.page.textContent("#notifyState"), /^已开启通知/);
  const shown = () => p.page.evaluate(() => navigator.serviceWorker.ready
    .then((r) => r.getNotifications())
    .then((ns) => ns.map((n) => ({ title: n.title, body: n.body, url: n.data?.url }))));
  assert.deepEqual(await shown(), []);

  const token = await clerk("clerk9", "w09");
  await call("w09", token, tickets[0].number);
  await p.page.waitForSelector("#turnAlert:not([hidden])");
  await p.page.waitForFunction(() => navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) => ns.length === 1));
  const [note] = await shown();
  assert.deepEqual(note, {
    title: `${mine.number} 快到您了`,
    body: `快到您了：前面还有 ${soon} 人，请回到大厅留意叫号`,
    url: `${base}${pathOf(mine.status_url)}`,
  });
  for (const t of tickets.slice(1, -1)) await call("w09", token, t.number);
  await call("w09", token, mine.number, { finish: false });
  await p.page.waitForSelector("#turnAlert[data-stage=called]");
  // The same tag: the called notification replaces the one before.
  await p.page.waitForFunction((t) => navigator.serviceWorker.ready.then((r) => r.getNotifications())
    .then((ns) => ns.length === 1 && ns[0].title === t), `${mine.number} 轮到您了`);
  assert.match((await shown())[0].body, /^轮到您了！请到 9 号窗口（.+）办理$/);
  assert.equal((await post("/api/windows/w09/finish", { outcome: "immediate" }, token)).status, 200);
  await p.close();
});

test("the ticket page's service worker is served from the root with the pages' headers", async () => {
  const r = await fetch(`${base}/ticket-sw.js`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type"), /^text\/javascript/);
  assert.match(r.headers.get("content-security-policy"), /script-src 'self'/);
  assert.match(await r.text(), /notificationclick/);
});

// ---------------------------------------------------------------------------------------------
// Booking on the phone (/book) and the saved booking (/book/{code}).

/** A resident identity number with the right GB 11643 check digit for its first 17 digits. */
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

/** Another check digit than the right one. */
const wrongDigit = (id) => id.slice(0, 17) + (id[17] === "1" ? "2" : "1");

let phones = 0;
/** A fresh mobile number (a person of their own for the booking limits). */
const phone = () => `139${String(10000000 + ++phones).slice(-8)}`;

async function services() {
  return get("/api/services");
}

/** The first day with places and its first slot with places, by the API. */
async function firstSlot(service) {
  const days = await get(`/api/services/${service}/booking-days`);
  const day = days.find((d) => d.left > 0);
  assert.ok(day, `${service} has a day with places`);
  const slots = await get(`/api/services/${service}/slots?day=${day.day}`);
  const slot = slots.find((s) => s.left > 0);
  assert.ok(slot, `${service} has a slot with places on ${day.day}`);
  return { day: day.day, dayLeft: day.left, ...slot };
}

async function bookByApi(service, day, start, body = {}) {
  return post("/api/bookings", { service_id: service, day, start, name: "李四", phone: phone(), ...body });
}

/** Walks /book up to the form: matter, the day and slot given, the notification read. */
async function toForm(p, service, day, start, { shot = null } = {}) {
  await p.page.waitForSelector(`#matters button[data-id="${service}"]`);
  if (shot) await p.page.screenshot({ path: join(shots, `${shot}-1-matter-zh.png`), fullPage: true });
  await p.page.click(`#matters button[data-id="${service}"]`);
  await p.page.waitForSelector(`#days button[data-day="${day}"]`);
  if (shot) await p.page.screenshot({ path: join(shots, `${shot}-2-day-zh.png`), fullPage: true });
  await p.page.click(`#days button[data-day="${day}"]`);
  await p.page.waitForSelector(`#slots button[data-start="${start}"]`);
  if (shot) await p.page.screenshot({ path: join(shots, `${shot}-3-slot-zh.png`), fullPage: true });
  await p.page.click(`#slots button[data-start="${start}"]`);
  await p.page.waitForSelector("#step-sheet:not([hidden])");
  assert.ok(await p.page.isDisabled("#sheetNext"), "the notification is read before going on");
  if (shot) await p.page.screenshot({ path: join(shots, `${shot}-4-notice-zh.png`), fullPage: true });
  await p.page.check("#readIt");
  await p.page.click("#sheetNext");
  await p.page.waitForSelector("#step-form:not([hidden])");
}

/** Requests the page sent to POST /api/bookings. */
function bookingPosts(page) {
  const sent = [];
  page.on("request", (r) => { if (r.method() === "POST" && new URL(r.url()).pathname === "/api/bookings") sent.push(r.postDataJSON()); });
  return sent;
}

test("booking on a phone: only bookable matters, day, slot, the one-time notification, details, then the saved page", async () => {
  const all = await services();
  const bookable = all.filter((s) => s.booking);
  assert.ok(bookable.length > 0, "the sample hall has bookable matters");
  const dibao = all.find((s) => s.id === "mz-dibao");
  assert.ok(dibao.booking && !dibao.id_number);
  const { day, start, end, left } = await firstSlot("mz-dibao");
  const p = await open("/book");
  await p.page.waitForSelector("#matters button");
  assert.deepEqual(await p.page.$$eval("#matters button", (bs) => bs.map((b) => b.dataset.id)), bookable.map((s) => s.id));
  assert.equal(await p.page.textContent("#hall"), (await get("/api/hall")).name);
  // Nothing wider than the phone.
  assert.ok(await p.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  await toForm(p, "mz-dibao", day, start, { shot: shots ? "book" : null });
  // The notification named the matter's materials, its fee and time limit.
  const sheet = await p.page.textContent("#sheet");
  for (const m of dibao.materials) assert.ok(sheet.includes(m.name), m.name);
  assert.ok(sheet.includes(dibao.fee));
  assert.ok(await p.page.isHidden("#idField"), "this matter asks no identity number");
  assert.match(await p.page.textContent("#formChosen"), new RegExp(`${dibao.name} · .+ · ${start}–${end}`));
  // The page's own checks, before anything is sent.
  const sent = bookingPosts(p.page);
  await p.page.fill("input[name=name]", "张三");
  await p.page.fill("input[name=phone]", "1381234567");
  await p.page.click("#bookSubmit");
  assert.equal(await p.page.textContent("#bookError"), "请填写正确的11位手机号码（1开头）。");
  assert.equal(sent.length, 0);
  const mobile = phone();
  await p.page.fill("input[name=phone]", mobile);
  if (shots) await p.page.screenshot({ path: join(shots, "book-5-details-zh.png"), fullPage: true });
  await Promise.all([p.page.waitForURL(/\/book\/\d{8}$/), p.page.click("#bookSubmit")]);
  const code = p.page.url().match(/(\d{8})$/)[1];
  assert.deepEqual(sent, [{ service_id: "mz-dibao", day, start, name: "张三", phone: mobile }]);

  // The saved page: hall, day, slot, windows with where they are, materials, the code large, its QR code.
  await p.page.waitForSelector("#view:not([hidden])");
  const b = await get(`/api/bookings/${code}`);
  assert.equal(b.status, "booked");
  assert.equal(await p.page.textContent("#status"), "已预约");
  assert.equal((await p.page.textContent("#code")).replace(/\s/g, ""), code);
  assert.equal(await p.page.textContent("#hall"), b.hall_name);
  assert.equal(await p.page.textContent("#matter"), dibao.name);
  assert.match(await p.page.textContent("#when"), new RegExp(`${start}–${end}$`));
  const windows = await p.page.textContent("#windows");
  for (const w of b.windows) {
    assert.ok(windows.includes(w.name), w.name);
    if (w.location) assert.ok(windows.includes(w.location), w.location);
  }
  assert.equal(await p.page.textContent("#who"), `张* · ${mobile.slice(0, 3)}****${mobile.slice(7)}`);
  // When the booked place is kept at the kiosk: from early_minutes before to grace_minutes after.
  assert.equal(await p.page.textContent("#onTime"),
    `请在 ${b.check_in_from}–${b.check_in_until} 之间到自助机签到取号；${b.check_in_until} 以后签到的，按现场取号排队。`);
  await p.page.waitForSelector("#sheet li");
  for (const m of dibao.materials) assert.ok((await p.page.textContent("#sheet")).includes(m.name), m.name);
  // R3: the whole notification, procedure and legal basis too.
  const told = await p.page.textContent("#sheet");
  for (const step of dibao.procedure) assert.ok(told.includes(step), step);
  assert.ok(told.includes(dibao.basis) && dibao.basis, `办事依据: ${told}`);
  await p.page.waitForFunction(() => document.querySelector("#qr").complete && document.querySelector("#qr").naturalWidth > 0);
  const qr = await fetch(`${base}/book/${code}/qr.svg`);
  assert.equal(qr.status, 200);
  assert.match(qr.headers.get("content-type"), /^image\/svg\+xml/);
  assert.ok(await p.page.isVisible("#cancel"));
  assert.ok(await p.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  if (shots) await p.page.screenshot({ path: join(shots, "booking-saved-zh.png"), fullPage: true });
  // The place is taken.
  const after = (await get(`/api/services/mz-dibao/slots?day=${day}`)).find((s) => s.start === start);
  assert.equal(after.left, left - 1);
  // In English, the same booking.
  await p.page.click("#lang");
  assert.equal(await p.page.textContent("#status"), "Booked");
  assert.equal(await p.page.textContent("#hall"), b.hall_name);
  assert.deepEqual(await chineseOutside(p.page, ["#hall", "#matter", "#windows", "#who", "#sheet dd", "#sheet li"]), []);
  assert.match(await p.page.textContent("#cancelUntil"), /^You can cancel until /);
  assert.equal(await p.page.textContent("#onTime"),
    `Check in at a kiosk between ${b.check_in_from} and ${b.check_in_until}; checking in after ${b.check_in_until}, you queue like a walk-in.`);
  if (shots) await p.page.screenshot({ path: join(shots, "booking-saved-en.png"), fullPage: true });
  await p.page.click("#lang");

  // The same person books the same matter again: refused, told why, in the page's language.
  const again = await open("/book");
  await toForm(again, "mz-dibao", day, start);
  await again.page.fill("input[name=name]", "张三");
  await again.page.fill("input[name=phone]", mobile);
  again.guard.allow(httpStatusLine(409));
  await again.page.click("#bookSubmit");
  await again.page.waitForFunction(() => document.querySelector("#bookError").textContent !== "");
  assert.match(await again.page.textContent("#bookError"), /^预约数量已达上限/);
  await again.close();
  await p.close();
});

test("a late answer for a matter the citizen has left does not show its days under another", async () => {
  const bookable = (await services()).filter((s) => s.booking);
  assert.ok(bookable.length >= 2, "two bookable matters in the sample hall");
  const [first, second] = bookable;
  const p = await open("/book");
  let release;
  const held = new Promise((r) => { release = r; });
  // The first matter's days come late, and are none of the second's.
  await p.page.route(`**/api/services/${first.id}/booking-days`, async (route) => {
    await held;
    await route.fulfill({ json: [{ day: "2099-01-05", left: 9 }] }).catch(() => {});
  });
  await p.page.waitForSelector("#matters button");
  await p.page.click(`#matters button[data-id="${first.id}"]`);
  await p.page.click("#step-day button[data-back]");
  await p.page.click(`#matters button[data-id="${second.id}"]`);
  await p.page.waitForSelector("#days button[data-day]");
  const theirs = await p.page.$$eval("#days button[data-day]", (bs) => bs.map((b) => b.dataset.day));
  const late = p.page.waitForResponse((r) => r.url().endsWith(`/api/services/${first.id}/booking-days`));
  release();
  await (await late).finished();
  // The page reads the answer in the tasks after it arrived: a few turns of its event loop.
  for (let i = 0; i < 3; i++) await p.page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  assert.deepEqual(await p.page.$$eval("#days button[data-day]", (bs) => bs.map((b) => b.dataset.day)), theirs);
  await p.close();
});

test("cancelling a booking: asked first, then cancelled, and the place is free again", async () => {
  const { day, start } = await firstSlot("rs-jmyibao");
  const r = await bookByApi("rs-jmyibao", day, start);
  assert.equal(r.status, 201);
  const { code } = await r.json();
  const leftBooked = (await get(`/api/services/rs-jmyibao/slots?day=${day}`)).find((s) => s.start === start).left;
  const p = await open(`/book/${code}`);
  await p.page.waitForSelector("#cancel:not([hidden])");
  // Thought better of it: nothing happens.
  await p.page.click("#cancel");
  await p.page.waitForSelector("#cancelDialog[open]");
  await p.page.click("#cancelDialog button[value=no]");
  await p.page.waitForFunction(() => !document.querySelector("#cancelDialog").open);
  assert.equal((await get(`/api/bookings/${code}`)).status, "booked");
  await p.page.click("#cancel");
  await p.page.click("#cancelYes");
  await p.page.waitForFunction(() => document.querySelector("#status").textContent === "已取消");
  assert.ok(await p.page.isHidden("#cancelBox"));
  assert.equal((await get(`/api/bookings/${code}`)).status, "cancelled");
  const leftNow = (await get(`/api/services/rs-jmyibao/slots?day=${day}`)).find((s) => s.start === start).left;
  assert.equal(leftNow, leftBooked + 1);
  // Reopened later, it stays cancelled, with nothing to cancel.
  await p.page.reload();
  await p.page.waitForFunction(() => document.querySelector("#status").textContent === "已取消");
  assert.ok(await p.page.isHidden("#cancelBox"));
  await p.close();
});

test("a wrong identity number: the page refuses it with a clear message and sends nothing; the server's refusal is told in the page's language", async () => {
  const zhaijidi = (await services()).find((s) => s.id === "zr-zhaijidi");
  assert.ok(zhaijidi.booking && zhaijidi.id_number, "the sample hall's 宅基地 matter asks for the identity number");
  const { day, start, dayLeft } = await firstSlot("zr-zhaijidi");
  const p = await open("/book", { allow: [httpStatusLine(422)] });
  await toForm(p, "zr-zhaijidi", day, start);
  assert.ok(await p.page.isVisible("#idField"));
  const sent = bookingPosts(p.page);
  await p.page.fill("input[name=name]", "王五");
  await p.page.fill("input[name=phone]", phone());
  const good = idNumber("11010519800101002");
  await p.page.fill("input[name=id_number]", wrongDigit(good));
  await p.page.click("#bookSubmit");
  assert.equal(await p.page.textContent("#bookError"), "居民身份证号码有误（校验位不符），请逐位核对后重新填写。");
  assert.equal(await p.page.getAttribute("input[name=id_number]", "aria-invalid"), "true");
  await p.page.fill("input[name=id_number]", good.slice(0, 16));
  await p.page.click("#bookSubmit");
  assert.match(await p.page.textContent("#bookError"), /^居民身份证号码应为18位/);
  assert.equal(sent.length, 0, "nothing was sent");
  // A number whose check digit is right but whose birth date cannot be (month 13): the server refuses it.
  await p.page.fill("input[name=id_number]", idNumber("11010519801301002"));
  await p.page.click("#bookSubmit");
  await p.page.waitForFunction(() => document.querySelector("#bookError").textContent.startsWith("居民身份证号码有误，请逐位核对"));
  assert.equal(sent.length, 1);
  await p.page.click("#lang");
  await p.page.click("#bookSubmit");
  await p.page.waitForFunction(() => document.querySelector("#bookError").textContent.startsWith("This identity number is not valid: please check each digit"));
  // In English the page has no Chinese of its own: only the hall's data (its name, the matter's).
  assert.equal(await p.page.textContent("#hall"), (await get("/api/hall")).name);
  assert.deepEqual(await chineseOutside(p.page, ["#hall", "#matters", ".chosen", "#sheet", "input"]), []);
  if (shots) await p.page.screenshot({ path: join(shots, "book-id-refused-en.png"), fullPage: true });
  // Nothing was booked.
  const days = await get("/api/services/zr-zhaijidi/booking-days");
  assert.equal(days.find((d) => d.day === day).left, dayLeft);
  // And a right one books, masked on the saved page.
  await p.page.click("#lang");
  await p.page.fill("input[name=id_number]", good);
  await Promise.all([p.page.waitForURL(/\/book\/\d{8}$/), p.page.click("#bookSubmit")]);
  await p.page.waitForSelector("#view:not([hidden])");
  assert.match(await p.page.textContent("#who"), new RegExp(`^王\\* · .+ · ${good.slice(0, 3)}\\*{11}${good.slice(14)}$`));
  assert.ok(!(await p.page.content()).includes(good), "the identity number is not on the page in clear");
  await p.close();
});

test("a slot taken while the citizen was filling the form: told so, and back to the slots as they are now", async () => {
  const { day, start, left } = await firstSlot("mz-dibao");
  const p = await open("/book", { allow: [httpStatusLine(409)] });
  await toForm(p, "mz-dibao", day, start);
  // Meanwhile others take every place left of that slot.
  for (let i = 0; i < left; i++) assert.equal((await bookByApi("mz-dibao", day, start)).status, 201);
  await p.page.fill("input[name=name]", "赵六");
  await p.page.fill("input[name=phone]", phone());
  await p.page.click("#bookSubmit");
  await p.page.waitForSelector("#step-slot:not([hidden])");
  await p.page.waitForFunction(() => document.querySelector("#slotError").textContent !== "");
  assert.equal(await p.page.textContent("#slotError"), "这个时段刚刚约满了，请选择其他时段。");
  const full = `#slots button[data-start="${start}"]`;
  await p.page.waitForSelector(`${full}[disabled]`);
  assert.match(await p.page.textContent(full), /已约满$/);
  if (shots) await p.page.screenshot({ path: join(shots, "book-slot-full-zh.png"), fullPage: true });
  await p.close();
});

test("a booking whose answer was lost: the page reloaded and sent again gets that booking, not a refusal", async () => {
  const { day, start } = await firstSlot("mz-dibao");
  const p = await open("/book", { allow: [/Failed to load resource/] });
  const mobile = phone();
  const fill = async () => {
    await toForm(p, "mz-dibao", day, start);
    await p.page.fill("input[name=name]", "钱八");
    await p.page.fill("input[name=phone]", mobile);
  };
  await fill();
  // The server makes the booking; its answer never reaches the phone (the network dropped).
  await p.page.route("**/api/bookings", async (route) => {
    await route.fetch();
    await route.abort("failed");
  }, { times: 1 });
  await p.page.click("#bookSubmit");
  await p.page.waitForFunction(() => document.querySelector("#bookError").textContent !== "");
  // The citizen reloads the page and books the same again: the booking made is theirs.
  await p.page.reload();
  await fill();
  await p.page.click("#bookSubmit");
  await p.page.waitForURL(/\/book\/\d{8}$/);
  const code = p.page.url().split("/").pop();
  assert.equal((await get(`/api/bookings/${code}`)).status, "booked");
  // One booking only: the director's list of the day has one for this phone (masked there for
  // clerks, whole for the director).
  const director = await clerk("director");
  const list = await (await fetch(`${base}/api/bookings?day=${day}`, { headers: { Authorization: `Bearer ${director}` } })).json();
  assert.equal(list.filter((b) => b.phone === mobile).length, 1, JSON.stringify(list));
  // Nothing of the citizen's is kept in the tab: only the key and the body's fingerprint, gone
  // once answered.
  assert.equal(await p.page.evaluate(() => sessionStorage.getItem("act:book")), null);
  await p.close();
});

test("every booking refusal is told in the page's language: a suspension names the day booking is possible again", async () => {
  const { day, start } = await firstSlot("rs-jmyibao");
  const p = await open("/book", { allow: [httpStatusLine(409)] });
  await toForm(p, "rs-jmyibao", day, start);
  // Three missed bookings in 30 days cannot be lived through here: the server's answer is played.
  await p.page.route("**/api/bookings", (route) => route.fulfill({
    status: 409, contentType: "application/json",
    body: JSON.stringify({ error: "booking_suspended", message: "booking suspended until 2027-01-02", until: "2027-01-02" }),
  }));
  await p.page.fill("input[name=name]", "钱七");
  await p.page.fill("input[name=phone]", phone());
  await p.page.click("#bookSubmit");
  await p.page.waitForFunction(() => document.querySelector("#bookError").textContent !== "");
  assert.equal(await p.page.textContent("#bookError"), "由于近期多次预约后未到，暂停网上预约，2027-01-02 起可以重新预约。您仍可以到大厅现场取号。");
  await p.page.click("#lang");
  await p.page.click("#bookSubmit");
  await p.page.waitForFunction(() => document.querySelector("#bookError").textContent.startsWith("After several"));
  assert.match(await p.page.textContent("#bookError"), /you can book again from 2027-01-02/);
  await p.close();
});

test("the saved page: an unknown code, a malformed one, and a checked-in booking links to its ticket", async () => {
  const gone = await open("/book/00000000", { allow: [httpStatusLine(404)] });
  await gone.page.waitForSelector("#missing:not([hidden])");
  assert.equal(await gone.page.textContent("#missingText"), "没有找到这个预约，请核对预约码。");
  await gone.close();
  const bad = await open("/book/12ab");
  await bad.page.waitForSelector("#missing:not([hidden])");
  assert.match(await bad.page.textContent("#missingText"), /^链接不完整/);
  await bad.close();
  // A check-in happens at the kiosk within the slot's time: its answer is played on a real booking.
  const { day, start } = await firstSlot("rs-jmyibao");
  const r = await bookByApi("rs-jmyibao", day, start);
  const booking = await r.json();
  const ticket = await issue("rs-jmyibao");
  const p = await open(`/book/${booking.code}`, { lang: "en" });
  await p.page.route(`**/api/bookings/${booking.code}`, (route) => route.fulfill({
    status: 200, contentType: "application/json",
    body: JSON.stringify({ ...booking, status: "checked_in", ticket: { id: ticket.id, number: ticket.number, status_url: pathOf(ticket.status_url) } }),
  }));
  await p.page.reload();
  await p.page.waitForFunction(() => document.querySelector("#status").textContent === "Checked in: ticket taken");
  assert.equal(await p.page.textContent("#ticketLink"), `Ticket ${ticket.number} taken: follow your place in the queue`);
  assert.ok(await p.page.isHidden("#cancelBox"));
  await Promise.all([p.page.waitForURL(/\/t\/[0-9a-f]{32}$/), p.page.click("#ticketLink")]);
  await p.page.waitForFunction((n) => document.querySelector("#number").textContent === n, ticket.number);
  assert.ok(await p.page.isHidden("#booked"), "a walk-in's ticket says nothing of a booking");
  await p.close();
});

/**
 * Plays the server's `view` of a ticket on its real page: from its load, and from its stream
 * (`stream: true`, which then ends) or with the stream held open and quiet (`false`, as a live
 * stream between changes is: the page stays connected for a screenshot).
 */
async function playView(p, token, view, { stream = true } = {}) {
  await p.page.route(`**/api/t/${token}`, (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(view) }));
  await p.page.route(`**/api/t/${token}/events`, (route) => {
    if (stream) {
      route.fulfill({ status: 200, contentType: "text/event-stream", body: `event: ticket\ndata: ${JSON.stringify(view)}\n\n` });
    } // else never answered: the page closes it
  });
  await p.page.reload();
}

test("a ticket of an earlier day never called says it expired, with no place, wait or alert", async () => {
  // The server's view of such a ticket (`expired`: numbers hold for their day) played on a real
  // ticket's page (a real one expires the next day: `mobile::a_ticket_left_waiting_expires_with_its_day`).
  const ticket = await issue("mz-dibao");
  const path = pathOf(ticket.status_url);
  const token = path.split("/").pop();
  const view = { ...(await get(`/api/t/${token}`)), expired: true, waiting_ahead: 0, estimated_wait_minutes: 0 };
  assert.equal(view.status, "waiting");
  const p = await open(path);
  await playView(p, token, view, { stream: false });
  await p.page.waitForFunction(() => document.body.dataset.status === "expired");
  if (shots) await p.page.screenshot({ path: join(shots, "ticket-expired-zh.png"), fullPage: true });
  assert.equal(await p.page.textContent("#status"), "此号已过期：号码仅当日有效，不再叫号。如需办理，请重新取号。");
  assert.ok(await p.page.isHidden("#figures"), "no place in the queue nor wait");
  assert.ok(await p.page.isHidden("#turnAlert"), "nothing ahead is not 'you are next'");
  assert.ok(await p.page.isHidden("#hint") && await p.page.isHidden("#notifyOn"), "no 'you will be told when called'");
  assert.equal(await p.page.textContent("#notifyState"), "");
  assert.match(await p.page.textContent("#issued"), /^\d\d-\d\d \d\d:\d\d$/, "the day it was for, with the time");
  assert.ok(!(await p.page.title()).startsWith("⏰"));
  await p.page.click("#lang");
  await p.page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("This ticket has expired"));
  await p.close();
});

test("a ticket checked in on time for its booking says so on the phone, in both languages", async () => {
  // On time means within the slot's minutes at the kiosk: the server's view of such a ticket
  // (`booked: true`) is played on a real ticket's page, from its load and from its stream.
  const ticket = await issue("rs-jmyibao");
  const path = pathOf(ticket.status_url);
  const token = path.split("/").pop();
  const view = { ...(await get(`/api/t/${token}`)), booked: true };
  assert.equal(view.status, "waiting");
  const p = await open(path);
  await playView(p, token, view);
  await p.page.waitForSelector("#booked:not([hidden])");
  assert.equal(await p.page.textContent("#booked"), "预约号：按预约时段优先叫号");
  await p.page.click("#lang");
  await p.page.waitForFunction(() => document.querySelector("#booked").textContent.startsWith("By appointment"));
  assert.equal(await p.page.textContent("#booked"), "By appointment: called in your time slot, ahead of walk-in tickets");
  await p.close();
});

test("a director console left open past midnight asks for the new day's bookings, unless another day was chosen", async () => {
  const p = await openPage(browser, base, "/", { viewport: { width: 1366, height: 1000 } });
  const d = p.page;
  await d.clock.install({ time: new Date("2026-12-06T15:58:00Z") }); // 23:58 in the hall (Asia/Shanghai)
  await serverAtPageClock(d); // the server's clock as the page's (the pages count by the server's)
  await d.goto(`${base}/director`);
  await d.fill("input[name=password]", "demo");
  await d.click("#login button[type=submit]");
  await d.waitForSelector("#console:not([hidden])");
  const asked = () => d.inputValue("#bookingsForm input[name=day]");
  await d.waitForFunction(() => document.querySelector("#bookingsForm input[name=day]").value !== "");
  assert.equal(await asked(), "2026-12-06");
  await d.click("#bookingsForm button");
  await d.waitForFunction(() => document.querySelector("#bookingsDay").textContent.startsWith("2026-12-06"));
  await d.clock.fastForward(3 * 60_000); // 00:01
  await d.waitForFunction(() => document.querySelector("#bookingsForm input[name=day]").value === "2026-12-07");
  assert.equal(await d.textContent("#bookingsDay"), "", "yesterday's list goes with its day");
  // A day the director chose stays, past the next midnight too.
  await d.fill("#bookingsForm input[name=day]", "2026-12-04");
  await d.clock.fastForward(24 * 3_600_000);
  await d.clock.runFor(60_000);
  assert.equal(await asked(), "2026-12-04");
  await p.close();
});

test("the director's booking list: read on demand, a missed booking (played) excused with its reason, a booking not missed refused in the page's language", async () => {
  const { day, start } = await firstSlot("mz-dibao");
  const ph = phone();
  const booked = await bookByApi("mz-dibao", day, start, { name: "孙八", phone: ph });
  assert.equal(booked.status, 201);
  const booking = await booked.json();
  // A screen set to another time zone (16 hours behind the hall most of the day): the day asked
  // for is still the hall's today.
  const p = await openPage(browser, base, "/director", { viewport: { width: 1366, height: 1400 }, allow: [httpStatusLine(409)],
    timezoneId: "America/Los_Angeles" });
  const d = p.page;
  const reads = [];
  d.on("request", (r) => { if (r.method() === "GET" && new URL(r.url()).pathname === "/api/bookings") reads.push(r.url()); });
  await d.fill("input[name=password]", "demo");
  await d.click("#login button[type=submit]");
  await d.waitForSelector("#console:not([hidden])");
  // Nothing personal is read until the director asks (each reading is audited).
  await d.waitForFunction(() => document.querySelector("#bookingsForm input[name=day]").value !== "");
  assert.equal(await d.textContent("#bookingsList"), "");
  assert.deepEqual(reads, [], "no list read before the director asks");
  const hallToday = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  assert.equal(await d.inputValue("#bookingsForm input[name=day]"), hallToday);
  await d.fill("#bookingsForm input[name=day]", day);
  await d.click("#bookingsForm button");
  await d.waitForSelector(`#bookingsList tr.bk-booked`);
  const row = await d.textContent("#bookingsList");
  assert.match(row, /孙八/);
  assert.match(row, /最低生活保障申请/, "the matter by its name");
  assert.match(row, new RegExp(ph), "the director reads the phone in full");
  assert.match(await d.textContent("#bookingsDay"), new RegExp(`${day}：预约 \\d+ 个`));
  assert.equal(await d.locator("#bookingsList button[data-excuse]").count(), 0, "a booking not missed has nothing to excuse");
  // The server refuses to excuse a booking not missed: told in the page's language.
  const refused = await d.evaluate(async (code) => (await fetch(`/api/bookings/${code}/excuse`, {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${sessionStorage.getItem("dtoken")}` },
    body: JSON.stringify({ reason: "试" }),
  })).status, booking.code);
  assert.equal(refused, 409);

  // A missed booking (a day closed without the citizen) cannot be lived through here: the
  // server's list is played, and its excuse goes to the real server, which refuses it as not
  // missed (the booking is live): the refusal is shown in Chinese.
  await d.route("**/api/bookings?day=*", async (route) => {
    const list = await (await route.fetch()).json();
    route.fulfill({ json: list.map((b) => (b.code === booking.code ? { ...b, status: "missed" } : b)) });
  });
  await d.click("#bookingsForm button");
  await d.waitForSelector("#bookingsList tr.bk-missed");
  assert.match(await d.textContent("#bookingsList tr.bk-missed"), /爽约（未到）/);
  if (shots) {
    await d.fill(`#bookingsList input[data-reason="${booking.code}"]`, "当天取号机故障，无法签到");
    await d.locator("#bookingsCard").screenshot({ path: join(shots, "director-bookings-zh.png") });
    await d.fill(`#bookingsList input[data-reason="${booking.code}"]`, "");
  }
  const posts = [];
  d.on("request", (r) => { if (r.method() === "POST" && r.url().includes("/excuse")) posts.push(r.postDataJSON()); });
  await d.click(`#bookingsList button[data-excuse="${booking.code}"]`);
  assert.equal(await d.textContent("#bookingsError"), "请填写免责理由（例如：当天取号机故障，无法签到）。");
  assert.equal(posts.length, 0, "no reason, nothing sent");
  await d.fill(`#bookingsList input[data-reason="${booking.code}"]`, "当天取号机故障，无法签到");
  await d.click(`#bookingsList button[data-excuse="${booking.code}"]`);
  await d.waitForFunction(() => document.querySelector("#bookingsError").textContent.startsWith("只有爽约"));
  assert.deepEqual(posts, [{ reason: "当天取号机故障，无法签到" }]);
  // Excused (the server's answer played): the row says so and offers nothing more.
  await d.route(`**/api/bookings/${booking.code}/excuse`, async (route) => {
    const list = await (await fetch(`${base}/api/bookings?day=${day}`, { headers: route.request().headers() })).json();
    const line = list.find((b) => b.code === booking.code);
    route.fulfill({ json: { ...line, status: "excused", excuse: "当天取号机故障，无法签到" } });
  });
  await d.click(`#bookingsList button[data-excuse="${booking.code}"]`);
  await d.waitForSelector("#bookingsList tr.bk-excused");
  assert.equal(await d.textContent("#bookingsError"), "");
  assert.match(await d.textContent("#bookingsList tr.bk-excused"), /未到，已免责：当天取号机故障，无法签到/);
  assert.deepEqual(posts, [{ reason: "当天取号机故障，无法签到" }, { reason: "当天取号机故障，无法签到" }]);
  assert.equal(await d.locator("#bookingsList button[data-excuse]").count(), 0);
  await d.click("#lang");
  await d.waitForFunction(() => document.querySelector("#bookingsList").textContent.includes("Missed, excused"));
  // Signed out, the list is gone from the screen.
  await d.click("#logout");
  await d.waitForSelector("#login:not([hidden])");
  assert.equal(await d.textContent("#bookingsList"), "");
  await p.close();
});

test("the clerk's bookings of today: read when asked, phones masked, no booking codes, gone at sign-out", async () => {
  const p = await openPage(browser, base, "/clerk", { viewport: { width: 1366, height: 1400 } });
  const c = p.page;
  await c.fill("input[name=username]", "clerk2");
  await c.fill("input[name=password]", "demo");
  await c.selectOption("select[name=window]", "w02");
  await c.click("#login button[type=submit]");
  await c.waitForSelector("#desk:not([hidden])");
  assert.equal(await c.textContent("#bookingsList"), "", "nothing read before the clerk asks");
  const reads = [];
  c.on("request", (r) => { if (new URL(r.url()).pathname === "/api/bookings") reads.push(r.method()); });
  // The real server's list of today (the harness runs on the real clock: there may be none).
  await c.click("#bookingsShow");
  await c.waitForFunction(() => !document.querySelector("#noBookings").hidden || document.querySelector("#bookingsList tr"));
  assert.deepEqual(reads, ["GET"]);
  // Today's list as the server gives a clerk (masked, no code) played, to see every status shown.
  const line = { status: "booked", service_id: "mz-dibao", service_name: "最低生活保障申请", start: "09:00", end: "09:30",
    name: "周九", phone: "139****0001", id_masked: null };
  await c.route("**/api/bookings", (route) => route.fulfill({ json: [
    line, { ...line, status: "checked_in", start: "09:30", end: "10:00", name: "吴十", ticket_number: "B007" },
  ] }));
  await c.click("#bookingsShow");
  await c.waitForSelector("#bookingsList tr.bk-checked_in");
  const text = await c.textContent("#bookingsList");
  assert.match(text, /09:00–09:30最低生活保障申请周九139\*\*\*\*0001已预约，未到/);
  assert.match(text, /已签到取号 B007/);
  assert.ok(await c.isHidden("#noBookings"));
  if (shots) await c.locator("#bookingsCard").screenshot({ path: join(shots, "clerk-bookings-zh.png") });
  await c.click("#lang");
  await c.waitForFunction(() => document.querySelector("#bookingsList").textContent.includes("Booked, not here yet"));
  await c.click("#logout");
  await c.waitForSelector("#login:not([hidden])");
  assert.equal(await c.textContent("#bookingsList"), "", "signed out: the names are gone");
  await p.close();
});
