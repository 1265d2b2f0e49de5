// Director console, bookings (预约): a day's bookings read on demand (the read is audited:
// names and phones), each with its slot, matter, citizen, status and ticket; a missed one can be
// excused with the reason (the hall closed, a kiosk could not check it in, the citizen phoned):
// it no longer counts towards the citizen's suspension; a booking the hall cancelled (a new
// configuration or calendar) says so: the director phones the citizen. director.js calls
// bookingsToday() at sign-in, clearBookings() at sign-out (nothing personal stays on the screen)
// and renderBookings() on a change of language. A console left open past midnight moves the
// day asked for to the new today, unless the director chose another day.

import { $, esc, t, api, act, guarded, hallNow, keepCurrent, stopKeeping, redraw } from "./common.js";

let list = null; // the day's bookings as last read, null before any read
let day = "";

// Cancelled by the hall (a new configuration or calendar): the director phones the citizen.
const status = (b) => (b.hall_cancelled ? t("bkHallCancelled") : t(`bk.${b.status}`)) +
  (b.ticket_number ? ` ${b.ticket_number}` : "") + (b.excuse ? t("bkExcusedWhy", b.excuse) : "");

/** The day asked for: the hall's today (once its time zone is known: director.js at sign-in). */
export function bookingsToday() {
  // Past midnight the list read is another day's: it goes with the day.
  keepCurrent($("bookingsForm").day, () => hallNow().slice(0, 10), forget);
}

function forget() {
  list = null; day = "";
  renderBookings();
}

export function renderBookings() {
  $("noBookings").hidden = list === null || list.length > 0;
  redraw($("bookingsList"), !list?.length ? "" :
    `<tr><th>${esc(t("bkSlot"))}</th><th>${esc(t("bkMatter"))}</th><th>${esc(t("hName"))}</th><th>${esc(t("bkPhone"))}</th>` +
    `<th>${esc(t("bkId"))}</th><th>${esc(t("bkStatus"))}</th><th></th></tr>` +
    list.map((b) => {
      const excuse = b.status !== "missed" || !b.code ? "" :
        `<input data-reason="${esc(b.code)}" maxlength="500" placeholder="${esc(t("bkReason"))}"> ` +
        `<button type="button" data-excuse="${esc(b.code)}">${esc(t("bkExcuse"))}</button>`;
      return `<tr class="bk-${esc(b.status)}${b.hall_cancelled ? " bk-hall-cancelled" : ""}"><td>${esc(b.start)}–${esc(b.end)}</td><td>${esc(b.service_name ?? b.service_id)}</td>` +
        `<td>${esc(b.name)}</td><td>${esc(b.phone)}</td><td>${esc(b.id_masked ?? "")}</td>` +
        `<td>${esc(status(b))}</td><td>${excuse}</td></tr>`;
    }).join(""));
  $("bookingsDay").textContent = list === null ? "" : t("bkCount", day, list.length);
}

/** A new configuration may have cancelled bookings: a list on screen is read again. */
export function bookingsChanged() {
  if (list !== null && day) read(day);
}

export function clearBookings() {
  stopKeeping($("bookingsForm").day);
  forget();
}

const read = (asked) => guarded("bookingsError", async () => {
  list = (await api("GET", `/api/bookings?day=${encodeURIComponent(asked)}`)).data;
  day = asked;
  renderBookings();
});

$("bookingsForm").addEventListener("submit", (e) => {
  e.preventDefault();
  read(e.target.day.value);
});

$("bookingsList").addEventListener("click", (e) => {
  const code = e.target.closest("button[data-excuse]")?.dataset.excuse;
  if (!code) return;
  const reason = $("bookingsList").querySelector(`input[data-reason="${code}"]`)?.value.trim() ?? "";
  if (!reason) { $("bookingsError").textContent = t("bkReasonNeeded"); return; }
  guarded("bookingsError", async () => {
    const line = (await act(`excuse-${code}`, `/api/bookings/${code}/excuse`, { reason })).data;
    list = list.map((b) => (b.code === code ? line : b));
    renderBookings();
  });
});
