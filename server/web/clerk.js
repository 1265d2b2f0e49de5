// Clerk workstation: sign in at a window, call, recall, start, no-show, transfer, finish,
// pause/resume, with the matter's one-time-notification sheet beside the ticket. Finishing
// registers a case (办件) and opens its notice to print; the window's open cases (its own, and
// those it is the first-inquiry window of) are listed with their deadlines and actions. Live
// queue counts and cases come from the server's event stream. No framework, nothing from the
// internet.

import {
  $, esc, t, has, faultText, useStrings, languageSwitch, onLanguage, useSession, api, act, showError, errorText,
  guarded, liveStream, forgetActions, mergeKiosks, applyKioskEvent, ApiError, FIRST_NOTICE, noticesOf, openNotice, dueClass,
  latestRead, kioskMark, forgetPassword, redraw, stepHtml, wireFindCase, hallNow, progressProblem, serverNow, loadHallZone,
  readForSession,
} from "./common.js";
import strings from "./clerk.i18n.js";
import { refreshLeave, renderLeave, clearLeave } from "./clerk-leave.js";
import { refreshMyAssessment, renderMyAssessment, clearMyAssessment } from "./clerk-assessment.js";
import { refreshInspections, renderInspections, clearInspections } from "./clerk-inspections.js";
import { refreshVillage, renderVillage, readVillage, clearVillage } from "./clerk-village.js";
import { refreshIncoming, renderIncoming, incomingChanged, wireIncoming, clearIncoming } from "./clerk-incoming.js";
import { renderBookings, clearBookings } from "./clerk-bookings.js";
import { refreshNoShows, renderNoShows, clearNoShows, listsNoShow } from "./clerk-no-shows.js";
import { refreshLeftOpen, renderLeftOpen, clearLeftOpen, leftOpenLine, leftOpenRegistered } from "./clerk-left-open.js";
import { refreshArchive, renderArchive, clearArchive, wireArchive } from "./clerk-archive.js";

useStrings(strings);

const state = {
  token: sessionStorage.getItem("token"), window: sessionStorage.getItem("window"), name: sessionStorage.getItem("name"),
  services: [], windows: [], ticket: null, paused: false, kiosks: [], signedInAt: null, signedInMs: null,
  cases: [], registered: null, caseOpen: null,
};
useSession({ token: () => state.token, expired: () => signOut(t("err.session_expired")) });

const matter = (id) => state.services.find((s) => s.id === id);
const win = (id) => state.windows.find((w) => w.id === id);
const windowLabel = (w) => t("windowLabel", w.number, w.name);

/** Whether the window's clerk on duty is this desk's own sign-in (to the millisecond: another
 * sign-in at the window within the same second is a takeover all the same). */
function sameSignIn(staff) {
  if (!staff || staff.signed_in_at !== state.signedInAt) return false;
  return !staff.signed_in_ms || !state.signedInMs || staff.signed_in_ms === state.signedInMs;
}

let visited = null; // the last visit finished here: [ticket, case] (said again in a new language)
function renderVisited() { $("visitDone").textContent = visited ? t("visitDone", ...visited) : ""; }

function render() {
  const tk = state.ticket;
  // The last visit's line stays until the window moves on to another ticket.
  if (visited && tk?.number !== visited[0]) { visited = null; renderVisited(); }
  $("number").textContent = tk ? tk.number : "—";
  if (tk) {
    const m = matter(tk.service_id);
    const waited = Math.max(0, Math.round((serverNow() - Date.parse(tk.issued_at)) / 60000));
    const first = tk.first_window_id && tk.first_window_id !== state.window ? ` · ${t("firstWindow")} ${win(tk.first_window_id)?.number ?? tk.first_window_id}` : "";
    const prio = tk.priority ? ` · <b>${esc(t("priority"))}</b>` : "";
    $("ticketInfo").innerHTML = `${esc(m?.name ?? tk.service_id)} · ${esc(t("issued"))} ${esc(tk.issued_at.slice(11, 16))} · ` +
      `${esc(t("waited"))} ${waited} ${esc(t("minutes"))}${prio}${esc(first)}${serviceTime(tk, m)}`;
    $("sheet").innerHTML = m ? sheet(m) : "";
  } else {
    $("ticketInfo").textContent = "";
    $("sheet").textContent = t("noTicket");
  }
  const busy = tk && (tk.status === "called" || tk.status === "serving");
  $("callNext").disabled = busy || state.paused;
  for (const id of ["recall", "noShow", "start"]) $(id).disabled = !tk || tk.status !== "called";
  for (const id of ["transfer", "finish"]) $(id).disabled = !busy;
  $("pauseText").textContent = state.paused ? t("resume") : t("pause");
  renderWho();
  renderKioskAlarm();
  if (state.caseOpen) renderCase(); // its visit offer follows the ticket at the window
}

// How long the citizen at the window has been served (from the start, or the call), beside the
// minutes of a matter done on the spot (即收即办, R7): reached, it says so in red, as the director's
// console does (whole minutes shown: at 10 a 10-minute limit is passed, as the reports count it).
function serviceTime(tk, m) {
  const since = tk.status === "serving" ? tk.started_at : tk.status === "called" ? tk.called_at : null;
  if (!since) return "";
  const served = Math.max(0, Math.floor((serverNow() - Date.parse(since)) / 60000));
  const limit = m?.time_limit_days === 0 ? m.on_the_spot_minutes : 0;
  // Called and not yet started: the minutes since the call (the service counts from it then).
  const text = ` · ${esc(t(tk.status === "serving" ? "serving" : "calledFor"))} ${served} ${esc(t("minutes"))}`;
  if (!limit) return text;
  return served >= limit ? `${text} <b class="over-spot" id="overSpot">${esc(t("overSpot", limit))}</b>`
    : `${text} (${esc(t("spotLimit", limit))})`;
}

