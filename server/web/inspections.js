// Spot inspections (督查, R18): the director or a leader records what was seen at the windows
// (findings about a window or a clerk, photos read with FileReader and sent as base64); the
// director, leaders and administrators read the month's inspections; the director withdraws a
// finding with a reason.

import { $, esc, t, useStrings, languageSwitch, onLanguage, useSession, api, act, guarded, signInAs, OVERSIGHT, loadHallZone, hallNow, keepCurrent, stopKeeping, redraw } from "./common.js";
import strings from "./inspections.i18n.js";

useStrings(strings);

const KINDS = ["discipline", "appearance", "conduct"];
const MAX_PHOTOS = 4;
let token = sessionStorage.getItem("itoken");
let role = sessionStorage.getItem("irole");
let user = sessionStorage.getItem("iuser");
// Who was writing the inspection an expired session left unsaved: it waits for them to sign in
// again (a notebook's worth of findings and photos is not lost to a 12-hour session).
let draftBy = null;
let hall = null;
let windows = [];
let clerks = [];
let inspections = [];
let photos = []; // data: URLs of the chosen photos
const thumbs = new Map(); // "id/n" -> data: URL
useSession({ token: () => token, expired: () => signOut(t("err.session_expired")) });

const canRecord = () => role === "director" || role === "leader";
const canWithdraw = () => role === "director" || role === "admin";
const windowLabel = (w) => `${t("windowNo", w.number)} ${w.name}`;
const windowNumber = (id) => windows.find((w) => w.id === id)?.number;
const time = (rfc) => rfc.slice(0, 16).replace("T", " ");


// ---- the form ------------------------------------------------------------------------------

function renderWindows() {
  const ticked = new Set([...document.querySelectorAll("#windows input:checked")].map((i) => i.value));
  $("windows").innerHTML = windows.map((w) => `<label><input type="checkbox" name="window" value="${esc(w.id)}"` +
    `${ticked.has(w.id) ? " checked" : ""}> ${esc(windowLabel(w))}</label>`).join("");
}

const options = (list, chosen) => list.map(([v, label]) =>
  `<option value="${esc(v)}"${v === chosen ? " selected" : ""}>${esc(label)}</option>`).join("");

function findingRow(f = {}) {
  const ws = [["", t("none")], ...windows.map((w) => [w.id, windowLabel(w)])];
  // With the staff number: two clerks of the same name are told apart.
  const cs = [["", t("none")], ...clerks.map((c) => [c.username, c.staff_no ? `${c.name}（${c.staff_no}）` : c.name])];
  const ks = KINDS.map((k) => [k, t(`kind.${k}`)]);
  return `<tr class="finding">` +
    `<td><select name="fWindow" aria-label="${esc(t("fWindow"))}">${options(ws, f.window_id ?? "")}</select></td>` +
    `<td><select name="fStaff" aria-label="${esc(t("fStaff"))}">${options(cs, f.username ?? "")}</select></td>` +
    `<td><select name="fKind" aria-label="${esc(t("fKind"))}">${options(ks, f.kind ?? "discipline")}</select></td>` +
    `<td><input name="fNote" maxlength="500" placeholder="${esc(t("fNote"))}" value="${esc(f.note ?? "")}"></td>` +
    `<td><button type="button" data-remove>${esc(t("remove"))}</button></td></tr>`;
}

function findingsInForm() {
  return [...document.querySelectorAll("#findingRows tr.finding")].map((tr) => ({
    window_id: tr.querySelector("[name=fWindow]").value || undefined,
    username: tr.querySelector("[name=fStaff]").value || undefined,
    kind: tr.querySelector("[name=fKind]").value,
    note: tr.querySelector("[name=fNote]").value,
  }));
}

/** The rows again in the page's language, keeping what was typed. */
const renderFindingRows = (rows = findingsInForm()) => { $("findingRows").innerHTML = rows.map(findingRow).join(""); };

function renderPhotos() {
  $("photoPreview").innerHTML = photos.map((src, i) => `<img src="${esc(src)}" alt="${esc(t("photoAlt", i + 1))}">`).join("");
}

const readFile = (file) => new Promise((resolve, reject) => {
  const r = new FileReader();
  r.onload = () => resolve(r.result);
  r.onerror = () => reject(r.error);
  r.readAsDataURL(file);
});

