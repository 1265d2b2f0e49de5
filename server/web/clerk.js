// Clerk workstation: sign in at a window, call, recall, start, no-show, transfer, finish,
// pause/resume, with the matter's one-time-notification sheet beside the ticket. Live queue
// counts come from the server's event stream. No framework, nothing from the internet.

const T = {
  zh: {},
  en: {
    title: "Clerk workstation", logout: "Sign out", signIn: "Sign in (attendance)", username: "Username",
    password: "Password", window: "Window", signInButton: "Sign in and open the desk", current: "Current ticket",
    call: "Call next", recall: "Recall", start: "Start", noShow: "No-show", transfer: "Transfer", finish: "Finish",
    pause: "Pause", resume: "Resume", sheet: "One-time notification", noTicket: "No ticket called yet",
    queues: "Queues of this window", served: "finished today", finishTitle: "Finish: kind of case",
    immediate: "Immediate (即办件)", promised: "Promised (承诺件)", supplement: "Supplement (补办件)",
    returned: "Returned (退回件)", joint: "Joint (联办件)", reported: "Reported (上报件)",
    missingLegend: "Missing materials (list all at once)", reason: "Reason for return (told in writing)",
    note: "Note", cancel: "Cancel", confirm: "Confirm", transferTitle: "Transfer to", toMatter: "Matter",
    toWindow: "Window", live: "● live", lost: "Connection lost — reconnecting…", signedIn: "signed in",
    waiting: "waiting", oldest: "longest wait", issued: "issued", waited: "waited", minutes: "min", priority: "priority",
    firstWindow: "first inquiry at window", nobody: "Nobody is waiting.", expired: "Your session expired: please sign in again.",
    offline: "The server did not answer; nothing was lost — press the button again to retry.",
    materials: "Materials", procedure: "Procedure", limit: "Time limit", days: "working days", onTheSpot: "on the spot",
    fee: "Fee", basis: "Legal basis", main: "main", aux: "aux", paused: "paused", open: "open",
    printer_unreachable: "printer unreachable", printer_offline: "printer offline", cover_open: "printer cover open",
    paper_out: "out of paper", print_failed: "printing failed", notPrinted: "not printed", goSee: "please go and help",
  },
};
const ZH = {
  pause: "暂停", resume: "恢复", live: "● 实时", lost: "连接中断，正在重连…", signedIn: "签到", waiting: "等候", oldest: "最长已等",
  issued: "取号", waited: "已等", minutes: "分钟", priority: "优先", firstWindow: "首问窗口", nobody: "当前无人等候。",
  expired: "登录已过期，请重新签到。", offline: "服务器没有响应，操作未丢失——请再按一次重试。", materials: "所需材料",
  procedure: "办理程序", limit: "承诺时限", days: "个工作日", onTheSpot: "即办", fee: "收费标准", basis: "办事依据",
  main: "主件", aux: "附件", paused: "暂停中", open: "服务中", noTicket: "尚未叫号",
  printer_unreachable: "打印机无法连接", printer_offline: "打印机离线", cover_open: "打印机盖未合上", paper_out: "打印纸用完",
  print_failed: "打印失败", notPrinted: "未打出", goSee: "请前往处理",
};
let lang = localStorage.getItem("lang") || "zh";
const t = (k) => (lang === "en" ? T.en[k] : ZH[k]) ?? k;
const $ = (id) => document.getElementById(id);

const state = {
  token: sessionStorage.getItem("token"), window: sessionStorage.getItem("window"), name: sessionStorage.getItem("name"),
  services: [], windows: [], ticket: null, paused: false, pending: {}, events: null, kiosks: [],
};

function translate() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  for (const el of document.querySelectorAll("[data-t]")) {
    if (!el.dataset.zh) el.dataset.zh = el.textContent;
    el.textContent = lang === "en" ? T.en[el.dataset.t] ?? el.dataset.zh : el.dataset.zh;
  }
  $("lang").textContent = lang === "en" ? "中文" : "English";
  render();
}