function renderWho() {
  if (!state.token || $("desk").hidden) { $("who").textContent = ""; return; }
  const w = win(state.window);
  $("who").textContent = t("who", w ? windowLabel(w) : state.window, state.name ?? "", state.signedInAt?.slice(11, 16));
}

// One red line while any kiosk's printer has an open fault, so that someone walks over.
function renderKioskAlarm() {
  const open = state.kiosks.filter((k) => k.fault);
  $("kioskAlarm").hidden = open.length === 0;
  $("kioskAlarm").textContent = open.length === 0 ? "" : "⚠ " +
    open.map((k) => t("kioskLine", k.name, faultText(k.fault), k.ticket_number)).join(t("kioskJoin")) + ` — ${t("goSee")}`;
}

async function refreshKiosks() {
  const since = kioskMark();
  mergeKiosks(state.kiosks, (await api("GET", "/api/kiosks")).data, since);
  renderKioskAlarm();
}

function sheet(m) {
  const tag = (kind) => (has(kind) ? t(kind) : kind);
  const mats = m.materials.map((x) => `<li><span class="tag ${esc(x.kind)}">${esc(tag(x.kind))}</span>${esc(x.name)}</li>`).join("");
  const steps = m.procedure.map((p) => `<li>${esc(p)}</li>`).join("");
  const limit = m.time_limit_days === 0 ? t("onTheSpot", m.on_the_spot_minutes) : t("days", m.time_limit_days);
  return `<b>${esc(m.name)}</b> · ${esc(m.department)}<h3>${esc(t("materials"))}</h3><ul>${mats}</ul>` +
    `<h3>${esc(t("procedure"))}</h3><ol>${steps}</ol><p>${esc(t("limitFee", limit, m.fee))}</p><p>${esc(t("basis", m.basis))}</p>`;
}

const queueLine = (q) => `<b>${esc(q.prefix)}</b> ${esc(q.name)} · ${esc(t("waiting"))} <b>${q.waiting}</b>` +
  (q.waiting ? ` · ${esc(t("oldest"))} <b>${q.oldest_wait_minutes}</b> ${esc(t("minutes"))}` : "");

let queues = [];
function renderQueues() {
  const mine = win(state.window)?.queues ?? [];
  $("queues").innerHTML = queues.filter((q) => mine.includes(q.queue))
    .map((q) => `<li data-queue="${esc(q.queue)}">${queueLine(q)}</li>`).join("");
}

// The queues: read on opening and on reconnecting (the latest read wins); each queue's own event
// updates its line between. The window's count: read then and after each ticket it finishes.
const queueReads = latestRead(), statsReads = latestRead();
async function refreshQueues() {
  const n = queueReads.begin();
  const qs = await api("GET", "/api/queues");
  if (!queueReads.isLatest(n)) return;
  queues = qs.data;
  renderQueues();
  await refreshStats();
}
async function refreshStats() {
  const n = statsReads.begin();
  const stats = await api("GET", `/api/windows/${state.window}/stats`);
  if (statsReads.isLatest(n)) $("served").textContent = stats.data.finished_today;
}
/** The hall's matters and windows read again (the admin page saved a change, or the link came back). */
async function refreshHall() {
  try {
    const [services, windows] = await Promise.all([api("GET", "/api/services"), api("GET", "/api/windows")]);
    state.services = services.data; state.windows = windows.data;
    fillSelects(); render();
  } catch { /* read again at the next change or reconnection */ }
}

let statsTimer = null;
const statsSoon = () => { clearTimeout(statsTimer); statsTimer = setTimeout(() => refreshStats().catch(() => {}), 150); };

const live = liveStream("/api/events", {
  // Signed in: the staff tier (cases, village requests, incoming transfers of this window).
  token: () => state.token,
  onOpen: () => {
    refreshQueues().catch(() => {}); refreshKiosks().catch(() => {}); casesSoon(); refreshHall();
    if (state.window) { refreshNoShows(state.window); refreshLeftOpen(state.window); refreshArchive(state.window); }
  },
  handlers: {
    kiosk_fault: (k) => { applyKioskEvent(state.kiosks, k); renderKioskAlarm(); },
    // Saved on the admin page: a new matter's materials sheet and checklist, a window renamed.
    hall_changed: () => refreshHall(),
    village_changed: (v) => { if (matter(v.service_id)?.windows.includes(state.window)) refreshVillage(); },
    incoming_changed: incomingChanged,
    case_changed: (c) => {
      // A joint case may have a part of this window's department (R13).
      // A case the director gave to another window leaves this one's list (`from_window_id`).
      if ([c.window_id, c.first_window_id, c.from_window_id].includes(state.window) || c.kind === "joint") casesSoon();
      // A case of this window closed (a file to archive) or archived: the card again, once for a
      // burst (a sweep closing many, the events replayed at a reconnection).
      if (c.window_id === state.window && c.state === "closed") archiveSoon();
      if (state.caseOpen?.number === c.number) showCase(c.number, { again: true }).catch(() => {});
    },
    queue_changed: (q) => {
      const i = queues.findIndex((x) => x.queue === q.queue);
      if (i >= 0) queues[i] = q; else queues.push(q);
      renderQueues();
    },
    ticket_finished: (f) => { if (f.window_id === state.window) statsSoon(); },
    ticket_no_show: (n) => { if (n.window_id === state.window) refreshNoShows(state.window); },
    ticket_requeued: (r) => { if (listsNoShow(r.ticket_id)) refreshNoShows(state.window); },
    window_status: async (w) => {
      // The desk being opened reads the window after this: nothing to follow yet; a desk signing
      // out has nothing to follow.
      if (w.window_id !== state.window || opening || leaving) return;
      state.paused = w.status === "paused";
      render();
      if (w.status !== "closed" && sameSignIn(w.staff)) followTicket(w);
      else await followSession(); // closed, or another sign-in holds it
    },
  },
});

