// What every web page of the project shares, the hall's and the county's alike: element helpers,
// HTML escaping, the translation machinery (Simplified Chinese first, English complete), API
// calls with a bearer token, and errors shown by their code in the page's language. Each site's
// common.js sets its shared strings and adds what only it needs. Importing this module touches
// no page (the browser tests' dictionary check imports it in node).

export const $ = (id) => document.getElementById(id);

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Text made safe to put inside HTML (element content or a quoted attribute). */
export const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);

// ---------------------------------------------------------------------------------------------
// Translation

let shared = { zh: {}, en: {} };
let dict = shared;
let lang = "zh";
const languageListeners = [];

/** The strings every page of the site uses (common.js sets them once); pages lay theirs over. */
export function sharedStrings(strings) {
  shared = strings;
  dict = strings;
}

/** The page's language: "zh" (the default) or "en". */
export const language = () => lang;

/** Lays a page's dictionary over the shared one and takes the language kept in this browser. */
export function useStrings(page) {
  dict = { zh: { ...shared.zh, ...page.zh }, en: { ...shared.en, ...page.en } };
  try { lang = localStorage.getItem("lang") === "en" ? "en" : "zh"; } catch { lang = "zh"; }
}

export const has = (key) => dict.zh[key] !== undefined;

/** A string in the page's language; a function entry is called with the arguments. */
export function t(key, ...args) {
  const v = dict[lang][key] ?? dict.zh[key];
  if (v === undefined) {
    console.error(`missing translation: ${key}`);
    return key;
  }
  return typeof v === "function" ? v(...args) : v;
}

/** Every `data-t` element (title included) in the page's language, and the switch's label. */
export function translatePage() {
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  const button = $("lang");
  if (button) button.textContent = t("otherLanguage");
  for (const fn of languageListeners) fn();
}

/** Runs `fn` after every change of language (after the static strings are translated). */
export const onLanguage = (fn) => languageListeners.push(fn);

/** The 中文/English button (`#lang`): switches, remembers the choice, translates. */
export function languageSwitch() {
  $("lang").addEventListener("click", () => {
    lang = lang === "en" ? "zh" : "en";
    try { localStorage.setItem("lang", lang); } catch { /* private mode: this page only */ }
    translatePage();
  });
  translatePage();
}

// ---------------------------------------------------------------------------------------------
// API calls

/** A failed API call: `code` is the server's `error` code ("offline" when nothing answered). */
export class ApiError extends Error {
  constructor(status, code, detail, data = null) {
    super(`${status} ${code}`);
    this.status = status;
    this.code = code;
    this.detail = detail; // the server's own text: never shown as such, except where a page says
    this.data = data; // the whole error body (e.g. booking_suspended's `until`)
  }
}

let tokenOf = () => null;
let onExpired = () => {};

/** Where the bearer token comes from, and what to do when the server says it is no longer good. */
export function useSession({ token, expired }) {
  tokenOf = token;
  onExpired = expired ?? (() => {});
}

/** The page's session now (its token), as `useSession` gives it. */
export function sessionNow() {
  return tokenOf();
}

/** The server refused the session (a 401 outside `request`, e.g. on a live stream). */
export function sessionRefused(status) {
  onExpired(new ApiError(status, "session_expired", "unknown or expired token; sign in again"));
}

/**
 * One call: resolves to the response on 2xx, throws an ApiError otherwise (its code is the
 * server's `error`, "offline" when nothing answered, "server" for a 5xx without one).
 */
export async function request(method, path, body, { key, headers: extra } = {}) {
  const headers = { ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = tokenOf();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers["Idempotency-Key"] = key;
  let res;
  const sent = Date.now();
  try {
    res = await fetch(path, { method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, "offline", String(e));
  }
  noteServerClock(res, sent);
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    const code = typeof data?.error === "string" ? data.error : res.status >= 500 ? "server" : `http_${res.status}`;
    const err = new ApiError(res.status, code, typeof data?.message === "string" ? data.message : res.statusText, data);
    // (A request of a session signed out meanwhile says nothing about the page's session now.)
    if (res.status === 401 && token && token === tokenOf()) onExpired(err);
    throw err;
  }
  return res;
}

// The server's clock, as its answers' `Date` headers tell it (whole seconds): a desk PC a few
// minutes off still counts a service's minutes, the hall's today and a deadline as the server
// and the director's console do. An answer that took more than a second says nothing finer than
// that (it is left out); the clock moves only when off by more than a second (a header's rounding).
let clockOffset = 0;
function noteServerClock(res, sent) {
  const said = Date.parse(res.headers.get("date") ?? "");
  const received = Date.now();
  if (Number.isNaN(said) || received - sent > 1000) return;
  const offset = said + 500 - (sent + received) / 2;
  if (Math.abs(offset - clockOffset) > 1000) clockOffset = offset;
}

/** Now by the server's clock, in milliseconds (as `Date.now()`). */
export function serverNow() { return Date.now() + clockOffset; }

/** What to tell the user about an error, in the page's language (never the server's English). */
export function errorText(err) {
  if (!(err instanceof ApiError)) {
    console.error(err); // a bug in the page: the tests fail on it
    return t("err.unknown", "page");
  }
  if (err.code === "offline") return t("err.offline");
  if (err.code === "server") return t("err.server");
  // A message that names a value of the error's body (booking_suspended's date) is a function of it.
  return has(`err.${err.code}`) ? t(`err.${err.code}`, err.data ?? {}) : t("err.unknown", err.code);
}

/** Shows an error in an element (by id); `null` clears it. */
export function showError(id, err) {
  $(id).textContent = err == null ? "" : errorText(err);
}

/** Calls `fn` and shows its error, if any, in the element `id`; resolves to the result or undefined. */
export async function guarded(id, fn) {
  showError(id, null);
  try {
    return await fn();
  } catch (e) {
    showError(id, e);
    return undefined;
  }
}
