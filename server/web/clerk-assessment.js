// The clerk's own monthly assessment (R17): their sheet for a month with each component and the
// figures it comes from, and their rank; never anybody else's. clerk.js calls
// refreshMyAssessment() at sign-in and renderMyAssessment() on a change of language.

import { $, t, api, showError, loadHallZone, hallNow, sessionNow } from "./common.js";
import { sheetsTable, stateText } from "./assessment.js";

let mine = null;

export function renderMyAssessment() {
  if (!mine) return;
  $("myAssessmentState").textContent = stateText(mine);
  $("myAssessment").innerHTML = mine.sheet ? sheetsTable([mine.sheet], "asStaff") : "";
  $("myRank").textContent = mine.sheet?.rank ? t("asMyRank", mine.sheet.rank, mine.ranked) : mine.sheet ? "" : t("asNoSheet");
}

/** Signed out: this clerk's sheet and rank leave the page (the month chosen goes back to now). */
export function clearMyAssessment() {
  mine = null;
  for (const id of ["myAssessmentState", "myAssessment", "myRank"]) $(id).textContent = "";
  $("myMonth").value = "";
  showError("myAssessmentError", null);
}

export async function refreshMyAssessment() {
  await loadHallZone();
  if (!$("myMonth").value) $("myMonth").value = hallNow().slice(0, 7);
  const session = sessionNow();
  let read = null;
  let failed = null;
  try {
    read = (await api("GET", `/api/assessment/mine?month=${encodeURIComponent($("myMonth").value)}`)).data;
  } catch (e) {
    failed = e;
  }
  if (sessionNow() !== session) return; // signed out meanwhile: not for the screen now
  mine = read;
  showError("myAssessmentError", failed);
  if (failed) $("myAssessment").innerHTML = "";
  renderMyAssessment();
}

$("myMonth").addEventListener("change", () => refreshMyAssessment());