// 好差评: the clerk's own satisfaction this month, one line (rate and count), never a rating by
// itself; read at sign-in and now and then, not on every rating.
let mine = null;
function renderMine() {
  $("mySatisfaction").textContent = !mine ? "" : mine.rated === 0 ? t("myNoRatings")
    : t("mySatisfaction", `${(mine.rate * 100).toFixed(1)}%`, mine.rated);
}
async function refreshMine() {
  // Answers that come after a sign-out (a takeover just after the sign-in, a slow link) are
  // this clerk's, not the next one's: dropped.
  const [m, f] = [await readForSession("/api/ratings/mine", null), await readForSession("/api/findings/mine", [])];
  if (!m || !f) return;
  mine = m.data; findings = f.data;
  renderMine();
  renderFindings();
  await refreshInspections();
  await refreshVillage();
  await refreshIncoming(state.window);
  await refreshAttendance();
  await refreshLeave(state.windows);
  await refreshMyAssessment();
}

// Attendance (R15): this month's late arrivals, early leaves and absences to explain (once each;
// the director acknowledges them on the console).
let attendance = [];
async function refreshAttendance() {
  const read = await readForSession("/api/attendance/mine", []);
  if (!read) return;
  attendance = read.data;
  renderAttendance();
}
function renderAttendance() {
  const open = attendance.flatMap((d) => d.marks.filter((m) => !m.explanation).map((m) => ({ d, m })));
  $("attendanceCard").hidden = open.length === 0;
  redraw($("myAttendance"), open.map(({ d, m }) => {
    const what = m.minutes != null ? t(`att.${m.kind}.min`, m.minutes) : t(`att.${m.kind}`);
    return `<tr><td>${esc(d.day)}</td><td>${esc(what)}</td>` +
      `<td><input maxlength="500" data-day="${esc(d.day)}" data-kind="${esc(m.kind)}" placeholder="${esc(t("attWhy"))}"></td>` +
      `<td><button type="button" data-explain="${esc(d.day)}|${esc(m.kind)}">${esc(t("attExplain"))}</button></td></tr>`;
  }).join(""));
}
$("myAttendance").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-explain]");
  if (!b) return;
  const [day, kind] = b.dataset.explain.split("|");
  const input = $("myAttendance").querySelector(`input[data-day="${day}"][data-kind="${kind}"]`);
  if (!input.value.trim()) { $("attendanceError").textContent = t("attWhyNeeded"); input.focus(); return; }
  guarded("attendanceError", async () => {
    try {
      await act(`explain-${day}-${kind}`, "/api/attendance/explain", { day, kind, explanation: input.value });
    } finally {
      // Explained elsewhere meanwhile, or no longer a mark (a leave approved since): the list
      // is read again either way, the error still said.
      await refreshAttendance().catch(() => {});
    }
  });
});

// Complaints answered about this clerk (R21): what was found and answered, never who complained.
let findings = [];
function renderFindings() {
  $("findingsCard").hidden = findings.length === 0;
  $("findings").innerHTML = findings.length === 0 ? "" :
    `<tr><th>${esc(t("fNumber"))}</th><th>${esc(t("fAnswered"))}</th><th>${esc(t("fFinding"))}</th>` +
    `<th>${esc(t("fTold"))}</th></tr>` +
    findings.map((f) => `<tr><td>${esc(f.number)}</td><td>${esc(f.answered_on)}</td>` +
      `<td>${esc(t(`finding.${f.finding}`))}</td><td class="pre">${esc(f.told ?? t("fNotTold"))}</td></tr>`).join("");
}

let opening = false;
let leaving = false;
async function openDesk() {
  $("desk").hidden = true; // (a stand-in's new window too) until its state is read
  showError("deskError", null); // (the old window's refusal does not follow)
  opening = true;
  try { state.windows = (await api("GET", "/api/windows")).data; } finally { opening = false; }
  $("login").hidden = true; $("logout").hidden = false; // a failed read leaves the form and its error
  const me = win(state.window);
  state.paused = me?.status === "paused";
  state.ticket = me?.serving ?? null;
  state.signedInAt = me?.staff?.signed_in_at ?? null;
  state.signedInMs = me?.staff?.signed_in_ms ?? null;
  // Shown once the window's state is known: a call made before would be undone by this read.
  $("desk").hidden = false;
  render(); // (the session line is written for a desk on screen)
  live.start();
  await refreshQueues();
  await refreshCases();
  refreshNoShows(state.window);
  refreshLeftOpen(state.window);
  refreshArchive(state.window);
  refreshMine();
}

