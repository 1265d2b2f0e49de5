// The director's reports: any date range grouped one way, the figures as the server computes
// them (GET /api/reports/summary), and the same as CSV or Excel to download.

import { $, esc, t, useStrings, languageSwitch, onLanguage, language, useSession, api, request, act, showError, guarded, signInAs, OVERSIGHT, loadHallZone, hallNow } from "./common.js";
import strings from "./reports.i18n.js";

useStrings(strings);

let token = sessionStorage.getItem("rtoken");
let summary = null;
useSession({ token: () => token, expired: () => signOut(t("err.session_expired")) });

const query = () => {
  const f = new FormData($("range"));
  return new URLSearchParams({ from: f.get("from"), to: f.get("to"), by: f.get("by") }).toString();
};

const unknown = "—";
const n = (v) => (v === undefined || v === null ? unknown : String(v));
const minutes = (m) => (m ? `${m.mean} / ${m.median} / ${m.p90}` : unknown);
const percent = (x) => (x === undefined || x === null ? unknown : `${(x * 100).toFixed(1)}%`);
const cases = (c) => Object.values(c).reduce((a, b) => a + b, 0);

function render() {
  if (!summary) return;
  const head = ["hGroup", "hIssued", "hServed", "hNoShow", "hTransferred", "hWait", "hService", "hCases", "hOverSpot",
    "hOnTime", "hLate", "hOverdue", "hRated", "hSatisfaction"];
  const row = (l, label, cls = "") => `<tr class="${cls}"><td>${esc(label)}</td><td>${esc(n(l.issued))}</td>` +
    `<td>${esc(n(l.served))}</td><td>${esc(n(l.no_show))}</td><td>${esc(n(l.transferred))}</td>` +
    `<td>${esc(minutes(l.wait))}</td><td>${esc(minutes(l.service))}</td><td>${esc(cases(l.cases))}</td>` +
    `<td>${esc(l.immediate_over_limit ?? 0)} / ${esc(l.cases.immediate)}</td><td>${esc(l.closed_on_time)}</td><td>${esc(l.closed_late)}</td><td>${esc(l.overdue_open)}</td>` +
    `<td>${esc(l.rated)}</td><td>${esc(percent(l.satisfaction))}</td></tr>`;
  const lines = summary.by === "hall" ? [] : summary.lines;
  $("figures").innerHTML = `<tr>${head.map((h) => `<th>${esc(t(h))}</th>`).join("")}</tr>` +
    lines.map((l) => row(l, l.label)).join("") + row(summary.total, t("total"), "total");
  // Nothing in the range is no error: said in words, not as a failed action's code.
  showError("reportError", null);
  $("reportError").textContent = summary.total.issued === 0 && summary.total.served === 0 ? t("noData") : "";
}

async function show() {
  summary = (await api("GET", `/api/reports/summary?${query()}`)).data;
  render();
  await charts();
}

/** The range's charts: SVG drawn by the server, fetched with the token and shown as images. */
async function charts() {
  const f = new FormData($("range"));
  const range = new URLSearchParams({ from: f.get("from"), to: f.get("to"), lang: language() === "en" ? "en" : "zh" });
  $("charts").hidden = false;
  await Promise.all([...document.querySelectorAll("img[data-chart]")].map(async (img) => {
    const kind = img.dataset.chart;
    img.alt = t(`chart.${kind}`);
    // Through `request`: a refusal keeps its code (shown in the page's words), a 401 signs out.
    const res = await request("GET", `/api/reports/chart/${kind}?${range}`);
    const svg = await res.text();
    // A data: address (the pages' CSP allows images from 'self' and data:, not blob:).
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  }));
}

async function download(format) {
  const res = await request("GET", `/api/reports/summary?${query()}&format=${format}&lang=${language() === "en" ? "en" : "zh"}`);
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? `report.${format}`;
  const url = URL.createObjectURL(await res.blob());
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function open() {
  $("login").hidden = true; $("report").hidden = false; $("logout").hidden = false;
  await loadHallZone();
  const today = hallNow().slice(0, 10);
  const f = $("range");
  if (!f.from.value) f.from.value = `${today.slice(0, 8)}01`;
  if (!f.to.value) f.to.value = today;
  await show();
}

function signOut(message) {
  $("loginError").textContent = message ?? "";
  sessionStorage.removeItem("rtoken"); token = null; summary = null;
  $("login").hidden = false; $("report").hidden = true; $("logout").hidden = true; $("charts").hidden = true;
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  await guarded("loginError", async () => {
    if (!(await signInAs(e.target, OVERSIGHT, t("directorOnly"), (v) => { token = v; }))) return;
    sessionStorage.setItem("rtoken", token);
    await open();
  });
});
$("range").addEventListener("submit", (e) => { e.preventDefault(); guarded("reportError", show); });
$("csv").addEventListener("click", () => guarded("reportError", () => download("csv")));
$("xlsx").addEventListener("click", () => guarded("reportError", () => download("xlsx")));
// The monthly report of the month the range starts in, in a new window (which gets a copy of this
// tab's sessionStorage, so the same sign-in).
$("month").addEventListener("click", () => {
  const from = new FormData($("range")).get("from") || hallNow();
  window.open(`/reports/month?month=${String(from).slice(0, 7)}`, "_blank");
});
$("logout").addEventListener("click", async () => { await act("logout", "/api/auth/logout", {}).catch(() => {}); signOut(); });
languageSwitch();
onLanguage(() => { render(); if (summary) guarded("reportError", charts); });
// A session refused on opening has signed the page out already, saying why: leave its words.
if (token) open().catch(() => { if (token) signOut(); });
