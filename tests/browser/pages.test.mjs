// What every page shares (common.js) in a real Chromium against a real server: the strict CSP
// is in force, English leaves no Chinese UI text, errors are told by code in the page's
// language, a retried action keeps its Idempotency-Key, and the live stream comes back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useHall, guard, httpStatusLine } from "./harness.mjs";

let base, browser;
useHall((h) => ({ base, browser } = h));

async function open(path, { lang = "zh", allow = [], viewport = { width: 1366, height: 860 } } = {}) {
  const ctx = await browser.newContext({ viewport, locale: "zh-CN" });
  await ctx.addInitScript((l) => { if (!sessionStorage.getItem("langSet")) { localStorage.setItem("lang", l); sessionStorage.setItem("langSet", "1"); } }, lang);
  const page = await ctx.newPage();
  const g = guard(page, { allow });
  const response = await page.goto(`${base}${path}`);
  // The page's script has run: the switch names the other language.
  await page.waitForFunction((other) => document.querySelector("#lang").textContent === other, lang === "en" ? "中文" : path.startsWith("/t/") ? "EN" : "English");
  return { ctx, page, response, guard: g, close: async () => { g.check(); await ctx.close(); } };
}

async function login(body) {
  const r = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(r.status, 200);
  return (await r.json()).token;
}

