// The monthly report hall leadership signs (/reports/month?month=YYYY-MM): the month's figures as
// the server computes them (GET /api/reports/summary for the hall, each window, matter and staff
// member, and the previous month's for the comparison), the server's charts, and a signature
// block, laid out for A4 portrait. The sign-in is the reports page's (the token in
// sessionStorage "rtoken"). Every text from the server is inserted as text (esc).

import { $, esc, t, useStrings, languageSwitch, onLanguage, language, useSession, api, request, act, guarded, errorText, signInAs, OVERSIGHT, loadHallZone, hallNow } from "./common.js";
import strings from "./monthly.i18n.js";
import { sheetsTable, stateText, weightsText } from "./assessment.js";

useStrings(strings);

let token = sessionStorage.getItem("rtoken");
let data = null; // the month's summaries, once read
let charts = {}; // kind -> SVG in the page's language
useSession({ token: () => token, expired: () => signOut(t("err.session_expired")) });

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const pad = (v) => String(v).padStart(2, "0");
const asked = new URLSearchParams(location.search).get("month");
// Without ?month=: the hall's month, once its time zone is read (not the screen's).
let month = asked ?? "";

/** A month's first and last day, `YYYY-MM-DD`; the month before. */
function span(m) {
  const [, y, mm] = MONTH.exec(m).map(Number);
  return { y, m: mm, from: `${y}-${pad(mm)}-01`, to: `${y}-${pad(mm)}-${pad(new Date(y, mm, 0).getDate())}` };
}
const previous = (s) => (s.m === 1 ? `${s.y - 1}-12` : `${s.y}-${pad(s.m - 1)}`);

const unknown = "—";
const n = (v) => (v === undefined || v === null ? unknown : String(v));
const one = (v) => (v === undefined || v === null ? unknown : Number(v).toFixed(1));
const pct = (x) => (x === undefined || x === null ? unknown : `${(x * 100).toFixed(1)}%`);
const KINDS = ["immediate", "promised", "supplement", "returned", "joint", "reported"];
const caseCount = (c) => KINDS.reduce((a, k) => a + c[k], 0);
const dateWords = (d) => t("date", ...d.split("-").map(Number));

