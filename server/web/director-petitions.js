// The director console's petitions (信访, R20): the list (overdue red, no identity in it), the
// register form with R20's fields, a petition's detail (its read is audited by the server) with
// transfer, answer, close and its printable 交办单 and 告知书, and the red banner at the top of the
// console while an urgent petition is not acknowledged: shown at load from /api/petitions/alerts
// and at once on a `feedback_changed` event (director streams only). Every text is inserted as
// text (esc or textContent), never as HTML.

import { $, esc, t, api, act, guarded, showError } from "./common.js";

let lines = [], alerts = [], open = null, departments = [];
const head = (keys) => `<tr>${keys.map((k) => `<th>${esc(t(k))}</th>`).join("")}</tr>`;
const time = (at) => (at ? `${at.slice(0, 10)} ${at.slice(11, 16)}` : "");

function renderAlerts() {
  const banner = $("petitionAlert");
  banner.hidden = alerts.length === 0;
  if (alerts.length === 0) return;
  const a = alerts[0];
  // Straight from the event (until the list is read again): no number yet.
  $("petitionAlertText").textContent = a.number
    ? `⚠ ${t("pAlert", alerts.length, a.number, t(`pChannel.${a.channel}`), time(a.received_at))}`
    : `⚠ ${t("pAlertNew", time(a.received_at))}`;
  $("petitionAck").dataset.id = String(a.id);
}

function renderList() {
  $("noPetitions").hidden = lines.length > 0;
  $("petitionList").innerHTML = lines.length === 0 ? "" :
    head(["pNumber", "pChannel", "pReceived", "pState", "pDue", "pDepartment"]) + lines.map((p) => {
      const cls = p.overdue ? "overdue" : p.urgent && !p.acknowledged ? "soon" : "";
      const flags = [p.urgent ? t("pUrgentFlag") : "", p.leader_reception ? t("pLeaderFlag") : ""].filter(Boolean).join(" ");
      return `<tr class="case ${cls}" data-petition="${esc(p.id)}" tabindex="0">` +
        `<td>${esc(p.number)} <small>${esc(flags)}</small></td><td>${esc(t(`pChannel.${p.channel}`))}</td>` +
        `<td>${esc(time(p.received_at))}</td><td>${esc(t(`pState.${p.state}`))}</td>` +
        `<td>${esc(p.due ?? (p.state === "received" || p.state === "transferred" ? t("pPending") : "—"))}` +
        `${p.overdue ? ` <b>${esc(t("pOverdue"))}</b>` : ""}</td><td>${esc(p.department ?? "—")}</td></tr>`;
    }).join("");
}

function renderDetail() {
  const p = open;
  if (!p) {
    // Signed out: the petitioner's name, age, address and issue leave the page too.
    $("petitionNumber").textContent = "";
    $("petitionInfo").innerHTML = "";
    return;
  }
  $("petitionNumber").textContent = p.number;
  const line = (key, value) => (value == null || value === "" ? "" : `<dt>${esc(t(key))}</dt><dd>${esc(value)}</dd>`);
  const flags = [p.urgent ? t("pUrgentFlag") : "", p.leader_reception ? t("pLeaderFlag") : "", p.solved_on_spot ? t("pSpotFlag") : ""];
  $("petitionInfo").innerHTML = "<dl>" +
    line("pState", t(`pState.${p.state}`) + (p.overdue ? ` · ${t("pOverdue")}` : "")) +
    line("pChannel", t(`pChannel.${p.channel}`)) + line("pReceived", time(p.received_at)) +
    line("pfName", p.anonymous ? t("pAnonymous") : p.name) + line("pfGender", t(`pGender.${p.gender}`)) + line("pfAge", p.age) +
    line("pfOccupation", p.occupation) + line("pfPolitical", p.political_status) +
    line("pfAddress", p.address_or_workplace) + line("pfIssue", p.issue) +
    line("pFlags", flags.filter(Boolean).join(" ")) +
    line("pDue", p.due ?? (p.state === "received" || p.state === "transferred" ? t("pPending") : "")) +
    line("pDepartment", p.transfer ? t("pTransferred", p.transfer.department, p.transfer.due ?? "—", p.transfer.by) : "") +
    line("pTransferNote", p.transfer?.note) +
    line("pAnswer", p.answer ? t("pAnswered", p.answer.text, p.answer.by) : "") +
    line("pAcknowledged", p.acknowledged ? t("pAcknowledgedBy", p.acknowledged.by, time(p.acknowledged.at)) : "") +
    "</dl>";
  $("petitionHistory").innerHTML = (p.history ?? []).map((s) => `<li><time>${esc(time(s.at))}</time> ${esc(s.text)} <small>${esc(s.by)}</small></li>`).join("");
  const running = p.state === "received" || p.state === "transferred";
  // Transferred: sent on again when the department says it is not theirs (归口办理).
  $("petitionTransfer").hidden = !running;
  const title = $("petitionTransfer").querySelector("h3");
  title.dataset.t = p.state === "transferred" ? "pRetransferTitle" : "pTransferTitle";
  title.textContent = t(title.dataset.t);
  $("petitionAnswer").hidden = !running;
  $("petitionClose").hidden = p.state !== "answered";
  $("printSlip").hidden = !p.transfer;
  $("printNotice").hidden = Boolean(p.anonymous);
  const f = $("petitionDialog").querySelector("form");
  const now = p.state === "transferred" ? p.transfer?.department_id : null;
  f.department.innerHTML = departments.filter((d) => d.id !== now)
    .map((d) => `<option value="${esc(d.id)}">${esc(d.name)}</option>`).join("");
}