function signOut(message) {
  forgetActions(); // the next session's actions are its own
  sessionStorage.removeItem("token"); sessionStorage.removeItem("window"); sessionStorage.removeItem("name");
  sessionStorage.removeItem("username");
  state.token = null; state.ticket = null; state.cases = []; state.registered = null;
  live.stop();
  clearBookings(); // nothing personal stays on the screen
  clearNoShows();
  clearLeftOpen();
  clearArchive();
  clearIncoming();
  // Nor this clerk's own cards: ratings, findings, attendance, leave, inspections, assessment
  // (the next to sign in sees theirs once read, never these meanwhile).
  mine = null; findings = []; attendance = [];
  renderMine(); renderFindings(); renderAttendance();
  clearLeave(); clearInspections(); clearMyAssessment(); clearVillage();
  // The case last opened (the applicant's name and phone, its check code) and the village
  // request being accepted (the villager's name and phone), though their dialogs are closed.
  for (const id of ["caseNumber", "caseInfo", "caseHistory", "finishVillage"]) $(id).textContent = "";
  // No dialog over the sign-in form (an applicant's or a villager's name and phone): a sign-out
  // by an expired session, a revocation or a takeover comes while one may be open.
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
  for (const f of document.querySelectorAll("dialog form")) f.reset();
  $("findCase").reset(); showError("findCaseError", null); visited = null; renderVisited();
  $("desk").hidden = true; $("login").hidden = false; $("logout").hidden = true;
  renderWho();
  $("loginError").textContent = message ?? "";
}

// The window and matter lists, in the page's language (kept selections survive a switch).
function fillSelects() {
  const fill = (sel, items, label, blank) => {
    const keep = sel.value;
    sel.replaceChildren(...(blank ? [new Option("", "")] : []), ...items.map((x) => new Option(label(x), x.id)));
    if (keep) sel.value = keep;
  };
  fill(document.querySelector("#login select[name=window]"), state.windows, windowLabel, false);
  // A ticket is sent on only to a window whose clerk is in: a closed one is shown, not offered.
  fill(document.querySelector("#transferDialog select[name=window]"), state.windows, (w) => t(w.status === "closed" ? "windowClosedLabel" : "windowLabel", w.number, w.name), true);
  const to = document.querySelector("#transferDialog select[name=window]");
  for (const o of to.options) o.disabled = state.windows.some((w) => w.id === o.value && w.status === "closed");
  if (to.selectedOptions[0]?.disabled) to.value = ""; // chosen before, closed since
  // A matter none of whose windows has a clerk in is offered (one may come), and said so: the
  // citizen sent there would wait until someone signs in at one of them.
  const nobodyIn = (s) => !s.windows.some((id) => state.windows.some((w) => w.id === id && w.status !== "closed"));
  fill(document.querySelector("#transferDialog select[name=service]"), state.services, (s) => t(nobodyIn(s) ? "matterNobodyInLabel" : "matterLabel", s.name, s.department), true);
}

