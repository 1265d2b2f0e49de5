// Director console, 好差评: this month's satisfaction (the hall, each window, each clerk: how many
// rated and the share of the three good levels) and the bad ratings' follow-ups (overdue ones
// red, each with its contact and rectify deadlines). Opening a follow-up reads it alone, with the
// rater's phone (an audited read, so only then); there the director records the contact and
// closes it with what was done. director.js signs in and holds the stream (with the token): it
// calls refreshRatings() on (re)connection, ratingsFeedback() on feedback_changed,
// clearRatings() on sign-out and renderRatings() on a change of language. Its strings are in
// director.i18n.js; everything a citizen wrote is put in as text (esc / textContent), never as
// HTML.

import { $, esc, t, api, act, guarded, showError } from "./common.js";

let summary = null, followUps = [], current = null, all = false, timer = null, today = "";

const pct = (rate) => (rate == null ? "—" : `${(rate * 100).toFixed(1)}%`);
const head = (keys) => `<tr>${keys.map((k) => `<th>${esc(t(k))}</th>`).join("")}</tr>`;
const cells = (xs) => xs.map((x) => `<td>${x}</td>`).join("");
// "2026-12-03T09:30:00+08:00" -> "09:30" today, "12-01 09:30" before.
const when = (at) => (!at ? "" : at.slice(0, 10) === today ? at.slice(11, 16) : `${at.slice(5, 10)} ${at.slice(11, 16)}`);

function satRows(lines, keyHead) {
  if (!lines.length) return "";
  return head([keyHead, "rRated", "rRate", "rLevels"]) + lines.map((l) => `<tr data-key="${esc(l.key)}">${cells([
    esc(l.label), esc(l.rated), `<b>${esc(pct(l.rate))}</b>`, esc(l.levels.join(" / ")),
  ])}</tr>`).join("");
}

function renderSummary() {
  const s = summary;
  if (!s) return;
  $("satPeriod").textContent = t("rPeriod", s.from, s.to);
  $("satHall").textContent = t("rHall", s.hall.rated, pct(s.hall.rate));
  $("satNone").hidden = s.hall.rated > 0;
  $("satWindows").innerHTML = satRows(s.windows, "rWindow");
  $("satClerks").innerHTML = satRows(s.clerks, "rClerk");
}

const deadline = (date, running) => (date ? (running ? `<b>${esc(date)}</b>` : esc(date)) : "—");

function renderFollowUps() {
  $("fuNone").hidden = followUps.length > 0;
  $("fuNone").textContent = t(all ? "rNoneAll" : "rNone");
  $("followUps").innerHTML = !followUps.length ? "" :
    head(["rRatedAt", "rWindow", "rClerk", "rMatter", "rLevel", "rReason", "rState", "rContactDue", "rRectifyDue"]) +
    followUps.map((f) => `<tr data-follow-up="${esc(f.id)}" tabindex="0" class="${f.overdue ? "overdue" : f.state === "closed" ? "closed" : ""}">${cells([
      esc(when(f.rated_at)), esc(t("rWindowNo", f.window_number)), esc(f.clerk_name),
      `${esc(f.service_name)} <small>${esc(f.ticket_number)}</small>`, esc(t(`level.${f.level}`)), esc(t(`reason.${f.reason}`)),
      `${esc(t(`rState.${f.state}`))}${f.overdue ? ` <b>${esc(t("rOverdue"))}</b>` : ""}`,
      // The running deadline in bold: the contact while open (a rater who left no phone cannot
      // be contacted: the rectification runs), then the rectification.
      deadline(f.contact_due, f.state === "open" && f.has_phone),
      deadline(f.rectify_due, f.state === "contacted" || (f.state === "open" && !f.has_phone)),
    ])}</tr>`).join("");
  const overdue = followUps.filter((f) => f.overdue).length;
  $("fuCount").textContent = t("rCount", followUps.filter((f) => f.state !== "closed").length, overdue);
  $("fuCount").classList.toggle("bad", overdue > 0);
}