$("photos").addEventListener("change", async (e) => {
  const files = [...e.target.files];
  $("recordError").textContent = files.length > MAX_PHOTOS ? t("tooManyPhotos") : "";
  photos = await Promise.all(files.slice(0, MAX_PHOTOS).map(readFile));
  renderPhotos();
});
$("addFinding").addEventListener("click", () => $("findingRows").insertAdjacentHTML("beforeend", findingRow()));
$("findingRows").addEventListener("click", (e) => e.target.closest("button[data-remove]")?.closest("tr").remove());

$("record").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = e.target;
  const body = {
    at: f.at.value,
    windows: [...document.querySelectorAll("#windows input:checked")].map((i) => i.value),
    note: f.note.value,
    findings: findingsInForm(),
    photos,
  };
  $("recordDone").textContent = "";
  guarded("recordError", async () => {
    const saved = (await act("inspection", "/api/inspections", body)).data;
    f.reset(); keepCurrent(f.at, hallNow); photos = []; renderPhotos(); renderFindingRows([]);
    $("recordDone").textContent = t("saved", saved.id);
    await load();
  });
});

// ---- the month's list ----------------------------------------------------------------------

function findingLine(f) {
  const who = [f.window_number != null ? t("windowNo", f.window_number) : "", f.name ?? f.username ?? ""].filter(Boolean).join(" · ");
  const state = f.withdrawn_at ? esc(t("withdrawn", time(f.withdrawn_at), f.withdrawn_by ?? "", f.withdrawn_reason ?? ""))
    : canWithdraw() ? `<input data-reason="${f.id}" maxlength="500" placeholder="${esc(t("withdrawReason"))}">` +
      ` <button type="button" data-withdraw="${f.id}">${esc(t("withdraw"))}</button>` : "";
  return `<tr class="${f.withdrawn_at ? "withdrawn" : ""}" data-finding="${f.id}"><td>${esc(t(`kind.${f.kind}`))}</td>` +
    `<td>${esc(who)}</td><td class="pre">${esc(f.note)}</td><td>${state}</td></tr>`;
}

function render() {
  $("empty").hidden = inspections.length > 0;
  redraw($("inspections"), inspections.map((i) => {
    const visited = i.windows.map((w) => t("windowNo", windowNumber(w) ?? w)).join(t("listSep"));
    const findings = i.findings.length === 0 ? `<p class="note">${esc(t("noProblems"))}</p>` :
      `<table class="cases">${i.findings.map(findingLine).join("")}</table>`;
    const pics = Array.from({ length: i.photos }, (_, k) =>
      `<img data-photo="${i.id}/${k + 1}" alt="${esc(t("photoAlt", k + 1))}"${thumbs.has(`${i.id}/${k + 1}`) ? ` src="${esc(thumbs.get(`${i.id}/${k + 1}`))}"` : ""}>`).join("");
    return `<article class="inspection" data-inspection="${i.id}"><h3>${esc(time(i.at))} · ${esc(t("inspector"))} ${esc(i.inspector_name)}</h3>` +
      `<p>${esc(t("visited", visited))}</p>` +
      (i.note ? `<p class="pre">${esc(t("overall", i.note))}</p>` : "") +
      findings + `<div class="thumbs">${pics}</div></article>`;
  }).join(""));
  loadThumbs();
}

