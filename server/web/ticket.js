// A citizen's ticket on their phone: the number, how many are ahead, the estimated wait, and
// once called the window to go to. Follows its own ticket's stream (/api/t/{token}/events: the
// server sends the ticket's view whenever it changed, never the rest of the hall), with a slow
// poll in case the stream is blocked.

import { $, esc, t, language, useStrings, languageSwitch, onLanguage, api, act, liveStream, guarded } from "./common.js";
import { ratingForm, isBad } from "./rating.js";
import { turnAlert } from "./ticket-alert.js";
import strings from "./ticket.i18n.js";

useStrings(strings);
const turn = turnAlert();

const token = decodeURIComponent(location.pathname.split("/").pop() || "");
const STATUSES = ["waiting", "transferred", "serving", "done", "no_show", "called"];

let view = null, missing = null, offline = false, receipt = null;

// R21: the hall's answer to a complaint made here is shown to this browser alone. The page
// keeps a secret for the ticket (sent with each complaint, and with each read of the ticket);
// whoever else opens the ticket's slip sees where a complaint stands, not the answer.
const readerSlot = `complaintKey:${token}`;
let memoryKey = null;
function readerKey(create) {
  let k = memoryKey;
  try { k = localStorage.getItem(readerSlot) ?? k; } catch { /* storage refused: this visit only */ }
  if (!k && create) {
    k = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
    try { localStorage.setItem(readerSlot, k); } catch { /* kept for this visit */ }
    memoryKey = k;
  }
  return k ?? memoryKey;
}

function render() {
  // A failed poll says so; once one answers again, the stream's own state shows (live or lost).
  if (offline) { $("link").textContent = t("offline"); $("link").className = "bad"; } else live.redraw();
  if (missing) {
    $("view").hidden = true; $("missing").hidden = false; $("missingText").textContent = t(missing);
    $("complaint").hidden = true;
    $("hall").textContent = t("hall");
    renderRating();
    return;
  }
  $("hall").textContent = view ? view.hall_name : t("hall");
  if (!view) return;
  $("view").hidden = false; $("missing").hidden = true; $("complaint").hidden = false;
  renderComplaint();
  $("number").textContent = view.number;
  $("matter").textContent = view.matter;
  // An expired ticket's day is not today: its date too (MM-DD HH:MM).
  $("issued").textContent = view.expired ? view.issued_at.slice(5, 16).replace("T", " ") : view.issued_at.slice(11, 16);
  const s = view.status;
  // A ticket of an earlier day never called: numbers hold for their day, it will not be called.
  const waiting = (s === "waiting" || s === "transferred") && !view.expired;
  const win = view.window_number != null;
  $("figures").hidden = !waiting;
  $("hint").hidden = !!view.expired; // "you will be told when called": not any more
  // Checked in on time for a booking: called in its slot's order (a transfer makes it ordinary).
  $("booked").hidden = !(view.booked && waiting);
  $("ahead").textContent = view.waiting_ahead;
  $("minutes").textContent = view.estimated_wait_minutes;
  let status = view.expired ? t("expired") : view.unserved ? t(view.case_expected ? "unservedCase" : "unserved") : STATUSES.includes(s) ? t(s) : "";
  if (s === "serving" && win) status = t("at", view.window_number, view.window_name);
  $("status").textContent = s === "called" ? "" : status;
  $("go").hidden = !(s === "called" && win);
  if (s === "called" && win) {
    $("go").querySelector(".where").textContent = t("go", view.window_number, view.window_name);
    $("go").querySelector(".place").textContent = view.window_location ? t("place", view.window_location) : "";
  } else if (s === "called") {
    $("status").textContent = t("called");
  }
  // The case registered for it (at the finish, or the next morning for a service the day's close
  // ended): its progress page.
  const c = view.case;
  $("caseLine").hidden = !c;
  if (c) {
    $("caseText").textContent = t("caseText", c.number, t(`kind.${c.kind}`));
    $("caseLink").hidden = !c.status_url;
    if (c.status_url) $("caseLink").href = c.status_url;
  }
  renderRating();
  document.body.dataset.status = view.expired ? "expired" : s;
  document.title = turn.titlePrefix() +
    (s === "called" && win ? `${view.number} → ${view.window_number}` : `${view.number} · ${t("pageTitle")}`);
  turn.render();
}

