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