/** Photos need the token: fetched, then shown as data: addresses (the pages' CSP allows those). */
async function loadThumbs() {
  for (const img of document.querySelectorAll("img[data-photo]:not([src])")) {
    const key = img.dataset.photo;
    const [id, n] = key.split("/");
    const res = await fetch(`/api/inspections/${id}/photos/${n}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) continue;
    thumbs.set(key, await readFile(await res.blob()));
    img.src = thumbs.get(key);
  }
}

$("inspections").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-withdraw]");
  if (!b) return;
  const id = b.dataset.withdraw;
  const reason = document.querySelector(`input[data-reason="${id}"]`).value;
  guarded("listError", async () => {
    await act(`withdraw-${id}`, `/api/inspections/findings/${id}/withdraw`, { reason });
    await load();
  });
});

async function load() {
  const [y, m] = $("month").month.value.split("-").map(Number);
  const last = new Date(y, m, 0).getDate();
  const mm = String(m).padStart(2, "0");
  inspections = (await api("GET", `/api/inspections?from=${y}-${mm}-01&to=${y}-${mm}-${last}`)).data;
  render();
}
$("month").addEventListener("submit", (e) => { e.preventDefault(); guarded("listError", load); });

// ---- signing in ----------------------------------------------------------------------------

// R20: an urgent or major petition is reported to the leaders at once: the red line stays on
// this page (read at sign-in and every half minute) until a leader says 已知悉 (the director's
// console has its own). Its number, channel and time only: the petitioner's identity is not
// the leaders'. The director, reading this page, sees the director's line.
let alerts = [];
function renderAlerts() {
  $("petitionAlert").hidden = alerts.length === 0;
  const a = alerts[0];
  $("petitionAlertText").textContent = a
    ? `⚠ ${t("pAlert", alerts.length, a.number, t(`pChannel.${a.channel}`), `${a.received_at.slice(0, 10)} ${a.received_at.slice(11, 16)}`)}`
    : "";
  $("petitionSeen").hidden = !a || role !== "leader";
}
$("petitionSeen").addEventListener("click", () => {
  const a = alerts[0];
  if (!a) return;
  // Read again whatever the answer: another leader may have acknowledged it meanwhile (refused
  // then, and gone from the line).
  guarded("listError", async () => {
    try { await act(`seen-${a.id}`, `/api/petitions/${a.id}/acknowledge`, {}); } finally { await readAlerts(); }
  });
});
async function readAlerts() {
  if (!token) return;
  try { alerts = (await api("GET", "/api/petitions/alerts")).data; } catch { return; } // the line as it was
  if (token) renderAlerts();
}
setInterval(readAlerts, 30000);

async function open() {
  $("login").hidden = true; $("list").hidden = false; $("logout").hidden = false;
  readAlerts();
  $("record").hidden = !canRecord();
  hall = (await api("GET", "/api/hall")).data;
  await loadHallZone();
  windows = (await api("GET", "/api/windows")).data;
  clerks = (await api("GET", "/api/inspections/clerks")).data;
  renderWindows();
  // The inspection's time follows the clock until the leader sets it (a page opened in the
  // morning records an afternoon's inspection at its time).
  if (!$("record").at.value) keepCurrent($("record").at, hallNow);
  if (!$("month").month.value) $("month").month.value = hallNow().slice(0, 7);
  await load();
}

/** An empty form, its time at now again. */
function clearRecord() {
  stopKeeping($("record").at); $("record").reset(); $("record").at.value = "";
  photos = []; renderPhotos(); renderFindingRows([]); $("recordDone").textContent = ""; $("recordError").textContent = "";
}

/** Signed out with 退出 (`message` absent): the next to sign in starts from an empty form. The
 * session expired (`message` says so): what was being written waits for the same user. */
function signOut(message) {
  draftBy = message && canRecord() ? user : null;
  if (!draftBy) clearRecord();
  sessionStorage.removeItem("itoken"); sessionStorage.removeItem("irole"); sessionStorage.removeItem("iuser");
  token = null; role = null; user = null; inspections = [];
  alerts = []; renderAlerts();
  $("login").hidden = false; $("list").hidden = true; $("record").hidden = true; $("logout").hidden = true;
  $("loginError").textContent = message ?? "";
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  await guarded("loginError", async () => {
    const name = new FormData(e.target).get("username");
    const s = await signInAs(e.target, OVERSIGHT, t("oversightOnly"), (v) => { token = v; });
    if (!s) return;
    role = s.role; user = name;
    sessionStorage.setItem("itoken", token); sessionStorage.setItem("irole", role); sessionStorage.setItem("iuser", user);
    // A draft left by an expired session is its writer's alone (its refusal is told no more).
    if (draftBy !== user) clearRecord();
    draftBy = null;
    $("recordError").textContent = "";
    await open();
  });
});
$("logout").addEventListener("click", async () => { await act("logout", "/api/auth/logout", {}).catch(() => {}); signOut(); });
languageSwitch();
onLanguage(() => { if (!token) return; renderWindows(); renderFindingRows(); renderPhotos(); render(); renderAlerts(); });
// A session refused on opening has signed the page out already, saying why: leave its words.
if (token) open().catch(() => { if (token) signOut(); });
