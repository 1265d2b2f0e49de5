// The monthly assessment's tables (R17), shared by the director console, the clerk page and the
// printed monthly report: each component's score beside the figures it comes from; "—" for
// what is unknown. Names are put in as text (esc).

import { esc, t } from "./common.js";

export const COMPONENTS = ["attendance", "discipline", "service", "cases", "archives", "satisfaction"];

const num = (v, digits = 1) => (v == null ? "—" : Number(v).toFixed(digits).replace(/\.0$/, ""));
const part = (s, c) => s.parts.find((p) => p.component === c)?.score;

/** The line under the title: in progress, open, closed (and corrected since). */
export function stateText(a) {
  if (a.closed) return t("asClosed", a.closed.at.slice(0, 16).replace("T", " "), a.closed.by) + (a.changed_since_closed ? ` ${t("asChanged")}` : "");
  return a.in_progress ? t("asInProgress") : t("asOpen");
}

export function weightsText(scheme) {
  return t("asWeights", scheme.weights.map((w) => `${t(`as.${w.component}`)} ${num(w.weight)}`).join("、"), scheme);
}

/** The figures a sheet was scored from, one cell each. */
function figureCells(f) {
  const lea = f.late == null ? "—" : `${f.late}/${f.early_leave}/${f.absent}`;
  const sat = f.satisfaction == null ? "—" : `${num(f.satisfaction * 100)}%`;
  // A month closed before the archive was assessed has no archive figures.
  const files = f.archived_on_time == null ? "—" : `${f.archived_on_time}/${f.archived_late}/${f.archive_overdue}`;
  // A clerk's tickets beside the working days they were due (service counts per day due, R16).
  const served = f.days_due == null ? f.served : t("asServedDays", f.served, num(f.days_due));
  return [lea, f.findings, served, `${num(f.service_mean)}/${num(f.service_p90)}`,
    `${f.closed_on_time}/${f.closed_late}/${f.overdue_open}`, files, `${f.rated} (${sat})`, f.complaints_upheld];
}

/**
 * A ranked table of sheets: rank, who, total, grade, the six components, deductions and, unless
 * `figures` is false (the printed report's narrower page), the figures they come from.
 */
export function sheetsTable(sheets, whoKey = "asWho", { figures = true } = {}) {
  const head = ["asRank", whoKey, "asTotal", "asGrade", ...COMPONENTS.map((c) => `as.${c}`), "asDeducted",
    ...(figures ? ["asLateEarlyAbsent", "asFindings", "asServed", "asServiceTime", "asCasesOnTime", "asFilesOnTime", "asRated", "asUpheld"] : [])];
  return `<thead><tr>${head.map((k) => `<th>${esc(t(k))}</th>`).join("")}</tr></thead><tbody>` + sheets.map((s) =>
    `<tr class="grade-${esc(s.grade ?? "none")}" data-key="${esc(s.key)}"><td>${esc(s.rank ?? "—")}</td><td>${esc(s.label)}</td>` +
    `<td class="total">${esc(num(s.total))}</td><td>${esc(s.grade ? t(`grade.${s.grade}`) : "—")}</td>` +
    COMPONENTS.map((c) => `<td>${esc(num(part(s, c)))}</td>`).join("") +
    `<td>${esc(s.deducted ? `−${num(s.deducted)}` : "0")}</td>` +
    (figures ? figureCells(s.figures).map((v) => `<td>${esc(v)}</td>`).join("") : "") + `</tr>`).join("") + "</tbody>";
}
