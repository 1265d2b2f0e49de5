// Booking an appointment (预约) on the phone, one step at a time: the matter (only those the hall
// lets book), the day (the next days the hall opens with places left), the slot, the matter's one-time
// notification (materials, fee, time limit) read before going on, then name, mobile and — where
// the matter asks for it — the resident identity number, checked here (GB 11643) before the
// server checks it again. A booking made goes to its own saved page, /book/{code}.

import { $, esc, t, useStrings, languageSwitch, onLanguage, api, act, errorText, showError } from "./common.js";
import { sheetHtml, dayText, phoneOk, idCheck } from "./book-shared.js";
import strings from "./book.i18n.js";

useStrings(strings);

const STEPS = ["matter", "day", "slot", "sheet", "form"];
/** A matter the citizen may book: it has the hall's booking configuration. */
const bookable = (m) => m.booking != null;
/** Whether booking this matter asks for the resident identity number. */
const needsId = (m) => m.id_number === true;

let matters = [], days = null, slots = null; // null while being read (or unread)
let hallName = null;
let step = "matter", matter = null, day = null, slot = null;

function go(next) {
  step = next;
  for (const s of STEPS) $(`step-${s}`).hidden = s !== step;
  const at = STEPS.indexOf(step);
  for (const li of $("steps").children) {
    const i = STEPS.indexOf(li.dataset.step);
    li.className = i === at ? "now" : i < at ? "done" : "";
  }
  render();
  window.scrollTo(0, 0);
}

/** What is chosen so far, one line above each step. */
function chosen() {
  const parts = [matter?.name];
  if (day && step !== "day") parts.push(dayText(day));
  if (slot && step !== "day" && step !== "slot") parts.push(`${slot.start}–${slot.end}`);
  // The day and the slot stay whole on a narrow screen; a long matter's name wraps.
  return parts.filter(Boolean).map((x, i) => (i ? `<span class="nowrap">${esc(x)}</span>` : esc(x))).join(" · ");
}

function render() {
  if (hallName) $("hall").textContent = hallName; // the hall's own name, in every language
  $("matters").innerHTML = matters.map((m) =>
    `<button type="button" class="choice" data-id="${esc(m.id)}"><b>${esc(m.name)}</b><small>${esc(m.department)}</small></button>`).join("");
  for (const id of ["dayChosen", "slotChosen", "sheetChosen", "formChosen"]) $(id).innerHTML = chosen();
  $("days").innerHTML = (days ?? []).map((d) =>
    `<button type="button" class="choice" data-day="${esc(d.day)}"${d.left > 0 ? "" : " disabled"}><b>${esc(dayText(d.day))}</b>` +
    `<small>${esc(d.left > 0 ? t("slot.left", d.left) : t("slot.full"))}</small></button>`).join("");
  $("noDays").hidden = step !== "day" || !days || days.some((d) => d.left > 0);
  $("slots").innerHTML = (slots ?? []).map((s) =>
    `<button type="button" class="choice" data-start="${esc(s.start)}"${s.left > 0 ? "" : " disabled"}><b>${esc(s.start)}–${esc(s.end)}</b>` +
    `<small>${esc(s.left > 0 ? t("slot.left", s.left) : t("slot.full"))}</small></button>`).join("");
  $("noSlots").hidden = step !== "slot" || !slots || slots.some((s) => s.left > 0);
  $("sheet").innerHTML = matter ? sheetHtml(matter) : "";
  $("sheetNext").disabled = !$("readIt").checked;
  const id = matter ? needsId(matter) : false;
  $("idField").hidden = !id;
  $("idNote").hidden = !id;
}

async function loadMatters() {
  try {
    const [hall, all] = await Promise.all([api("GET", "/api/hall"), api("GET", "/api/services")]);
    hallName = hall.data.name;
    matters = all.data.filter(bookable);
    $("noMatters").hidden = matters.length > 0;
    showError("matterError", null);
  } catch (e) {
    showError("matterError", e);
  }
  render();
}