const table = (head, rows, cls = "") => `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}` +
  `</tr></thead><tbody>${rows.map((r) => `<tr class="${r.cls ?? ""}">${r.cells.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
const section = (id, title, body) => `<section id="${id}" class="part"><h3>${esc(title)}</h3>${body}</section>`;

function totals(l) {
  const figures = table([t("issued"), t("served"), t("noShow"), t("transferred"), t("rated"), t("satisfaction")],
    [{ cells: [n(l.issued), n(l.served), n(l.no_show), n(l.transferred), n(l.rated), pct(l.satisfaction)] }], "figures");
  const times = table(["", t("mean"), t("median"), t("p90")], [
    { cells: [t("wait"), one(l.wait?.mean), one(l.wait?.median), one(l.wait?.p90)] },
    { cells: [t("service"), one(l.service?.mean), one(l.service?.median), one(l.service?.p90)] },
  ], "figures times");
  const kinds = table([...KINDS.map((k) => t(`kind.${k}`)), t("cases")],
    [{ cells: [...KINDS.map((k) => n(l.cases[k])), n(caseCount(l.cases))] }], "figures");
  // 即办超时: 即办件 served longer than their on-the-spot minutes (R7).
  const timely = table([t("onTime"), t("late"), t("overdue"), t("overSpot")],
    [{ cells: [n(l.closed_on_time), n(l.closed_late), n(l.overdue_open), n(l.immediate_over_limit ?? 0)] }], "figures");
  return figures + times + `<h4>${esc(t("caseKinds"))}</h4>` + kinds + timely;
}

/** Up or down against the previous month; "—" when either side is not known. */
function change(now, before, { percent = false } = {}) {
  if (now === undefined || now === null || before === undefined || before === null) return unknown;
  const d = percent ? Math.round((now - before) * 1000) / 10 : now - before;
  if (d === 0) return t("same");
  const size = percent ? t("points", Math.abs(d).toFixed(1)) : String(Math.abs(d));
  return d > 0 ? t("up", size) : t("down", size);
}

function compare(now, before) {
  // A month without a single ticket is a month the hall did not count, not a month of zeros.
  const known = before.issued > 0 ? before : {};
  const rows = [
    [t("issued"), now.issued, known.issued, false],
    [t("served"), now.served, known.served, false],
    [t("satisfaction"), now.satisfaction, known.satisfaction, true],
  ];
  return table([t("item"), t("thisMonth"), t("lastMonth"), t("change")], rows.map(([label, a, b, percent]) => ({
    cells: [label, percent ? pct(a) : n(a), percent ? pct(b) : n(b), change(a, b, { percent })],
  })), "compare");
}

function windows(s) {
  const head = [t("window"), t("served"), t("noShow"), t("transferred"), t("meanWait"), t("meanService"), t("cases"),
    t("onTime"), t("late"), t("rated"), t("satisfaction")];
  const row = (l, label, cls) => ({ cls, cells: [label, n(l.served), n(l.no_show), n(l.transferred), one(l.wait?.mean),
    one(l.service?.mean),
    n(caseCount(l.cases)), n(l.closed_on_time), n(l.closed_late), n(l.rated), pct(l.satisfaction)] });
  if (s.lines.length === 0) return `<p>${esc(t("none"))}</p>`;
  return table(head, [...s.lines.map((l) => row(l, l.label)), row(s.total, t("total"), "total")], "lines");
}

function matters(s) {
  if (s.lines.length === 0) return `<p>${esc(t("none"))}</p>`;
  const top = [...s.lines].sort((a, b) => b.served - a.served || (b.issued ?? 0) - (a.issued ?? 0)).slice(0, 10);
  const head = [t("rank"), t("matter"), t("issued"), t("served"), t("noShow"), t("transferred"), t("meanWait"),
    t("meanService"), t("satisfaction")];
  const rows = top.map((l, i) => ({ cells: [String(i + 1), l.label, n(l.issued), n(l.served), n(l.no_show),
    n(l.transferred), one(l.wait?.mean), one(l.service?.mean), pct(l.satisfaction)] }));
  return `<p class="lead">${esc(t("topMatters", top.length, s.lines.length))}</p>` + table(head, rows, "lines");
}

function staff(s) {
  if (s.lines.length === 0) return `<p>${esc(t("none"))}</p>`;
  const head = [t("staff"), t("served"), t("transferred"), t("meanService"), t("medianService"), t("cases"), t("onTime"),
    t("late"), t("overdue"), t("rated"), t("satisfaction")];
  const rows = [...s.lines].sort((a, b) => b.served - a.served).map((l) => ({ cells: [l.label, n(l.served),
    n(l.transferred), one(l.service?.mean), one(l.service?.median), n(caseCount(l.cases)), n(l.closed_on_time), n(l.closed_late),
    n(l.overdue_open), n(l.rated), pct(l.satisfaction)] }));
  return table(head, rows, "lines");
}

// The staff's monthly assessment (R17), ranked: as closed (frozen) or as the records stand.
function assessment(a) {
  const ranked = a.staff.filter((x) => x.rank != null);
  if (ranked.length === 0) return `<p>${esc(t("asNone"))}</p>`;
  return `<p class="lead">${esc(stateText(a))}</p>` +
    `<table class="lines assessment">${sheetsTable(ranked, "asStaff", { figures: false })}</table>` +
    `<p class="note">${esc(weightsText(a.scheme))}</p>`;
}

const CHARTS = ["trend", "arrivals", "satisfaction"];

function signatures() {
  const block = (role) => `<div class="signer"><p class="role">${esc(t(role))}</p><p>${esc(t("sign"))}<span class="blank"></span></p>` +
    `<p>${esc(t("signDate"))}</p></div>`;
  return `<section id="signatures" class="signatures">${["maker", "director", "leader"].map(block).join("")}</section>`;
}

function sheet() {
  const { s, hall, prev, byWindow, byMatter, byStaff } = data;
  const today = hallNow().slice(0, 10);
  const asOf = today >= s.from && today <= s.to ? t("asOf", dateWords(today)) : "";
  const img = (kind) => `<figure class="chart-${kind}"><img id="chart-${kind}" alt="${esc(t(`chart.${kind}`))}" ` +
    `src="data:image/svg+xml;charset=utf-8,${encodeURIComponent(charts[kind] ?? "")}"></figure>`;
  return `<div class="doc-head"><h2 id="docTitle">${esc(t("docTitle", hall.hall_name, s.y, s.m))}</h2>` +
    `<p class="period">${esc(t("period", dateWords(s.from), dateWords(s.to)) + asOf)}</p></div>` +
    section("totals", t("s.totals"), totals(hall.total)) +
    section("compare", t("s.compare"), compare(hall.total, prev.total)) +
    section("windows", t("s.windows"), windows(byWindow)) +
    section("matters", t("s.matters"), matters(byMatter)) +
    section("staff", t("s.staff"), staff(byStaff)) +
    section("assessment", t("s.assessment"), assessment(data.assessment)) +
    `<section id="charts" class="part charts"><h3>${esc(t("s.charts"))}</h3>${CHARTS.map(img).join("")}</section>` +
    `<div class="closing"><p class="note">${esc(t("note"))}</p>` +
    `<p class="made">${esc(t("made", dateWords(today)))}</p>${signatures()}</div>`;
}

async function readCharts() {
  const { s } = data;
  const q = new URLSearchParams({ from: s.from, to: s.to, lang: language() === "en" ? "en" : "zh" });
  const svgs = await Promise.all(CHARTS.map(async (kind) => {
    // Through `request`: a refusal keeps its code (shown in the page's words), a 401 signs out.
    const res = await request("GET", `/api/reports/chart/${kind}?${q}`);
    return [kind, await res.text()];
  }));
  charts = Object.fromEntries(svgs);
}

async function draw() {
  if (!data) return;
  document.body.dataset.ready = "";
  $("print").disabled = true;
  await readCharts();
  document.title = t("docTitle", data.hall.hall_name, data.s.y, data.s.m);
  $("sheet").innerHTML = sheet();
  $("sheet").hidden = false;
  await Promise.all([...document.querySelectorAll("#sheet img")].map((i) => i.decode()));
  $("print").disabled = false;
  document.body.dataset.ready = "1";
}

async function open() {
  $("login").hidden = true; $("logout").hidden = false;
  await loadHallZone();
  month = asked ?? hallNow().slice(0, 7);
  $("pick").month.value = MONTH.test(month) ? month : "";
  if (!MONTH.test(month)) { $("message").hidden = true; $("error").textContent = t("badMonth"); return; }
  const s = span(month);
  const p = span(previous(s));
  const summary = async (sp, by) =>
    (await api("GET", `/api/reports/summary?${new URLSearchParams({ from: sp.from, to: sp.to, by })}`)).data;
  const [hall, prev, byWindow, byMatter, byStaff, assessment] = await Promise.all([
    summary(s, "hall"), summary(p, "hall"), summary(s, "window"), summary(s, "matter"), summary(s, "staff"),
    api("GET", `/api/assessment?month=${encodeURIComponent(month)}`).then((r) => r.data),
  ]);
  data = { s, hall, prev, byWindow, byMatter, byStaff, assessment };
  await draw();
  $("message").hidden = true;
}

function signOut(message) {
  $("loginError").textContent = message ?? "";
  sessionStorage.removeItem("rtoken"); token = null; data = null;
  $("login").hidden = false; $("logout").hidden = true; $("sheet").hidden = true; $("message").hidden = true;
  $("print").disabled = true;
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  await guarded("loginError", async () => {
    if (!(await signInAs(e.target, OVERSIGHT, t("directorOnly"), (v) => { token = v; }))) return;
    sessionStorage.setItem("rtoken", token);
    $("message").hidden = false;
    await open();
  });
});
$("pick").addEventListener("submit", (e) => {
  e.preventDefault();
  const m = new FormData(e.target).get("month");
  if (MONTH.test(m)) location.search = `?month=${m}`;
});
$("print").addEventListener("click", () => window.print());
$("logout").addEventListener("click", async () => { await act("logout", "/api/auth/logout", {}).catch(() => {}); signOut(); });
languageSwitch();
onLanguage(() => { if (data) draw().catch((e) => { $("error").textContent = errorText(e); }); });
if (token) open().catch((e) => { $("message").hidden = true; $("error").textContent = errorText(e); });
else signOut();