async function start() {
  onLanguage(() => {
    fillSelects(); render(); renderCases(); renderRegistered(); renderCase(); renderMine(); renderFindings(); renderInspections();
    renderVillage(); renderIncoming(); renderAttendance(); renderMyAssessment(); renderLeave(); renderBookings();
    renderNoShows(); renderLeftOpen(); renderArchive(); renderVisited();
  });
  languageSwitch();
  wireIncoming();
  wireArchive(() => state.window);
  // The desk PC may open the page before the server is up (after a power cut, during an
  // update): it says so and tries again every few seconds, then goes on by itself.
  for (let wait = 2000; ; wait = Math.min(wait * 2, 30000)) {
    try {
      state.services = (await api("GET", "/api/services")).data;
      state.windows = (await api("GET", "/api/windows")).data;
      showError("loginError", null);
      break;
    } catch (e) {
      showError("loginError", e);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  await loadHallZone(); // the hall's today (a progress form's dates), whatever the PC's time zone
  fillSelects();
  render();
  // A session refused on opening has signed the page out already, saying why: leave its words.
  if (state.token) openDesk().catch(() => { if (state.token) signOut(); });
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  forgetPassword(e.target);
  await guarded("loginError", async () => {
    const r = await act("login", "/api/auth/login", { username: f.get("username"), password: f.get("password"), window_id: f.get("window") });
    Object.assign(state, { token: r.data.token, window: r.data.window_id, name: r.data.name });
    sessionStorage.setItem("token", state.token); sessionStorage.setItem("window", state.window); sessionStorage.setItem("name", state.name);
    sessionStorage.setItem("username", r.data.username); // a notice names the clerk of its case (notice.js)
    await openDesk();
  });
});

const w = () => `/api/windows/${state.window}`;

// A desk action: its error (in the page's language) goes to the box under the buttons, or the
// dialog's own; the action keeps its retry key until the server has answered it — for this
// window and the ticket at it, so that the next ticket's recall is never answered with the
// last one's.
// Desk actions started and out, so that a window read never undoes one; `missed`: the window
// changed while one was out (its answer tells, unless it failed).
const deskActs = { started: 0, out: 0, missed: null };
async function desk(name, path, body, box = "deskError") {
  showError(box, null);
  deskActs.started++; deskActs.out++;
  try {
    return await act(`${name}:${state.window}:${state.ticket?.id ?? ""}`, path, body);
  } catch (e) {
    showError(box, e);
    // Signed in at anew within the same second (the window's event could not tell): found now.
    if (e.code === "not_your_window") followSession();
    else if (deskActs.missed && deskActs.out === 1) { const w = deskActs.missed; deskActs.missed = null; queueMicrotask(() => followTicket(w)); }
    throw e;
  } finally {
    deskActs.out--;
    if (deskActs.out === 0) deskActs.missed = null;
  }
}

// Where is this desk's session now? Sent to another window by the director (stand-in): the desk
// follows it. No longer holding its window (signed in at anew there, or the clerk signed in at
// another window, on another computer): the desk steps aside and its session ends, rather than
// answer every button with a refusal.
async function followSession() {
  try {
    const me = (await api("GET", "/api/auth/me")).data;
    if (me.window_id && me.window_id !== state.window) {
      state.window = me.window_id; sessionStorage.setItem("window", me.window_id);
      state.ticket = null; await openDesk();
    } else if (me.holds_window === false) {
      const here = (await api("GET", "/api/windows")).data.find((x) => x.id === state.window);
      const taker = here?.status !== "closed" ? here?.staff?.name : null;
      await act("logout", "/api/auth/logout", {}).catch(() => {});
      signOut(taker ? t("windowTaken", taker) : t("windowLeft"));
    } else if (me.window_id === state.window) {
      await openDesk(); // still ours: the desk's picture of it was not (a move half read)
    }
  } catch (e) {
    // Signed out: handled by api(). Else the desk stays, saying why it could not move.
    if (state.token) { $("desk").hidden = false; showError("deskError", e); }
  }
}

// The window's ticket changed without this desk doing it (the midnight day-close ended one left
// at the window): read again, unless an action of the desk is out or started meanwhile — its
// answer says what the window holds.
function followTicket(w) {
  const shown = ["called", "serving"].includes(state.ticket?.status) ? state.ticket.number : null;
  if ((w.serving ?? null) === shown) return;
  if (deskActs.out > 0) { deskActs.missed = w; return; }
  const mark = deskActs.started;
  api("GET", "/api/windows").then((r) => {
    if (deskActs.started !== mark || deskActs.out > 0) return;
    state.windows = r.data;
    state.ticket = win(state.window)?.serving ?? null;
    render();
  }).catch(() => { /* the next event or action tells */ });
}

async function callNext() {
  const r = await desk("call", `${w()}/call-next`);
  if (r.status === 204) { $("deskError").textContent = t("nobody"); return; }
  state.ticket = r.data; render();
}
async function simple(name, path) { const r = await desk(name, path); state.ticket = r.data; render(); }
async function pause() {
  const action = state.paused ? "resume" : "pause";
  const r = await desk(action, `${w()}/${action}`);
  state.paused = r.data.status === "paused"; render();
}

function syncFinish() {
  const o = $("finishDialog").querySelector("select[name=outcome]").value;
  $("missing").hidden = o !== "supplement";
  $("groundLabel").hidden = o !== "returned"; $("reasonLabel").hidden = o !== "returned";
  $("departments").hidden = o !== "joint";
  $("authorityLabel").hidden = o !== "reported";
}
$("finishDialog").querySelector("select[name=outcome]").addEventListener("change", syncFinish);

/** A checkbox with its text, for the dialog's lists. */
function check(value, text) {
  const l = document.createElement("label");
  const input = document.createElement("input");
  input.type = "checkbox"; input.value = value;
  l.append(input, ` ${text}`);
  return l;
}

// A village request (R22) is accepted with the same dialog as a finish: its kind and particulars
// make its case; the applicant is the villager.
let accepting = null;
// A service the day's close ended (R1) is registered with the same dialog too, for its ticket.
let leftOpen = null;
$("finishDialog").addEventListener("close", () => {
  accepting = null; leftOpen = null;
  $("finishVillage").hidden = true; $("finishLeftOpen").hidden = true;
  for (const n of ["applicant_name", "applicant_phone"]) $("finishDialog").querySelector(`[name=${n}]`).readOnly = false;
});
$("village").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-village-accept]");
  if (!b) return;
  guarded("villageError", async () => {
    const r = await readVillage(b.dataset.villageAccept);
    openFinish(r.service_id, r.materials);
    accepting = r;
    const f = $("finishDialog").querySelector("form");
    f.applicant_name.value = r.villager_name; f.applicant_phone.value = r.villager_phone;
    f.applicant_name.readOnly = true; f.applicant_phone.readOnly = true;
    f.note.value = r.note ?? "";
    $("finishVillage").textContent = t("vAccepting", r.number, r.station, r.villager_name, r.villager_phone);
    $("finishVillage").hidden = false;
  });
});

$("leftOpen").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-register-left]");
  const line = b && leftOpenLine(b.dataset.registerLeft);
  if (!line) return;
  openFinish(line.service_id);
  leftOpen = line;
  $("finishLeftOpen").textContent = t("loRegistering", line.number, line.day);
  $("finishLeftOpen").hidden = false;
});

function openFinish(serviceId = state.ticket?.service_id, received = null) {
  // Each finish starts blank: an applicant's name and phone (a villager's, a citizen's earlier)
  // never carry over into another citizen's case.
  $("finishDialog").querySelector("form").reset();
  const m = matter(serviceId);
  $("missingChecks").replaceChildren(...(m?.materials ?? []).map((x) => check(x.name, x.name)));
  // A village request's materials not received are ticked as missing (一次性告知).
  if (received) $("missingChecks").querySelectorAll("input").forEach((i) => { i.checked = !received.includes(i.value); });
  // The other departments of the hall, for a joint case (联办件).
  const departments = [...new Set(state.services.map((s) => s.department))].filter((d) => d !== m?.department);
  $("departmentChecks").replaceChildren(...departments.map((d) => check(d, d)));
  // A matter done on the spot (承诺时限 0) promises nothing: no 承诺件, 联办件 or 上报件 (R12).
  const onTheSpot = m?.time_limit_days === 0;
  for (const o of $("finishDialog").querySelectorAll("select[name=outcome] option")) {
    o.hidden = o.disabled = onTheSpot && ["promised", "joint", "reported"].includes(o.value);
  }
  syncFinish();
  showError("finishError", null);
  $("finishDialog").showModal();
}
async function openTransfer() {
  showError("transferError", null);
  // Which windows are open now (a window opened or closed since the page was loaded).
  try { state.windows = (await api("GET", "/api/windows")).data; fillSelects(); } catch { /* the list as it was */ }
  $("transferDialog").showModal();
}

