// One booking (预约), the page the citizen keeps (/book/{code}; the code is its secret): the
// hall, the day and slot, the window(s) and where they are, the matter's materials, the booking
// code large with the QR code of this page's address (drawn by the server), and its state —
// booked (with a cancel button until the slot starts, confirmed first), checked in (with the
// ticket's page), cancelled or missed.

import { $, esc, t, useStrings, languageSwitch, onLanguage, api, act, errorText, serverNow } from "./common.js";
import { sheetHtml, dayText } from "./book-shared.js";
import strings from "./booking.i18n.js";

useStrings(strings);

const code = decodeURIComponent(location.pathname.split("/").pop() || "");
let booking = null, matter = null, missing = null;

function render() {
  $("view").hidden = !booking;
  $("sheetCard").hidden = !booking || !matter;
  $("saveCard").hidden = !booking;
  $("missing").hidden = !missing;
  if (missing) {
    $("missingText").textContent = typeof missing === "string" ? t(missing) : errorText(missing);
    document.title = t("pageTitle");
  }
  if (!booking) return;
  const b = booking;
  $("hall").textContent = b.hall_name;
  document.title = `${b.code} · ${t("pageTitle")}`;
  $("status").textContent = t(b.hall_cancelled ? "status.hallCancelled" : `status.${b.status}`);
  $("status").dataset.status = b.status;
  document.body.dataset.status = b.status;
  $("qr").alt = t("qrAlt");
  $("code").textContent = b.code.replace(/^(\d{4})(\d{4})$/, "$1 $2");
  $("matter").textContent = b.service_name;
  $("when").innerHTML = `<span class="nowrap">${esc(dayText(b.day, { year: true }))}</span> <span class="nowrap">${esc(b.start)}–${esc(b.end)}</span>`;
  $("windows").innerHTML = b.windows.map((w) =>
    `<div>${esc(w.name)}${w.location ? `<small>${esc(t("location", w.location))}</small>` : ""}</div>`).join("");
  $("who").textContent = [b.name_masked, b.phone_masked, b.id_masked].filter(Boolean).join(" · ");
  $("ticketLine").hidden = !b.ticket;
  if (b.ticket) {
    $("ticketLink").href = b.ticket.status_url;
    $("ticketLink").textContent = t("ticket", b.ticket.number);
  }
  $("onTime").hidden = b.status !== "booked";
  // When the booked place is kept: from early_minutes before the slot to grace_minutes after.
  $("onTime").textContent = b.check_in_from && b.check_in_until ? t("onTimeFromUntil", b.check_in_from, b.check_in_until) : t("onTime");
  $("howTo").hidden = b.status !== "booked";
  const cancellable = b.status === "booked" && serverNow() < Date.parse(b.cancel_until);
  $("cancelBox").hidden = !cancellable;
  $("cancelUntil").textContent = cancellable ? t("cancelUntil", untilText(b.cancel_until)) : "";
  $("sheet").innerHTML = matter ? sheetHtml(matter) : "";
}

/** The last moment to cancel, in the hall's day and time as the booking states it. */
function untilText(rfc3339) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(rfc3339 ?? "");
  if (!m) return rfc3339 ?? "";
  // The slot's own day and start when they agree (the usual case); else the time as given.
  return m[1] === booking.day ? `${dayText(booking.day)} ${booking.start}` : `${m[1]} ${m[2]}`;
}

async function load() {
  if (!/^\d{8}$/.test(code)) {
    missing = "malformed";
    render();
    return;
  }
  try {
    booking = (await api("GET", `/api/bookings/${code}`)).data;
    missing = null;
    $("qr").src = `/book/${code}/qr.svg`;
  } catch (e) {
    booking = null;
    missing = e.status === 404 ? "unknown" : e;
    render();
    return;
  }
  render();
  try {
    matter = (await api("GET", "/api/services")).data.find((m) => m.id === booking.service_id) ?? null;
  } catch { matter = null; /* the booking stands without its sheet */ }
  render();
}

$("cancel").addEventListener("click", () => $("cancelDialog").showModal());
$("cancelDialog").addEventListener("close", async () => {
  if ($("cancelDialog").returnValue !== "yes") return;
  $("cancelError").textContent = "";
  try {
    booking = (await act("cancel", `/api/bookings/${code}/cancel`, {})).data;
    render();
  } catch (e) {
    $("cancelError").textContent = errorText(e);
    if (e.code === "booking_started") await load(); // the slot began meanwhile: show it as it is
  }
});
onLanguage(render);
languageSwitch();
load();
