// Director console, leave (R16): the red alarm at the top for a window whose clerk is on leave
// today and whose stand-in has not signed in by the start time; today's leave with its
// stand-ins; the requests, pending first, approved or refused (with a note) here. The reason is
// read only on demand (the read is audited) and never kept in the list. director.js calls
// renderLeaveToday(today) with each /api/director/today, refreshLeave() when the stream
// (re)connects, and renderLeave() on a change of language. Text goes in escaped (esc).

import { $, esc, t, api, act, guarded, showError, redraw } from "./common.js";

let list = [];
let today = null;
let changed = () => {}; // the console's refresh of today (the alarm, today's leave)

/** What to call after a decision: today's view may change with it. */
export const onLeaveChanged = (fn) => { changed = fn; };
const reasons = new Map(); // id -> reason, read on demand this session

const days = (l) => `${l.from}${l.from_afternoon ? t("lvPm") : ""} — ${l.to}${l.to_noon ? t("lvAm") : ""}`;
// With the stand-in's own windows that nobody holds meanwhile (R16: the director arranges them).
const standIns = (s) => s.map((x) => `${x.window_id}：${x.name ?? x.username}` +
  (x.own_windows_left?.length ? t("lvOwnLeft", x.own_windows_left.join("、")) : "")).join("；");

export function renderLeaveToday(data) {
  today = data;
  const alarms = data?.leave_alarms ?? [];
  $("leaveAlarm").hidden = alarms.length === 0;
  // A half day off: the clerk is their own stand-in for the other half (R16).
  $("leaveAlarm").textContent = alarms.map((a) => (a.stand_in === a.username
    ? t("lvAlarmBack", a.window_number, a.name, a.due)
    : t("lvAlarm", a.window_number, a.name, a.stand_in_name, a.due))).join("；");
  const away = data?.on_leave ?? [];
  $("leaveToday").innerHTML = away.length === 0 ? "" :
    `<tr><th>${esc(t("hName"))}</th><th>${esc(t("lvKindHead"))}</th><th>${esc(t("lvPart"))}</th><th>${esc(t("lvStandIns"))}</th></tr>` +
    away.map((l) => `<tr><td>${esc(l.name)}</td><td>${esc(t(`lvKind.${l.kind}`))}</td><td>${esc(t(`lvPart.${l.part}`))}</td>` +
      `<td>${esc(standIns(l.stand_ins))}</td></tr>`).join("");
  $("noLeaveToday").hidden = away.length > 0;
}

export function renderLeave() {
  renderLeaveToday(today);
  const rank = (l) => ({ pending: 0, approved: 1 })[l.state] ?? 2;
  const rows = [...list].sort((a, b) => rank(a) - rank(b) || a.from.localeCompare(b.from));
  $("noLeave").hidden = rows.length > 0;
  redraw($("leaveList"), rows.length === 0 ? "" :
    `<tr><th>${esc(t("hName"))}</th><th>${esc(t("lvDaysHead"))}</th><th>${esc(t("lvKindHead"))}</th>` +
    `<th>${esc(t("lvStandIns"))}</th><th>${esc(t("lvStateHead"))}</th><th></th></tr>` +
    rows.map((l) => {
      const reason = reasons.has(l.id)
        ? `<div class="pre">${esc(reasons.get(l.id))}</div>`
        : `<button type="button" data-reason="${l.id}">${esc(t("lvShowReason"))}</button>`;
      const decide = l.state !== "pending" ? "" :
        `<input data-note="${l.id}" maxlength="500" placeholder="${esc(t("lvNote"))}"> ` +
        `<button type="button" class="primary" data-approve="${l.id}">${esc(t("lvApprove"))}</button> ` +
        `<button type="button" data-refuse="${l.id}">${esc(t("lvRefuse"))}</button>`;
      return `<tr class="lv-${esc(l.state)}"><td>${esc(l.name)}</td>` +
        `<td>${esc(days(l))}${l.working_days != null ? ` <small>${esc(t("lvDays", l.working_days))}</small>` : ""}</td>` +
        `<td>${esc(t(`lvKind.${l.kind}`))}<br>${reason}</td><td>${esc(standIns(l.stand_ins))}</td>` +
        `<td>${esc(t(`lvState.${l.state}`))}${l.decision_note ? `<br><small>${esc(l.decision_note)}</small>` : ""}</td>` +
        `<td>${decide}</td></tr>`;
    }).join(""));
}

/** Sign-out: nothing read by this director stays for the next one (reasons are audited reads). */
export function clearLeave() {
  list = []; today = null; reasons.clear();
  renderLeave();
}

export async function refreshLeave() {
  try {
    list = (await api("GET", "/api/leave")).data;
    showError("leaveError", null);
  } catch (e) {
    showError("leaveError", e);
  }
  renderLeave();
}

$("leaveList").addEventListener("click", (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  const { reason, approve, refuse } = b.dataset;
  guarded("leaveError", async () => {
    if (reason) {
      reasons.set(Number(reason), (await api("GET", `/api/leave/${reason}`)).data.reason ?? "");
    } else if (approve || refuse) {
      const id = approve ?? refuse;
      const note = $("leaveList").querySelector(`input[data-note="${id}"]`)?.value ?? "";
      const step = approve ? "approve" : "refuse";
      await act(`leave-${step}-${id}`, `/api/leave/${id}/${step}`, note.trim() ? { note } : {});
      await refreshLeave();
      changed();
      return;
    }
    renderLeave();
  });
});
