// Director console: the whole hall live (windows, queues, today's figures, attendance), the
// displays' notice line, and pause/resume of any window. Refreshed on the server's events.

const EN = {
  title: "Director console", logout: "Sign out", signIn: "Director sign-in", username: "Username", password: "Password",
  enter: "Enter", windows: "Windows", queues: "Queues and today's figures", staff: "Signed in today",
  notice: "Notice line of the displays", publish: "Publish", standIn: "Move a clerk (stand-in)", move: "Move to that window",
  hWindow: "Window", hStatus: "Status", hClerk: "On duty", hTicket: "Ticket", hMinutes: "Minutes", hDone: "Finished",
  hNoShow: "No-show", hAction: "", hQueue: "Queue", hWaiting: "Waiting", hLongest: "Longest wait", hIssued: "Issued",
  hWait: "Wait avg / p90", hService: "Service avg / p90", hName: "Name", hAt: "Signed in", open: "open", paused: "paused",
  closed: "closed", pause: "Pause", resume: "Resume", late: "late", live: "● live", lost: "Connection lost — reconnecting…", min: "min",
  kiosks: "Ticket kiosks", hKiosk: "Kiosk", hFault: "Printer", hMessage: "Message", hFailed: "Ticket not printed", hSince: "Reported",
  kioskOk: "working", printer_unreachable: "Printer unreachable", printer_offline: "Printer offline", cover_open: "Printer cover open",
  paper_out: "Out of paper", print_failed: "Printing failed",
};
const ZH = {
  hWindow: "窗口", hStatus: "状态", hClerk: "在岗人员", hTicket: "当前号", hMinutes: "已办理(分)", hDone: "办结", hNoShow: "未到",
  hAction: "", hQueue: "队列", hWaiting: "等候", hLongest: "最长等候", hIssued: "取号", hWait: "等候 平均/90%", hService: "办理 平均/90%",
  hName: "姓名", hAt: "签到时间", open: "服务中", paused: "暂停", closed: "未开放", pause: "暂停", resume: "恢复", late: "迟到",
  live: "● 实时", lost: "连接中断，正在重连…", min: "分",
  hKiosk: "取号机", hFault: "打印机", hMessage: "说明", hFailed: "未打出的号", hSince: "报告时间", kioskOk: "正常",
  printer_unreachable: "打印机无法连接", printer_offline: "打印机离线", cover_open: "打印机盖未合上", paper_out: "打印纸用完",
  print_failed: "打印失败",
};
let lang = localStorage.getItem("lang") || "zh";
const t = (k) => (lang === "en" ? EN : ZH)[k] ?? k;
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
let token = sessionStorage.getItem("dtoken");
let data = null, kiosks = [], events = null, timer = null;

