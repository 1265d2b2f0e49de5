// Village stations (R22) in a real Chromium: the agent signs in on /village on a phone-sized
// screen, registers an urgent villager's request (forwarded at once) with two of the matter's
// materials; clerk2 at window 2 (临时救助 is handled at w02 and w03) sees it on the desk's
// 「村代办件」 card without the villager's name, accepts it into a promised case with the finish
// dialog; the agent's list then shows the case and the town's deadline, no reply while it runs;
// once the window closes it, the agent records the reply. Runs on the real clock: dates are the hall's (Asia/Shanghai).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { useHall, openPage, httpStatusLine } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS;
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
const NAME = "赵大娘";
const PHONE = "13812345678";
let base, browser;
useHall((h) => ({ base, browser } = h));

test("an agent registers on /village, the window accepts it from the desk, the agent sees the case and replies", async () => {
  const v = await openPage(browser, base, "/village", { viewport: { width: 390, height: 844 }, isMobile: true });
  const { page } = v;
  await page.fill("#login input[name=username]", "village1");
  await page.fill("#login input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#register:not([hidden])");
  assert.equal(await page.textContent("#station"), "石桥村便民服务站");
  await page.fill("#register input[name=name]", NAME);
  await page.fill("#register input[name=phone]", "138 1234 5678");
  await page.selectOption("#register select[name=matter]", "mz-linshi");
  // R3 at the villager's first contact: the procedure, time limit, fee and legal basis to pass on.
  const linshi = (await (await fetch(`${base}/api/services`)).json()).find((s) => s.id === "mz-linshi");
  const notice = await page.textContent("#matterNotice");
  for (const step of linshi.procedure) assert.ok(notice.includes(step), step);
  assert.ok(notice.includes(`承诺时限：${linshi.time_limit_days} 个工作日`) && notice.includes(linshi.basis), notice);
  await page.check("#materials input[value='临时救助申请书']");
  await page.check("#materials input[value='申请人身份证、户口簿原件及复印件']");
  await page.check("#register input[name=urgent]");
  assert.equal(await page.isChecked("#register input[name=forward]"), true, "urgent goes today");
  await page.fill("#register textarea[name=note]", "家中老人住院，急需救助");
  await page.click("#register button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#registerDone").textContent !== "");
  assert.equal(await page.textContent("#registerError"), "");
  assert.match(await page.textContent("#registerDone"), new RegExp(`DB${today.replaceAll("-", "")}-001`));
  const article = "article.request";
  await page.waitForSelector(article);
  let text = await page.textContent(article);
  assert.match(text, new RegExp(NAME));
  assert.match(text, new RegExp(PHONE));
  assert.match(text, /已转交镇便民服务中心/);
  assert.match(text, /急件/);
  if (shots) await page.screenshot({ path: join(shots, "village.png"), fullPage: true });

  // The window's desk: the request, its materials, no villager; accepted with the finish dialog.
  const c = await openPage(browser, base, "/clerk");
  await c.page.fill("input[name=username]", "clerk2");
  await c.page.fill("input[name=password]", "demo");
  await c.page.selectOption("select[name=window]", "w02");
  await c.page.click("#login button[type=submit]");
  await c.page.waitForSelector("#villageCard:not([hidden])");
  const card = await c.page.textContent("#villageCard");
  assert.match(card, /村代办件/);
  assert.match(card, /石桥村便民服务站/);
  assert.match(card, /临时救助申请书/);
  assert.match(card, /待受理/);
  assert.doesNotMatch(card, new RegExp(NAME), "no villager's name on the desk's list");
  await c.page.click("#village button[data-village-accept]");
  await c.page.waitForSelector("#finishDialog[open]");
  assert.match(await c.page.textContent("#finishVillage"), new RegExp(`${NAME}.*${PHONE}`));
  assert.equal(await c.page.inputValue("#finishDialog input[name=applicant_name]"), NAME);
  await c.page.selectOption("#finishDialog select[name=outcome]", "promised");
  await c.page.click("#finishOk");
  await c.page.waitForFunction(() => document.querySelector("#villageDone").textContent !== "");
  assert.match(await c.page.textContent("#villageDone"), /已受理为办件 \d{8}-\d{4}/);
  assert.equal(await c.page.isVisible("#finishDialog"), false);
  // It is now one of the window's cases, and on the card until the agent replies.
  await c.page.waitForFunction((name) => document.querySelector("#cases")?.textContent.includes("临时救助"), NAME);
  if (shots) await c.page.screenshot({ path: join(shots, "village-desk.png"), fullPage: true });
  const caseNumber = (await c.page.textContent("#villageDone")).match(/\d{8}-\d{4}/)[0];
  // The villager's note came with the request onto the case's record (R5), read in its dialog.
  await c.page.click(`#cases tr[data-case="${caseNumber}"]`);
  await c.page.waitForFunction(() => document.querySelector("#caseDialog").open);
  assert.match(await c.page.textContent("#caseInfo"), /备注家中老人住院，急需救助/);
  await c.page.click("#caseDialog button[data-t=closeDialog]");

  // The director's console lists it among the open village requests (no villager there either).
  const d = await openPage(browser, base, "/director");
  await d.page.fill("#login input[name=username]", "director");
  await d.page.fill("#login input[name=password]", "demo");
  await d.page.click("#login button[type=submit]");
  await d.page.waitForFunction(() => document.querySelector("#village")?.textContent.includes("DB"));
  const console = await d.page.textContent("#villageCard");
  assert.match(console, /村代办件/);
  assert.match(console, /已受理 \d{8}-\d{4}/);
  assert.doesNotMatch(console, new RegExp(NAME));
  await d.close();

  // The agent sees the case and the town's deadline; no reply while the case runs (the town has
  // no answer yet). The window closes it; the agent records the reply.
  await page.reload();
  await page.waitForSelector(article);
  text = await page.textContent(article);
  assert.match(text, /镇窗口已受理，办件编号 \d{8}-\d{4}/);
  assert.match(text, /请于 \d{4}-\d{2}-\d{2} 前答复村民|镇窗口已受理/);
  assert.equal(await page.$(`${article} button[data-replied]`), null, "no reply before the town's answer");
  const closed = await c.page.evaluate(async (n) => (await fetch(`/api/cases/${n}/close`, {
    method: "POST", headers: { authorization: `Bearer ${sessionStorage.getItem("token")}`, "content-type": "application/json" },
    body: JSON.stringify({ result: "approved" }),
  })).status, caseNumber);
  assert.equal(closed, 200);
  await c.close();
  await page.reload();
  await page.waitForSelector(`${article} button[data-replied]`);
  assert.match(await page.textContent(article), /查询码 [0-9A-Z]{4,}（村民可凭办件编号和查询码在自助机查询进度）/);
  await page.click(`${article} button[data-replied]`);
  await page.waitForFunction(() => document.querySelector("article.request").textContent.includes("答复村民") &&
    !document.querySelector("article.request button[data-replied]"));
  assert.match(await page.textContent(article), /已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 答复村民/);
  // In English too.
  await page.click("#lang");
  assert.match(await page.textContent(article), /Closed \(case \d{8}-\d{4}\): approved/);
  assert.match(await page.textContent("#register"), /Register a villager's request/);
  await v.close();
});

