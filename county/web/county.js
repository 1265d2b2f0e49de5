// The county screen: every hall on one page, live (GET /api/county/halls every 3 s), sortable,
// a hall's details one click away with a link to its own director console, and the county's
// reports for a range with their CSV.
//
// Polling rather than a stream: every figure on the screen is a snapshot the county computes
// (online, seconds since last heard, the longest wait now) and moves with the clock even when no
// event arrives, so the screen would reread it anyway; one indexed query per screen every 3 s is
// nothing to PostgreSQL, and a poll needs no fan-out in the county and survives its restarts.

import { $, esc, t, useStrings, languageSwitch, onLanguage, language, useSession, api, request, guarded, errorText } from "./common.js";
import strings from "./county.i18n.js";

useStrings(strings);

const POLL_MS = 3000;
const KINDS = ["immediate", "promised", "supplement", "returned", "joint", "reported"];
let token = sessionStorage.getItem("ctoken");
let session = 0; // a new one at each sign-out: reads answered after it are dropped
let halls = [];
let sort = { key: "name", dir: 1 };
let detailId = null;
let detail = null;
let report = null;
let timer = null;
let backlog = null;
useSession({ token: () => token, expired: () => signOut() });

const unknown = "—";
const n = (v) => (v === undefined || v === null ? unknown : String(v));
const percent = (x) => (x === undefined || x === null ? unknown : `${(x * 100).toFixed(1)}%`);
/** Today in China (the halls' zone), YYYY-MM-DD, whatever the screen's own clock zone. */
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());

// ---------------------------------------------------------------------------------------------
// Every hall

function value(h, key) {
  if (key === "name") return h.name ?? h.hall_id;
  if (key === "online") return h.online ? 1 : 0;
  return h[key];
}

/** Sorted by the chosen column; unknown figures ("—") last either way. */
function sorted() {
  return [...halls].sort((a, b) => {
    const [x, y] = [value(a, sort.key), value(b, sort.key)];
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    const c = typeof x === "string" ? x.localeCompare(y, "zh-CN") : x - y;
    return c * sort.dir || a.hall_id.localeCompare(b.hall_id);
  });
}

function renderHalls() {
  for (const b of document.querySelectorAll("#halls th button")) {
    const on = b.dataset.sort === sort.key;
    b.closest("th").setAttribute("aria-sort", on ? (sort.dir > 0 ? "ascending" : "descending") : "none");
    b.className = on ? (sort.dir > 0 ? "asc" : "desc") : "";
  }
  $("hallRows").innerHTML = sorted().map((h) => {
    const lag = h.lag_seconds === null ? t("never") : t("ago", h.lag_seconds);
    const warn = (h.overdue_cases ?? 0) > 0 ? " warn" : "";
    return `<tr data-hall="${esc(h.hall_id)}" class="${h.online ? "" : "down"}${h.hall_id === detailId ? " chosen" : ""}" tabindex="0">` +
      `<td class="name">${esc(h.name ?? h.hall_id)}</td>` +
      `<td class="${h.online ? "st-online" : "st-offline"}">${esc(t(h.online ? "online" : "offline"))}</td>` +
      `<td>${esc(lag)}</td><td class="num">${esc(n(h.waiting))}</td><td class="num">${esc(n(h.longest_wait_minutes))}</td>` +
      `<td class="num">${esc(n(h.windows_open))}</td><td class="num${warn}">${esc(n(h.overdue_cases))}</td>` +
      `<td class="num">${esc(n(h.tickets_today))}</td><td class="num">${esc(percent(h.satisfaction))}</td></tr>`;
  }).join("");
}

// ---------------------------------------------------------------------------------------------
// The relay's backlog (R14): messages between halls not acknowledged yet, oldest first

/** A message in words: `report:<case>` a town's 上报件, `progress:<town>:<case>:<step>[:<date>]`
 * the county hall's step on it going back (an unknown shape: the key as it is). */
function relayMessage(m) {
  const [kind, ...rest] = m.key.split(":");
  if (kind === "report" && rest.length === 1) return `${t("relay.kind.report")} ${rest[0]}`;
  if (kind === "progress" && rest.length >= 3) {
    const [, number, step] = rest;
    const words = ["accepted", "extended", "deadline_set", "closed"].includes(step) ? t(`relay.step.${step}`) : step;
    return `${t("relay.kind.progress")} ${number}（${words}）`;
  }
  return `${t(`relay.kind.${m.kind}`)} ${m.key}`;
}

function relayState(m) {
  if (m.refused_at) return t("relay.refused", m.last_error ?? "");
  if (m.last_error) return t("relay.failed", m.last_error);
  if (m.delivered_at) return t("relay.delivered");
  if (m.attempts === 0) return t("relay.behind");
  return t("relay.going");
}

