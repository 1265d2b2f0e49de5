// The administrator's hall editor: the whole configuration as TOML, checked by the server and
// in force at once when saved; a mistake is told with its place in the text. Below it, the
// working-day calendar: the loaded years, and a year's holiday schedule to add (TOML).

import {
  $, esc, t, useStrings, languageSwitch, onLanguage, useSession, api, act, showError, guarded, forgetActions, forgetPassword,
} from "./common.js";
import strings from "./admin.i18n.js";

useStrings(strings);

let token = sessionStorage.getItem("atoken");
let saved = null; // the last save's figures, shown again in the other language
let years = [], added = null; // the calendar's loaded years; the year just added
useSession({ token: () => token, expired: () => signOut(t("err.session_expired")) });

let exportUrl = null;
function exportLink() {
  if (exportUrl) URL.revokeObjectURL(exportUrl);
  exportUrl = URL.createObjectURL(new Blob([$("toml").value], { type: "application/toml" }));
  $("download").href = exportUrl;
}

function renderStatus() {
  // Bookings the new configuration no longer serves were cancelled: the director calls them.
  const cancelled = saved?.bookings_cancelled ? ` ${t("bookingsCancelledByConfig", saved.bookings_cancelled)}` : "";
  // Incoming cases of a removed window wait on no desk for the director.
  const unassigned = saved?.incoming_unassigned ? ` ${t("incomingUnassigned", saved.incoming_unassigned)}` : "";
  $("status").textContent = saved ? t("saved", saved.windows, saved.matters) + cancelled + unassigned : "";
  $("status").className = saved ? "saved" : "";
}

// The hall as last loaded from the server: an edit not saved when the session ended is kept
// through the sign-in that follows, not replaced by the server's copy.
let loaded = null;

async function open() {
  $("login").hidden = true; $("editor").hidden = false; $("logout").hidden = false;
  const toml = (await api("GET", "/api/admin/hall")).data.toml;
  const edited = loaded !== null && $("toml").value !== loaded;
  loaded = toml;
  if (!edited) $("toml").value = toml;
  exportLink();
  $("calendar").hidden = false;
  await loadYears();
}

async function loadYears() {
  years = (await api("GET", "/api/calendar/years")).data;
  renderYears();
}

function renderYears() {
  $("noYears").hidden = years.length > 0;
  $("years").innerHTML = years.length === 0 ? "" :
    `<tr><th>${esc(t("hYear"))}</th><th>${esc(t("hSource"))}</th><th>${esc(t("hWorkingDays"))}</th></tr>` +
    [...years].sort((a, b) => a.year - b.year).map((y) => `<tr data-year="${esc(y.year)}"><td><b>${esc(t("year", y.year))}</b></td>` +
      `<td>${esc(y.source)}</td><td>${esc(y.working_days)}</td></tr>`).join("");
  const amended = added?.amended_days ?? [];
  $("calendarStatus").textContent = added ? t("yearAdded", added.year, added.working_days) +
    (amended.length ? t("yearAmended", added.year - 1, amended.join(t("listSep"))) : "") +
    (added.bookings_cancelled ? t("bookingsCancelled", added.bookings_cancelled) : "") +
    (added.deadlines_deferred ? t("deadlinesDeferred", added.deadlines_deferred) : "") : "";
  $("calendarStatus").className = added ? "saved" : "";
}

function signOut(message) {
  forgetActions(); // the next session's actions are its own
  sessionStorage.removeItem("atoken"); token = null;
  $("login").hidden = false; $("editor").hidden = true; $("logout").hidden = true; $("calendar").hidden = true;
  // What was saved and refused is not left for whoever sits down next (an edit not saved yet
  // stays for the sign-in after an expired session: see the 退出 button).
  for (const id of ["status", "saveError", "saveDetail", "calendarStatus", "calendarError", "calendarDetail"]) $(id).textContent = "";
  $("saveDetail").hidden = true; $("calendarDetail").hidden = true;
  $("loginError").textContent = message ?? "";
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  forgetPassword(e.target);
  await guarded("loginError", async () => {
    const s = (await act("login", "/api/auth/login", { username: f.get("username"), password: f.get("password") })).data;
    if (s.role !== "admin") {
      token = s.token;
      await act("logout", "/api/auth/logout", {}).catch(() => {});
      token = null;
      $("loginError").textContent = t("adminOnly");
      return;
    }
    token = s.token; sessionStorage.setItem("atoken", token);
    await open();
  });
});

$("save").addEventListener("click", async () => {
  showError("saveError", null);
  $("saveDetail").hidden = true; $("saveDetail").textContent = "";
  saved = null; renderStatus();
  try {
    const toml = $("toml").value;
    saved = (await act("saveHall", "/api/admin/hall", { toml })).data;
    loaded = toml;
    renderStatus();
    exportLink();
  } catch (err) {
    showError("saveError", err);
    // The checker's own finding (file:line:column and what is wrong there) is the point of this
    // page: shown as it is, under the translated heading.
    if (err.code === "invalid_config" && err.detail) {
      $("saveDetail").textContent = err.detail; $("saveDetail").hidden = false;
    }
  }
});

$("addYear").addEventListener("click", async () => {
  showError("calendarError", null);
  $("calendarDetail").hidden = true; $("calendarDetail").textContent = "";
  added = null; renderYears();
  try {
    added = (await act("addYear", "/api/admin/calendar", { toml: $("calendarToml").value })).data;
    $("calendarToml").value = "";
    await loadYears();
  } catch (err) {
    showError("calendarError", err);
    // The server names the problem (which day, which line): shown as it is, under the heading.
    if (err.code === "invalid_calendar" && err.detail) {
      $("calendarDetail").textContent = err.detail; $("calendarDetail").hidden = false;
    }
  }
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
  loaded = null; $("toml").value = ""; $("calendarToml").value = ""; // signed out on purpose: the edits go with the session
  signOut();
});
onLanguage(() => { renderStatus(); renderYears(); });
languageSwitch();
// A session refused on opening has signed the page out already, saying why: leave its words.
if (token) open().catch(() => { if (token) signOut(); });