async function issue(service) {
  const r = await fetch(`${base}/api/tickets`, {
    method: "POST", headers: { Authorization: "Bearer demo-kiosk", "Content-Type": "application/json" },
    body: JSON.stringify({ service_id: service }),
  });
  assert.equal(r.status, 201);
  return r.json();
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

test("the strict CSP is in force on every page: an injected inline script is refused, and the guard says so", async () => {
  for (const path of ["/clerk", "/director", "/admin", "/inspections", "/village", "/t/0123456789abcdef0123456789abcdef", "/book", "/book/00000000"]) {
    const allow = path.startsWith("/t/") || path.startsWith("/book/") ? [httpStatusLine(404)] : [];
    const p = await open(path, { allow });
    const csp = p.response.headers()["content-security-policy"];
    assert.match(csp, /script-src 'self'/, path);
    assert.equal(p.response.headers()["x-frame-options"], "DENY");
    const ran = await p.page.evaluate(() => new Promise((resolve) => {
      window.__ran = false;
      const s = document.createElement("script");
      s.textContent = "window.__ran = true";
      document.body.append(s);
      document.body.insertAdjacentHTML("beforeend", '<p style="color:red" id="styled">x</p>');
      setTimeout(() => resolve(window.__ran), 100);
    }));
    assert.equal(ran, false, `${path}: an inline script ran`);
    assert.notEqual(await p.page.evaluate(() => getComputedStyle(document.querySelector("#styled")).color), "rgb(255, 0, 0)", path);
    await p.page.waitForTimeout(50);
    assert.ok(p.guard.problems.some((x) => x.includes("CSP violation") || x.includes("Content Security Policy")), `${path}: ${p.guard.problems}`);
    await p.ctx.close();
  }
});

test("in English, no page shows Chinese of its own (only the hall's data), and the switch goes both ways", async () => {
  // Sign-in forms, with dialogs and hidden parts.
  for (const path of ["/clerk", "/director", "/admin", "/inspections", "/village"]) {
    const p = await open(path, { lang: "en" });
    assert.deepEqual(await chineseOutside(p.page, ["select"]), [], path);
    assert.equal(await p.page.evaluate(() => document.documentElement.lang), "en");
    await p.page.click("#lang");
    await p.page.waitForFunction(() => document.documentElement.lang === "zh-CN" && document.querySelector("#lang").textContent === "English");
    assert.match(await p.page.title(), /[\u4e00-\u9fff]/, path);
    await p.close();
  }
  // The clerk's desk with a ticket, both dialogs included.
  const ticket = await issue("zr-budongchan");
  const clerk = await open("/clerk", { lang: "en" });
  await clerk.page.fill("input[name=username]", "clerk9");
  await clerk.page.fill("input[name=password]", "demo");
  await clerk.page.selectOption("select[name=window]", "w09");
  await clerk.page.click("#login button[type=submit]");
  await clerk.page.waitForSelector("#desk:not([hidden])");
  // The desk shows before the session line is filled in: wait for it, do not race it.
  await clerk.page.waitForFunction(() => document.querySelector("#who").textContent.startsWith("Window 9"));
  assert.match(await clerk.page.textContent("#who"), /^Window 9 .* · signed in \d\d:\d\d$/);
  await clerk.page.click("#callNext");
  await clerk.page.waitForFunction((n) => document.querySelector("#number").textContent === n, ticket.number);
  await clerk.page.waitForFunction(() => document.querySelector("#link").textContent === "● live");
  assert.deepEqual(await chineseOutside(clerk.page, ["select", "#who", "#ticketInfo", "#sheet", "#queues", "#kioskAlarm", "#myAssessment"]), []);
  assert.match(await clerk.page.textContent("#sheet"), /Materials.*Procedure.*Time limit/s);
  await clerk.page.click("#finish");
  await clerk.page.click("#finishOk");
  await clerk.page.waitForFunction(() => !document.querySelector("#finishDialog").open);
  await clerk.close();
  // The citizen's phone: an unknown ticket, then a real one.
  const gone = await open("/t/0123456789abcdef0123456789abcdef", { lang: "en", allow: [httpStatusLine(404)], viewport: { width: 390, height: 780 } });
  await gone.page.waitForSelector("#missing:not([hidden])");
  assert.match(await gone.page.textContent("#missingText"), /^No such ticket/);
  assert.deepEqual(await chineseOutside(gone.page, []), []);
  await gone.page.click("#lang");
  await gone.page.waitForFunction(() => document.querySelector("#missingText").textContent.startsWith("未找到这张号票"));
  await gone.close();
  const mine = await issue("zr-budongchan");
  const phone = await open(mine.status_url, { lang: "en", viewport: { width: 390, height: 780 } });
  await phone.page.waitForFunction((n) => document.querySelector("#number").textContent === n, mine.number);
  assert.deepEqual(await chineseOutside(phone.page, ["#hall", "#matter", "#go"]), []);
  assert.match(await phone.page.textContent("#status"), /^Waiting/);
  await phone.close();
});

test("an error code the page does not know gets a generic message in the page's language, never the server's text", async () => {
  const p = await open("/clerk", { allow: [httpStatusLine(409)] });
  await p.page.route("**/api/auth/login", (route) => route.fulfill({
    status: 409, contentType: "application/json", body: JSON.stringify({ error: "brand_new_rule", message: "Some English sentence" }),
  }));
  await p.page.fill("input[name=username]", "clerk7");
  await p.page.fill("input[name=password]", "demo");
  await p.page.selectOption("select[name=window]", "w07");
  await p.page.click("#login button[type=submit]");
  await p.page.waitForFunction(() => document.querySelector("#loginError").textContent !== "");
  const zh = await p.page.textContent("#loginError");
  assert.match(zh, /^操作未能完成（错误代码：brand_new_rule）/);
  await p.page.click("#lang");
  await p.page.fill("input[name=password]", "demo"); // typed again: never left in the form
  await p.page.click("#login button[type=submit]");
  await p.page.waitForFunction(() => document.querySelector("#loginError").textContent.startsWith("That did not work"));
  assert.ok(!(await p.page.textContent("#loginError")).includes("Some English sentence"));
  await p.close();
});

test("a write retried after a lost answer keeps its Idempotency-Key; a new action gets a new one", async () => {
  const p = await open("/clerk", { allow: [/ERR_FAILED|ERR_CONNECTION|net::/] });
  await p.page.fill("input[name=username]", "clerk7");
  await p.page.fill("input[name=password]", "demo");
  await p.page.selectOption("select[name=window]", "w07");
  await p.page.click("#login button[type=submit]");
  await p.page.waitForSelector("#desk:not([hidden])");
  const keys = [];
  let drop = true;
  await p.page.route("**/api/windows/w07/pause", async (route) => {
    keys.push(route.request().headers()["idempotency-key"]);
    if (drop) { drop = false; await route.abort("connectionreset"); } else await route.continue();
  });
  await p.page.click("#pause");
  await p.page.waitForFunction(() => document.querySelector("#deskError").textContent.startsWith("服务器没有响应"));
  await p.page.click("#pause");
  await p.page.waitForFunction(() => document.querySelector("#pauseText").textContent === "恢复");
  assert.equal(keys.length, 2);
  assert.ok(keys[0] && keys[0] === keys[1], `the retry sent another key: ${keys}`);
  // Resume is another action: a key of its own.
  const resumeKeys = [];
  p.page.on("request", (r) => { if (r.url().endsWith("/api/windows/w07/resume")) resumeKeys.push(r.headers()["idempotency-key"]); });
  await p.page.click("#pause");
  await p.page.waitForFunction(() => document.querySelector("#pauseText").textContent === "暂停");
  assert.equal(resumeKeys.length, 1);
  assert.notEqual(resumeKeys[0], keys[0]);
  await p.close();
});

test("the live stream comes back by itself after the server refused it", async () => {
  const token = await login({ username: "director", password: "demo" });
  const p = await open("/director", { allow: [httpStatusLine(503), /EventSource/] });
  await p.page.evaluate((t) => sessionStorage.setItem("dtoken", t), token);
  let refused = 0;
  await p.page.route("**/api/events", async (route) => {
    if (refused < 2) { refused++; await route.fulfill({ status: 503, contentType: "text/plain", body: "busy" }); } else await route.continue();
  });
  await p.page.reload();
  await p.page.waitForSelector("#console:not([hidden])");
  await p.page.waitForFunction(() => document.querySelector("#link").textContent === "连接中断，正在重连…");
  await p.page.waitForFunction(() => document.querySelector("#link").textContent === "● 实时", null, { timeout: 10000 });
  assert.equal(refused, 2);
  // And it is the real stream: a notice published elsewhere shows up.
  const r = await fetch(`${base}/api/notice`, {
    method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ notice: "午间照常办理" }),
  });
  assert.equal(r.status, 200);
  await p.page.waitForFunction(() => document.querySelector("#noticeForm input").value === "午间照常办理");
  await p.close();
});