function renderRelay() {
  if (!backlog || !token) return;
  $("relay").hidden = false;
  $("relayTitle").textContent = t("relayTitle", backlog.count);
  const now = Date.now();
  const head = ["relay.from", "relay.to", "relay.message", "relay.since", "relay.attempts", "relay.state"];
  $("relayRows").innerHTML = `<tr>${head.map((k) => `<th>${esc(t(k))}</th>`).join("")}</tr>` +
    (backlog.oldest.length === 0 ? `<tr><td colspan="6">${esc(t("relay.none"))}</td></tr>` :
      backlog.oldest.map((m) => {
        const late = m.last_error || m.refused_at ? " warn" : "";
        const since = Math.max(0, Math.round((now - Date.parse(m.first_seen)) / 1000));
        return `<tr data-key="${esc(m.key)}"><td>${esc(m.source_name ?? m.source_hall)}</td>` +
          `<td>${esc(m.target_name ?? m.target_hall ?? t("relay.noTarget"))}</td>` +
          `<td>${esc(relayMessage(m))}</td>` +
          `<td>${esc(t("ago", since))}</td><td class="num">${esc(m.attempts)}</td>` +
          `<td class="state${late}">${esc(relayState(m))}</td></tr>`;
      }).join(""));
}

async function refresh() {
  try {
    // The backlog apart: a failed read of it never stops the halls' figures.
    const relay = api("GET", "/api/county/relay").then((b) => { if (token) { backlog = b; renderRelay(); } }, () => {});
    const read = await api("GET", "/api/county/halls");
    await relay;
    if (!token) return; // signed out meanwhile: nothing of this read is shown
    halls = read;
    $("screenError").textContent = "";
    $("updated").textContent = t("updated", new Date().toLocaleTimeString(language() === "en" ? "en-GB" : "zh-CN"));
    $("updated").className = "updated";
    renderHalls();
    if (detailId) await loadDetail();
  } catch (e) {
    if (!token) return;
    $("updated").textContent = t("stale");
    $("updated").className = "updated bad";
    $("screenError").textContent = errorText(e);
  }
}

function poll() {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    await refresh();
    if (token) poll();
  }, POLL_MS);
}

// ---------------------------------------------------------------------------------------------
// One hall

async function loadDetail() {
  const mine = session;
  const d = await api("GET", `/api/county/halls/${encodeURIComponent(detailId)}`);
  if (mine !== session) return; // signed out (and perhaps in again) meanwhile: not this session's
  detail = d;
  renderDetail();
}

function renderDetail() {
  if (!detail) return;
  const d = detail;
  $("detail").hidden = false;
  $("detailTitle").textContent = `${d.name ?? d.hall_id} (${d.hall_id})`;
  const link = $("directorLink");
  link.hidden = !d.director_url;
  if (d.director_url) link.href = d.director_url;
  const lag = d.lag_seconds === null ? t("never") : t("ago", d.lag_seconds);
  $("detailState").textContent = `${t(d.online ? "online" : "offline")} · ${lag} · ${t("lastEvent", d.last_event_id)}`;
  $("detailLinkError").textContent = d.error ? t("followError", d.error) : "";
  const head = (keys) => `<tr>${keys.map((k) => `<th>${esc(t(k))}</th>`).join("")}</tr>`;
  $("days").innerHTML = head(["h.day", "h.issued", "h.served", "h.noShow", "h.wait", "h.service", "h.rated", "h.satisfaction",
    "h.complaints"]) +
    d.days.map((x) => `<tr><td>${esc(x.day)}</td><td class="num">${esc(x.issued)}</td><td class="num">${esc(x.served)}</td>` +
      `<td class="num">${esc(x.no_show)}</td><td class="num">${esc(n(x.mean_wait_minutes))}</td>` +
      `<td class="num">${esc(n(x.mean_service_minutes))}</td><td class="num">${esc(x.rated)}</td>` +
      `<td class="num">${esc(percent(x.satisfaction))}</td>` +
      `<td class="num">${esc(`${x.complaints_received} / ${x.complaints_closed}`)}</td></tr>`).join("");
  $("cases").innerHTML = head(["h.kind", "h.open", "h.overdue"]) +
    (d.cases.length === 0 ? `<tr><td colspan="3">${esc(t("none"))}</td></tr>` :
      d.cases.map((c) => `<tr><td>${esc(t(`kind.${c.kind}`))}</td><td class="num">${esc(c.open)}</td>` +
        `<td class="num${c.overdue > 0 ? " warn" : ""}">${esc(c.overdue)}</td></tr>`).join(""));
  $("gaps").innerHTML = d.gaps.length === 0 ? `<li>${esc(t("none"))}</li>` :
    d.gaps.map((g) => `<li>${esc(t("gapLine", g.after_id, g.next_id, t(`gap.${g.cause}`)))}</li>`).join("");
  renderHalls();
}

function choose(id) {
  detailId = id;
  guarded("detailError", async () => {
    await loadDetail();
    $("detail").scrollIntoView({ block: "nearest" });
  });
}

