// The clerk's card 「未到的号」: today's citizens called at this window who did not come, the
// latest call first. One who turns up after all goes back to their place in the queue
// (「重新排队」, as often as the hall allows: policy.no_show_requeue_limit) instead of taking a new
// ticket. clerk.js reads it at sign-in and on the window's no-show and requeue events, and
// clears it at sign-out.

import { $, esc, t, api, act, showError, latestRead } from "./common.js";

let list = [];
let at = null; // the window listed
const reads = latestRead();

export async function refreshNoShows(windowId) {
  at = windowId;
  const n = reads.begin();
  try {
    const read = (await api("GET", `/api/windows/${encodeURIComponent(windowId)}/no-shows`)).data;
    if (!reads.isLatest(n)) return;
    list = read;
    showError("noShowsError", null);
  } catch (e) {
    if (reads.isLatest(n)) showError("noShowsError", e); // the list as it was
  }
  renderNoShows();
}

export function clearNoShows() {
  list = []; at = null; reads.begin();
  $("noShowsDone").textContent = ""; showError("noShowsError", null);
  renderNoShows();
}

/** Whether a ticket is on the card (a requeue elsewhere takes it off). */
export const listsNoShow = (id) => list.some((x) => x.ticket_id === id);

export function renderNoShows() {
  $("noShowsCard").hidden = list.length === 0 && !$("noShowsDone").textContent && !$("noShowsError").textContent;
  $("noShows").innerHTML = list.length === 0 ? "" :
    `<tr><th>${esc(t("nsNumber"))}</th><th>${esc(t("nsMatter"))}</th><th>${esc(t("nsCalled"))}</th><th></th></tr>` +
    list.map((x) => `<tr data-no-show="${x.ticket_id}"><td>${esc(x.number)}</td><td>${esc(x.service_name)}</td>` +
      `<td>${esc(x.called_at.slice(11, 16))}</td><td>${x.requeue_allowed
        ? `<button type="button" data-requeue="${x.ticket_id}">${esc(t("nsRequeue"))}</button>`
        : esc(t("nsRequeueUsed"))}</td></tr>`).join("");
}

$("noShows").addEventListener("click", async (e) => {
  const button = e.target.closest("button[data-requeue]");
  if (!button) return;
  const line = list.find((x) => String(x.ticket_id) === button.dataset.requeue);
  if (!line) return;
  button.disabled = true;
  showError("noShowsError", null);
  $("noShowsDone").textContent = "";
  const listed = at;
  try {
    await act(`requeue:${line.ticket_id}`, `/api/tickets/${line.ticket_id}/requeue`, {});
    if (at !== listed) return; // signed out (or moved) meanwhile: not this desk's any more
    $("noShowsDone").textContent = t("nsRequeued", line.number);
  } catch (err) {
    if (at !== listed) return;
    showError("noShowsError", err);
  }
  await refreshNoShows(listed);
});
