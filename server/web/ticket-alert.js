// "Your turn soon" on the citizen's phone (issue 17): when the hall's `turn_soon_ahead` people
// or fewer are ahead of the ticket, and when it is called. Each crossing alerts once — a
// vibration and a short beep where the phone allows (browsers allow both only after the citizen
// touched the page), a system notification when the citizen turned them on with the button
// (never asked unprompted) — while the page's title and a banner say it for as long as it holds.

import { $, t } from "./common.js";

/** Where a ticket stands for the alert: "called", "soon" (few ahead) or "wait". */
export function stage(view, soonAhead) {
  if (!view) return "wait";
  if (view.status === "called") return "called";
  // An expired ticket (an earlier day's, never called) will not be called: nothing to alert.
  const waiting = (view.status === "waiting" || view.status === "transferred") && !view.expired;
  return waiting && view.waiting_ahead <= soonAhead ? "soon" : "wait";
}

let audio = null;

/** An audio context the page may play on: made (or resumed) within a touch of the citizen. */
function unlockAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  try {
    audio ??= new Ctx();
    if (audio.state === "suspended") audio.resume().catch(() => {});
  } catch { audio = null; }
}

/** Two short beeps (880 Hz), when the browser lets the page make a sound. */
function beep() {
  if (!audio || audio.state !== "running") return;
  try {
    const now = audio.currentTime;
    for (const at of [0, 0.35]) {
      const osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, now + at);
      gain.gain.exponentialRampToValueAtTime(0.5, now + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + at);
      osc.stop(now + at + 0.3);
    }
  } catch { /* no sound: the banner and title still say it */ }
}

const canNotify = () => typeof Notification === "function" && window.isSecureContext !== false;

/**
 * The page's service worker (`/ticket-sw.js`), registered once the citizen allowed
 * notifications: Android's Chrome shows a page's notifications only through one (its
 * `new Notification` throws). A promise of the registration, or of null where there is none.
 */
let worker = null;
function registerWorker() {
  if (worker || !canNotify() || Notification.permission !== "granted" || !navigator.serviceWorker) return;
  worker = navigator.serviceWorker.register("/ticket-sw.js", { scope: "/t/" })
    .then(() => navigator.serviceWorker.ready)
    .catch(() => null);
}

/** A system notification: through the service worker where there is one, else the page's own. */
async function notify(title, options) {
  const registration = worker && await worker;
  if (registration) {
    try {
      await registration.showNotification(title, { ...options, data: { url: location.href } });
      return;
    } catch { /* the worker may not show it (permission withdrawn): the page's own below */ }
  }
  try {
    const n = new Notification(title, options);
    n.onclick = () => { window.focus(); n.close(); };
  } catch { /* neither: the banner, the title, the vibration and the beep stay */ }
}

/**
 * The ticket page's alert: `update(view)` after every fresh view of the ticket, `render()` after
 * a change of language. `soonAhead` is read from the hall (`GET /api/hall`), 3 until known.
 */
export function turnAlert() {
  let soonAhead = 3, current = null, view = null;

  const notifyButton = $("notifyOn");
  const renderButton = () => {
    // An expired ticket will not be called: nothing to be notified of.
    const perm = view?.expired ? "over" : canNotify() ? Notification.permission : "unsupported";
    notifyButton.hidden = perm !== "default" || current === "called";
    $("notifyState").textContent = perm === "granted" ? t("alert.notifyOn") : perm === "denied" ? t("alert.notifyDenied") : "";
  };
  notifyButton.addEventListener("click", async () => {
    unlockAudio();
    try { await Notification.requestPermission(); } catch { /* an old browser: the banner stays */ }
    registerWorker();
    renderButton();
  });
  registerWorker(); // allowed on an earlier visit
  // A touch anywhere lets the page beep later (browsers allow sound only after one).
  for (const kind of ["pointerdown", "keydown"]) document.addEventListener(kind, unlockAudio, { passive: true });

  function text() {
    if (current === "called") {
      return view.window_number != null ? t("alert.calledAt", view.window_number, view.window_name) : t("alert.called");
    }
    return view.waiting_ahead === 0 ? t("alert.next") : t("alert.soon", view.waiting_ahead);
  }

  function render() {
    const banner = $("turnAlert");
    banner.hidden = current !== "soon" && current !== "called";
    banner.dataset.stage = current ?? "";
    if (!banner.hidden) banner.textContent = text();
    renderButton();
  }

  function ring() {
    navigator.vibrate?.(current === "called" ? [400, 200, 400, 200, 400] : [300, 150, 300]);
    beep();
    if (canNotify() && Notification.permission === "granted") {
      notify(t(current === "called" ? "alert.calledTitle" : "alert.soonTitle", view.number), {
        body: text(), tag: `ticket-${view.number}`, renotify: true, requireInteraction: current === "called",
      });
    }
  }

  return {
    /** The hall's threshold (people ahead). */
    set soonAhead(n) { if (Number.isInteger(n) && n >= 0) { soonAhead = n; if (view) this.update(view, { quiet: true }); } },
    /** A fresh view; alerts when it crosses into "soon" or "called" (not on the first view, nor `quiet`). */
    update(fresh, { quiet = false } = {}) {
      const before = current;
      view = fresh;
      current = stage(fresh, soonAhead);
      const crossed = before !== null && current !== before && (current === "called" || (current === "soon" && before === "wait"));
      if (crossed && !quiet) ring();
      render();
    },
    /** The title's prefix while few are ahead ("" otherwise: once called, the title is the window already). */
    titlePrefix() {
      if (current === "soon") return `⏰ ${t("alert.soonShort", view.waiting_ahead)} · `;
      return "";
    },
    /** Whether the citizen asked to be told: then the page keeps listening while hidden. */
    wanted: () => canNotify() && Notification.permission === "granted",
    render,
  };
}
