// Director console: the whole hall live (windows, queues, today's figures, attendance), the
// displays' notice line, and pause/resume of any window. Refreshed on the server's events.

import {
  $, esc, t, faultText, useStrings, languageSwitch, onLanguage, useSession, api, act, guarded, liveStream,
  mergeKiosks, applyKioskEvent,
} from "./common.js";
import strings from "./director.i18n.js";

useStrings(strings);

let token = sessionStorage.getItem("dtoken");
let data = null, timer = null, issuing = null;
const kiosks = [];
useSession({ token: () => token, expired: () => signOut() });

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

function render() {
  renderKiosks();
  renderIssuing();
  if (!data) return;
  $("now").textContent = data.now.slice(11, 16);
  const status = (s) => ({ open: "open", paused: "paused", closed: "closed" })[s] ?? "closed";
  $("windows").innerHTML = head(["hWindow", "hStatus", "hClerk", "hTicket", "hMinutes", "hDone", "hNoShow", "hAction"]) +
    data.windows.map((w) => row([
      `${esc(w.number)} ${esc(w.name)}`, `<span class="st-${status(w.status)}">${esc(t(status(w.status)))}</span>`,
      w.staff ? `${esc(w.staff.name)} (${esc(w.staff.staff_no)})` : "—", esc(w.serving ?? "—"),
      esc(w.serving_minutes ?? "—"), esc(w.finished), esc(w.no_show),
      w.status === "closed" ? "" : `<button data-window="${esc(w.id)}" data-do="${w.status === "paused" ? "resume" : "pause"}">${esc(t(w.status === "paused" ? "resume" : "pause"))}</button>`,
    ], "")).join("");
  const warn = data.wait_warning_minutes;
  $("queues").innerHTML = head(["hQueue", "hWaiting", "hLongest", "hIssued", "hDone", "hNoShow", "hWait", "hService"]) +
    data.queues.map((q) => row([
      `${esc(q.prefix)} ${esc(q.name)}`, esc(q.waiting), `${esc(q.longest_wait_minutes)} ${esc(t("min"))}`, esc(q.issued),
      esc(q.finished), esc(q.no_show), `${esc(q.avg_wait_minutes)} / ${esc(q.p90_wait_minutes)}`,
      `${esc(q.avg_service_minutes)} / ${esc(q.p90_service_minutes)}`,
    ], q.longest_wait_minutes >= warn ? "warn" : "")).join("");
  $("staff").innerHTML = head(["hName", "hWindow", "hAt"]) + data.staff.map((s) => row([
    `${esc(s.name)} <small>${esc(s.staff_no)}</small>`, esc(s.window_id ?? "—"),
    `${esc(s.signed_in_at.slice(11, 16))} ${s.late ? `<span class="late">${esc(t("late"))}</span>` : ""}`,
  ])).join("");
  const a = data.audit_anchor;
  $("auditAnchor").textContent = a ? t("auditAnchor", a.row, a.head.slice(0, 12), when(a.at)) : "";
  if (document.activeElement !== $("noticeForm").notice) $("noticeForm").notice.value = data.notice;
  const f = $("standInForm");
  if (!f.contains(document.activeElement)) {
    f.username.innerHTML = data.staff.filter((s) => s.window_id)
      .map((s) => `<option value="${esc(s.username)}">${esc(s.name)}（${esc(s.window_id)}）</option>`).join("");
    f.window.innerHTML = data.windows.filter((w) => w.status === "closed")
      .map((w) => `<option value="${esc(w.id)}">${esc(w.number)} ${esc(w.name)}</option>`).join("");
  }
}

async function refresh() {
  let fresh;
  let hall;
  [{ data }, { data: fresh }, { data: hall }] = await Promise.all([
    api("GET", "/api/director/today"), api("GET", "/api/kiosks"), api("GET", "/api/hall"),
  ]);
  mergeKiosks(kiosks, fresh);
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
const live = liveStream("/api/events", { handlers, onOpen: () => refresh().catch(() => {}) });

async function open() {
  $("login").hidden = true; $("console").hidden = false; $("logout").hidden = false;
  await refresh();
  live.start();
}

function signOut() {
  sessionStorage.removeItem("dtoken"); token = null; data = null; live.stop();
  $("console").hidden = true; $("login").hidden = false; $("logout").hidden = true;
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  await guarded("loginError", async () => {
    const s = (await act("login", "/api/auth/login", { username: f.get("username"), password: f.get("password") })).data;
    if (s.role !== "director" && s.role !== "admin") {
      token = s.token;
      await act("logout", "/api/auth/logout", {}).catch(() => {});
      token = null;
      $("loginError").textContent = t("directorOnly");
      return;
    }
    token = s.token; sessionStorage.setItem("dtoken", token);
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
$("noticeForm").addEventListener("submit", async (e) => {
  e.preventDefault();
  await guarded("noticeError", async () => {
    await act("notice", "/api/notice", { notice: e.target.notice.value });
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
$("logout").addEventListener("click", async () => {
  try { await act("logout", "/api/auth/logout", {}); } catch { /* gone */ }
  signOut();
});
setInterval(() => { if (data) refresh().catch(() => {}); }, 60000); // minutes tick on even without events
onLanguage(render);
languageSwitch();
if (token) open().catch(() => signOut());