async function api(method, path, body) {
  const res = await fetch(path, {
    method, headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (res.status === 401 && token) { signOut(); throw new Error(json?.message); }
  if (!res.ok) throw new Error(json?.message || res.statusText);
  return json;
}

function translate() {
  for (const el of document.querySelectorAll("[data-t]")) {
    if (!el.dataset.zh) el.dataset.zh = el.textContent;
    el.textContent = lang === "en" ? EN[el.dataset.t] ?? el.dataset.zh : el.dataset.zh;
  }
  $("lang").textContent = lang === "en" ? "中文" : "English";
  render();
}

const row = (cells, cls = "") => `<tr class="${cls}">${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
const head = (keys) => `<tr>${keys.map((k) => `<th>${t(k)}</th>`).join("")}</tr>`;

function renderKiosks() {
  $("kioskCard").classList.toggle("alarm-card", kiosks.some((k) => k.fault));
  $("kiosks").innerHTML = head(["hKiosk", "hFault", "hMessage", "hFailed", "hSince"]) + kiosks.map((k) => row([
    esc(k.name), k.fault ? `⚠ ${t(k.fault)}` : t("kioskOk"), esc(k.fault ? k.message : ""),
    esc(k.fault ? k.ticket_number ?? "—" : ""), k.at ? k.at.slice(11, 16) : "—",
  ], k.fault ? "fault" : "")).join("");
}

function render() {
  renderKiosks();
  if (!data) return;
  $("now").textContent = data.now.slice(11, 16);
  $("windows").innerHTML = head(["hWindow", "hStatus", "hClerk", "hTicket", "hMinutes", "hDone", "hNoShow", "hAction"]) +
    data.windows.map((w) => row([
      `${w.number} ${esc(w.name)}`, `<span class="st-${w.status}">${t(w.status)}</span>`,
      w.staff ? `${esc(w.staff.name)} (${esc(w.staff.staff_no)})` : "—", esc(w.serving ?? "—"),
      w.serving_minutes ?? "—", w.finished, w.no_show,
      w.status === "closed" ? "" : `<button data-window="${esc(w.id)}" data-do="${w.status === "paused" ? "resume" : "pause"}">${t(w.status === "paused" ? "resume" : "pause")}</button>`,
    ], "")).join("");
  const warn = data.wait_warning_minutes;
  $("queues").innerHTML = head(["hQueue", "hWaiting", "hLongest", "hIssued", "hDone", "hNoShow", "hWait", "hService"]) +
    data.queues.map((q) => row([
      `${esc(q.prefix)} ${esc(q.name)}`, q.waiting, `${q.longest_wait_minutes} ${t("min")}`, q.issued, q.finished, q.no_show,
      `${q.avg_wait_minutes} / ${q.p90_wait_minutes}`, `${q.avg_service_minutes} / ${q.p90_service_minutes}`,
    ], q.longest_wait_minutes >= warn ? "warn" : "")).join("");
  $("staff").innerHTML = head(["hName", "hWindow", "hAt"]) + data.staff.map((s) => row([
    `${esc(s.name)} <small>${esc(s.staff_no)}</small>`, esc(s.window_id ?? "—"),
    `${s.signed_in_at.slice(11, 16)} ${s.late ? `<span class="late">${t("late")}</span>` : ""}`,
  ])).join("");
  if (document.activeElement !== $("noticeForm").notice) $("noticeForm").notice.value = data.notice;
  const f = $("standInForm");
  if (!f.contains(document.activeElement)) {
    f.username.innerHTML = data.staff.filter((s) => s.window_id)
      .map((s) => `<option value="${esc(s.username)}">${esc(s.name)}（${esc(s.window_id)}）</option>`).join("");
    f.window.innerHTML = data.windows.filter((w) => w.status === "closed")
      .map((w) => `<option value="${esc(w.id)}">${w.number} ${esc(w.name)}</option>`).join("");
  }
}

async function refresh() {
  let fresh;
  [data, fresh] = await Promise.all([api("GET", "/api/director/today"), api("GET", "/api/kiosks")]);
  // A kiosk_fault event applied while the list was on its way is newer than the list.
  for (const k of fresh) {
    const i = kiosks.findIndex((x) => x.kiosk_id === k.kiosk_id);
    if (i < 0) kiosks.push(k);
    else if ((k.at ?? "") >= (kiosks[i].at ?? "")) kiosks[i] = k;
  }
  render();
}

function follow() {
  events?.close();
  events = new EventSource("/api/events");
  events.onopen = () => { $("link").textContent = t("live"); $("link").className = "ok"; refresh().catch(() => {}); };
  events.onerror = () => { $("link").textContent = t("lost"); $("link").className = "bad"; };
  // Any change in the hall: refresh once the burst is over.
  const soon = () => { clearTimeout(timer); timer = setTimeout(() => refresh().catch(() => {}), 150); };
  for (const kind of ["ticket_issued", "ticket_called", "ticket_finished", "ticket_no_show", "ticket_transferred",
    "ticket_requeued", "window_status", "queue_changed", "notice_changed"]) events.addEventListener(kind, soon);
  // A kiosk's printer: the event is the kiosk's whole state, shown at once.
  events.addEventListener("kiosk_fault", (e) => {
    const k = JSON.parse(e.data);
    const i = kiosks.findIndex((x) => x.kiosk_id === k.kiosk_id);
    if (i >= 0) kiosks[i] = k; else kiosks.push(k);
    renderKiosks();
  });
}

async function open() {
  $("login").hidden = true; $("console").hidden = false; $("logout").hidden = false;
  await refresh();
  follow();
}

function signOut() {
  sessionStorage.removeItem("dtoken"); token = null; events?.close();
  $("console").hidden = true; $("login").hidden = false; $("logout").hidden = true;
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  $("loginError").textContent = "";
  try {
    const s = await api("POST", "/api/auth/login", { username: f.get("username"), password: f.get("password") });
    if (s.role !== "director" && s.role !== "admin") throw new Error("director or admin only");
    token = s.token; sessionStorage.setItem("dtoken", token);
    await open();
  } catch (err) { $("loginError").textContent = err.message; }
});
$("windows").addEventListener("click", async (e) => {
  const b = e.target.closest("button[data-window]");
  if (!b) return;
  $("windowError").textContent = "";
  try { await api("POST", `/api/windows/${b.dataset.window}/${b.dataset.do}`, {}); await refresh(); }
  catch (err) { $("windowError").textContent = err.message; }
});
$("noticeForm").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("noticeError").textContent = "";
  try { await api("POST", "/api/notice", { notice: e.target.notice.value }); e.target.notice.blur(); await refresh(); }
  catch (err) { $("noticeError").textContent = err.message; }
});
$("standInForm").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("standInError").textContent = "";
  const f = e.target;
  try { await api("POST", `/api/windows/${f.window.value}/stand-in`, { username: f.username.value }); await refresh(); }
  catch (err) { $("standInError").textContent = err.message; }
});
$("lang").addEventListener("click", () => { lang = lang === "en" ? "zh" : "en"; localStorage.setItem("lang", lang); translate(); });
$("logout").addEventListener("click", async () => { try { await api("POST", "/api/auth/logout", {}); } catch { /* gone */ } signOut(); });
setInterval(() => { if (data) refresh().catch(() => {}); }, 60000); // minutes tick on even without events
translate();
if (token) open().catch(() => signOut());
