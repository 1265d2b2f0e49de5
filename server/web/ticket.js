// A citizen's ticket on their phone: the number, how many are ahead, the estimated wait, and
// once called the window to go to. Follows the hall's event stream and asks the server again
// when tickets or queues move (debounced), with a slow poll in case the stream is blocked.

const ZH = {
  waiting: "等候中", transferred: "已转办，正在等候", serving: "正在办理", done: "已办结，感谢您的耐心等候",
  no_show: "叫号时您未到窗口，请与工作人员联系", called: "请到窗口办理",
  go: (n, name) => `请到 ${n} 号窗口（${name}）办理`, at: (n, name) => `正在 ${n} 号窗口（${name}）办理`,
  place: "位置：", live: "● 实时更新", lost: "连接中断，正在重连…", unknown: "未找到这张号票，请核对取号凭条上的二维码。",
  malformed: "链接不完整，请重新扫描取号凭条上的二维码。", offline: "暂时无法连接服务器，稍后自动重试。", title: "我的排号",
};
const EN = {
  yourNumber: "Your number", ahead: "Ahead of you", people: "people", wait: "Estimated wait", minutes: "minutes",
  issued: "Issued at", hint: "This page updates by itself and tells you when your number is called; also watch the hall's screens.",
  waiting: "Waiting", transferred: "Transferred, waiting again", serving: "Being served", done: "Finished — thank you for waiting",
  no_show: "You were called but did not come; please speak to the staff", called: "Please go to the window",
  go: (n, name) => `Please go to window ${n} (${name})`, at: (n, name) => `Being served at window ${n} (${name})`,
  place: "Where: ", live: "● live", lost: "Connection lost — reconnecting…", unknown: "No such ticket. Please check the QR code on your ticket.",
  malformed: "This link is incomplete. Please scan the QR code on your ticket again.", offline: "Cannot reach the server; retrying.",
  title: "My ticket",
};
let lang = localStorage.getItem("lang") === "en" ? "en" : "zh";
const t = (k) => (lang === "en" ? EN : ZH)[k];
const $ = (id) => document.getElementById(id);
const token = decodeURIComponent(location.pathname.split("/").pop() || "");

let view = null, events = null, timer = null, lastStatus = null, missing = null;

function translate() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  for (const el of document.querySelectorAll("[data-t]")) {
    if (!el.dataset.zh) el.dataset.zh = el.textContent;
    el.textContent = lang === "en" ? EN[el.dataset.t] ?? el.dataset.zh : el.dataset.zh;
  }
  $("lang").textContent = lang === "en" ? "中文" : "EN";
  render();
}

function render() {
  if (missing) {
    $("view").hidden = true; $("missing").hidden = false; $("missingText").textContent = t(missing);
    return;
  }
  if (!view) return;
  $("view").hidden = false; $("missing").hidden = true;
  $("hall").textContent = view.hall_name;
  $("number").textContent = view.number;
  $("matter").textContent = view.matter;
  $("issued").textContent = view.issued_at.slice(11, 16);
  const s = view.status;
  const waiting = s === "waiting" || s === "transferred";
  const win = view.window_number != null;
  $("figures").hidden = !waiting;
  $("ahead").textContent = view.waiting_ahead;
  $("minutes").textContent = view.estimated_wait_minutes;
  let status = t(s);
  if (s === "serving" && win) status = t("at")(view.window_number, view.window_name);
  $("status").textContent = s === "called" ? "" : status;
  $("go").hidden = !(s === "called" && win);
  if (s === "called" && win) {
    $("go").querySelector(".where").textContent = t("go")(view.window_number, view.window_name);
    $("go").querySelector(".place").textContent = view.window_location ? t("place") + view.window_location : "";
  } else if (s === "called") {
    $("status").textContent = t("called");
  }
  document.body.className = s;
  document.title = s === "called" && win ? `${view.number} → ${view.window_number}` : `${view.number} · ${t("title")}`;
}

async function load() {
  try {
    const res = await fetch(`/api/t/${encodeURIComponent(token)}`, { cache: "no-store" });
    if (res.status === 404 || res.status === 400) {
      missing = res.status === 404 ? "unknown" : "malformed"; view = null; stop(); render();
      return;
    }
    if (!res.ok) throw new Error(res.statusText);
    view = await res.json();
    missing = null;
    if (view.status === "called" && lastStatus !== null && lastStatus !== "called") navigator.vibrate?.([400, 200, 400]);
    lastStatus = view.status;
    render();
    if (view.status === "done") stop(); // nothing more will happen to this ticket
  } catch {
    $("link").textContent = t("offline"); $("link").className = "bad";
  }
}

// Many phones follow one hall: spread their requests a little after a burst of events.
const soon = (delay = 600 + Math.random() * 900) => { clearTimeout(timer); timer = setTimeout(load, delay); };

function follow() {
  events?.close();
  events = new EventSource("/api/events");
  events.onopen = () => { $("link").textContent = t("live"); $("link").className = "ok"; soon(0); };
  events.onerror = () => { $("link").textContent = t("lost"); $("link").className = "bad"; };
  // Our own number called: at once; anything else that moves queues: after the burst.
  events.addEventListener("ticket_called", (e) => {
    try { if (view && JSON.parse(e.data).number === view.number) { soon(0); return; } } catch { /* ignore */ }
    soon();
  });
  for (const kind of ["ticket_issued", "ticket_finished", "ticket_no_show", "ticket_transferred", "ticket_requeued",
    "queue_changed", "window_status", "hall_changed"]) events.addEventListener(kind, () => soon());
}

function stop() {
  events?.close(); events = null; clearTimeout(timer);
  $("link").textContent = "";
}

const finished = () => missing || view?.status === "done";
document.addEventListener("visibilitychange", () => {
  // A phone in a pocket holds no connection; coming back, the page catches up at once.
  if (document.hidden) { events?.close(); events = null; }
  else if (!finished()) { follow(); soon(0); }
});
setInterval(() => { if (!document.hidden && !finished()) load(); }, 60000);
$("lang").addEventListener("click", () => { lang = lang === "en" ? "zh" : "en"; localStorage.setItem("lang", lang); translate(); });
translate();
load().then(() => { if (!finished()) follow(); });
