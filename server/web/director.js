// Director console: the whole hall live (windows, queues, today's figures, attendance, cases
// with the overdue ones in red), the displays' notice line, pause/resume of any window, and a
// case's extension and joint review meeting. Refreshed on the server's events. Complaints are
// director-complaints.js.

import {
  $, esc, t, faultText, showError, useStrings, languageSwitch, onLanguage, useSession, api, act, guarded, liveStream,
  forgetActions,
  mergeKiosks, applyKioskEvent, kioskMark, noticesOf, openNotice, dueClass, signInAs, latestRead, loadHallZone, stepHtml, wireFindCase,
  progressProblem, hallNow,
} from "./common.js";
import strings from "./director.i18n.js";
import { refreshComplaints, renderComplaints, complaintContext, complaintChanged, clearComplaints, complaintFigures } from "./director-complaints.js";
import { initPetitions, refreshPetitions, onFeedback, clearPetitions, renderPetitions, setDepartments } from "./director-petitions.js";
import { refreshRatings, ratingsFeedback, clearRatings, renderRatings, ratingGiven } from "./director-ratings.js";
import { refreshAttendance, renderAttendance, clearAttendance } from "./director-attendance.js";
import { refreshLeave, renderLeave, renderLeaveToday, onLeaveChanged, clearLeave } from "./director-leave.js";
import { refreshVillage, renderVillage } from "./director-village.js";
import { refreshIncoming, renderIncoming, setIncomingWindows, clearIncoming } from "./director-incoming.js";
import { refreshAssessment, renderAssessment } from "./director-assessment.js";
import { renderBookings, clearBookings, bookingsToday, bookingsChanged } from "./director-bookings.js";

useStrings(strings);

let noticeEdited = false; // a notice typed and not yet published
let token = sessionStorage.getItem("dtoken");
let data = null, timer = null, issuing = null, openCases = [], caseOpen = null;
const kiosks = [];
useSession({ token: () => token, expired: () => signOut(t("err.session_expired")) });

