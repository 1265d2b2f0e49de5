// Staff sessions and retried actions in a real (headless) Chromium against a real server: an
// action whose answer was lost is never answered with another ticket's; a dialog starts blank
// for each citizen; a session that ends on the server takes the page back to the sign-in,
// saying why; the desk follows its cases live; the phone page's banner recovers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useHall, openPage, httpStatusLine } from "./harness.mjs";

let base, browser;
useHall((h) => ({ base, browser } = h));

async function post(path, token, body = {}) {
  const r = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}

const issue = async (service) => (await post("/api/tickets", "demo-kiosk", { service_id: service })).body;

async function login(username) {
  const r = await fetch(`${base}/api/auth/login`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: "demo" }),
  });
  return (await r.json()).token;
}

/** The clerk page, signed in at `window`. */
async function desk(user, window, allow = []) {
  const o = await openPage(browser, base, "/clerk", { allow: [/ERR_FAILED|ERR_CONNECTION|net::/, ...allow] });
  o.ctx.on("page", (p) => { p.close().catch(() => {}); o.page.bringToFront().catch(() => {}); });
  await o.page.fill("input[name=username]", user);
  await o.page.fill("input[name=password]", "demo");
  await o.page.selectOption("select[name=window]", window);
  await o.page.click("#login button[type=submit]");
  await o.page.waitForSelector("#desk:not([hidden])");
  return o;
}

async function callNext(page, number) {
  await page.click("#callNext");
  await page.waitForFunction((n) => document.querySelector("#number").textContent === n, number);
}

async function finish(page) {
  await page.click("#finish");
  await page.click("#finishOk");
  await page.waitForFunction(() => !document.querySelector("#finishDialog").open);
}

test("a recall whose answer was lost is not answered again for the next ticket", async () => {
  const [first, second] = [await issue("mz-linshi"), await issue("mz-linshi")];
  const o = await desk("clerk2", "w02");
  const { page } = o;
  await callNext(page, first.number);
  // The server recalls, the answer never reaches the page.
  await page.route("**/api/windows/w02/recall", async (route) => {
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.click("#recall");
  await page.waitForFunction(() => document.querySelector("#deskError").textContent !== "");
  await page.unroute("**/api/windows/w02/recall");
  await finish(page);
  await callNext(page, second.number);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/windows/w02/recall")),
    page.click("#recall"),
  ]);
  assert.equal((await answer.json()).number, second.number, "the recall is the second ticket's");
  assert.equal(answer.headers()["idempotency-replayed"], undefined, "not the first ticket's stored answer");
  assert.equal(await page.textContent("#number"), second.number);
  await o.close();
});

test("the finish dialog starts blank for each citizen", async () => {
  const t = await issue("mz-linshi");
  const o = await desk("clerk3", "w03");
  const { page } = o;
  await callNext(page, t.number);
  await page.click("#finish");
  await page.fill("#finishDialog input[name=applicant_name]", "王村民");
  await page.fill("#finishDialog input[name=applicant_phone]", "13812345678");
  await page.fill("#finishDialog input[name=note]", "上一位群众");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("#finishDialog").open);
  await page.click("#finish");
  const left = await page.evaluate(() => ["applicant_name", "applicant_phone", "note"]
    .map((n) => document.querySelector(`#finishDialog [name=${n}]`).value));
  assert.deepEqual(left, ["", "", ""]);
  await page.click("#finishOk");
  await page.waitForFunction(() => !document.querySelector("#finishDialog").open);
  await o.close();
});

test("a desk taken over while a case is open leaves no applicant on the screen, and no password in the form", async () => {
  const t = await issue("rs-kunnan"); // w07, 15 promised working days
  const o = await desk("clerk7", "w07", [httpStatusLine(403)]);
  const { page } = o;
  assert.equal(await page.inputValue("#login input[name=password]"), "", "read once, not left in the form");
  await callNext(page, t.number);
  await page.click("#finish");
  await page.selectOption("#finishDialog select[name=outcome]", "promised");
  await page.fill("#finishDialog input[name=applicant_name]", "赵申请");
  await page.fill("#finishDialog input[name=applicant_phone]", "13812340007");
  await page.click("#finishOk");
  await page.waitForFunction(() => !document.querySelector("#finishDialog").open);
  await page.waitForSelector("#cases [data-case]");
  await page.click("#cases [data-case]");
  await page.waitForFunction(() => document.querySelector("#caseDialog").open &&
    document.querySelector("#caseInfo").textContent.includes("13812340007"));
  // The window signed in at anew on another computer: this desk steps aside, its dialog with it.
  const r = await fetch(`${base}/api/auth/login`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "clerk7", password: "demo", window_id: "w07" }),
  });
  assert.equal(r.status, 200);
  await page.waitForSelector("#login:not([hidden])", { timeout: 15000 });
  assert.equal(await page.evaluate(() => document.querySelectorAll("dialog[open]").length), 0);
  assert.ok(!(await page.evaluate(() => document.body.innerText)).includes("13812340007"), "no applicant's phone left");
  await o.close();
});