async function api(method, path, body, key) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (key) headers["Idempotency-Key"] = key;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (res.status === 401 && state.token) { signOut(t("expired")); throw new Error(t("expired")); }
  if (!res.ok) throw new Error(data?.message || res.statusText);
  return { status: res.status, data };
}

// An action keeps its retry key until it succeeds or is refused, so that pressing the button
// again after a lost answer never does it twice.
async function act(name, path, body, errorBox = "deskError") {
  $(errorBox).textContent = "";
  const key = state.pending[name] ||= `${name}-${crypto.randomUUID()}`;
  try {
    const r = await api("POST", path, body ?? {}, key);
    delete state.pending[name];
    return r;
  } catch (e) {
    if (e instanceof TypeError) { $(errorBox).textContent = t("offline"); throw e; }
    delete state.pending[name];
    $(errorBox).textContent = e.message;
    throw e;
  }
}

const matter = (id) => state.services.find((s) => s.id === id);
const win = (id) => state.windows.find((w) => w.id === id);
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function render() {
  const tk = state.ticket;
  $("number").textContent = tk ? tk.number : "—";
  if (tk) {
    const m = matter(tk.service_id);
    const waited = Math.max(0, Math.round((Date.now() - Date.parse(tk.issued_at)) / 60000));
    const first = tk.first_window_id && tk.first_window_id !== state.window ? ` · ${t("firstWindow")} ${win(tk.first_window_id)?.number ?? tk.first_window_id}` : "";
    const prio = tk.priority ? ` · <b>${t("priority")}</b>` : "";
    $("ticketInfo").innerHTML = `${esc(m?.name ?? tk.service_id)} · ${t("issued")} ${tk.issued_at.slice(11, 16)} · ${t("waited")} ${waited} ${t("minutes")}${prio}${esc(first)}`;
    $("sheet").innerHTML = m ? sheet(m) : "";
  } else {
    $("ticketInfo").textContent = "";
    $("sheet").textContent = t("noTicket");
  }
  const busy = tk && (tk.status === "called" || tk.status === "serving");
  $("callNext").disabled = busy || state.paused;
  for (const id of ["recall", "noShow"]) $(id).disabled = !tk || tk.status !== "called";
  $("start").disabled = !tk || tk.status !== "called";
  for (const id of ["transfer", "finish"]) $(id).disabled = !busy;
  $("pauseText").textContent = state.paused ? t("resume") : t("pause");
  renderKioskAlarm();
}

// One red line while any kiosk's printer has an open fault, so that someone walks over.
function renderKioskAlarm() {
  const open = state.kiosks.filter((k) => k.fault);
  $("kioskAlarm").hidden = open.length === 0;
  $("kioskAlarm").textContent = open.length === 0 ? "" : "⚠ " + open.map((k) =>
    `${k.name}：${t(k.fault)}${k.ticket_number ? `（${k.ticket_number} ${t("notPrinted")}）` : ""}`).join("；") + ` — ${t("goSee")}`;
}

// A list read from the server may be older than a kiosk_fault event applied meanwhile: per
// kiosk, the newer report wins.
async function refreshKiosks() {
  for (const k of (await api("GET", "/api/kiosks")).data) {
    const i = state.kiosks.findIndex((x) => x.kiosk_id === k.kiosk_id);
    if (i < 0) state.kiosks.push(k);
    else if ((k.at ?? "") >= (state.kiosks[i].at ?? "")) state.kiosks[i] = k;
  }
  renderKioskAlarm();
}

function sheet(m) {
  const mats = m.materials.map((x) => `<li><span class="tag ${x.kind}">${t(x.kind)}</span>${esc(x.name)}</li>`).join("");
  const steps = m.procedure.map((p) => `<li>${esc(p)}</li>`).join("");
  const limit = m.time_limit_days === 0 ? t("onTheSpot") : `${m.time_limit_days} ${t("days")}`;
  return `<b>${esc(m.name)}</b> · ${esc(m.department)}<h3>${t("materials")}</h3><ul>${mats}</ul><h3>${t("procedure")}</h3><ol>${steps}</ol>` +
    `<p>${t("limit")}：${limit} · ${t("fee")}：${esc(m.fee)}</p><p>${t("basis")}：${esc(m.basis)}</p>`;
}

