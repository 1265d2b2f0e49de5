// The clerk's card 「督查发现」 (R18): this month's spot-inspection findings about them, or about
// the window they are signed in at; a withdrawn one stays, marked withdrawn. No photos, no
// inspector's overall note (the server sends neither).

import { $, esc, t, readForSession } from "./common.js";

let findings = [];

export async function refreshInspections() {
  const read = await readForSession("/api/inspections/mine", []);
  if (!read) return;
  findings = read.data;
  renderInspections();
}

/** Signed out: the findings about this clerk leave the page. */
export function clearInspections() {
  findings = [];
  renderInspections();
}

export function renderInspections() {
  $("inspectionsCard").hidden = findings.length === 0;
  $("myInspections").innerHTML = findings.length === 0 ? "" :
    `<tr><th>${esc(t("iAt"))}</th><th>${esc(t("iAbout"))}</th><th>${esc(t("iKind"))}</th><th>${esc(t("iNote"))}</th></tr>` +
    findings.map((f) => {
      const about = f.about_me ? t("iAboutMe") : t("iAboutWindow", f.window_number ?? f.window_id);
      const note = f.withdrawn_at ? `${f.note} — ${t("iWithdrawn", f.withdrawn_reason ?? "")}` : f.note;
      return `<tr class="${f.withdrawn_at ? "withdrawn" : ""}"><td>${esc(f.at.slice(0, 16).replace("T", " "))}</td>` +
        `<td>${esc(about)}</td><td>${esc(t(`iKind.${f.kind}`))}</td><td class="pre">${esc(note)}</td></tr>`;
    }).join("");
}
