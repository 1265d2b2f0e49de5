// The director console's card 「村代办件」 (R22): every village request still open for the town —
// not yet accepted by a window, or accepted and the villager not yet replied to — with the
// overdue forwards and replies in red and counted in the card's title. No villager's name or
// phone here (the list carries none); opening one is an audited read, not needed to supervise.
// A request whose agent left or is away is handed over to another agent of its station.

import { $, esc, t, api, act, guarded, showError } from "./common.js";

let requests = [];
let agents = []; // the hall's village agents, to hand a request over to
const chosen = new Map(); // request id -> the agent picked, kept across redraws
let readFailed = false; // the error line says a read failed (cleared by the next good read)

export async function refreshVillage() {
  let failure = null;
  // A failed read keeps the list shown and says so: an empty card would read "nothing open".
  try { requests = (await api("GET", "/api/village/requests")).data; } catch (e) { failure = e; }
  try {
    agents = (await api("GET", "/api/village/agents")).data;
  } catch (e) {
    agents = []; // the hand-over controls are missing: the error says why
    failure ??= e;
  }
  if (failure) showError("villageError", failure);
  else if (readFailed) showError("villageError", null);
  readFailed = !!failure;
  renderVillage();
}

/** The control handing `r` over: the other agents of its station (none: nothing to show). */
function handOver(r) {
  const others = agents.filter((a) => a.station === r.station && a.username !== r.agent);
  if (!others.length || r.replied_at) return "";
  return `<select data-agent-for="${r.id}" aria-label="${esc(t("vHandOverTo"))}">` +
    others.map((a) => `<option value="${esc(a.username)}"${chosen.get(String(r.id)) === a.username ? " selected" : ""}>${esc(a.name)}</option>`).join("") +
    `</select> <button type="button" data-hand-over="${r.id}">${esc(t("vHandOver"))}</button>`;
}

function state(r) {
  if (r.status === "registered") return r.forward_overdue ? t("vForwardOverdue", r.forward_by) : t("vAtStation", r.forward_by);
  if (r.status === "forwarded") return t("vForwarded", (r.forwarded_at ?? "").slice(0, 16).replace("T", " "));
  const reply = r.town_overdue ? t("vTownOverdue", r.town_deadline)
    : r.reply_overdue ? t("vReplyOverdue", r.reply_by) : t("vReplyBy", r.reply_by ?? "—");
  return `${t("vCase", r.case_number)} · ${reply}`;
}

export function renderVillage() {
  const forwards = requests.filter((r) => r.forward_overdue).length;
  const replies = requests.filter((r) => r.reply_overdue).length;
  // A town window running late is the director's to press too (R22).
  const windows = requests.filter((r) => r.town_overdue).length;
  $("villageLate").textContent = forwards + replies + windows ? t("vLateCount", forwards, replies, windows) : "";
  $("villageCard").classList.toggle("alarm-card", forwards + replies + windows > 0);
  $("noVillage").hidden = requests.length > 0;
  $("village").innerHTML = requests.length === 0 ? "" :
    `<tr><th>${esc(t("vNumber"))}</th><th>${esc(t("vStation"))}</th><th>${esc(t("vAgent"))}</th><th>${esc(t("vMatter"))}</th>` +
    `<th>${esc(t("vState"))}</th><th></th></tr>` +
    requests.map((r) => {
      const late = r.forward_overdue || r.reply_overdue || r.town_overdue;
      return `<tr class="${late ? "warn" : ""}"><td>${esc(r.number)}${r.urgent ? ` <span class="tag main">${esc(t("vUrgent"))}</span>` : ""}</td>` +
        `<td>${esc(r.station)}</td><td>${esc(r.agent_name)}</td><td>${esc(r.service_name)}</td>` +
        `<td class="${late ? "warn" : ""}">${esc(state(r))}</td><td>${handOver(r)}</td></tr>`;
    }).join("");
}

$("village").addEventListener("click", (e) => {
  const id = e.target.closest("button[data-hand-over]")?.dataset.handOver;
  if (!id) return;
  const agent = $("village").querySelector(`select[data-agent-for="${id}"]`).value;
  $("villageDone").textContent = "";
  readFailed = false; // the line is the hand-over's now
  guarded("villageError", async () => {
    // One retry slot per request: a new agent is a new body, hence a new key.
    const r = (await act(`hand-over-${id}`, `/api/village/requests/${id}/agent`, { agent })).data;
    chosen.delete(id);
    await refreshVillage();
    $("villageDone").textContent = t("vHandedOver", r.number, r.agent_name);
  });
});
$("village").addEventListener("change", (e) => {
  const id = e.target.closest("select[data-agent-for]")?.dataset.agentFor;
  if (id) chosen.set(id, e.target.value);
});