const queueLine = (q) => `<b>${esc(q.prefix)}</b> ${esc(q.name)} · ${t("waiting")} <b>${q.waiting}</b>` +
  (q.waiting ? ` · ${t("oldest")} <b>${q.oldest_wait_minutes}</b> ${t("minutes")}` : "");

async function refreshQueues() {
  const [queues, stats] = await Promise.all([api("GET", "/api/queues"), api("GET", `/api/windows/${state.window}/stats`)]);
  const mine = win(state.window)?.queues ?? [];
  $("queues").innerHTML = queues.data.filter((q) => mine.includes(q.queue))
    .map((q) => `<li data-queue="${esc(q.queue)}">${queueLine(q)}</li>`).join("");
  $("served").textContent = stats.data.finished_today;
}

function follow() {
  state.events?.close();
  const es = new EventSource("/api/events");
  state.events = es;
  es.onopen = () => {
    $("link").textContent = t("live"); $("link").className = "ok";
    refreshQueues().catch(() => {}); refreshKiosks().catch(() => {});
  };
  es.addEventListener("kiosk_fault", (e) => {
    const k = JSON.parse(e.data);
    const i = state.kiosks.findIndex((x) => x.kiosk_id === k.kiosk_id);
    if (i >= 0) state.kiosks[i] = k; else state.kiosks.push(k);
    renderKioskAlarm();
  });
  es.onerror = () => { $("link").textContent = t("lost"); $("link").className = "bad"; };
  es.addEventListener("queue_changed", (e) => {
    const q = JSON.parse(e.data);
    const li = document.querySelector(`#queues li[data-queue="${CSS.escape(q.queue)}"]`);
    if (li) li.innerHTML = queueLine(q);
  });
  es.addEventListener("ticket_finished", (e) => {
    if (JSON.parse(e.data).window_id === state.window) $("served").textContent = Number($("served").textContent) + 1;
  });
  es.addEventListener("window_status", async (e) => {
    const w = JSON.parse(e.data);
    if (w.window_id !== state.window) return;
    state.paused = w.status === "paused";
    render();
    if (w.status === "closed") {
      // Sent to another window by the director (stand-in)? The session says where we are now.
      try {
        const me = (await api("GET", "/api/auth/me")).data;
        if (me.window_id && me.window_id !== state.window) {
          state.window = me.window_id; sessionStorage.setItem("window", me.window_id);
          state.ticket = null; await openDesk();
        }
      } catch { /* signed out: handled by api() */ }
    }
  });
}

async function openDesk() {
  $("login").hidden = true; $("desk").hidden = false; $("logout").hidden = false;
  state.windows = (await api("GET", "/api/windows")).data;
  const w = win(state.window);
  const me = w;
  state.paused = me?.status === "paused";
  state.ticket = me?.serving ?? null;
  const since = me?.staff?.signed_in_at ? ` · ${t("signedIn")} ${me.staff.signed_in_at.slice(11, 16)}` : "";
  $("who").textContent = `${w?.number ?? ""}号 ${w?.name ?? state.window} · ${state.name ?? ""}${since}`;
  render();
  follow();
  await refreshQueues();
}

function signOut(message) {
  sessionStorage.clear();
  state.token = null; state.ticket = null;
  state.events?.close();
  $("desk").hidden = true; $("login").hidden = false; $("logout").hidden = true; $("who").textContent = "";
  $("loginError").textContent = message ?? "";
}