$("finishOk").addEventListener("click", async (e) => {
  e.preventDefault();
  const f = $("finishDialog").querySelector("form");
  const outcome = f.outcome.value;
  const text = (v) => v.trim() || undefined;
  const body = {
    outcome, note: text(f.note.value), applicant_name: text(f.applicant_name.value), applicant_phone: text(f.applicant_phone.value),
  };
  if (outcome === "returned") { body.reason = f.reason.value; body.return_ground = f.return_ground.value || undefined; }
  if (outcome === "supplement") {
    const other = f.missing_other.value.split("\n").map((x) => x.trim()).filter(Boolean);
    body.missing_materials = [...[...$("missingChecks").querySelectorAll("input:checked")].map((i) => i.value), ...other];
  }
  if (outcome === "joint") body.departments = [...$("departmentChecks").querySelectorAll("input:checked")].map((i) => i.value);
  if (outcome === "reported") body.authority = f.authority.value.trim();
  if (accepting) {
    const v = accepting;
    try {
      const r = await desk(`accept-${v.id}`, `/api/village/requests/${v.id}/accept`, body, "finishError");
      $("finishDialog").close(); f.reset();
      $("villageDone").textContent = t("vAccepted", v.number, r.data.case_number);
      openNotice(r.data.case_number, FIRST_NOTICE[outcome]);
      await refreshVillage(); casesSoon();
    } catch { /* shown in the dialog */ }
    return;
  }
  if (leftOpen) {
    const line = leftOpen, at = state.window;
    try {
      const r = await desk(`left-open-${line.ticket_id}`, `${w()}/register-left-open`, { ticket_id: line.ticket_id, ...body }, "finishError");
      if (!state.token || state.window !== at) return; // signed out meanwhile: not this desk's any more
      $("finishDialog").close(); f.reset();
      if (r.data.case) registered(r.data.case);
      leftOpenRegistered(at, line.number, r.data.case?.number ?? "");
    } catch { /* shown in the dialog */ }
    return;
  }
  try {
    const r = await desk("finish", `${w()}/finish`, body, "finishError");
    state.ticket = r.data; render(); $("finishDialog").close(); f.reset();
    if (r.data.case) registered(r.data.case);
  } catch { /* shown in the dialog */ }
});

// ---------------------------------------------------------------------------------------------
// Cases (办件)

/** A case just registered by a finish: its notice opens to print, and a line keeps it at hand. */
function registered(c) {
  state.registered = c;
  renderRegistered();
  openNotice(c.number, FIRST_NOTICE[c.kind]);
  casesSoon();
}

function renderRegistered() {
  const c = state.registered;
  $("caseRegistered").hidden = !c;
  if (c) $("caseRegisteredText").textContent = t("registered", c.number, t(`kind.${c.kind}`), c.check_code);
}
$("caseRegisteredNotice").addEventListener("click", () => {
  const c = state.registered;
  if (c) openNotice(c.number, FIRST_NOTICE[c.kind]);
});

const left = (n) => (n == null ? "—" : t("daysLeft", n));

// A case listed here that another window handles: this one was asked first (R2: it follows the
// case), or takes part in a 联办件 (R13) as one of its departments.
function whose(c) {
  if (c.window_id === state.window) return "";
  return ` <small>(${esc(t(c.first_window_id === state.window ? "firstInquiry" : "jointPart"))})</small>`;
}

function renderCases() {
  const rows = state.cases.map((c) => `<tr class="${dueClass(c.due)}" data-case="${esc(c.number)}" tabindex="0">` +
    `<td>${esc(t(`kind.${c.kind}`))}</td><td><b>${esc(c.number)}</b></td><td>${esc(c.service_name)}` +
    `${whose(c)}</td>` +
    `<td>${esc(c.state === "awaiting_materials" ? t("caseState.awaiting_materials") : c.deadline ?? "—")}</td>` +
    `<td class="left">${esc(c.state === "open" ? left(c.working_days_left) : "")}</td></tr>`).join("");
  $("cases").innerHTML = state.cases.length
    ? `<tr><th>${esc(t("hKind"))}</th><th>${esc(t("hNumber"))}</th><th>${esc(t("hMatter"))}</th><th>${esc(t("hDeadline"))}</th><th>${esc(t("hLeft"))}</th></tr>${rows}`
    : "";
  $("casesEmpty").hidden = state.cases.length > 0;
  $("casesCount").textContent = state.cases.length ? `(${state.cases.length})` : "";
}

const caseReads = latestRead();
async function refreshCases() {
  if (!state.token || !state.window) return;
  const n = caseReads.begin();
  await guarded("casesError", async () => {
    const cases = (await api("GET", `/api/cases?window=${encodeURIComponent(state.window)}`)).data;
    if (!caseReads.isLatest(n)) return;
    state.cases = cases;
    renderCases();
  });
}
let casesTimer = null;
const casesSoon = () => { clearTimeout(casesTimer); casesTimer = setTimeout(refreshCases, 150); };
let archiveTimer = null;
const archiveSoon = () => {
  clearTimeout(archiveTimer);
  archiveTimer = setTimeout(() => { if (state.token && state.window) refreshArchive(state.window); }, 150);
};

