// What both booking pages share: the matter's one-time notification (materials, procedure,
// fee, time limit, legal basis: R3), a day in the page's language, and the checks of a mobile number and a resident
// identity number (GB 11643) made in the page before the server makes them again.

import { esc, t, language } from "./common.js";

/** The one-time notification of a matter (a /api/services entry) as HTML. */
export function sheetHtml(m) {
  const mats = m.materials.length
    ? `<ul class="materials">${m.materials.map((x) =>
      `<li><span class="tag ${esc(x.kind)}">${esc(t(x.kind === "main" ? "sheet.main" : "sheet.aux"))}</span>${esc(x.name)}</li>`).join("")}</ul>`
    : `<p>${esc(t("sheet.none"))}</p>`;
  const limit = m.time_limit_days === 0 ? t("sheet.onTheSpot", m.on_the_spot_minutes) : t("sheet.days", m.time_limit_days);
  const steps = m.procedure.map((p) => `<li>${esc(p)}</li>`).join("");
  return `<h3>${esc(t("sheet.materials"))}</h3>${mats}` +
    (steps ? `<h3>${esc(t("sheet.procedure"))}</h3><ol class="procedure">${steps}</ol>` : "") +
    `<dl class="facts"><dt>${esc(t("sheet.fee"))}</dt><dd>${esc(m.fee)}</dd>` +
    `<dt>${esc(t("sheet.limit"))}</dt><dd>${esc(limit)}</dd>` +
    (m.basis ? `<dt>${esc(t("sheet.basis"))}</dt><dd>${esc(m.basis)}</dd>` : "") + "</dl>";
}

/** `YYYY-MM-DD` as the citizen reads it: 12月4日 星期五 / Fri 4 Dec. */
export function dayText(day, { year = false } = {}) {
  const d = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  const en = language() === "en";
  const opts = { timeZone: "UTC", month: en ? "short" : "long", day: "numeric", weekday: en ? "short" : "long" };
  if (year) opts.year = "numeric";
  return new Intl.DateTimeFormat(en ? "en-GB" : "zh-CN", opts).format(d);
}

/** A mainland mobile number: 11 digits, 1[3-9]…. */
export const phoneOk = (s) => /^1[3-9]\d{9}$/.test(s);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/**
 * A resident identity number's check (GB 11643): "ok", "length" (not 17 digits and a digit or
 * X) or "digit" (the check digit does not match).
 */
export function idCheck(s) {
  const id = s.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return "length";
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return CHECK[sum % 11] === id[17] ? "ok" : "digit";
}