// 好差评: once the ticket is done the citizen may rate the service, once (from here or the
// window's evaluator); after that the page shows the rating given and offers nothing more.
const rateForm = ratingForm($("rate"), {
  name: "rate-ticket",
  path: `/api/t/${encodeURIComponent(token)}/rating`,
  done: (rating) => { if (view) { view.rating = rating; render(); } },
  failed: (e) => (e.code === "already_rated" ? (load(), true) : false), // rated at the window meanwhile
});

function renderRating() {
  const r = view?.rating;
  // Ended by the day's close without a service: nothing to rate (a complaint stays possible).
  $("rateCard").hidden = !(view?.status === "done" && !view.unserved && !r);
  $("ratedCard").hidden = !r;
  $("ratedCard").dataset.bad = r && isBad(r.level) ? "1" : "";
  $("ratedLevel").textContent = r ? t("rate.given", t(`level.${r.level}`)) : "";
  $("ratedFollowUp").hidden = !r?.follow_up;
  if (r) rateForm.reset();
}

// The citizen's complaint (R21): about the window that served this ticket, the one that first
// served it when it was sent on (转办) or any other that sent it on, or the hall; name and phone optional. The answer is the
// complaint's number and due date only.
let aboutChosen = false; // the citizen picked what the complaint is about
function renderComplaint() {
  const f = $("complaintForm");
  const served = view?.window_number != null;
  const first = view?.first_window_number != null;
  // Hidden and disabled: Safari (iPhones, WeChat there) shows hidden options, but not as choices.
  const windowOption = f.about.querySelector('option[value="window"]');
  windowOption.hidden = windowOption.disabled = !served;
  const firstOption = f.about.querySelector('option[value="first"]');
  firstOption.hidden = firstOption.disabled = !first;
  firstOption.textContent = first ? t("aboutFirstWindow", view.first_window_number, view.first_window_name) : "";
  // A ticket sent on more than once: the windows in between, one option each, kept as chosen;
  // made again only when they or the language change (not on every update of the queue, which
  // would close the list the citizen has open).
  const between = (view?.earlier_windows ?? []).filter((w) => w.number !== view.first_window_number);
  const key = `${language()}|${between.map((w) => `${w.number} ${w.name}`).join("|")}`;
  if (f.about.dataset.sentOn !== key) {
    f.about.dataset.sentOn = key;
    const was = f.about.value;
    for (const o of f.about.querySelectorAll("option.sent-on")) o.remove();
    for (const w of between) {
      const o = document.createElement("option");
      o.className = "sent-on";
      o.value = `sent-${w.number}`;
      o.textContent = t("aboutSentOnWindow", w.number, w.name);
      f.about.insertBefore(o, f.about.querySelector('option[value="hall"]'));
    }
    if ([...f.about.options].some((o) => o.value === was)) f.about.value = was;
  }
  // Until the citizen chooses, the default follows the ticket: its window once one serves it.
  if (!aboutChosen || f.about.selectedOptions[0]?.disabled) f.about.value = served ? "window" : first ? "first" : "hall";
  $("complaintReceipt").hidden = !receipt;
  $("complaintReceipt").textContent = receipt ? t("complaintReceived", receipt.number, receipt.due) : "";
  // Complaints made here before (a reload, the page opened again days later): where each stands
  // and, once answered, the hall's answer. The one just made is told above.
  const earlier = (view?.complaints ?? []).filter((c) => c.number !== receipt?.number || c.answer != null);
  // Late (R21): past its due date it says so and that it is still followed; a late answer
  // comes with the director's explanation.
  // Answered, on another phone than the one that complained (R21): that it was, not what.
  const answered = (c) => c.state === "answered" || c.state === "closed";
  $("complaints").innerHTML = earlier.map((c) => `<li>${esc(c.answer != null
    ? t("complaintAnswered", c.number, c.answered_on ?? "", c.answer) + (c.late_explanation ? t("complaintLateWhy", c.late_explanation) : "")
    : answered(c) ? t("complaintAnsweredElsewhere", c.number, c.answered_on ?? "")
    : c.late ? t("complaintLate", c.number, c.due) : t("complaintPending", c.number, c.due))}</li>`).join("");
  $("complaintOpen").hidden = !f.hidden || !!receipt;
}
$("complaintForm").about.addEventListener("change", () => { aboutChosen = true; });
$("complaintOpen").addEventListener("click", () => { $("complaintForm").hidden = false; renderComplaint(); $("complaintForm").what.focus(); });
$("complaintForm").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target;
  const first = f.about.value === "first";
  const sentOn = f.about.value.startsWith("sent-") ? Number(f.about.value.slice(5)) : null;
  const body = { about: first || sentOn ? "window" : f.about.value, what: f.what.value };
  if (first) body.window_number = view.first_window_number;
  if (sentOn) body.window_number = sentOn;
  if (f.name.value.trim()) body.complainant_name = f.name.value.trim();
  if (f.contact.value.trim()) body.complainant_contact = f.contact.value.trim();
  body.reader_key = readerKey(true);
  await guarded("complaintError", async () => {
    receipt = (await act("complaint", `/api/t/${encodeURIComponent(token)}/complaint`, body)).data;
    f.reset();
    f.hidden = true;
    renderComplaint();
  });
});