const row = (cells, cls = "") => `<tr class="${cls}">${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
const head = (keys) => `<tr>${keys.map((k) => `<th>${esc(t(k))}</th>`).join("")}</tr>`;

function renderKiosks() {
  $("kioskCard").classList.toggle("alarm-card", kiosks.some((k) => k.fault));
  $("kiosks").innerHTML = head(["hKiosk", "hFault", "hMessage", "hFailed", "hSince"]) + kiosks.map((k) => row([
    esc(k.name), esc(k.fault ? `⚠ ${faultText(k.fault)}` : t("kioskOk")), esc(k.fault ? k.message : ""),
    esc(k.fault ? k.ticket_number ?? "—" : ""), esc(k.at ? k.at.slice(11, 16) : "—"),
  ], k.fault ? "fault" : "")).join("");
}

// "2026-11-26T08:30:00+08:00" -> "11-26 08:30" (today's times: "08:30").
const when = (at) => (at && data && at.slice(0, 10) === data.now.slice(0, 10) ? at.slice(11, 16) : at ? `${at.slice(5, 10)} ${at.slice(11, 16)}` : "");

function renderIssuing() {
  if (!issuing) return;
  $("issuingState").textContent = issuing.reopened ? t("issuingReopened")
    : issuing.open ? t("issuingOpen", when(issuing.until))
      : t("issuingStopped", t(`stop.${issuing.reason}`), when(issuing.next_open));
  $("issuingToggle").textContent = t(issuing.reopened ? "endReopen" : "reopen");
}

// The case panel: counts by kind and state, the totals, every overdue case (red) and the list of
// open cases; a row opens the case (extension, joint meeting, notices).
function renderCases() {
  if (!data) return;
  const b = data.last_backup;
  $("backupState").textContent = b ? t("backupAge", b.at.slice(0, 16).replace("T", " "), Math.floor(b.age_hours)) : t("noBackup");
  $("backupState").classList.toggle("bad", !b || b.stale);
  const year = data.calendar_missing_year;
  $("calendarWarning").hidden = !year;
  $("calendarWarning").textContent = year ? `⚠ ${t("calendarMissing", year)}` : "";
  const o = data.cases;
  $("casesCard").hidden = !o;
  if (!o) return;
  $("caseTotals").innerHTML = esc(t("totals", o.open, o.due_soon, o.overdue, o.registered_today));
  $("caseTotals").classList.toggle("bad", o.overdue > 0);
  // R17 档案: closed cases' files not archived yet, per window (each window's clerk archives them).
  const win = (id) => data.windows.find((w) => w.id === id);
  const byWindow = o.files_by_window ?? [];
  const count = (n, more) => (more ? `${n}+` : `${n}`); // a window's oldest 100 are counted
  // Past the count, files left uncounted may be past their date too (a limit lowered since).
  const overdueMore = (f) => f.more;
  const at = (f) => t("filesAt", win(f.window_id) ? `${win(f.window_id).number} ${win(f.window_id).name}` : f.window_id,
    count(f.out, f.more), f.overdue && count(f.overdue, overdueMore(f)));
  $("caseFiles").hidden = !o.files_out;
  $("caseFiles").textContent = o.files_out ? `${t("filesOut", count(o.files_out, byWindow.some((f) => f.more)),
    count(o.files_overdue, byWindow.some((f) => overdueMore(f) && f.overdue > 0)))} ${byWindow.map(at).join(t("listSep"))}` : "";
  $("caseFiles").classList.toggle("bad", o.files_overdue > 0);
  $("caseCounts").innerHTML = head(["hKind", "hState", "hCount"]) + o.counts.map((c) => row([
    esc(t(`kind.${c.kind}`)), esc(t(`caseState.${c.state}`)), `<b>${esc(c.count)}</b>`,
  ])).join("");
  $("noOverdue").hidden = o.overdue_list.length > 0;
  $("overdue").innerHTML = o.overdue_list.length === 0 ? "" : head(["hNumber", "hKind", "hMatter", "hDeadline", "hOver"]) +
    o.overdue_list.map((c) => caseRow(c, [esc(c.number), esc(t(`kind.${c.kind}`)) + awaitingMark(c), esc(c.service_name), esc(c.deadline ?? "—"),
      `<b>${esc(t("overBy", -(c.working_days_left ?? 0)))}</b>`], "overdue")).join("");
  $("openCases").innerHTML = openCases.length === 0 ? "" : head(["hNumber", "hKind", "hState", "hMatter", "hWindow", "hDeadline", "hLeft"]) +
    openCases.map((c) => caseRow(c, [esc(c.number), esc(t(`kind.${c.kind}`)),
      esc(t(`caseState.${c.state}`)) + awaitingMark(c), esc(c.service_name),
      esc(c.window_id), esc(c.deadline ?? "—"), esc(c.working_days_left == null || c.state !== "open" ? "" : t("daysLeft", c.working_days_left))],
    dueClass(c.due))).join("");
  // The list is the first 200 by deadline; the panel's counts are of them all.
  const running = o.counts.reduce((n, c) => n + c.count, 0);
  const more = running > openCases.length && openCases.length >= OPEN_CASES_LISTED;
  $("openCasesMore").hidden = !more;
  $("openCasesMore").textContent = more ? t("openCasesMore", openCases.length, running) : "";
}
const OPEN_CASES_LISTED = 200; // GET /api/cases's default
// A joint case waiting for the director's review meeting (R13), marked in both lists.
const awaitingMark = (c) => (c.awaiting_meeting ? ` · <b class="awaiting-meeting">${esc(t("awaitingMeeting"))}</b>` : "");
const caseRow = (c, cells, cls) => `<tr class="case ${cls}" data-case="${esc(c.number)}" tabindex="0">${cells.map((x) => `<td>${x}</td>`).join("")}</tr>`;

// R1: services the day's close ended before anyone finished them, until their clerk registers them.
function renderLeftOpen(list) {
  $("leftOpenCard").hidden = list.length === 0;
  $("leftOpenList").innerHTML = list.length === 0 ? "" : head(["loNumber", "hMatter", "hWindow", "loStarted"]) +
    list.map((x) => row([esc(x.number), esc(x.service_name), esc(x.window_id), esc(x.started_at.slice(0, 16).replace("T", " "))], "")).join("");
}

// The minutes the window's citizen has been served; a matter done on the spot whose minutes (即收即办,
// R7) are reached is marked in red with the limit (whole minutes shown: at 10 a 10-minute limit
// is passed, as the reports count it).
function servingMinutes(w) {
  if (w.serving_minutes === undefined || w.serving_minutes === null) return "—";
  const limit = w.serving_limit_minutes;
  if (!limit || w.serving_minutes < limit) return esc(w.serving_minutes);
  return `${esc(w.serving_minutes)} <span class="late over-spot">${esc(t("overSpot", limit))}</span>`;
}

function render() {
  renderKiosks();
  renderIssuing();
  renderCases();
  renderCase();
  complaintFigures(data?.feedback);
  renderComplaints();
  if (!data) return;
  complaintContext(data.windows, data.staff);
  setIncomingWindows(data.windows);
  renderLeaveToday(data);
  renderLeftOpen(data.left_open ?? []);
  $("now").textContent = data.now.slice(11, 16);
  const status = (s) => ({ open: "open", paused: "paused", closed: "closed" })[s] ?? "closed";
  $("windows").innerHTML = head(["hWindow", "hStatus", "hClerk", "hTicket", "hMinutes", "hDone", "hNoShow", "hSentOn", "hAction"]) +
    data.windows.map((w) => row([
      `${esc(w.number)} ${esc(w.name)}`, `<span class="st-${status(w.status)}">${esc(t(status(w.status)))}</span>`,
      w.staff ? `${esc(w.staff.name)} (${esc(w.staff.staff_no)})` +
        (w.staff.stand_in ? ` <span class="stand-in">${esc(t("standingIn"))}</span>` : "") : "—", esc(w.serving ?? "—"),
      servingMinutes(w), esc(w.finished), esc(w.no_show), esc(w.transferred ?? 0),
      w.status === "closed" ? "" : `<button data-window="${esc(w.id)}" data-do="${w.status === "paused" ? "resume" : "pause"}">${esc(t(w.status === "paused" ? "resume" : "pause"))}</button>`,
    ], "")).join("");
  const warn = data.wait_warning_minutes;
  $("queues").innerHTML = head(["hQueue", "hWaiting", "hLongest", "hIssued", "hDone", "hNoShow", "hWait", "hService"]) +
    data.queues.map((q) => row([
      `${esc(q.prefix)} ${esc(q.name)}`, esc(q.waiting), `${esc(q.longest_wait_minutes)} ${esc(t("min"))}`, esc(q.issued),
      esc(q.finished), esc(q.no_show), `${esc(q.avg_wait_minutes)} / ${esc(q.p90_wait_minutes)}`,
      `${esc(q.avg_service_minutes)} / ${esc(q.p90_service_minutes)}`,
    ], q.longest_wait_minutes >= warn ? "warn" : "")).join("");
  // R16: a clerk on leave today is 休假, never absent (signed in or not).
  const away = new Set((data.on_leave ?? []).map((l) => l.username));
  $("staff").innerHTML = head(["hName", "hWindow", "hAt"]) + data.staff.map((s) => row([
    // Where the clerk is now (moved to stand in: not where they signed in), else where they were.
    `${esc(s.name)} <small>${esc(s.staff_no)}</small>`, esc(s.at_window ?? s.window_id ?? "—"),
    `${esc(s.signed_in_at.slice(11, 16))} ${s.late ? `<span class="late">${esc(t("late"))}</span>` : ""}` +
      (away.has(s.username) ? ` <span class="on-leave">${esc(t("onLeave"))}</span>` : ""),
  ])).join("") + (data.on_leave ?? []).filter((l) => !data.staff.some((s) => s.username === l.username)).map((l) => row([
    esc(l.name), "—", `<span class="on-leave">${esc(t("onLeave"))}</span> ${esc(t(`lvKind.${l.kind}`))}`,
  ])).join("");
  const a = data.audit_anchor;
  $("auditAnchor").textContent = a ? t("auditAnchor", a.row, a.head.slice(0, 12), when(a.at)) : "";
  // The hall's notice, unless the director is writing one not yet published (a publish that
  // failed keeps what was typed).
  if (document.activeElement !== $("noticeForm").notice && !noticeEdited) $("noticeForm").notice.value = data.notice;
  const f = $("standInForm");
  if (!f.contains(document.activeElement)) {
    // Only a clerk signed in now can be moved (`clerk_not_signed_in` otherwise), from where they
    // are; what the director picked stays picked while it is still offered.
    const keep = [f.username.value, f.window.value];
    f.username.innerHTML = data.staff.filter((s) => s.at_window)
      .map((s) => `<option value="${esc(s.username)}">${esc(s.name)}（${esc(s.at_window)}）</option>`).join("");
    f.window.innerHTML = data.windows.filter((w) => w.status === "closed")
      .map((w) => `<option value="${esc(w.id)}">${esc(w.number)} ${esc(w.name)}</option>`).join("");
    for (const [sel, v] of [[f.username, keep[0]], [f.window, keep[1]]]) {
      if ([...sel.options].some((o) => o.value === v)) sel.value = v;
    }
  }
}

// Refreshes overlap (events, reconnects, forms, the minute's timer): the latest one's answer wins.
const refreshes = latestRead();
async function refresh() {
  const n = refreshes.begin(), since = kioskMark();
  const [{ data: today }, { data: fresh }, { data: hall }, { data: cases }] = await Promise.all([
    api("GET", "/api/director/today"), api("GET", "/api/kiosks"), api("GET", "/api/hall"),
    api("GET", "/api/cases").catch((e) => { showError("casesError", e); return { data: openCases }; }),
  ]);
  if (!refreshes.isLatest(n) || !token) return;
  data = today;
  openCases = cases;
  mergeKiosks(kiosks, fresh, since);
  issuing = hall.issuing;
  render();
}

// Any change in the hall: refresh once the burst is over.
const soon = () => { clearTimeout(timer); timer = setTimeout(() => refresh().catch(() => {}), 150); };
const handlers = {
  // A kiosk's printer: the event is the kiosk's whole state, shown at once.
  kiosk_fault: (k) => { applyKioskEvent(kiosks, k); renderKiosks(); },
  issuing_changed: (state) => { issuing = state; renderIssuing(); },
};
for (const kind of ["ticket_issued", "ticket_called", "ticket_finished", "ticket_no_show", "ticket_transferred",
  "ticket_requeued", "window_status", "queue_changed", "notice_changed"]) handlers[kind] = soon;
handlers.case_changed = (c) => {
  soon();
  if (caseOpen?.number === c.number) showCase(c.number, { again: true }).catch(() => {});
};
// The citizen's voice (director streams only): each section takes its own subject; an urgent
// petition's banner shows at once.
handlers.village_changed = () => refreshVillage();
handlers.incoming_changed = () => refreshIncoming();
handlers.feedback_changed = (e) => { complaintChanged(e); onFeedback(e); ratingsFeedback(e); soon(); }; // the glance's counts too
handlers.rating_given = () => ratingGiven();
// A new configuration (admin page): windows, matters and departments, and the bookings it may
// have cancelled (the director phones each citizen from the day's list).
handlers.hall_changed = () => {
  soon();
  api("GET", "/api/hall").then((r) => setDepartments(r.data)).catch(() => {});
  bookingsChanged();
};
// With the token: the director's tier of events (feedback_changed, case_changed).
const reload = () => {
  refresh().catch(() => {});
  refreshPetitions().catch((e) => showError("petitionsError", e));
  refreshComplaints();
  refreshRatings();
  refreshAttendance();
  refreshLeave();
  refreshAssessment();
  refreshVillage();
  refreshIncoming();
};
const live = liveStream("/api/events", { handlers, token: () => token, onOpen: reload });
onLeaveChanged(soon);

async function open() {
  $("login").hidden = true; $("console").hidden = false; $("logout").hidden = false;
  showError("logoutError", null);
  try {
    await refresh();
    await loadHallZone();
    bookingsToday(); // the day asked for: the hall's today, whatever the screen's time zone
    await refreshPetitions().catch((e) => showError("petitionsError", e));
    setDepartments((await api("GET", "/api/hall")).data);
  } catch (e) {
    if (!token) throw e; // signed out (the session refused): the sign-in form says why
    // The console is on screen, so its error is too (the sign-in form's is hidden), and the
    // first load is tried again: an empty console with no word would look like a quiet hall.
    showError("logoutError", e);
    const session = token;
    setTimeout(() => { if (token && token === session) open().catch(() => {}); }, 5000);
    return;
  }
  live.start();
}

function signOut(message) {
  forgetActions(); // the next session's actions are its own
  sessionStorage.removeItem("dtoken"); token = null; data = null; live.stop(); clearPetitions(); clearRatings(); clearBookings();
  // Nothing read by this director stays for the next one: no dialog over the sign-in form (a
  // complainant's, a petitioner's or an applicant's details), no list, no leave reason.
  for (const d of document.querySelectorAll("dialog[open]")) d.close();
  for (const f of document.querySelectorAll("dialog form")) f.reset();
  $("findCase").reset(); showError("findCaseError", null);
  caseOpen = null;
  // The case last opened (the applicant's name and phone), though its dialog is closed.
  for (const id of ["caseNumber", "caseInfo", "caseHistory"]) $(id).textContent = "";
  clearComplaints(); clearAttendance(); clearLeave(); clearIncoming();
  $("console").hidden = true; $("login").hidden = false; $("logout").hidden = true;
  $("loginError").textContent = message ?? "";
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  await guarded("loginError", async () => {
    if (!(await signInAs(e.target, ["director", "admin"], t("directorOnly"), (v) => { token = v; }))) return;
    sessionStorage.setItem("dtoken", token);
    await open();
  });
});
$("windows").addEventListener("click", async (e) => {
  const b = e.target.closest("button[data-window]");
  if (!b) return;
  await guarded("windowError", async () => {
    await act(`${b.dataset.do}:${b.dataset.window}`, `/api/windows/${b.dataset.window}/${b.dataset.do}`, {});
    await refresh();
  });
});
$("noticeForm").notice.addEventListener("input", () => { noticeEdited = true; });
$("noticeForm").addEventListener("submit", async (e) => {
  e.preventDefault();
  await guarded("noticeError", async () => {
    await act("notice", "/api/notice", { notice: e.target.notice.value });
    noticeEdited = false;
    e.target.notice.blur();
    await refresh();
  });
});
$("standInForm").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target;
  await guarded("standInError", async () => {
    const path = `/api/windows/${f.window.value}/stand-in`;
    try {
      await act("standIn", path, { username: f.username.value });
    } catch (err) {
      // Outside the account's allowed windows: only when the director says so knowingly.
      if (err.code !== "window_not_allowed" || !window.confirm(t("standInOutside"))) throw err;
      await act("standIn", path, { username: f.username.value, override_allowed: true });
    }
    await refresh();
  });
});
$("issuingToggle").addEventListener("click", async () => {
  await guarded("issuingError", async () => {
    issuing = (await act("issuing", "/api/director/issuing", { reopen: !issuing?.reopened })).data;
    renderIssuing();
  });
});
// A case (from the panel): its particulars, its notices, the extension (once, director only) and a
// joint case's review meeting.
// `again`: the open case changed; shown anew only if its dialog is still open when the answer lands.
async function showCase(number, { again = false } = {}) {
  const c = (await api("GET", `/api/cases/${encodeURIComponent(number)}`)).data;
  if (again && (caseOpen?.number !== number || !$("caseDialog").open)) return;
  if (caseOpen?.number !== c.number) clearCaseForm(); // nothing typed for another case
  caseOpen = c;
  renderCase();
  if (!$("caseDialog").open) {
    showError("caseError", null);
    $("caseDialog").showModal();
  }
}

function renderCase() {
  const c = caseOpen;
  if (!c) return;
  const line = (key, value) => (value == null || value === "" ? "" : `<dt>${esc(t(key))}</dt><dd>${value}</dd>`);
  $("caseNumber").textContent = `${c.number} · ${t("checkCode")} ${c.check_code}`;
  const status = c.state === "closed" ? t(`result.${c.result ?? "done"}`) : t(`caseState.${c.state}`);
  $("caseInfo").innerHTML = "<dl>" + line("fKind", esc(t(`kind.${c.kind}`))) + line("fState", `<b>${esc(status)}</b>`) +
    line("fMatter", esc(c.service_name)) + line("fApplicant", esc(c.applicant_name)) + line("fAccepted", esc(c.accepted_on)) +
    line("fDeadline", c.deadline ? `<span class="${dueClass(c.due)}">${esc(c.deadline)}${c.working_days_left != null && c.state === "open" ? ` · ${esc(t("daysLeft", c.working_days_left))}` : ""}</span>` : "") +
    line("fExtension", c.extension ? esc(t("extension", c.extension.days, c.extension.reason, c.extension.by)) : "") +
    line("fMissing", esc((c.missing_materials ?? []).join("、"))) +
    line("fParts", (c.parts ?? []).map((p) => `${esc(p.department)}（${esc(t(p.done ? "partDoneYes" : "partDoneNo"))}）`).join("、")) +
    line("fMeeting", c.meeting ? esc(t("meeting", c.meeting.date, c.meeting.attendees.join("、"), c.meeting.conclusion)) : "") +
    line("fNote", esc(c.note)) + line("fAuthority", esc(c.authority)) +
    line("fWindow", esc(`${c.window_id} · ${c.clerk}`) + (removed(c.window_id) ? ` <b class="overdue">${esc(t("windowRemoved"))}</b>` : "")) +
    (c.first_window_id !== c.window_id ? line("fFirstWindow", esc(c.first_window_id)) : "") +
    line("fArchive", archiveWords(c)) + "</dl>";
  $("caseNotices").innerHTML = noticesOf(c)
    .map((k) => `<button type="button" data-notice="${esc(k)}">${esc(t(`notice.${k}`))}</button>`).join(" ");
  // Extended within its time limit only (R12): an overdue case is answered, not extended.
  // A reported case's date from above is moved by its progress, not extended here.
  $("actExtend").hidden = !(c.state === "open" && c.deadline && !c.extension && c.due !== "overdue" && !c.upper_dated);
  $("actMeeting").hidden = !(c.kind === "joint" && c.state !== "closed" && !c.meeting);
  // R14, R12: a reported case's progress; a new date from the upper level once one was told
  // (or the case is overdue here) is the director's to record.
  $("actProgress").hidden = !(c.state === "open" && c.kind === "reported");
  if (data) caseForm().progress_deadline.min = data.now.slice(0, 10); // the upper level's date is today or later
  // R17: a closed case's file, archived once — by its window's clerk from the desk, or here (a
  // file of a window since removed, or whose clerk has moved on).
  $("actArchive").hidden = !(c.state === "closed" && !c.archived_at);
  // R18: a case not closed whose window was removed (or whose clerk is away) goes to another.
  $("actAssign").hidden = c.state === "closed" || !data;
  const pick = caseForm().assign_window;
  const kept = pick.value;
  pick.innerHTML = `<option value="">${esc(t("assignPick"))}</option>` + (data?.windows ?? []).filter((w) => w.id !== c.window_id)
    .map((w) => `<option value="${esc(w.id)}">${esc(t("assignOption", w.number, w.name))}</option>`).join("");
  pick.value = kept;
  $("caseHistory").innerHTML = (c.history ?? []).map((s) => `<li><time>${esc(s.at.slice(0, 10))} ${esc(s.at.slice(11, 16))}</time> ` +
    `${stepHtml(s)} <small>${esc(s.by)}</small></li>`).join("");
}

/** A window no longer in the hall (its cases wait for the director to give them to another). */
const removed = (id) => !!data && !data.windows.some((w) => w.id === id);

/** A closed case's file (R17): archived when, or by when it is due. */
function archiveWords(c) {
  if (c.archived_at) return esc(t("archivedOn", `${c.archived_at.slice(0, 10)} ${c.archived_at.slice(11, 16)}`));
  if (c.state !== "closed") return "";
  if (!c.archive_due) return esc(t("archiveNoDate"));
  const overdue = !!data && c.archive_due < data.now.slice(0, 10);
  return `<span class="${overdue ? "overdue" : ""}">${esc(t("archiveDue", c.archive_due, overdue))}</span>`;
}

// Any case by its number, a closed one too (its notices, its history, its file to archive).
wireFindCase(showCase);

for (const id of ["overdue", "openCases"]) {
  $(id).addEventListener("click", (e) => {
    const tr = e.target.closest("tr[data-case]");
    if (tr) { showError("findCaseError", null); showCase(tr.dataset.case).catch((err) => showError("casesError", err)); }
  });
}
$("caseNotices").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-notice]");
  if (b && caseOpen) openNotice(caseOpen.number, b.dataset.notice);
});
$("caseDialog").addEventListener("close", () => { caseOpen = null; });

async function caseAction(name, action, body) {
  const c = caseOpen;
  if (!c) return;
  await guarded("caseError", async () => {
    caseOpen = (await act(`${name}:${c.number}`, `/api/cases/${encodeURIComponent(c.number)}/${action}`, body)).data;
    clearCaseForm(); // sent and kept: the next step starts empty
    renderCase();
    soon();
  });
}
const caseForm = () => $("caseDialog").querySelector("form");
/** Empties what the director writes on a case; the meeting's date is today's. */
function clearCaseForm() {
  const f = caseForm();
  f.reset();
  if (data) f.meeting_date.value = data.now.slice(0, 10);
}
$("extend").addEventListener("click", () => {
  const f = caseForm();
  caseAction("extend", "extend", { days: Number(f.days.value), reason: f.extend_reason.value.trim() });
});
$("archiveCase").addEventListener("click", () => caseAction("archive", "archive", {}));
$("recordProgress").addEventListener("click", () => {
  const f = caseForm();
  const wrong = progressProblem(f, data ? data.now.slice(0, 10) : hallNow().slice(0, 10));
  if (wrong) {
    showError("caseError", null);
    $("caseError").textContent = wrong;
    return;
  }
  caseAction("progress", "progress", {
    note: f.progress_note.value.trim(), reply: f.progress_reply.checked, deadline: f.progress_deadline.value || undefined,
  });
});
// R4: the applicant's objection and the answer given, on a running or a closed case.
$("answerObjection").addEventListener("click", () => {
  const f = caseForm();
  caseAction("objection", "objection", { objection: f.objection.value.trim(), answer: f.objection_answer.value.trim() });
});
$("assignCase").addEventListener("click", () => {
  const window_id = caseForm().assign_window.value;
  if (!window_id) {
    showError("caseError", null);
    $("caseError").textContent = t("assignPick");
    return;
  }
  caseAction("assign", "assign", { window_id });
});
$("meeting").addEventListener("click", () => {
  const f = caseForm();
  const attendees = f.attendees.value.split(/[、,，;；]/).map((x) => x.trim()).filter(Boolean);
  if (!attendees.length || !f.conclusion.value.trim()) { // recorded once: never an empty record
    showError("caseError", null);
    $("caseError").textContent = t("err.meeting_incomplete");
    return;
  }
  caseAction("meeting", "meeting", { date: f.meeting_date.value, attendees, conclusion: f.conclusion.value.trim() });
});

$("logout").addEventListener("click", async () => {
  // Signed out when the server says so (or the session is gone already), not when the sign-out
  // did not arrive: the session would live on, unseen.
  showError("logoutError", null);
  try {
    await act("logout", "/api/auth/logout", {});
  } catch (e) {
    if (e.status !== 401) { showError("logoutError", e); return; }
  }
  signOut();
});
setInterval(() => { if (data) { refresh().catch(() => {}); refreshLeave(); refreshVillage(); refreshIncoming(); } }, 60000); // minutes tick on even without events
// A clerk's explanation of a mark (R15) sends no event: the card is read again every 10 minutes
// while the console is in view (each read of explanations is audited, so not every minute).
setInterval(() => { if (data && document.visibilityState === "visible") refreshAttendance(); }, 10 * 60000);
initPetitions();
onLanguage(() => { render(); renderPetitions(); renderRatings(); renderAttendance(); renderAssessment(); renderLeave(); renderVillage(); renderIncoming(); renderBookings(); });
languageSwitch();
// A session refused on opening has signed the page out already, saying why: leave its words.
if (token) open().catch(() => { if (token) signOut(); });
