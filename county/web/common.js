// What the county screen shares with the halls' pages (a small copy of server/web/common.js:
// the county serves its own assets): element helpers, HTML escaping, translation (Simplified
// Chinese first, English complete), API calls with a bearer token, errors shown by their code.
// Importing this module touches no page (the i18n check imports it in node).

export const $ = (id) => document.getElementById(id);

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Text made safe to put inside HTML (element content or a quoted attribute). */
export const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Strings every county page uses; the page's own dictionary is laid over these. */
export const STRINGS = {
  zh: {
    otherLanguage: "English",
    "err.unknown": (code) => `操作未能完成（错误代码：${code}），请重试或联系管理员。`,
    "err.offline": "县级平台没有响应，请检查网络后重试。",
    "err.server": "县级平台内部错误，请稍后重试；问题持续请联系管理员。",
    "err.bad_credentials": "用户名或密码错误。",
    "err.session_expired": "登录已过期，请重新登录。",
    "err.unauthorized": "请先登录。",
    "err.invalid_body": "提交的内容格式不对。",
    "err.invalid_date": "日期不正确：请填写起止日期（年-月-日），起始不晚于截止，最长一年。",
    "err.unknown_hall": "没有这个大厅。",
    "err.not_found": "找不到请求的内容。",
    "err.database_unavailable": "县级数据库暂时无法访问，请稍后重试。",
  },
  en: {
    otherLanguage: "中文",
    "err.unknown": (code) => `That did not work (error code: ${code}). Please retry or call the administrator.`,
    "err.offline": "The county service did not answer. Please check the network and retry.",
    "err.server": "The county service had an internal error. Please retry later; if it goes on, call the administrator.",
    "err.bad_credentials": "Wrong username or password.",
    "err.session_expired": "Your session expired: please sign in again.",
    "err.unauthorized": "Please sign in first.",
    "err.invalid_body": "The request was not in the expected form.",
    "err.invalid_date": "Wrong dates: give a start and an end (year-month-day), the start not after the end, a year at most.",
    "err.unknown_hall": "No such hall.",
    "err.not_found": "Not found.",
    "err.database_unavailable": "The county's database does not answer for now; please retry later.",
  },
};

let dict = STRINGS;
let lang = "zh";
const languageListeners = [];

/** The page's language: "zh" (the default) or "en". */
export const language = () => lang;

/** Lays a page's dictionary over the shared one and takes the language kept in this browser. */
export function useStrings(page) {
  dict = { zh: { ...STRINGS.zh, ...page.zh }, en: { ...STRINGS.en, ...page.en } };
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

/** A failed API call: `code` is the server's `error` code ("offline" when nothing answered). */
export class ApiError extends Error {
  constructor(status, code) {
    super(`${status} ${code}`);
    this.status = status;
    this.code = code;
  }
}

let tokenOf = () => null;
let onExpired = () => {};

/** Where the bearer token comes from, and what to do when the server says it is no longer good. */
export function useSession({ token, expired }) {
  tokenOf = token;
  onExpired = expired ?? (() => {});
}

/** One call: resolves to the response on 2xx, throws an ApiError otherwise. */
export async function request(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = tokenOf();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, { method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "offline");
  }
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    const code = typeof data?.error === "string" ? data.error : res.status >= 500 ? "server" : `http_${res.status}`;
    const err = new ApiError(res.status, code);
    if (res.status === 401 && token) onExpired(err);
    throw err;
  }
  return res;
}

/** A JSON call. */
export const api = async (method, path, body) => (await request(method, path, body)).json();

/** What to tell the user about an error, in the page's language (never the server's English). */
export function errorText(err) {
  if (!(err instanceof ApiError)) {
    console.error(err); // a bug in the page: the tests fail on it
    return t("err.unknown", "page");
  }
  if (err.code === "offline") return t("err.offline");
  if (err.code === "server") return t("err.server");
  return has(`err.${err.code}`) ? t(`err.${err.code}`) : t("err.unknown", err.code);
}

/** Calls `fn` and shows its error, if any, in the element `id`; resolves to the result or undefined. */
export async function guarded(id, fn) {
  $(id).textContent = "";
  try {
    return await fn();
  } catch (e) {
    $(id).textContent = errorText(e);
    return undefined;
  }
}