test("the admin page: English throughout, the checker's finding under a translated heading, the export downloads under the CSP", async () => {
  const p = await open("/admin", { lang: "en", allow: [httpStatusLine(422)] });
  await p.page.fill("input[name=password]", "demo");
  await p.page.click("#login button[type=submit]");
  await p.page.waitForFunction(() => document.querySelector("#toml").value.includes("[[matters]]"));
  // The calendar's sources are the State Council's notices: data, like the hall's TOML.
  await p.page.waitForSelector("#years tr[data-year]");
  assert.deepEqual(await chineseOutside(p.page, ["#toml", "#years td"]), []);
  const toml = await p.page.inputValue("#toml");
  await p.page.fill("#toml", toml.replace('prefix = "A"', 'prefix = "AA"'));
  await p.page.click("#save");
  await p.page.waitForFunction(() => !document.querySelector("#saveDetail").hidden);
  assert.equal(await p.page.textContent("#saveError"), "The configuration has a mistake and was not saved:");
  assert.match(await p.page.textContent("#saveDetail"), /one letter/);
  const [download] = await Promise.all([p.page.waitForEvent("download"), p.page.click("#download")]);
  assert.equal(download.suggestedFilename(), "hall.toml");
  await p.page.fill("#toml", toml);
  await p.page.click("#save");
  await p.page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("Saved and in force"));
  assert.ok(await p.page.isHidden("#saveDetail"));
  assert.equal(await p.page.textContent("#saveError"), "");
  await p.close();
});