export async function refreshPetitions() {
  const [list, pending] = await Promise.all([api("GET", "/api/petitions?limit=200"), api("GET", "/api/petitions/alerts")]);
  lines = list.data;
  alerts = pending.data;
  renderList();
  renderAlerts();
}

/** The hall's departments, for the transfer (`GET /api/hall`). */
export function setDepartments(hall) {
  departments = (hall?.departments ?? []).map(({ id, name }) => ({ id, name }));
}

let timer = null;
/** `feedback_changed` about a petition: an urgent one shows the banner at once; any reloads. */
export function onFeedback(e) {
  if (e.subject !== "petition") return;
  if (e.urgent && !alerts.some((a) => a.id === e.id)) {
    alerts.unshift({ id: e.id, received_at: e.at });
    renderAlerts();
  }
  clearTimeout(timer);
  timer = setTimeout(() => refreshPetitions().catch((err) => showError("petitionsError", err)), 100);
}

export function clearPetitions() {
  lines = []; alerts = []; open = null;
  clearSteps();
  renderList();
  renderAlerts();
  renderDetail();
}

export function renderPetitions() {
  renderList();
  renderAlerts();
  renderDetail();
}

/** Empties what the director writes (the dialog's fields outlive a petition, R20). */
function clearSteps() {
  $("petitionDialog").querySelector("form").reset();
}

async function showPetition(id) {
  const p = (await api("GET", `/api/petitions/${encodeURIComponent(id)}`)).data;
  if (open?.id !== p.id) clearSteps(); // another petitioner's: nothing typed for the last one
  open = p;
  renderDetail();
  if (!$("petitionDialog").open) {
    showError("petitionError", null);
    $("petitionDialog").showModal();
  }
}

async function petitionAction(name, body) {
  const p = open;
  if (!p) return;
  await guarded("petitionError", async () => {
    open = (await act(`petition-${name}:${p.id}`, `/api/petitions/${p.id}/${name}`, body)).data;
    clearSteps(); // sent and kept: the next step starts empty
    renderDetail();
    await refreshPetitions();
  });
}

const printUrl = (id, kind) => `/petitions/${encodeURIComponent(id)}/${kind}`;

export function initPetitions() {
  $("petitionList").addEventListener("click", (e) => {
    const tr = e.target.closest("tr[data-petition]");
    if (tr) showPetition(tr.dataset.petition).catch((err) => showError("petitionsError", err));
  });
  $("petitionAck").addEventListener("click", async () => {
    const id = $("petitionAck").dataset.id;
    await guarded("petitionsError", async () => {
      await act(`petition-ack:${id}`, `/api/petitions/${id}/acknowledge`, {});
      await refreshPetitions();
    });
  });
  $("petitionNew").addEventListener("click", () => {
    const f = $("petitionRegister").querySelector("form");
    f.reset();
    for (const name of ["name", "address_or_workplace"]) Object.assign(f[name], { required: true, disabled: false });
    showError("registerError", null);
    $("petitionRegister").showModal();
  });
  $("registerCancel").addEventListener("click", () => $("petitionRegister").close());
  // Anonymous: no name or address to give (R20 registers the letter all the same).
  const registerForm = $("petitionRegister").querySelector("form");
  registerForm.anonymous.addEventListener("change", () => {
    for (const name of ["name", "address_or_workplace"]) {
      const input = registerForm[name];
      input.required = !registerForm.anonymous.checked;
      input.disabled = registerForm.anonymous.checked;
      if (input.disabled) input.value = "";
    }
  });
  $("petitionRegister").querySelector("form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = e.target;
    const text = (name) => f[name].value.trim();
    const anonymous = f.anonymous.checked;
    const body = {
      channel: f.channel.value, name: anonymous ? "" : text("name"), gender: f.gender.value, anonymous,
      occupation: text("occupation") || undefined, political_status: text("political_status") || undefined,
      address_or_workplace: anonymous ? "" : text("address_or_workplace"), issue: text("issue"),
      urgent: f.urgent.checked, leader_reception: f.leader_reception.checked, solved_on_spot: f.solved_on_spot.checked,
    };
    if (text("age") !== "") body.age = Number(text("age"));
    // The hall's local time as typed: the server reads it in the hall's zone (a console set to
    // another zone must not move the day a letter came, and so its deadline).
    if (f.received_at.value) body.received_at = f.received_at.value;
    if (f.solved_on_spot.checked) body.answer = text("answer");
    await guarded("registerError", async () => {
      const p = (await act("petition-register", "/api/petitions", body)).data;
      $("petitionRegister").close();
      await refreshPetitions();
      open = p;
      renderDetail();
      showError("petitionError", null);
      $("petitionDialog").showModal();
    });
  });
  const dialog = $("petitionDialog");
  const form = dialog.querySelector("form");
  $("transfer").addEventListener("click", () => petitionAction("transfer", {
    department: form.department.value, note: form.transfer_note.value.trim() || undefined, due: form.transfer_due.value || undefined,
  }));
  $("answer").addEventListener("click", () => petitionAction("answer", { answer: form.answer_text.value.trim() }));
  $("closePetition").addEventListener("click", () => petitionAction("close", {}));
  $("printSlip").addEventListener("click", () => open && window.open(printUrl(open.id, "transfer-slip"), "_blank"));
  $("printNotice").addEventListener("click", () => open && window.open(printUrl(open.id, "notice"), "_blank"));
  dialog.addEventListener("close", () => { open = null; });
}
