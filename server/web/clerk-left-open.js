// The clerk's card 「前日未办结的业务」: citizens whose service had begun at this window when the
// day closed, nobody having pressed 办结 — their applications were received but no case was
// registered (R1 收件登记). 「登记」 opens the finish dialog for that ticket (clerk.js); the case
// is registered on the day the service began. clerk.js reads the card at sign-in and on
// reconnection, and clears it at sign-out.

import { $, esc, t, api, showError, latestRead } from "./common.js";

let list = [];
const reads = latestRead();

export async function refreshLeftOpen(windowId) {
  const n = reads.begin();
  try {
    const read = (await api("GET", `/api/windows/${encodeURIComponent(windowId)}/left-open`)).data;
    if (!reads.isLatest(n)) return;
    list = read;
    showError("leftOpenError", null);
  } catch (e) {
    if (reads.isLatest(n)) showError("leftOpenError", e); // the list as it was
  }
  renderLeftOpen();
}

export function clearLeftOpen() {
  list = []; reads.begin();
  $("leftOpenDone").textContent = ""; showError("leftOpenError", null);
  renderLeftOpen();
}

/** The card's line for this ticket (the 登记 button's). */
export const leftOpenLine = (id) => list.find((x) => String(x.ticket_id) === String(id));

export function renderLeftOpen() {
  $("leftOpenCard").hidden = list.length === 0 && !$("leftOpenDone").textContent && !$("leftOpenError").textContent;
  $("leftOpen").innerHTML = list.length === 0 ? "" :
    `<tr><th>${esc(t("loNumber"))}</th><th>${esc(t("loMatter"))}</th><th>${esc(t("loStarted"))}</th><th></th></tr>` +
    list.map((x) => `<tr data-left-open="${x.ticket_id}"><td>${esc(x.number)}</td><td>${esc(x.service_name)}</td>` +
      `<td>${esc(x.started_at.slice(0, 16))}</td>` +
      `<td><button type="button" data-register-left="${x.ticket_id}">${esc(t("loRegister"))}</button></td></tr>`).join("");
}

/** A case registered from the card: said on it, and the card read again. */
export function leftOpenRegistered(windowId, number, caseNumber) {
  $("leftOpenDone").textContent = t("loRegistered", number, caseNumber);
  refreshLeftOpen(windowId);
}