test("the admin page refuses in its own words to drop a matter whose tickets still wait today", async () => {
  await issue("zh-tousu");
  const p = await open("/admin", { allow: [httpStatusLine(409)] });
  await p.page.fill("input[name=password]", "demo");
  await p.page.click("#login button[type=submit]");
  await p.page.waitForFunction(() => document.querySelector("#toml").value.includes("[[matters]]"));
  const toml = await p.page.inputValue("#toml");
  const start = toml.indexOf('[[matters]]\nid = "zh-tousu"');
  const end = toml.indexOf("\n\n[[", start) + 2;
  await p.page.fill("#toml", toml.slice(0, start) + toml.slice(end));
  await p.page.click("#save");
  await p.page.waitForFunction(() => document.querySelector("#saveError").textContent !== "");
  assert.equal(await p.page.textContent("#saveError"), "要删除的事项今天还有群众在排队等候，或还有代办点转来的村民申请未受理：请办完、受理后再删除，配置未改动。");
  await p.close();
});

test("signing out of the admin page ends the session on the server, not only in the page", async () => {
  const p = await open("/admin");
  await p.page.fill("input[name=password]", "demo");
  await p.page.click("#login button[type=submit]");
  await p.page.waitForFunction(() => document.querySelector("#toml").value.includes("[[matters]]"));
  const token = await p.page.evaluate(() => sessionStorage.getItem("atoken"));
  const me = () => fetch(`${base}/api/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal((await me()).status, 200);
  await p.page.click("#logout");
  await p.page.waitForSelector("#login:not([hidden])");
  await p.page.waitForFunction(() => sessionStorage.getItem("atoken") === null);
  assert.equal((await me()).status, 401);
  await p.close();
});

test("a kiosk list read before a fault's recovery, in the same second, does not bring the fault back", async () => {
  const { mergeKiosks, applyKioskEvent, kioskMark } = await import(new URL("../../server/web/common.js", import.meta.url));
  const at = "2026-12-05T09:14:07+08:00"; // times are to the second: they cannot tell these apart
  const fault = { kiosk_id: "k1", name: "大厅1号", fault: "paper_out", message: "", ticket_number: "B042", at };
  const ok = { kiosk_id: "k1", name: "大厅1号", fault: null, message: "", ticket_number: null, at };
  const check = (held, list, since, want, why) => assert.deepEqual(mergeKiosks(held, list, since), want, why);
  check([], [fault], kioskMark(), [fault], "the first read fills the list");
  // A read begun, then the recovery's event, then the read's answer (from before it).
  let since = kioskMark();
  check(applyKioskEvent([fault], ok), [fault], since, [ok], "the event applied while the list was on its way stays");
  // Events before the read began (or none): the list is as new as anything held.
  const held = applyKioskEvent([], fault);
  since = kioskMark();
  check(held, [ok], since, [ok], "a list read after the event wins");
  check([fault], [ok], kioskMark(), [ok], "a state read earlier is replaced");
});

test("a list redrawn by a live event keeps the reason typed and the result picked in its rows", async () => {
  const p = await open("/clerk");
  const kept = await p.page.evaluate(async () => {
    const { redraw } = await import("/assets/common.js");
    const el = document.createElement("table");
    document.body.append(el);
    const rows = (ids) => ids.map((id) => `<tr><td><select data-in-result="${id}"><option value="approved">a</option>` +
      `<option value="not_approved">n</option></select><input data-in-reason="${id}"></td></tr>`).join("");
    redraw(el, rows([1, 2]));
    el.querySelector('[data-in-result="2"]').value = "not_approved";
    el.querySelector('[data-in-reason="2"]').value = "材料不全";
    el.querySelector('[data-in-reason="2"]').focus();
    redraw(el, rows([3, 2])); // another case came in above it
    return [el.querySelector('[data-in-result="2"]').value, el.querySelector('[data-in-reason="2"]').value,
      el.querySelector('[data-in-result="3"]').value, document.activeElement === el.querySelector('[data-in-reason="2"]')];
  });
  assert.deepEqual(kept, ["not_approved", "材料不全", "approved", true]);
  await p.close();
});