// ---------------------------------------------------------------------------------------------
// Reports

const query = () => {
  const f = new FormData($("range"));
  return new URLSearchParams({ from: f.get("from"), to: f.get("to"), by: f.get("by") }).toString();
};

function renderReport() {
  if (!report) return;
  const keyHead = { hall: "r.hall", matter: "r.matter", day: "r.day" }[report.by];
  const head = [keyHead, "r.issued", "r.served", "r.noShow", "r.wait", "r.service", "r.rated", "r.satisfaction", "r.cases",
    "r.overdue", "r.complaints"];
  const label = (l) => (report.by === "hall" ? l.label || l.key : report.by === "matter" && l.key === "" ? t("unknownMatter") : l.key);
  const cases = (c) => (c ? KINDS.filter((k) => c[k]).map((k) => `${t(`kind.${k}`)} ${c[k]}`).join("，") || "0" : unknown);
  const complaints = (l) => (l.complaints_received === null ? unknown : `${l.complaints_received} / ${l.complaints_closed}`);
  const row = (l, name, cls = "") => `<tr class="${cls}"><td>${esc(name)}</td><td class="num">${esc(l.issued)}</td>` +
    `<td class="num">${esc(l.served)}</td><td class="num">${esc(l.no_show)}</td><td class="num">${esc(n(l.mean_wait_minutes))}</td>` +
    `<td class="num">${esc(n(l.mean_service_minutes))}</td><td class="num">${esc(l.rated)}</td>` +
    `<td class="num">${esc(percent(l.satisfaction))}</td><td>${esc(cases(l.cases_opened))}</td>` +
    `<td class="num">${esc(n(l.cases_overdue))}</td><td class="num">${esc(complaints(l))}</td></tr>`;
  $("figures").innerHTML = `<tr>${head.map((h) => `<th>${esc(t(h))}</th>`).join("")}</tr>` +
    report.lines.map((l) => row(l, label(l))).join("") + row(report.total, t("total"), "total");
  $("reportError").textContent = report.lines.length === 0 ? t("noData") : "";
}

async function showReport() {
  const mine = session;
  const r = await api("GET", `/api/county/reports?${query()}`);
  if (mine !== session) return;
  report = r;
  renderReport();
}

async function download() {
  const res = await request("GET", `/api/county/reports?${query()}&format=csv&lang=${language() === "en" ? "en" : "zh"}`);
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "county.csv";
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------------------------------------------------------------------------------------------
// Signing in and out

async function open() {
  $("login").hidden = true;
  for (const id of ["screen", "reports", "logout"]) $(id).hidden = false;
  const f = $("range");
  if (!f.to.value) f.to.value = today();
  if (!f.from.value) f.from.value = `${f.to.value.slice(0, 8)}01`;
  await refresh();
  poll();
  await guarded("reportError", showReport);
}

function signOut() {
  session += 1; // answers to this session's reads are no longer shown
  token = null;
  sessionStorage.removeItem("ctoken");
  clearTimeout(timer);
  halls = []; detail = null; detailId = null; report = null; backlog = null;
  for (const id of ["screen", "relay", "reports", "logout", "detail"]) $(id).hidden = true;
  $("login").hidden = false;
  $("updated").textContent = "";
}

$("login").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  guarded("loginError", async () => {
    const s = await api("POST", "/api/auth/login", { username: f.get("username"), password: f.get("password") });
    token = s.token;
    sessionStorage.setItem("ctoken", token);
    await open();
  });
});
$("logout").addEventListener("click", () => {
  // Ended on the server too (a copied token stops working); the page signs out whatever it says.
  request("POST", "/api/auth/logout").catch(() => {});
  signOut();
});
$("halls").querySelector("thead").addEventListener("click", (ev) => {
  const b = ev.target.closest("button[data-sort]");
  if (!b) return;
  const key = b.dataset.sort;
  // Names A→Z first; figures largest first (the halls that need a look on top).
  sort = sort.key === key ? { key, dir: -sort.dir } : { key, dir: key === "name" ? 1 : -1 };
  renderHalls();
});
$("hallRows").addEventListener("click", (ev) => {
  const tr = ev.target.closest("tr[data-hall]");
  if (tr) choose(tr.dataset.hall);
});
$("hallRows").addEventListener("keydown", (ev) => {
  const tr = ev.target.closest("tr[data-hall]");
  if (tr && ev.key === "Enter") choose(tr.dataset.hall);
});
$("closeDetail").addEventListener("click", () => {
  detailId = null; detail = null;
  $("detail").hidden = true;
  renderHalls();
});
$("range").addEventListener("submit", (ev) => {
  ev.preventDefault();
  guarded("reportError", showReport);
});
$("csv").addEventListener("click", () => guarded("reportError", download));
onLanguage(() => { renderHalls(); renderRelay(); renderDetail(); renderReport(); });
languageSwitch();
if (token) open();