async function start() {
  state.services = (await api("GET", "/api/services")).data;
  state.windows = (await api("GET", "/api/windows")).data;
  const sel = document.querySelector("#login select[name=window]");
  const tw = document.querySelector("#transferDialog select[name=window]");
  const ts = document.querySelector("#transferDialog select[name=service]");
  for (const w of state.windows) {
    sel.add(new Option(`${w.number}号 ${w.name}`, w.id));
    tw.add(new Option(`${w.number}号 ${w.name}`, w.id));
  }
  for (const s of state.services) ts.add(new Option(`${s.name}（${s.department}）`, s.id));
  translate();
  if (state.token) openDesk().catch(() => signOut());
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  $("loginError").textContent = "";
  try {
    const r = await api("POST", "/api/auth/login", { username: f.get("username"), password: f.get("password"), window_id: f.get("window") });
    Object.assign(state, { token: r.data.token, window: r.data.window_id, name: r.data.name });
    sessionStorage.setItem("token", state.token); sessionStorage.setItem("window", state.window); sessionStorage.setItem("name", state.name);
    await openDesk();
  } catch (err) { $("loginError").textContent = err.message; }
});

const w = () => `/api/windows/${state.window}`;
async function callNext() {
  const r = await act("call", `${w()}/call-next`);
  if (r.status === 204) { $("deskError").textContent = t("nobody"); return; }
  state.ticket = r.data; render();
}
async function simple(name, path) { const r = await act(name, path); state.ticket = r.data; render(); }
async function pause() {
  const r = await act("pause", `${w()}/${state.paused ? "resume" : "pause"}`);
  state.paused = r.data.status === "paused"; render();
}

function openFinish() {
  const d = $("finishDialog");
  const m = matter(state.ticket?.service_id);
  const box = $("missing");
  box.querySelectorAll("label").forEach((l) => l.remove());
  for (const x of m?.materials ?? []) {
    const l = document.createElement("label");
    l.innerHTML = `<input type="checkbox" value="${esc(x.name)}"> ${esc(x.name)}`;
    box.append(l);
  }
  const sync = () => {
    const o = d.querySelector("select").value;
    box.hidden = o !== "supplement"; $("reasonLabel").hidden = o !== "returned";
  };
  d.querySelector("select").onchange = sync;
  sync();
  $("finishError").textContent = "";
  d.showModal();
}
$("finishOk").addEventListener("click", async (e) => {
  e.preventDefault();
  const f = $("finishDialog").querySelector("form");
  const outcome = f.outcome.value;
  const body = { outcome, note: f.note.value || undefined };
  if (outcome === "returned") body.reason = f.reason.value;
  if (outcome === "supplement") body.missing_materials = [...$("missing").querySelectorAll("input:checked")].map((i) => i.value);
  try {
    const r = await act("finish", `${w()}/finish`, body, "finishError");
    state.ticket = r.data; render(); $("finishDialog").close(); f.reset();
  } catch { /* shown in the dialog */ }
});
$("transferOk").addEventListener("click", async (e) => {
  e.preventDefault();
  const f = $("transferDialog").querySelector("form");
  const body = { service_id: f.service.value || undefined, window_id: f.window.value || undefined };
  try {
    const r = await act("transfer", `${w()}/transfer`, body, "transferError");
    state.ticket = r.data; render(); $("transferDialog").close(); f.reset();
  } catch { /* shown in the dialog */ }
});

const actions = {
  callNext, recall: () => simple("recall", `${w()}/recall`), start: () => simple("start", `${w()}/start`),
  noShow: () => simple("noShow", `${w()}/no-show`), transfer: () => { $("transferError").textContent = ""; $("transferDialog").showModal(); },
  finish: openFinish, pause,
};
for (const [id, fn] of Object.entries(actions)) $(id).addEventListener("click", () => fn().catch(() => {}));
const keys = { F1: "callNext", F2: "recall", F3: "start", F4: "noShow", F5: "transfer", F6: "finish", F7: "pause" };
document.addEventListener("keydown", (e) => {
  const id = keys[e.key];
  if (id && !$("desk").hidden && !document.querySelector("dialog[open]")) {
    e.preventDefault();
    if (!$(id).disabled) $(id).click();
  }
});
$("lang").addEventListener("click", () => { lang = lang === "en" ? "zh" : "en"; localStorage.setItem("lang", lang); translate(); });
$("logout").addEventListener("click", async () => { try { await api("POST", "/api/auth/logout", {}); } catch { /* gone anyway */ } signOut(); });
setInterval(render, 30000); // waited minutes
start();
