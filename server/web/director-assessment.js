// Director console, the monthly assessment (R17): any month's clerks or windows ranked with each
// component visible; a month that is over is closed (frozen) here. director.js calls
// refreshAssessment() when the stream (re)connects and renderAssessment() on a change of
// language.

import { $, t, api, act, guarded, showError, loadHallZone, hallNow } from "./common.js";
import { sheetsTable, stateText, weightsText } from "./assessment.js";

let data = null;

const thisMonth = () => hallNow().slice(0, 7);

export function renderAssessment() {
  if (!data) return;
  const of = $("asOf").value;
  const sheets = of === "windows" ? data.windows : data.staff;
  $("asState").textContent = stateText(data);
  $("asState").classList.toggle("warning", !!data.changed_since_closed);
  $("asWeights").textContent = weightsText(data.scheme);
  $("assessment").innerHTML = sheets.length ? sheetsTable(sheets, of === "windows" ? "asWindows" : "asStaff") : "";
  $("asNone").hidden = sheets.length > 0;
  $("asClose").hidden = !!data.closed || data.in_progress;
}

export async function refreshAssessment() {
  await loadHallZone();
  if (!$("asMonth").value) $("asMonth").value = thisMonth();
  try {
    data = (await api("GET", `/api/assessment?month=${encodeURIComponent($("asMonth").value)}`)).data;
    showError("assessmentError", null);
  } catch (e) {
    data = null;
    $("assessment").innerHTML = "";
    showError("assessmentError", e);
  }
  renderAssessment();
}

$("asMonth").addEventListener("change", () => refreshAssessment());
$("asOf").addEventListener("change", () => renderAssessment());
$("asClose").addEventListener("click", () => {
  const month = $("asMonth").value;
  if (!window.confirm(t("asConfirmClose", month))) return;
  guarded("assessmentError", async () => {
    data = (await act("closeAssessment", `/api/assessment/${encodeURIComponent(month)}/close`, {})).data;
    renderAssessment();
  });
});
