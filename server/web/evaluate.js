// The window's evaluator (好差评 评价器, /evaluate?window=N): a small screen facing the citizen.
// Idle, it shows the clerk on duty (photo, name, 工号) and the window; once a service is finished
// there (the server's `asking`), it asks for the rating with five big buttons, a bad one with its
// reason, an optional text and phone; then thanks for a few seconds and idles again. It returns
// to idle when the server no longer asks (rated elsewhere, the time passed, the next service).
//
// The page is a device, set up once like a kiosk: its token comes from `?token=` (kept in this
// browser's storage, then taken out of the address) or from the setup prompt. `window=N` is only
// shown until the server names the window: the server knows it from the token. The clerk's page
// has no say in what is shown here.

import { $, t, useStrings, languageSwitch, onLanguage, useSession, api, liveStream, errorText, serverNow } from "./common.js";
import { ratingForm } from "./rating.js";
import strings from "./evaluate.i18n.js";

useStrings(strings);

const KEY = "evaluatorToken";
const THANKS_MS = 5000;
const params = new URLSearchParams(location.search);
const shownWindow = params.get("window");

let token = null;
try { token = localStorage.getItem(KEY); } catch { token = null; }
if (params.has("token")) {
  token = params.get("token").trim() || null;
  try { if (token) localStorage.setItem(KEY, token); } catch { /* private mode: this visit only */ }
  params.delete("token");
  const rest = params.toString();
  history.replaceState(null, "", `${location.pathname}${rest ? `?${rest}` : ""}`);
}

let view = null;            // the last EvaluatorView
let mode = token ? "idle" : "setup"; // setup | idle | asking | thanked
let receipt = null;         // the last rating sent from here (thanked)
let timer = null, thankTimer = null, loading = null, again = false;

useSession({ token: () => token, expired: () => toSetup("badToken") });

const form = ratingForm($("rate"), {
  name: "evaluator",
  path: "/api/evaluator/rating",
  extra: () => ({ ticket_number: view?.asking?.ticket_number }),
  done: (r) => { receipt = r; mode = "thanked"; render(); clearTimeout(thankTimer); thankTimer = setTimeout(endThanks, THANKS_MS); },
  // Rated elsewhere meanwhile, or the time passed: the server says what to show now.
  failed: (e) => (e.code === "already_rated" || e.code === "rating_closed" ? (load(), true) : false),
});

function endThanks() {
  receipt = null; mode = "idle";
  load();
}

function toSetup(why) {
  token = null;
  try { localStorage.removeItem(KEY); } catch { /* nothing kept */ }
  live.stop(); clearTimeout(timer);
  mode = "setup"; view = null;
  render();
  $("setupError").textContent = why ? t(why) : "";
}

function render() {
  for (const id of ["setup", "idle", "asking", "thanked"]) $(id).hidden = mode !== id;
  document.body.dataset.mode = mode;
  $("hall").textContent = view?.hall_name ?? t("hall");
  $("windowName").textContent = view ? t("window", view.window_number, view.window_name)
    : shownWindow ? t("windowShort", shownWindow) : "";
  if (!view) return;
  const c = view.clerk;
  $("clerkName").textContent = c ? c.name : t("noClerk");
  $("staffNo").textContent = c?.staff_number ? t("staffNo", c.staff_number) : "";
  const photo = $("photo");
  if (c?.photo_url) {
    if (photo.getAttribute("src") !== c.photo_url) photo.src = c.photo_url;
    photo.hidden = false;
  } else {
    photo.hidden = true; photo.removeAttribute("src");
  }
  $("windowLine").textContent = t("window", view.window_number, view.window_name);
  $("welcome").hidden = !c;
  const a = view.asking;
  $("askWhat").textContent = a ? t("asked", a.ticket_number) : "";
  $("thankedLevel").textContent = receipt ? t("rate.given", t(`level.${receipt.level}`)) : "";
  $("thankedFollowUp").hidden = !receipt?.follow_up;
  document.title = t("pageTitle");
}

/** Shows what the server says now; asking is left at its deadline to ask the server again. */
function show(fresh) {
  const before = view?.asking?.ticket_number ?? null;
  view = fresh;
  $("viewError").textContent = "";
  clearTimeout(timer);
  if (mode === "setup" || mode === "thanked") { render(); return; }
  const a = view.asking;
  if (a) {
    if (mode !== "asking" || before !== a.ticket_number) form.reset();
    mode = "asking";
    // At `until` the server stops asking; ask it then (a clock off by a little only delays it).
    const left = Date.parse(a.until) - serverNow();
    timer = setTimeout(load, Math.min(Math.max(left, 1000), view.ask_seconds * 1000) + 300);
  } else {
    mode = "idle";
  }
  render();
}

/** Reads the evaluator's view; calls made while one is on its way are folded into one more. */
async function load() {
  if (!token) return;
  if (loading) { again = true; return loading; }
  loading = (async () => {
    do {
      again = false;
      try {
        show((await api("GET", "/api/evaluator")).data);
      } catch (e) {
        if (e.status === 401 || e.status === 403) { toSetup("badToken"); return; }
        $("viewError").textContent = errorText(e);
      }
    } while (again);
  })();
  try { await loading; } finally { loading = null; }
}

// The hall's public events: a finish or a sign-in/out at this window changes what is shown.
const mine = (e) => !view || !e.window_id || e.window_id === view.window_id;
const live = liveStream("/api/events", {
  handlers: {
    ticket_finished: (e) => { if (mine(e)) load(); },
    // The next citizen called: once they sit down the pad stops asking about the service before
    // theirs (read again then, and a moment after their call).
    ticket_called: (e) => { if (mine(e)) { load(); setTimeout(() => load(), 31_000); } },
    window_status: (e) => { if (mine(e)) load(); },
  },
  onOpen: () => load(),
});

$("setupForm").addEventListener("submit", (e) => {
  e.preventDefault();
  const value = e.target.token.value.trim();
  if (!value) return;
  token = value;
  try { localStorage.setItem(KEY, token); } catch { /* this visit only */ }
  e.target.token.value = "";
  $("setupError").textContent = "";
  mode = "idle";
  start();
});

function start() {
  render();
  live.start();
  load();
}

setInterval(() => { if (token && mode !== "thanked") load(); }, 30000); // in case the stream is blocked
onLanguage(render);
languageSwitch();
if (token) start(); else render();