function renderDialog() {
  const f = current;
  if (!f) return;
  const line = (key, html) => (html == null || html === "" ? "" : `<dt>${esc(t(key))}</dt><dd>${html}</dd>`);
  $("fuNumber").textContent = `${t(`level.${f.level}`)} · ${t(`reason.${f.reason}`)}`;
  $("fuInfo").innerHTML = "<dl>" +
    line("rState", `<b>${esc(t(`rState.${f.state}`))}</b>${f.overdue ? ` <span class="overdue">${esc(t("rOverdue"))}</span>` : ""}`) +
    line("rPhone", f.phone ? `<span class="phone">${esc(f.phone)}</span>` : esc(t("rNoPhone"))) +
    line("rText", f.text ? `<p class="citizen-text">${esc(f.text)}</p>` : "") +
    line("rWindow", esc(t("rWindowNo", f.window_number))) + line("rClerk", esc(f.clerk_name)) +
    line("rMatter", esc(f.service_name)) + line("rTicket", esc(f.ticket_number)) + line("rCase", esc(f.case_number ?? "")) +
    line("rChannel", esc(t(`channel.${f.channel}`))) + line("rRatedAt", esc(when(f.rated_at))) +
    line("rContactDue", esc(f.contact_due ?? "")) + line("rRectifyDue", esc(f.rectify_due ?? "")) +
    line("rContacted", f.contacted_at ? `${esc(when(f.contacted_at))} ${esc(f.contact_note ?? "")}` : "") +
    line("rClosed", f.closed_at ? `${esc(when(f.closed_at))} ${esc(f.action_taken ?? "")}` : "") + "</dl>";
  $("fuContact").hidden = f.state !== "open";
  // A rater who left a phone is contacted before the follow-up closes.
  $("fuClose").hidden = f.state === "closed" || (f.state === "open" && f.has_phone);
}

async function loadSummary() {
  summary = (await api("GET", "/api/ratings/summary")).data;
  today = summary.to; // the hall's today (the period runs to it)
  renderSummary();
}

async function loadFollowUps() {
  followUps = (await api("GET", `/api/follow-ups${all ? "?state=all" : ""}`)).data;
  renderFollowUps();
}

/** The figures and the list again (at sign-in, on every (re)connection, every two minutes). */
export async function refreshRatings() {
  showError("ratingsError", null);
  try {
    await Promise.all([loadSummary(), loadFollowUps()]);
  } catch (e) {
    showError("ratingsError", e);
  }
}
const soon = () => { clearTimeout(timer); timer = setTimeout(refreshRatings, 150); };

/** `feedback_changed` about a follow-up (opened, contacted, closed): the figures and the list again. */
export function ratingsFeedback(e) {
  if (e.subject === "follow_up") soon();
}

/** Signed out: nothing of it stays on the page. */
export function clearRatings() {
  clearTimeout(timer);
  summary = null; followUps = []; current = null;
  if ($("followUpDialog").open) $("followUpDialog").close();
  for (const id of ["satWindows", "satClerks", "followUps"]) $(id).innerHTML = "";
  for (const id of ["satPeriod", "satHall", "fuCount", "fuNone", "fuNumber"]) $(id).textContent = "";
  $("fuInfo").innerHTML = "";
}

export function renderRatings() { renderSummary(); renderFollowUps(); renderDialog(); }

/** One follow-up, read alone with the rater's phone (audited): only when the director opens it. */
async function openFollowUp(id) {
  await guarded("ratingsError", async () => {
    current = (await api("GET", `/api/follow-ups/${encodeURIComponent(id)}`)).data;
    const form = $("followUpDialog").querySelector("form");
    form.note.value = ""; form.action_taken.value = "";
    showError("fuError", null);
    renderDialog();
    if (!$("followUpDialog").open) $("followUpDialog").showModal();
  });
}

async function followUpAction(action, body) {
  const f = current;
  if (!f) return;
  await guarded("fuError", async () => {
    // The answer has no phone (read once, audited): the dialog keeps the one it read.
    const next = (await act(`fu-${action}:${f.id}`, `/api/follow-ups/${f.id}/${action}`, body)).data;
    // Closed, the server has deleted the phone: the page lets it go too.
    current = { ...next, phone: next.state === "closed" ? null : (next.phone ?? f.phone) };
    renderDialog();
    soon();
  });
}

$("followUps").addEventListener("click", (e) => {
  const tr = e.target.closest("tr[data-follow-up]");
  if (tr) openFollowUp(tr.dataset.followUp);
});
$("followUps").addEventListener("keydown", (e) => {
  const tr = e.target.closest("tr[data-follow-up]");
  if (tr && e.key === "Enter") openFollowUp(tr.dataset.followUp);
});
$("fuAll").addEventListener("change", (e) => { all = e.target.checked; loadFollowUps().catch((err) => showError("ratingsError", err)); });
$("fuRecord").addEventListener("click", () => {
  const note = $("followUpDialog").querySelector("form").note.value.trim();
  followUpAction("contact", { note });
});
$("fuCloseButton").addEventListener("click", () => {
  const actionTaken = $("followUpDialog").querySelector("form").action_taken.value.trim();
  followUpAction("close", { action_taken: actionTaken });
});
$("followUpDialog").addEventListener("close", () => { current = null; });

/** A `rating_given` event (the director's tier): the figures again, once a burst is over. */
export const ratingGiven = () => soon();

// A safety net for a missed event: the figures are read again now and then.
setInterval(() => { if (sessionStorage.getItem("dtoken") && !$("console").hidden) refreshRatings(); }, 120000);
