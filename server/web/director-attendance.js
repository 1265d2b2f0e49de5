// Director console, attendance (R15): since last month began, the late arrivals, early leaves and absences of
// every clerk, each with the clerk's explanation once given; an explained mark is acknowledged
// here. director.js calls refreshAttendance() when the stream (re)connects and
// renderAttendance() on a change of language. Explanations are put in as text (esc).

import { $, esc, t, api, act, guarded, showError } from "./common.js";

let days = [];

const kindText = (m) => (m.kind === "leave" ? t("attOnLeave") : m.minutes != null ? t(`att.${m.kind}.min`, m.minutes) : t(`att.${m.kind}`));
// A day of leave (R16) is no absence: listed as 休假 with its kind, nothing to explain.
const leaveRow = (d) => ({ d, m: { kind: "leave", explanation: t(`lvKind.${d.leave}`), acknowledged_at: "-", acknowledged_by: "" } });

export function renderAttendance() {
  const rows = days.flatMap((d) => (d.marks.length === 0 && d.leave ? [leaveRow(d)] : d.marks.map((m) => ({ d, m }))));
  // Waiting for the director first (explained, not acknowledged), then unexplained, then done.
  const rank = ({ m }) => (m.explanation && !m.acknowledged_at ? 0 : !m.explanation ? 1 : 2);
  rows.sort((a, b) => rank(a) - rank(b) || b.d.day.localeCompare(a.d.day));
  $("noAttendance").hidden = rows.length > 0;
  $("attendance").innerHTML = rows.length === 0 ? "" :
    `<tr><th>${esc(t("attDay"))}</th><th>${esc(t("attWho"))}</th><th>${esc(t("attMark"))}</th>` +
    `<th>${esc(t("attExplanation"))}</th><th></th></tr>` +
    rows.map(({ d, m }) => `<tr><td>${esc(d.day)}</td><td>${esc(d.name)}</td><td>${esc(kindText(m))}</td>` +
      `<td class="pre">${esc(m.explanation ?? t("attNotExplained"))}</td><td>` +
      (m.explanation && !m.acknowledged_at
        ? `<button type="button" data-ack="${esc(JSON.stringify({ day: d.day, username: d.username, kind: m.kind }))}">${esc(t("attAcknowledge"))}</button>`
        : m.kind === "leave" ? "" : m.acknowledged_at ? esc(t("attAcknowledged", m.acknowledged_by)) : "") +
      `</td></tr>`).join("");
}

export async function refreshAttendance() {
  try {
    days = (await api("GET", "/api/attendance")).data;
    showError("attendanceError", null);
  } catch (e) {
    showError("attendanceError", e);
  }
  renderAttendance();
}

export function clearAttendance() {
  days = [];
  renderAttendance();
}

$("attendance").addEventListener("click", async (e) => {
  const b = e.target.closest("button[data-ack]");
  if (!b) return;
  const done = await guarded("attendanceError", async () => {
    await act("acknowledgeAttendance", "/api/attendance/acknowledge", JSON.parse(b.dataset.ack));
    await refreshAttendance();
    return true;
  });
  // Refused (acknowledged in another console meanwhile, say): the list as it is now, the
  // refusal kept in view.
  if (!done) {
    const why = $("attendanceError").textContent;
    await refreshAttendance();
    $("attendanceError").textContent = why;
  }
});
