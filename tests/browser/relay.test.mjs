// The county hall's clerk and 上报来件 (R14): a report a town hall sent (delivered here as the
// county service would) is on the desk of its matter's window; the clerk reads the applicant
// (an audited read), accepts it and closes it, and the result waits in the outbox for the town.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { useHall, openPage } from "./harness.mjs";

const shots = process.env.HALL_SCREENSHOTS;
let base, browser;
useHall((h) => ({ base, browser } = h));

const county = (method, path, body) => fetch(`${base}${path}`, {
  method, headers: { Authorization: "Bearer demo-county", "Content-Type": "application/json" },
  body: body === undefined ? undefined : JSON.stringify(body),
});

test("a clerk accepts and closes a case a town hall reported", async () => {
  const r = await county("POST", "/api/relay/inbox", {
    key: "shanxia:report:20261203-0007", from_hall: "shanxia", kind: "report",
    body: { hall_name: "山下镇便民服务中心", number: "20261203-0007", service_id: "mz-linshi", service_name: "临时救助申请",
      authority: "县民政局", applicant_name: "赵六", applicant_phone: "13600002222", note: "因病致贫" },
  });
  assert.equal(r.status, 200);
  const o = await openPage(browser, base, "/clerk");
  const { page } = o;
  await page.fill("input[name=username]", "clerk2");
  await page.fill("input[name=password]", "demo");
  await page.selectOption("select[name=window]", "w02");
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#incomingCard:not([hidden])");
  const card = () => page.textContent("#incoming");
  assert.match(await card(), /山下镇便民服务中心/);
  assert.match(await card(), /20261203-0007/);
  assert.match(await card(), /待受理/);
  assert.doesNotMatch(await card(), /赵六/, "the list carries no personal data");
  await page.click("[data-in-view]");
  await page.waitForFunction(() => document.querySelector("#incoming").textContent.includes("赵六"));
  await page.click("[data-in-accept]");
  await page.waitForFunction(() => document.querySelector("#incoming").textContent.includes("办理中"));
  assert.match(await card(), /承诺办结 \d{4}-\d\d-\d\d/);
  if (shots) await page.screenshot({ path: join(shots, "clerk-incoming.png"), fullPage: true });
  await page.selectOption("[data-in-result]", "approved");
  await page.click("[data-in-close]");
  await page.waitForSelector("#incomingCard[hidden]", { state: "attached" });
  const outbox = await (await county("GET", "/api/relay/outbox")).json();
  const steps = outbox.filter((m) => m.to_hall === "shanxia").map((m) => m.body.step);
  assert.deepEqual(steps, ["accepted", "closed"]);
  assert.equal(outbox.at(-1).body.result, "approved");
  await o.close();
});

test("the director hands a reported case on no desk to a window and extends it once", async () => {
  const staff = async (username, window_id) => (await (await fetch(`${base}/api/auth/login`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: "demo", window_id }),
  })).json()).token;
  const call = (method, path, token, body) => fetch(`${base}${path}`, {
    method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // This hall without a window for general inquiries: a matter it does not list lands on no desk.
  const admin = await staff("admin");
  const { toml } = await (await call("GET", "/api/admin/hall", admin)).json();
  assert.equal((await call("POST", "/api/admin/hall", admin, { toml: toml.replace(/general_inquiry = "zh-zixun".*\n/, "") })).status, 200);
  const r = await county("POST", "/api/relay/inbox", {
    key: "baiyun:report:20261203-0009", from_hall: "baiyun", kind: "report",
    body: { hall_name: "白云镇便民服务中心", number: "20261203-0009", service_id: "yy-buliao", service_name: "渔业捕捞许可",
      authority: "县农业农村局", applicant_name: "钱七" },
  });
  assert.equal(r.status, 200);
  const id = (await r.json()).incoming_id;

  const o = await openPage(browser, base, "/director");
  const { page } = o;
  await page.fill("input[name=username]", "director");
  await page.fill("input[name=password]", "demo");
  await page.click("#login button[type=submit]");
  const row = page.locator(`#incomingList tr[data-incoming="${id}"]`);
  await row.filter({ hasText: "未分派（本中心无对应事项）" }).waitFor();
  assert.match(await page.textContent("#incomingCount"), /未分派 1 件/);
  assert.doesNotMatch(await page.textContent("#incomingCard"), /钱七/, "no applicant on the list");
  // Assigning without a window says so; then to window 2.
  await row.locator("button[data-in-assign]").click();
  assert.equal(await page.textContent("#incomingError"), "请先选择承办窗口。");
  await row.locator("select").selectOption("w02");
  await row.locator("button[data-in-assign]").click();
  await page.locator("#incomingDone").filter({ hasText: "已将 20261203-0009 分派至2号窗口（民政窗口（一））。" }).waitFor();
  await row.locator("td:nth-child(3)").filter({ hasText: "2号窗口（民政窗口（一））" }).waitFor();
  assert.equal(await page.textContent("#incomingCount"), "");

  // Accepted at w02 (its desk now has it): the director grants the one extension, with a reason.
  const clerk = await staff("clerk2", "w02");
  const mine = await (await call("GET", "/api/incoming?window=w02", clerk)).json();
  assert.ok(mine.some((l) => l.id === id), "on w02's desk");
  assert.equal((await call("POST", `/api/incoming/${id}/accept`, clerk, { days: 5 })).status, 200);
  await row.locator("button[data-in-extend]").waitFor();
  await row.locator("input[data-in-days]").fill("2");
  await row.locator("button[data-in-extend]").click();
  assert.equal(await page.textContent("#incomingError"), "延期须写明理由（R12）。");
  await row.locator("input[data-in-extend-reason]").fill("需核实渔船证照");
  await row.locator("button[data-in-extend]").click();
  await page.locator("#incomingDone").filter({ hasText: /20261203-0009 已延期，办结日期改为 \d{4}-\d\d-\d\d。/ }).waitFor();
  await row.filter({ hasText: "已延期" }).waitFor();
  assert.equal(await row.locator("button[data-in-extend]").count(), 0, "once only (R12)");
  if (shots) await page.locator("#incomingCard").screenshot({ path: join(shots, "director-incoming.png") });
  await page.click("#lang");
  await page.locator("#incomingCard h2").filter({ hasText: "Reported to us" }).waitFor();
  await row.filter({ hasText: "window 2 (民政窗口（一）)" }).waitFor();
  await page.click("#lang");

  // Handed on to window 3 while window 2's desk is open: it leaves that desk at once.
  const desk = await openPage(browser, base, "/clerk");
  await desk.page.fill("input[name=username]", "clerk2");
  await desk.page.fill("input[name=password]", "demo");
  await desk.page.selectOption("select[name=window]", "w02");
  await desk.page.click("#login button[type=submit]");
  await desk.page.locator("#incoming").filter({ hasText: "20261203-0009" }).waitFor();
  await row.locator("select").selectOption("w03");
  await row.locator("button[data-in-assign]").click();
  await row.locator("td:nth-child(3)").filter({ hasText: "3号窗口（民政窗口（二））" }).waitFor();
  await desk.page.waitForSelector("#incomingCard[hidden]", { state: "attached" });
  await desk.close();
  await o.close();
});
