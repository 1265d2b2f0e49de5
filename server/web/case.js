// A citizen's case (办件) on their phone, from the QR code on its notice: where it stands in
// words, its kind, the deadline and the working days left, the window to ask, the materials
// still missing and what has happened so far. Follows its own case's stream
// (/api/c/{token}/events: the case's progress whenever it changed), with a slow poll in case
// the stream is blocked. The history's steps are the server's plain Chinese (in English, each
// step's name before them).

import { $, esc, t, useStrings, languageSwitch, onLanguage, language, api, liveStream, stepHtml } from "./common.js";
import { ratingForm, isBad } from "./rating.js";
import strings from "./case.i18n.js";

useStrings(strings);

const token = decodeURIComponent(location.pathname.split("/").pop() || "");
let view = null, missing = null, offline = false, hallName = null;

// "2026-11-25" or an RFC 3339 time -> "2026-11-25" / "11-25 14:05".
const day = (d) => String(d ?? "").slice(0, 10);
const when = (at) => `${String(at).slice(5, 10)} ${String(at).slice(11, 16)}`;

function statusWords(v) {
  if (v.state === "closed") {
    if (v.result === "returned") return t("status.returned");
    // Ended for want of the materials: terminated, not completed (R11).
    if (v.result === "expired") return t("status.expired");
    // Done is said once (已办结), a decision after it (已办结：不予批准).
    if ((v.result ?? "done") === "done") return t("result.done");
    return t("status.closed", t(`result.${v.result}`));
  }
  // The server's own words are the Chinese; in English they are put together here.
  if (language() === "zh" && v.status_text) return v.status_text;
  return t(`status.${v.state}`);
}

function render() {
  // A failed poll says so; once one answers again, the stream's own state shows (live or lost).
  if (offline) { $("link").textContent = t("offline"); $("link").className = "bad"; } else live.redraw();
  $("hall").textContent = hallName ?? t("hall");
  if (missing) {
    $("view").hidden = true; $("historyBox").hidden = true; $("missing").hidden = false;
    $("missingText").textContent = t(missing);
    renderRating();
    return;
  }
  if (!view) return;
  const v = view;
  $("view").hidden = false; $("historyBox").hidden = false; $("missing").hidden = true;
  $("number").textContent = v.number;
  $("matter").textContent = v.service_name;
  $("kind").textContent = t(`kind.${v.kind}`);
  $("status").textContent = statusWords(v);
  const running = v.state === "open" && v.deadline;
  $("figures").hidden = !running;
  $("deadline").textContent = v.deadline ? day(v.deadline) : "—";
  const n = v.working_days_left;
  $("left").textContent = n == null ? "—" : n === 0 ? t("dueToday") : String(Math.abs(n));
  const unit = n == null || n === 0 ? "" : t("workingDays", Math.abs(n));
  $("leftUnit").textContent = n != null && n < 0 ? `${unit} · ${t("overdue")}` : unit;
  document.body.dataset.due = n != null && n < 0 ? "overdue" : n != null && n <= 1 ? "soon" : "";
  $("missingBox").hidden = !(v.missing_materials?.length && v.state === "awaiting_materials");
  $("missingList").innerHTML = (v.missing_materials ?? []).map((m) => `<li>${esc(m)}</li>`).join("");
  // By when (R11): after that day the case ends for want of them.
  $("missingBy").hidden = !v.supplement_until;
  $("missingBy").textContent = v.supplement_until ? t("missingBy", day(v.supplement_until)) : "";
  // The window to ask (R2, R4); none when the hall no longer has the case's windows.
  $("ask").textContent = v.window_number ? t("ask", v.window_number, v.window_name) : t("askHall");
  $("accepted").textContent = t("acceptedOn", day(v.accepted_on));
  $("history").innerHTML = [...(v.history ?? [])].reverse()
    .map((s) => `<li><time>${esc(when(s.at))}</time> ${stepHtml(s)}</li>`).join("");
  renderRating();
  document.body.dataset.state = v.state;
  document.title = `${v.number} · ${t("pageTitle")}`;
}

// 好差评: the service that registered the case may be rated here, once (the same one rating as its
// ticket's, from any channel); after that the page says it was rated and offers nothing more. The
// case's view says only whether (`rated`), never the level: the level is shown just after rating.
let given = null; // the receipt of a rating given on this page
const rateForm = ratingForm($("rate"), {
  name: "rate-case",
  path: `/api/c/${encodeURIComponent(token)}/rating`,
  done: (r) => { given = r; render(); },
  failed: (e) => (e.code === "already_rated" ? (load(), true) : false), // rated elsewhere meanwhile
});

function renderRating() {
  const rated = !!(view?.rated || given);
  $("rateCard").hidden = !view || rated;
  $("ratedCard").hidden = !view || !rated;
  $("ratedCard").dataset.bad = given && isBad(given.level) ? "1" : "";
  $("ratedLevel").textContent = given ? t("rate.given", t(`level.${given.level}`)) : rated ? t("rate.already") : "";
  $("ratedFollowUp").hidden = !given?.follow_up;
  if (rated) rateForm.reset();
}

/** Shows a fresh view of the case (from the stream or a poll). */
function show(fresh) {
  view = fresh; missing = null; offline = false;
  render();
  if (view.state === "closed") live.stop(); // decided: only its file's archiving follows (seen on a reload)
}

// Views from the stream since the page started: a read answered after the stream's newer view
// (a slow mobile link) is dropped, never shown over it.
let streamed = 0;

async function load() {
  const before = streamed;
  try {
    const fresh = (await api("GET", `/api/c/${encodeURIComponent(token)}`)).data;
    if (streamed !== before) return;
    show(fresh);
  } catch (e) {
    if (e.status === 404 || e.status === 400) {
      missing = "unknown"; view = null; live.stop(); render();
      return;
    }
    offline = true;
    render();
  }
}

const live = liveStream(`/api/c/${encodeURIComponent(token)}/events`, {
  // The server names the event `case` (its data the CaseProgress); `case_changed` is accepted too.
  handlers: { case: (v) => { streamed += 1; show(v); }, case_changed: (v) => { streamed += 1; show(v); } },
  onOpen: () => { offline = false; render(); },
});

document.addEventListener("visibilitychange", () => {
  // A phone in a pocket holds no connection; coming back, the page catches up at once.
  if (document.hidden) live.stop();
  else if (!missing && view?.state !== "closed") { live.start(); load(); }
  // Closed, read once on coming back: the answer to an objection at the window (R4), or the
  // file's archiving, come after the close.
  else if (!missing && view) load();
});
// A closed case changes no more: not read again (a reopened page reads it once).
setInterval(() => { if (!document.hidden && !missing && view?.state !== "closed") load(); }, 120000);
onLanguage(render);
languageSwitch();
api("GET", "/api/hall").then((r) => { hallName = r.data.name; render(); }).catch(() => {});
load().then(() => { if (!missing && view?.state !== "closed") live.start(); });