test("the director hands a request over to another agent of the station from the console", async () => {
  const call = async (method, path, token, body) => {
    const headers = { "Content-Type": "application/json", Authorization: `Bearer ${token}` };
    const r = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json().catch(() => null) };
  };
  const login = async (username) => (await call("POST", "/api/auth/login", "", { username, password: "demo" })).body.token;
  // A second agent at 石桥村 (the sample hall has one).
  const admin = await login("admin");
  const toml = (await call("GET", "/api/admin/hall", admin)).body.toml;
  const marker = "# ───────────── 自助取号机 ─────────────";
  assert.ok(toml.includes(marker));
  const hash = toml.match(/password_hash = "([^"]+)"/)[1];
  const agent = `[[staff]]\nusername = "village2"\nname = "李国强"\nrole = "village"\nstation = "石桥村便民服务站"\n` +
    `password_hash = "${hash}"\ndemo = true\n\n`;
  assert.equal((await call("POST", "/api/admin/hall", admin, { toml: toml.replace(marker, agent + marker) })).status, 200);
  const one = await login("village1");
  const registered = await call("POST", "/api/village/requests", one, {
    villager_name: "钱大爷", villager_phone: "13800001111", service_id: "mz-linshi", materials: ["临时救助申请书"], urgent: false,
  });
  assert.equal(registered.status, 201);
  const { id, number } = registered.body;

  const d = await openPage(browser, base, "/director", { viewport: { width: 1366, height: 1400 } });
  const { page } = d;
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector(`#village select[data-agent-for="${id}"]`);
  const row = `#village tr:has(select[data-agent-for="${id}"])`;
  assert.match(await page.textContent(row), /马桂兰/);
  assert.equal(await page.inputValue(`#village select[data-agent-for="${id}"]`), "village2");
  if (shots) await page.locator("#villageCard").screenshot({ path: join(shots, "director-village-hand-over.png") });
  await page.click(`#village button[data-hand-over="${id}"]`);
  await page.waitForFunction(() => document.querySelector("#villageDone").textContent !== "");
  assert.equal(await page.textContent("#villageDone"), `${number} 已交接给 李国强。`);
  assert.match(await page.textContent(row), /李国强/);
  await d.close();
  const two = await login("village2");
  const whole = await call("GET", `/api/village/requests/${id}`, two);
  assert.equal(whole.body.villager_name, "钱大爷", "the new agent reads the villager to pass the answer on");
  assert.equal((await call("GET", `/api/village/requests/${id}`, one)).status, 403);
});