$("cases").addEventListener("click", (e) => {
  const tr = e.target.closest("tr[data-case]");
  if (tr) { showError("findCaseError", null); guarded("casesError", () => showCase(tr.dataset.case)); }
});
// A case of this window by its number, a closed one too: the applicant asks how it stands or
// objects to its result (R4), with their notice in hand.
wireFindCase(showCase);
$("cases").addEventListener("keydown", (e) => {
  const tr = e.target.closest("tr[data-case]");
  if (tr && e.key === "Enter") guarded("casesError", () => showCase(tr.dataset.case));
});

const winName = (id) => { const x = win(id); return x ? windowLabel(x) : id; };

/** The case's particulars in the page's language (the history's own words are the server's Chinese). */
function caseInfo(c) {
  const line = (key, value) => (value == null || value === "" ? "" : `<dt>${esc(t(key))}</dt><dd>${value}</dd>`);
  const status = c.state === "closed" ? t(`result.${c.result ?? "done"}`) : t(`caseState.${c.state}`);
  return "<dl>" +
    line("fKind", esc(t(`kind.${c.kind}`))) + line("fState", `<b>${esc(status)}</b>`) + line("fMatter", esc(c.service_name)) +
    line("fApplicant", esc([c.applicant_name, c.applicant_phone].filter(Boolean).join(" · "))) +
    line("fAccepted", esc(c.accepted_on)) + line("fClockFrom", esc(c.clock_from)) +
    line("fDeadline", c.deadline ? `<span class="${dueClass(c.due)}">${esc(c.deadline)}${c.state === "open" ? ` · ${esc(left(c.working_days_left))}` : ""}</span>` : "") +
    line("fExtension", c.extension ? esc(t("extension", c.extension.days, c.extension.reason)) : "") +
    line("fSupplementUntil", esc(c.supplement_until)) +
    line("fMissing", c.missing_materials?.length ? `<ol>${c.missing_materials.map((m) => `<li>${esc(m)}</li>`).join("")}</ol>` : "") +
    line("fGround", c.return_ground ? esc(t(`ground.${c.return_ground}`)) : "") + line("fReason", esc(c.reason)) +
    line("fNote", esc(c.note)) +
    line("fParts", c.parts?.length ? `<ul>${c.parts.map((p) => `<li>${esc(p.department)} · ${esc(t(p.done ? "partDoneYes" : "partDoneNo"))}` +
      `${p.note ? ` · ${esc(p.note)}` : ""}</li>`).join("")}</ul>` : "") +
    line("fMeeting", c.meeting ? esc(t("meeting", c.meeting.date, c.meeting.attendees.join("、"), c.meeting.conclusion)) : "") +
    line("fAuthority", esc(c.authority)) + line("fReply", esc(c.reply)) +
    line("fWindow", esc(`${winName(c.window_id)} · ${c.clerk}`)) +
    (c.first_window_id !== c.window_id ? line("fFirstWindow", esc(winName(c.first_window_id))) : "") +
    "</dl>";
}

// `again`: the open case changed; shown anew only if its dialog is still open when the answer lands.
async function showCase(number, { again = false } = {}) {
  const c = (await api("GET", `/api/cases/${encodeURIComponent(number)}`)).data;
  if (again && (state.caseOpen?.number !== number || !$("caseDialog").open)) return;
  // Opened anew: nothing typed for another case is left in its fields.
  if (!$("caseDialog").open) $("caseDialog").querySelector("form").reset();
  state.caseOpen = c;
  renderCase();
  if (!$("caseDialog").open) { showError("caseError", null); $("caseDialog").showModal(); }
}

function renderCase() {
  const c = state.caseOpen;
  if (!c) return;
  $("caseNumber").textContent = `${c.number} · ${t("checkCode")} ${c.check_code}`;
  $("caseInfo").innerHTML = caseInfo(c);
  $("caseNotices").innerHTML = noticesOf(c)
    .map((k) => `<button type="button" data-notice="${esc(k)}">${esc(t(`notice.${k}`))}</button>`).join(" ");
  const open = c.state !== "closed";
  $("actMaterials").hidden = !(c.kind === "supplement" && c.state === "awaiting_materials");
  $("actClose").hidden = !(open && c.state === "open" && ["promised", "supplement", "joint", "reported"].includes(c.kind));
  // A joint case whose parts are all done waits for the director's review meeting (R13).
  $("awaitingMeeting").hidden = !c.awaiting_meeting;
  // A reported case closes on the upper level's answer (R14).
  $("awaitingReply").hidden = !c.awaiting_reply;
  $("closeCase").disabled = c.awaiting_meeting || c.awaiting_reply;
  $("actPart").hidden = !(open && c.kind === "joint");
  $("actProgress").hidden = !(open && c.kind === "reported");
  // The citizen being served came back for this case (R11, R4): their ticket ends as a visit.
  // Both are the lead windows' (a joint case's department window reads it only).
  const lead = c.window_id === state.window || c.first_window_id === state.window;
  const current = ["called", "serving"].includes(state.ticket?.status) ? state.ticket : null;
  $("actVisit").hidden = !current || !lead;
  $("actObjection").hidden = !lead;
  $("visitHelp").textContent = current ? t("visitHelp", current.number) : "";
  $("visitMaterialsLabel").hidden = c.state !== "awaiting_materials";
  const f = $("caseDialog").querySelector("form");
  if (!$("actPart").hidden) {
    const keep = f.department.value;
    f.department.replaceChildren(...(c.parts ?? []).map((p) => new Option(p.department, p.department)));
    if (keep) f.department.value = keep;
  }
  $("closeReasonLabel").hidden = f.result.value !== "not_approved";
  $("caseHistory").innerHTML = (c.history ?? []).map((s) => `<li><time>${esc(s.at.slice(0, 10))} ${esc(s.at.slice(11, 16))}</time> ` +
    `${stepHtml(s)} <small>${esc(s.by)}</small></li>`).join("");
}