test("the desk follows its cases live, and a session ended on the server signs the page out, saying why", async () => {
  const t = await issue("rs-jmyanglao-daiyu"); // 10 promised working days (one done on the spot is no 承诺件)
  const o = await desk("clerk5", "w05", [httpStatusLine(401), httpStatusLine(503)]);
  const { page } = o;
  await callNext(page, t.number);
  await page.click("#finish");
  await page.selectOption("#finishDialog select[name=outcome]", "promised");
  await page.click("#finishOk");
  await page.waitForFunction(() => !document.querySelector("#finishDialog").open);
  await page.waitForFunction(() => document.querySelector("#cases").textContent.includes("承诺件"));
  const number = await page.evaluate(() => document.querySelector("#cases [data-case]")?.dataset.case);
  assert.ok(number, "the case is listed");
  // A case that cannot be read now says so under the list.
  await page.route(`**/api/cases/${encodeURIComponent(number)}`, (route) =>
    route.fulfill({ status: 503, contentType: "application/json", body: '{"error":"writer_unavailable","message":"x"}' }));
  await page.click(`#cases [data-case="${number}"]`);
  await page.waitForFunction(() => document.querySelector("#casesError").textContent !== "");
  await page.unrouteAll({ behavior: "ignoreErrors" });
  // Closed by the director elsewhere: gone from the window's open cases (a staff-only event).
  const director = await login("director");
  const closed = await post(`/api/cases/${encodeURIComponent(number)}/close`, director, { result: "approved" });
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  await page.waitForFunction((n) => !document.querySelector("#cases").innerHTML.includes(n), number);
  // The session ends on the server (dismissed elsewhere): the next event ends the stream, and
  // the page is back at the sign-in with the reason.
  const token = await page.evaluate(() => sessionStorage.getItem("token"));
  assert.equal((await post("/api/auth/logout", token)).status, 204);
  await issue("rs-jmyibao");
  await page.waitForSelector("#login:not([hidden])", { timeout: 15000 });
  assert.equal(await page.textContent("#loginError"), "登录已过期，请重新登录。");
  await o.close();
});

test("the director's console signs out with the reason when its session ends", async () => {
  const o = await openPage(browser, base, "/director", { allow: [httpStatusLine(401)] });
  const { page } = o;
  await page.fill("input[name=username]", "director");
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#console:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#link").textContent === "● 实时");
  const token = await page.evaluate(() => sessionStorage.getItem("dtoken"));
  assert.equal((await post("/api/auth/logout", token)).status, 204);
  await issue("mz-linshi");
  await page.waitForSelector("#login:not([hidden])", { timeout: 15000 });
  assert.equal(await page.textContent("#loginError"), "登录已过期，请重新登录。");
  await o.close();
});

test("a desk or console opened with a session that ended overnight says why it asks to sign in", async () => {
  // (page, its token's key in sessionStorage, a signed-in session of the page's kind)
  for (const [path, key, user] of [["/clerk", "token", "clerk4"], ["/director", "dtoken", "director"]]) {
    const r = await fetch(`${base}/api/auth/login`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: user, password: "demo", ...(user === "clerk4" ? { window_id: "w04" } : {}) }),
    });
    const token = (await r.json()).token;
    assert.equal((await post("/api/auth/logout", token)).status, 204);
    const o = await openPage(browser, base, path, { allow: [httpStatusLine(401)] });
    await o.page.evaluate(([k, t]) => { sessionStorage.setItem(k, t); sessionStorage.setItem("window", "w04"); }, [key, token]);
    await o.page.reload();
    await o.page.waitForSelector("#login:not([hidden])");
    await o.page.waitForFunction(() => document.querySelector("#loginError").textContent !== "");
    // Settled: nothing blanks it afterwards.
    await o.page.waitForLoadState("networkidle");
    assert.equal(await o.page.textContent("#loginError"), "登录已过期，请重新登录。", path);
    await o.close();
  }
});

test("an admin's unsaved edit survives the sign-in that follows an expired session", async () => {
  const o = await openPage(browser, base, "/admin", { allow: [httpStatusLine(401)] });
  const { page } = o;
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#toml").value.includes("[[matters]]"));
  const token = await page.evaluate(() => sessionStorage.getItem("atoken"));
  const edited = `# 待保存的修改\n${await page.inputValue("#toml")}`;
  await page.fill("#toml", edited);
  assert.equal((await post("/api/auth/logout", token)).status, 204);
  await page.click("#save");
  await page.waitForSelector("#login:not([hidden])");
  assert.equal(await page.textContent("#loginError"), "登录已过期，请重新登录。");
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#editor:not([hidden])");
  await page.waitForSelector("#years tr[data-year]");
  assert.equal(await page.inputValue("#toml"), edited);
  await o.close();
});

test("the phone page's offline line goes once a poll answers again", async () => {
  const t = await issue("mz-linshi");
  const path = new URL(t.status_url, base).pathname;
  const token = path.split("/").pop();
  const ctxOptions = { allow: [/ERR_FAILED|ERR_CONNECTION|net::/], viewport: { width: 390, height: 844 } };
  const o = await openPage(browser, base, "/", ctxOptions);
  const { page } = o;
  await page.clock.install();
  await page.goto(`${base}${path}`);
  await page.waitForFunction(() => document.querySelector("#link").textContent !== "");
  let fail = true;
  await page.route(`**/api/t/${token}`, async (route) => {
    if (fail) { fail = false; await route.abort("connectionreset"); } else await route.continue();
  });
  await page.clock.fastForward(61_000);
  await page.waitForFunction(() => document.querySelector("#link").className === "bad");
  await page.clock.fastForward(61_000);
  await page.waitForFunction(() => document.querySelector("#link").className === "ok");
  await o.close();
});