test("the director's village card says a failed read, keeps its list, and clears the error at the next good read", async () => {
  const login = async (username) => {
    const r = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: "demo" }) });
    return (await r.json()).token;
  };
  const agent = await login("village1");
  const register = async (name) => {
    const r = await fetch(`${base}/api/village/requests`, {
      method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${agent}` },
      body: JSON.stringify({ villager_name: name, villager_phone: "13800002222", service_id: "mz-linshi", materials: ["临时救助申请书"], urgent: false }),
    });
    assert.equal(r.status, 201);
    return (await r.json()).number;
  };
  const first = await register("孙大爷");
  const d = await openPage(browser, base, "/director", { viewport: { width: 1366, height: 1400 }, allow: [httpStatusLine(503)] });
  const { page } = d;
  const failing = new Set(["agents"]); // the reads to refuse once
  const refuse = (what) => async (route) => {
    if (route.request().method() === "GET" && failing.delete(what)) {
      await route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "writer_unavailable", message: "x" }) });
    } else await route.continue();
  };
  await page.route("**/api/village/agents", refuse("agents"));
  await page.route("**/api/village/requests", refuse("requests"));
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#villageError").textContent !== "");
  assert.ok((await page.textContent("#village")).includes(first), "the list is shown");
  // The next read (a new request: village_changed) succeeds: the error goes, the controls come.
  const second = await register("周大妈");
  await page.waitForFunction((n) => document.querySelector("#village").textContent.includes(n), second);
  await page.waitForFunction(() => document.querySelector("#villageError").textContent === "");
  // A failed read of the list keeps the rows shown, with the error; not an empty card.
  failing.add("requests");
  const third = await register("吴大爷");
  await page.waitForFunction(() => document.querySelector("#villageError").textContent !== "");
  const text = await page.textContent("#village");
  assert.ok(text.includes(first) && text.includes(second) && !text.includes(third), text);
  assert.equal(await page.isHidden("#noVillage"), true);
  await d.close();
});

test("an agent's sign-out leaves no villager half typed and no list for whoever signs in next", async () => {
  const v = await openPage(browser, base, "/village", { viewport: { width: 390, height: 844 }, isMobile: true });
  const { page } = v;
  await page.fill("#login input[name=username]", "village1");
  await page.fill("#login input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("article.request"); // the station's requests, from the first test
  await page.fill("#register input[name=name]", "钱半填");
  await page.fill("#register input[name=phone]", "13900007777");
  await page.click("#logout");
  await page.waitForSelector("#login:not([hidden])");
  assert.equal(await page.inputValue("#login input[name=password]"), "");
  assert.equal(await page.$$eval("article.request", (a) => a.length), 0, "no list left behind the sign-in");
  assert.deepEqual([await page.inputValue("#register input[name=name]"), await page.inputValue("#register input[name=phone]")], ["", ""]);
  await v.close();
});
