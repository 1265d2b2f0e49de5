// The clerk's card 「上报来件」 (R14): reported cases lower halls sent to this hall (the county
// hall), on the desk of the window handling their matter. Accept, then close with the result;
// each step goes back to the town case and its applicant. The applicant's name and phone are
// read only on 「查看」 (an audited read).

import { $, esc, t, api, act, showError, redraw } from "./common.js";

let lines = [];
let deskWindow = null;
let generation = 0; // a read started before a sign-out does not fill the next clerk's desk
const opened = new Map(); // id -> the whole incoming case, once read

export async function refreshIncoming(windowId) {
  deskWindow = windowId ?? deskWindow;
  if (!deskWindow) return;
  const mine = generation;
  let read = null;
  try { read = (await api("GET", `/api/incoming?window=${encodeURIComponent(deskWindow)}`)).data; } catch { /* below */ }
  if (mine !== generation) return;
  lines = read ?? [];
  // A case that left this window (the director handed it on) takes its applicant read here with
  // it: back one day, it is read again (an audited read). A failed read forgets nothing.
  if (read) for (const id of [...opened.keys()]) if (!lines.some((l) => l.id === id)) opened.delete(id);
  renderIncoming();
}

/** Signed out: the applicants read on 「查看」 are not shown to the next clerk. */
export function clearIncoming() {
  lines = []; deskWindow = null; opened.clear(); generation += 1;
  renderIncoming();
}

/** An `incoming_changed` event: refresh when it is this window's (or was, before the director
 * handed it to another). */
export function incomingChanged(e) {
  if (e.window_id === deskWindow || e.from_window_id === deskWindow) refreshIncoming().catch(() => {});
}

function row(l) {
  const state = t(`inState.${l.state}`) + (l.deadline ? ` · ${t("inDue", l.deadline)}` : "");
  const c = opened.get(l.id);
  const who = c ? `<div class="note">${esc(t("inApplicant", c.applicant_name ?? "—", c.applicant_phone ?? "—"))}` +
    (c.note ? ` · ${esc(c.note)}` : "") + `</div>` : "";
  // The promised working days: the matter's here when left empty (a matter this hall does not
  // list needs them: the server says so).
  const actions = l.state === "received"
    ? `<input type="number" min="1" max="250" data-in-days="${l.id}" placeholder="${esc(t("inDaysHere"))}" aria-label="${esc(t("inDaysHere"))}"> ` +
      `<button type="button" data-in-accept="${l.id}">${esc(t("inAccept"))}</button>`
    : `<select data-in-result="${l.id}"><option value="approved">${esc(t("inApproved"))}</option>` +
      `<option value="not_approved">${esc(t("inNotApproved"))}</option><option value="done">${esc(t("inDone"))}</option></select>` +
      `<input data-in-reason="${l.id}" placeholder="${esc(t("inReason"))}" maxlength="500">` +
      `<button type="button" data-in-close="${l.id}">${esc(t("inClose"))}</button>`;
  return `<tr><td>${esc(l.origin_hall_name)}<br><small>${esc(l.origin_number)}</small></td>` +
    `<td>${esc(l.service_name)}<br><small>${esc(t("inAuthority", l.authority))}</small>${who}</td>` +
    `<td>${esc(state)}</td><td>${actions} <button type="button" data-in-view="${l.id}">${esc(t("inView"))}</button></td></tr>`;
}

export function renderIncoming() {
  $("incomingCard").hidden = lines.length === 0;
  redraw($("incoming"), lines.length === 0 ? "" :
    `<tr><th>${esc(t("inFrom"))}</th><th>${esc(t("inMatter"))}</th><th>${esc(t("inStateHead"))}</th><th></th></tr>` +
    lines.map(row).join(""));
}

async function step(id, path, body) {
  showError("incomingError", null);
  try {
    await act(`incoming:${id}:${path}`, `/api/incoming/${id}/${path}`, body);
    opened.delete(id);
    await refreshIncoming();
  } catch (e) { showError("incomingError", e); }
}

export function wireIncoming() {
  $("incoming").addEventListener("click", async (ev) => {
    const b = ev.target.closest("button");
    if (!b) return;
    if (b.dataset.inAccept) {
      const days = Number(document.querySelector(`[data-in-days="${b.dataset.inAccept}"]`)?.value);
      return step(b.dataset.inAccept, "accept", days >= 1 ? { days } : {});
    }
    if (b.dataset.inClose) {
      const id = b.dataset.inClose;
      const result = document.querySelector(`[data-in-result="${id}"]`).value;
      const reason = document.querySelector(`[data-in-reason="${id}"]`).value.trim();
      return step(id, "close", reason ? { result, reason } : { result });
    }
    if (b.dataset.inView) {
      try {
        opened.set(Number(b.dataset.inView), (await api("GET", `/api/incoming/${b.dataset.inView}`)).data);
        renderIncoming();
      } catch (e) { showError("incomingError", e); }
    }
  });
}