/**
 * Shows a fresh view of the ticket (from the stream or a poll). The stream's views carry no
 * complaint's answer (it sends no secret): the complaints read last by a poll stay.
 */
function show(fresh, { streamedView = false } = {}) {
  if (streamedView && view?.complaints) fresh = { ...fresh, complaints: view.complaints };
  view = fresh; missing = null; offline = false;
  turn.update(view); // vibrates, beeps, notifies once on crossing into "soon" or "called"
  render();
  if (view.status === "done") stop(); // no more events for this ticket (its case, if any, is read by the polls)
}

// Views from the stream since the page started: a poll's answer read before the stream's
// newer view arrived (a slow mobile link) is dropped, never shown over it.
let streamed = 0;

async function load() {
  const before = streamed;
  try {
    const key = readerKey(false);
    const headers = key ? { "X-Complaint-Key": key } : undefined;
    const fresh = (await api("GET", `/api/t/${encodeURIComponent(token)}`, undefined, { headers })).data;
    if (streamed !== before) return;
    show(fresh);
  } catch (e) {
    if (e.status === 404 || e.status === 400) {
      missing = e.status === 404 ? "unknown" : "malformed"; view = null; stop(); render();
      return;
    }
    offline = true;
    render();
  }
}

const live = liveStream(`/api/t/${encodeURIComponent(token)}/events`, {
  handlers: { ticket: (v) => { streamed += 1; show(v, { streamedView: true }); } },
  onOpen: () => { offline = false; render(); },
});

function stop() {
  live.stop();
}

const finished = () => missing || view?.status === "done" || view?.expired;
// A ticket the day's close ended unfinished may still get its case (registered the next
// morning): read again every minute while the page is in front.
const awaitingCase = () => view?.unserved && view.case_expected && !view.case;
document.addEventListener("visibilitychange", () => {
  // A phone in a pocket holds no connection, unless the citizen asked to be notified; coming
  // back, the page catches up at once (a finished ticket too: its case, a complaint's answer).
  if (document.hidden) { if (!turn.wanted()) live.stop(); } else if (!finished()) live.start(); // its first event is the ticket as it is now
  else if (!missing) load();
});
setInterval(() => { if ((!document.hidden || turn.wanted()) && (!finished() || (awaitingCase() && !document.hidden))) load(); }, 60000);
// The hall's "your turn soon" threshold (3 until it is known).
api("GET", "/api/hall").then((r) => { if (r.data?.turn_soon_ahead != null) { turn.soonAhead = r.data.turn_soon_ahead; render(); } }).catch(() => {});
onLanguage(render);
languageSwitch();
load().then(() => { if (!finished()) live.start(); });