$("caseNotices").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-notice]");
  if (b && state.caseOpen) openNotice(state.caseOpen.number, b.dataset.notice);
});
$("caseDialog").querySelector("select[name=result]").addEventListener("change", renderCase);
$("caseDialog").addEventListener("close", () => { state.caseOpen = null; });

/** A case action: the answer is the case as it is now. */
async function caseAction(name, action, body) {
  const c = state.caseOpen;
  if (!c) return;
  await guarded("caseError", async () => {
    const r = await act(`${name}:${c.number}`, `/api/cases/${encodeURIComponent(c.number)}/${action}`, body);
    state.caseOpen = r.data;
    renderCase();
    casesSoon();
  });
}
const form = () => $("caseDialog").querySelector("form");
$("materialsComplete").addEventListener("click", () => caseAction("materials", "materials-complete", undefined));
$("closeCase").addEventListener("click", () => {
  const f = form();
  caseAction("close", "close", { result: f.result.value, reason: f.result.value === "not_approved" ? f.close_reason.value : undefined });
});
$("recordPart").addEventListener("click", () => {
  const f = form();
  caseAction("part", "parts", { department: f.department.value, done: f.part_done.checked, note: f.part_note.value.trim() || undefined });
});
$("finishVisit").addEventListener("click", async () => {
  const c = state.caseOpen;
  if (!c || !state.ticket) return;
  const materials = !$("visitMaterialsLabel").hidden && form().visit_materials.checked;
  try {
    const r = await desk("visit", `${w()}/finish-visit`, { case_number: c.number, materials_complete: materials }, "caseError");
    state.ticket = r.data; render();
    $("caseDialog").close();
    visited = [r.data.number, c.number]; renderVisited();
    casesSoon();
  } catch { /* shown in the dialog */ }
});

$("answerObjection").addEventListener("click", async () => {
  const f = form();
  await caseAction("objection", "objection", { objection: f.objection.value.trim(), answer: f.objection_answer.value.trim() });
  if (!$("caseError").textContent) { f.objection.value = ""; f.objection_answer.value = ""; }
});

$("recordProgress").addEventListener("click", async () => {
  const f = form();
  const wrong = progressProblem(f, hallNow().slice(0, 10));
  if (wrong) { showError("caseError", null); $("caseError").textContent = wrong; return; }
  await caseAction("progress", "progress", {
    note: f.progress_note.value.trim(), reply: f.progress_reply.checked, deadline: f.progress_deadline.value || undefined,
  });
  if (!$("caseError").textContent) { f.progress_note.value = ""; f.progress_reply.checked = false; f.progress_deadline.value = ""; }
});

$("transferOk").addEventListener("click", async (e) => {
  e.preventDefault();
  const f = $("transferDialog").querySelector("form");
  const body = { service_id: f.service.value || undefined, window_id: f.window.value || undefined };
  try {
    const r = await desk("transfer", `${w()}/transfer`, body, "transferError");
    state.ticket = r.data; render(); $("transferDialog").close(); f.reset();
  } catch { /* shown in the dialog */ }
});

const actions = {
  callNext, recall: () => simple("recall", `${w()}/recall`), start: () => simple("start", `${w()}/start`),
  noShow: () => simple("noShow", `${w()}/no-show`), transfer: openTransfer, finish: openFinish, pause,
};
// Some actions only open a dialog (no promise): run every one as async, so that an error is
// always a rejected promise (an API error is already shown; anything else is a bug, logged).
for (const [id, fn] of Object.entries(actions)) {
  $(id).addEventListener("click", async () => {
    try { await fn(); } catch (e) { if (!(e instanceof ApiError)) errorText(e); }
  });
}
const keys = { F1: "callNext", F2: "recall", F3: "start", F4: "noShow", F5: "transfer", F6: "finish", F7: "pause" };
document.addEventListener("keydown", (e) => {
  const id = keys[e.key];
  if (id && !$("desk").hidden && !document.querySelector("dialog[open]")) {
    e.preventDefault();
    if (!$(id).disabled) $(id).click();
  }
});
$("logout").addEventListener("click", async () => {
  // Signed out only when the server says so (or the session is gone already): a sign-out that
  // did not arrive would leave the window open with nobody at it.
  showError("deskError", null);
  leaving = true;
  try {
    await act("logout", "/api/auth/logout", {});
  } catch (e) {
    if (e.status !== 401) { showError("deskError", e); return; }
  } finally {
    leaving = false;
  }
  signOut();
});
setInterval(render, 30000); // waited minutes
setInterval(() => { if (state.token) refreshMine(); }, 30 * 60000);
// Yesterday's no-shows go at midnight, and the services the day's close ended come (a desk
// left open): the cards are read again now and then.
setInterval(() => {
  if (state.token && !$("desk").hidden) {
    refreshNoShows(state.window); refreshLeftOpen(state.window); refreshArchive(state.window);
  }
}, 5 * 60000);
start();
