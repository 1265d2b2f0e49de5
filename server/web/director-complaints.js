// The director console's complaints (投诉, R21): the list (overdue in red, late answers marked),
// the register form, and a complaint's detail — every open of it is an audited read on the
// server — with its steps (investigate, answer, close) and the printable reply letter. Every
// text from the server is inserted as text (esc), never as HTML.

import { $, esc, t, showError, api, act, guarded } from "./common.js";

let list = [], open = null, lateOnly = false, context = { windows: [], staff: [] }, figures = null;

/** The server's counts of the hall's complaints (`DirectorToday.feedback`): the list holds the
 *  newest 200 only (or the late ones), so the totals are never counted from it. */
export function complaintFigures(feedback) {
  figures = feedback ?? null;
}

const row = (cells, attrs) => `<tr ${attrs}>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
const head = (keys) => `<tr>${keys.map((k) => `<th>${esc(t(k))}</th>`).join("")}</tr>`;
const stateText = (c) => t(`cState.${c.state}`);
const aboutText = (c) => {
  const what = t(`about.${c.about}`);
  const win = context.windows.find((w) => w.id === c.window_id);
  const person = c.staff_name ?? context.staff.find((s) => s.username === c.staff)?.name ?? c.staff;
  const place = c.window_name ?? (win ? `${win.number} ${win.name}` : c.window_id);
  const who = c.about === "staff" ? person : c.about === "window" ? place : null;
  return who ? `${what} · ${who}` : what;
};

/** The list again (after a change here or a `feedback_changed` event). */
export async function refreshComplaints() {
  try {
    list = (await api("GET", `/api/complaints${lateOnly ? "?overdue=true" : ""}`)).data;
    showError("complaintsError", null);
  } catch (e) {
    showError("complaintsError", e);
  }
  renderComplaints();
}

/** What the register form offers: the hall's windows and the staff seen today. */
export function complaintContext(windows, staff) {
  context = { windows, staff };
  const f = $("newComplaintForm");
  if (f.contains(document.activeElement)) return;
  const w = f.window_id.value;
  f.window_id.innerHTML = `<option value=""></option>` +
    windows.map((x) => `<option value="${esc(x.id)}">${esc(x.number)} ${esc(x.name)}</option>`).join("");
  f.window_id.value = w;
  $("complaintStaff").innerHTML = staff.map((s) => `<option value="${esc(s.username)}">${esc(s.name)}</option>`).join("");
}

export function renderComplaints() {
  const running = figures?.complaints_open ?? list.filter((c) => c.state === "received" || c.state === "investigating").length;
  const overdue = figures?.complaints_overdue ?? list.filter((c) => c.overdue).length;
  const late = list.filter((c) => c.late && !c.overdue).length;
  $("complaintTotals").textContent = t("complaintTotals", running, overdue, late);
  $("complaintTotals").classList.toggle("bad", overdue > 0);
  $("noComplaints").hidden = list.length > 0;
  $("complaints").innerHTML = list.length === 0 ? "" :
    head(["hComplaint", "hChannel", "hAbout", "hState", "hReceived", "hDue", "hFinding"]) +
    list.map((c) => row([
      esc(c.number), esc(t(`channel.${c.channel}`)), esc(aboutText(c)), esc(stateText(c)), esc(c.received_on),
      `${esc(c.due ?? t("duePending"))}${c.overdue ? ` <b>${esc(t("overdueMark"))}</b>` : c.late ? ` <b>${esc(t("lateMark"))}</b>` : ""}`,
      esc(c.finding ? t(`finding.${c.finding}`) : ""),
    ], `class="case complaint ${c.overdue ? "overdue" : ""}" data-complaint="${esc(c.id)}" tabindex="0"`)).join("");
  renderComplaint();
}

// `again`: the open complaint changed; shown anew only if its dialog is still open when the answer lands.
async function showComplaint(id, { again = false } = {}) {
  const c = (await api("GET", `/api/complaints/${encodeURIComponent(id)}`)).data;
  if (again && open?.id !== c.id) return;
  // Another complaint: nothing written for the last one is left to be sent with this one (what
  // one staff member was told must never reach another; one complainant's answer another's).
  if (open?.id !== c.id || !$("complaintDialog").open) clearSteps();
  open = c;
  renderComplaint();
  if (!$("complaintDialog").open) {
    showError("complaintError", null);
    $("complaintDialog").showModal();
  }
}

function renderComplaint() {
  const c = open;
  if (!c) {
    // Signed out: the complainant's name, phone and address leave the page too.
    $("complaintNumber").textContent = "";
    $("complaintInfo").innerHTML = "";
    return;
  }
  const line = (key, value) => (value == null || value === "" ? "" : `<dt>${esc(t(key))}</dt><dd>${value}</dd>`);
  $("complaintNumber").textContent = c.number;
  $("complaintInfo").innerHTML = "<dl>" +
    line("fChannel", esc(t(`channel.${c.channel}`))) + line("fAbout", esc(aboutText(c))) +
    line("fState", `<b>${esc(stateText(c))}</b>`) +
    line("fComplainant", esc(c.complainant_name ?? t("anonymous"))) + line("fContact", esc(c.complainant_contact)) +
    line("fAddress", esc(c.complainant_address)) +
    line("fTicket", esc(c.ticket_number)) + line("fWhat", `<span class="pre">${esc(c.what)}</span>`) +
    line("fHappened", esc(c.happened)) + line("fReceived", esc(c.received_on)) +
    line("fComplexity", esc(t(`complexity.${c.complexity}`))) +
    line("fDue", `<span class="${c.overdue ? "overdue" : ""}">${esc(c.due ?? t("duePending"))}${c.overdue ? ` ${esc(t("overdueMark"))}` : ""}</span>`) +
    line("fFinding", c.finding ? esc(t(`finding.${c.finding}`)) : "") + line("fAnswer", c.answer ? `<span class="pre">${esc(c.answer)}</span>` : "") +
    line("fAnswered", esc(c.answered_on)) + line("fToStaff", c.to_staff ? `<span class="pre">${esc(c.to_staff)}</span>` : "") +
    line("fLate", esc(c.late_explanation)) + line("fClosed", esc(c.closed_on)) + "</dl>";
  const f = form();
  // Under investigation the kind may still change (several units involved after all), until
  // its due date has passed (then it is answered late, with why).
  $("actInvestigate").hidden = !(c.state === "received" || (c.state === "investigating" && !c.overdue));
  const [title, button] = [$("actInvestigate").querySelector("h3"), $("investigateComplaint")];
  title.dataset.t = c.state === "investigating" ? "reclassifyTitle" : "investigateTitle";
  button.dataset.t = c.state === "investigating" ? "reclassify" : "investigate";
  title.textContent = t(title.dataset.t);
  button.textContent = t(button.dataset.t);
  $("actAnswer").hidden = !(c.state === "received" || c.state === "investigating");
  $("actClose").hidden = c.state !== "answered";
  $("lateLabel").hidden = !c.overdue;
  // Only the staff member a complaint is about (or found responsible for it) is told of it, in
  // the director's words (R21); one about a window or the hall may be found to be a person's.
  $("responsibleLabel").hidden = c.about === "staff";
  $("toStaffLabel").hidden = c.about !== "staff" && !f.responsible.value.trim();
  // Investigating, the step changes the kind: the other one is offered.
  const other = c.complexity === "simple" ? "complex" : "simple";
  // Set when the complaint or its state changes, else left as the director is choosing it.
  const shown = `${c.id}:${c.state}:${c.complexity}`;
  if (f.dataset.shown !== shown || !f.contains(document.activeElement)) {
    f.investigate_complexity.value = c.state === "investigating" ? other : c.complexity;
  }
  f.dataset.shown = shown;
  $("printLetter").hidden = !(c.state === "answered" || c.state === "closed");
  $("complaintHistory").innerHTML = (c.history ?? []).map((s) => `<li><time>${esc(s.at.slice(0, 10))} ${esc(s.at.slice(11, 16))}</time> ` +
    `${esc(s.text)} <small>${esc(s.by)}</small></li>`).join("");
}

const form = () => $("complaintDialog").querySelector("form");

/** Empties what the director writes in the steps (the dialog's fields outlive a complaint). */
function clearSteps() {
  const f = form();
  for (const name of ["investigate_note", "answer", "to_staff", "responsible", "late_explanation", "close_note"]) f[name].value = "";
  f.finding.selectedIndex = 0;
}
const value = (input) => input.value.trim() || undefined;

async function step(name, body) {
  const c = open;
  if (!c) return;
  await guarded("complaintError", async () => {
    open = (await act(`complaint-${name}:${c.id}`, `/api/complaints/${c.id}/${name}`, body)).data;
    clearSteps(); // sent and kept: the next step starts empty
    renderComplaint();
    await refreshComplaints();
  });
}

/** Sign-out: the list and an open complaint (a complainant's name and contact) go. */
export function clearComplaints() {
  list = []; open = null; figures = null;
  clearSteps();
  renderComplaints();
  renderComplaint();
}

/** A `feedback_changed` event: a complaint moved (here or in another console). */
export function complaintChanged(e) {
  if (e.subject !== "complaint") return;
  refreshComplaints();
  if (open?.id === e.id && $("complaintDialog").open) showComplaint(e.id, { again: true }).catch(() => {});
}

$("complaintsLateOnly").addEventListener("change", (e) => { lateOnly = e.target.checked; refreshComplaints(); });
$("complaints").addEventListener("click", (e) => {
  const tr = e.target.closest("tr[data-complaint]");
  if (tr) showComplaint(tr.dataset.complaint).catch((err) => showError("complaintsError", err));
});
$("complaints").addEventListener("keydown", (e) => {
  const tr = e.target.closest("tr[data-complaint]");
  if (tr && e.key === "Enter") showComplaint(tr.dataset.complaint).catch((err) => showError("complaintsError", err));
});
$("complaintDialog").addEventListener("close", () => { open = null; });
$("newComplaint").addEventListener("click", () => {
  complaintContext(context.windows, context.staff);
  showError("newComplaintError", null);
  $("newComplaintDialog").showModal();
});
$("registerComplaint").addEventListener("click", async () => {
  const f = $("newComplaintForm");
  const body = {
    channel: f.channel.value, about: f.about.value, window_id: value(f.window_id), staff: value(f.staff),
    what: f.what.value, happened: value(f.happened), complexity: f.complexity.value,
  };
  // An anonymous letter or a caller who would not say: registered all the same (R21), no
  // identity sent; otherwise the name and contact are asked for.
  if (f.anonymous.checked) body.anonymous = true;
  else {
    Object.assign(body, {
      complainant_name: f.complainant_name.value.trim(), complainant_contact: value(f.complainant_contact),
      complainant_address: value(f.complainant_address),
    });
  }
  // A letter registered days after it came: its time limit runs from that day (R21).
  if (f.received_at.value) body.received_at = f.received_at.value;
  // A letter is answered by letter (R21): where to post it, said before anything is sent.
  if (body.channel === "written" && !body.anonymous && !body.complainant_address) {
    $("newComplaintError").textContent = t("cAddressNeeded");
    f.complainant_address.focus();
    return;
  }
  await guarded("newComplaintError", async () => {
    const c = (await act("complaint-new", "/api/complaints", body)).data;
    f.reset();
    $("newComplaintDialog").close();
    await refreshComplaints();
    await showComplaint(c.id);
  });
});
$("investigateComplaint").addEventListener("click", () => {
  const f = form();
  step("investigate", { complexity: f.investigate_complexity.value, note: value(f.investigate_note) });
});
$("answerComplaint").addEventListener("click", () => {
  const f = form();
  const responsible = open?.about === "staff" ? undefined : value(f.responsible);
  step("answer", { finding: f.finding.value, answer: f.answer.value, late_explanation: value(f.late_explanation),
    to_staff: open?.about === "staff" || responsible ? value(f.to_staff) : undefined, staff: responsible });
});
form().responsible.addEventListener("input", () => {
  $("toStaffLabel").hidden = open?.about !== "staff" && !form().responsible.value.trim();
});
$("closeComplaint").addEventListener("click", () => step("close", { note: value(form().close_note) }));
$("printLetter").addEventListener("click", () => {
  if (open) window.open(`/complaints/${encodeURIComponent(open.id)}/letter`, "_blank");
});