async function chooseMatter(id) {
  matter = matters.find((m) => m.id === id) ?? null;
  if (!matter) return;
  day = null; slot = null; days = null;
  $("readIt").checked = false;
  go("day");
  showError("dayError", null);
  const asked = matter;
  try {
    const answer = (await api("GET", `/api/services/${encodeURIComponent(asked.id)}/booking-days`)).data;
    if (matter !== asked) return; // another matter chosen meanwhile: its own answer shows
    days = answer;
  } catch (e) {
    if (matter !== asked) return;
    showError("dayError", e);
  }
  render();
}

async function loadSlots() {
  slots = null;
  render();
  const [forMatter, forDay] = [matter, day];
  const current = () => matter === forMatter && day === forDay;
  try {
    const answer = (await api("GET", `/api/services/${encodeURIComponent(forMatter.id)}/slots?day=${encodeURIComponent(forDay)}`)).data;
    if (!current()) return; // another matter or day chosen meanwhile: its own answer shows
    slots = answer;
  } catch (e) {
    if (!current()) return;
    showError("slotError", e);
  }
  render();
}

async function chooseDay(d) {
  day = d; slot = null;
  go("slot");
  showError("slotError", null);
  await loadSlots();
}

function chooseSlot(start) {
  slot = slots?.find((s) => s.start === start) ?? null;
  if (!slot) return;
  go("sheet");
}

/** The mobile number as typed, spaces and dashes left out (138 1234 5678). */
const mobile = (f) => f.phone.value.replace(/[\s-]/g, "");

/** The form's own checks; the first problem's message, or null. */
function problem(f) {
  const name = f.name.value.trim();
  if (!name || name.length > 50) return ["name", t("check.name")];
  if (!phoneOk(mobile(f))) return ["phone", t("check.phone")];
  if (needsId(matter)) {
    const c = idCheck(f.id_number.value);
    if (c === "length") return ["id_number", t("check.idLength")];
    if (c === "digit") return ["id_number", t("check.idDigit")];
  }
  return null;
}

async function book(e) {
  e.preventDefault();
  const f = $("bookForm");
  const bad = problem(f);
  for (const input of f.querySelectorAll("input")) input.removeAttribute("aria-invalid");
  if (bad) {
    f[bad[0]].setAttribute("aria-invalid", "true");
    f[bad[0]].focus();
    $("bookError").textContent = bad[1];
    return;
  }
  const body = { service_id: matter.id, day, start: slot.start, name: f.name.value.trim(), phone: mobile(f) };
  if (needsId(matter)) body.id_number = f.id_number.value.trim().toUpperCase();
  $("bookError").textContent = "";
  $("bookSubmit").disabled = true;
  try {
    const booking = (await act("book", "/api/bookings", body, { durable: true })).data;
    location.assign(`/book/${encodeURIComponent(booking.code)}`);
  } catch (err) {
    $("bookSubmit").disabled = false;
    if (err.code === "slot_full") {
      // Taken meanwhile: back to the slots as they are now, told why.
      slot = null;
      go("slot");
      await loadSlots();
      $("slotError").textContent = errorText(err);
      return;
    }
    if (err.code === "invalid_id_number" || err.code === "id_number_required") f.id_number.setAttribute("aria-invalid", "true");
    if (err.code === "invalid_phone") f.phone.setAttribute("aria-invalid", "true");
    $("bookError").textContent = errorText(err);
  }
}

$("matters").addEventListener("click", (e) => { const b = e.target.closest("button[data-id]"); if (b) chooseMatter(b.dataset.id); });
$("days").addEventListener("click", (e) => { const b = e.target.closest("button[data-day]"); if (b && !b.disabled) chooseDay(b.dataset.day); });
$("slots").addEventListener("click", (e) => { const b = e.target.closest("button[data-start]"); if (b && !b.disabled) chooseSlot(b.dataset.start); });
for (const b of document.querySelectorAll("button[data-back]")) b.addEventListener("click", () => go(b.dataset.back));
$("readIt").addEventListener("change", render);
$("sheetNext").addEventListener("click", () => { if ($("readIt").checked) { go("form"); $("bookForm").name.focus(); } });
$("bookForm").addEventListener("submit", book);
onLanguage(render);
languageSwitch();
go("matter");
loadMatters();
