// The clerk's card 「待归档的办件」: this window's closed cases whose files wait to be archived
// (R17 档案: within the hall's working days of the close), the oldest first, those past their
// date marked; 「已归档」 records the file put away. The month's assessment counts each file
// against its date. clerk.js reads the card at sign-in, on reconnection, when a case of the
// window closes and every 5 minutes, and clears it at sign-out.

import { $, esc, t, api, act, showError, latestRead } from "./common.js";

let list = [];
let archived = null; // the number the card last said was archived (said again in a new language)
const reads = latestRead();

export async function refreshArchive(windowId) {
  const n = reads.begin();
  try {
    const read = (await api("GET", `/api/windows/${encodeURIComponent(windowId)}/to-archive`)).data;
    if (!reads.isLatest(n)) return;
    list = read;
    showError("archiveError", null);
  } catch (e) {
    if (reads.isLatest(n)) showError("archiveError", e); // the list as it was
  }
  renderArchive();
}

export function clearArchive() {
  list = []; archived = null; reads.begin();
  showError("archiveError", null);
  renderArchive();
}

export function renderArchive() {
  $("archiveDone").textContent = archived ? t("arDone", archived) : "";
  $("archiveCard").hidden = list.length === 0 && !archived && !$("archiveError").textContent;
  $("archive").innerHTML = list.length === 0 ? "" :
    `<tr><th>${esc(t("arNumber"))}</th><th>${esc(t("arMatter"))}</th><th>${esc(t("arClosed"))}</th><th>${esc(t("arDue"))}</th><th></th></tr>` +
    list.map((x) => `<tr data-file="${esc(x.number)}"${x.overdue ? ' class="overdue"' : ""}><td>${esc(x.number)}</td>` +
      `<td>${esc(x.service_name)}</td><td>${esc(x.closed_on)}</td>` +
      `<td>${esc(x.archive_due ?? t("arDuePending"))}${x.overdue ? ` ${esc(t("arOverdue"))}` : ""}</td>` +
      `<td><button type="button" data-archive="${esc(x.number)}">${esc(t("arArchive"))}</button></td></tr>`).join("");
}

/** The card's buttons: a file archived is said on the card, which is read again. */
export function wireArchive(windowOf) {
  $("archive").addEventListener("click", async (e) => {
    const b = e.target.closest("button[data-archive]");
    if (!b) return;
    const number = b.dataset.archive, windowId = windowOf();
    b.disabled = true;
    showError("archiveError", null);
    let failed = null;
    try {
      await act(`archive:${number}`, `/api/cases/${encodeURIComponent(number)}/archive`, {});
      archived = number;
    } catch (err) {
      failed = err; archived = null;
    } finally {
      b.disabled = false;
    }
    // The list read again (someone else may have archived it), then what went wrong: the read's
    // success must not wipe the refusal.
    if (windowId === windowOf()) await refreshArchive(windowId);
    if (failed && windowId === windowOf()) { showError("archiveError", failed); renderArchive(); }
  });
}
