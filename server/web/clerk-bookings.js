// Clerk's page, 「本窗口今日预约」: today's bookings of the matters this window handles, read when
// the clerk asks (each reading is audited: names), phones masked and without the booking's code
// (the citizen's secret). Who is expected, in which slot, and who has checked in (with the
// ticket's number). clerk.js calls clearBookings() at sign-out and renderBookings() on a change of
// language.

import { $, esc, t, api, guarded } from "./common.js";

let list = null; // null until read

export function renderBookings() {
  $("noBookings").hidden = list === null || list.length > 0;
  $("bookingsList").innerHTML = !list?.length ? "" :
    `<tr><th>${esc(t("bkSlot"))}</th><th>${esc(t("bkMatter"))}</th><th>${esc(t("bkName"))}</th>` +
    `<th>${esc(t("bkPhone"))}</th><th>${esc(t("bkStatus"))}</th></tr>` +
    list.map((b) => `<tr class="bk-${esc(b.status)}"><td>${esc(b.start)}–${esc(b.end)}</td>` +
      `<td>${esc(b.service_name ?? b.service_id)}</td><td>${esc(b.name)}</td><td>${esc(b.phone)}</td>` +
      `<td>${esc(t(`bk.${b.status}`))}${b.ticket_number ? ` ${esc(b.ticket_number)}` : ""}</td></tr>`).join("");
}

export function clearBookings() {
  list = null;
  renderBookings();
}

$("bookingsShow").addEventListener("click", () => guarded("bookingsError", async () => {
  list = (await api("GET", "/api/bookings")).data;
  renderBookings();
}));
