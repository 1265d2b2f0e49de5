// The director console's card 「上报来件」 (R14, R12, R18): the reported cases lower halls sent
// to this hall and not yet closed, on whichever window's desk — and those on none (a matter this
// hall does not list, with no window for general inquiries), which the director hands to a
// window. The director also grants an accepted one its single extension (R12: with a reason).
// No applicant's name or phone here: the list carries none.

import { $, esc, t, api, act, guarded, showError, hallNow, redraw } from "./common.js";

let lines = [];
let windows = []; // the hall's windows, to hand a case to
let generation = 0; // a read or an action answered after a sign-out fills nothing

/** The hall's windows (the console's every refresh): the card is redrawn only when they changed. */
export function setIncomingWindows(list) {
  const next = list.map((w) => ({ id: w.id, number: w.number, name: w.name }));
  if (JSON.stringify(next) === JSON.stringify(windows)) return;
  windows = next;
  renderIncoming();
}

/** Signed out: no list, and nothing typed in it, stays for the next one at the PC. */
export function clearIncoming() {
  generation += 1;
  lines = [];
  $("incomingList").innerHTML = "";
  for (const id of ["incomingError", "incomingDone", "incomingCount"]) $(id).textContent = "";
  $("incomingCard").hidden = true;
}

export async function refreshIncoming() {
  const mine = generation;
  let read;
  try {
    read = (await api("GET", "/api/incoming")).data;
  } catch (e) {
    if (mine === generation) showError("incomingError", e); // the list shown stays: an empty card would read "nothing came"
    return;
  }
  if (mine !== generation) return;
  lines = read;
  showError("incomingError", null);
  renderIncoming();
}

const winName = (id) => {
  const w = windows.find((x) => x.id === id);
  return w ? t("inWindow", w.number, w.name) : id;
};

// Redrawn by live events and the console's refreshes: `redraw` keeps what was picked or typed.
function assignControl(l) {
  return `<select data-in-window-for="${l.id}" aria-label="${esc(t("inAssignTo"))}">` +
    `<option value="">${esc(t("inPick"))}</option>` +
    windows.filter((w) => w.id !== l.window_id).map((w) => `<option value="${esc(w.id)}">` +
      `${esc(t("inWindow", w.number, w.name))}</option>`).join("") +
    `</select> <button type="button" data-in-assign="${l.id}">${esc(t(l.window_id ? "inReassign" : "inAssign"))}</button>`;
}

function extendControl(l, today) {
  // Extended within its time limit only (R12): none without a deadline, none once overdue.
  if (l.state !== "accepted" || l.extended || !l.deadline || l.deadline < today) return "";
  return ` <input type="number" min="1" max="30" data-in-days="${l.id}" aria-label="${esc(t("inDays"))}" placeholder="${esc(t("inDays"))}">` +
    ` <input data-in-extend-reason="${l.id}" maxlength="500" placeholder="${esc(t("inExtendReason"))}">` +
    ` <button type="button" data-in-extend="${l.id}">${esc(t("inExtend"))}</button>`;
}

export function renderIncoming() {
  const today = hallNow().slice(0, 10);
  const overdue = (l) => l.deadline && l.deadline < today;
  const nowhere = lines.filter((l) => !l.window_id).length;
  const late = lines.filter(overdue).length;
  $("incomingCount").textContent = nowhere + late ? t("inAlarm", nowhere, late) : "";
  $("incomingCard").classList.toggle("alarm-card", nowhere + late > 0);
  // A town hall never gets any: the card shows only while some are open.
  $("incomingCard").hidden = lines.length === 0;
  redraw($("incomingList"), lines.length === 0 ? "" :
    `<tr><th>${esc(t("inFrom"))}</th><th>${esc(t("inMatter"))}</th><th>${esc(t("inWhere"))}</th><th>${esc(t("inStateHead"))}</th><th></th></tr>` +
    lines.map((l) => {
      const state = t(`inState.${l.state}`) + (l.deadline ? ` · ${t("inDue", l.deadline)}` : "") +
        (l.extended ? ` · ${t("inExtended")}` : "");
      const where = l.window_id ? esc(winName(l.window_id)) : `<b class="warn">${esc(t("inNowhere"))}</b>`;
      return `<tr data-incoming="${l.id}" class="${!l.window_id || overdue(l) ? "warn" : ""}">` +
        `<td>${esc(l.origin_hall_name)}<br><small>${esc(l.origin_number)} · ${esc(l.received_at.slice(0, 16).replace("T", " "))}</small></td>` +
        `<td>${esc(l.service_name)}<br><small>${esc(t("inAuthority", l.authority))}</small></td>` +
        `<td>${where}</td><td class="${overdue(l) ? "warn" : ""}">${esc(state)}</td>` +
        `<td>${assignControl(l)}${extendControl(l, today)}</td></tr>`;
    }).join(""));
}

$("incomingList").addEventListener("click", (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  $("incomingDone").textContent = "";
  if (b.dataset.inAssign) {
    const id = b.dataset.inAssign;
    const window_id = $("incomingList").querySelector(`select[data-in-window-for="${id}"]`).value;
    if (!window_id) { showError("incomingError", null); $("incomingError").textContent = t("inPickFirst"); return; }
    const mine = generation;
    return guarded("incomingError", async () => {
      // One retry slot per case and window: another window is another request.
      const c = (await act(`incoming-assign-${id}-${window_id}`, `/api/incoming/${id}/assign`, { window_id })).data;
      if (mine !== generation) return;
      await refreshIncoming();
      if (mine === generation) $("incomingDone").textContent = t("inAssigned", c.origin_number, winName(window_id));
    });
  }
  if (b.dataset.inExtend) {
    const id = b.dataset.inExtend;
    const days = Number($("incomingList").querySelector(`input[data-in-days="${id}"]`).value);
    const reason = $("incomingList").querySelector(`input[data-in-extend-reason="${id}"]`).value.trim();
    // Said here in the card's words (the server's code for a missing reason is a returned case's).
    const missing = !(days >= 1) ? "inDaysFirst" : !reason ? "inReasonFirst" : null;
    if (missing) { showError("incomingError", null); $("incomingError").textContent = t(missing); return; }
    const mine = generation;
    return guarded("incomingError", async () => {
      const c = (await act(`incoming-extend-${id}`, `/api/incoming/${id}/extend`, { days, reason })).data;
      if (mine !== generation) return;
      await refreshIncoming();
      if (mine === generation) $("incomingDone").textContent = t("inExtendedTo", c.origin_number, c.deadline);
    });
  }
});
