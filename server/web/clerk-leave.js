// Clerk workstation, leave (R16): ask for days off with a named stand-in (顶岗人员) for each of
// one's windows (the clerks allowed at that window listed first), see one's requests and cancel
// one before it starts, and see where one is to stand in. clerk.js calls refreshLeave(windows)
// after sign-in and renderLeave() on a change of language. Text goes in escaped (esc).

import { $, esc, t, act, guarded, loadHallZone, hallNow, readForSession } from "./common.js";

let data = null;
let windows = [];

const label = (id) => {
  const w = windows.find((x) => x.id === id);
  return w ? t("lvWindow", w.number, w.name) : id;
};
const days = (l) => `${l.from}${l.from_afternoon ? t("lvPm") : ""} — ${l.to}${l.to_noon ? t("lvAm") : ""}`;
const count = (l) => (l.working_days != null ? t("lvDays", l.working_days) : "");
const standIns = (l) => l.stand_ins.map((s) => `${label(s.window_id)}：${s.name ?? s.username}`).join("；");

/** The stand-in choices of a window: clerks allowed there first, then anyone else. */
function choices(windowId) {
  const here = (c) => c.windows.length === 0 || c.windows.includes(windowId);
  const sorted = [...data.colleagues].sort((a, b) => Number(here(b)) - Number(here(a)));
  return `<option value="">${esc(t("lvChoose"))}</option>` +
    sorted.map((c) => `<option value="${esc(c.username)}">${esc(c.name)}${here(c) ? "" : ` ${esc(t("lvElsewhere"))}`}</option>`).join("");
}

function renderForm() {
  const form = $("leaveForm");
  const kept = Object.fromEntries([...form.querySelectorAll("select[data-window]")].map((s) => [s.dataset.window, s.value]));
  // Windows to cover: one's own list; with no list, the window signed in at.
  const own = data.windows.length > 0 ? data.windows : [sessionStorage.getItem("window")].filter(Boolean);
  $("leaveStandIns").innerHTML = own.map((w) =>
    `<label><span>${esc(t("lvStandInAt", label(w)))}</span> <select data-window="${esc(w)}" required>${choices(w)}</select></label>`).join("");
  for (const s of form.querySelectorAll("select[data-window]")) s.value = kept[s.dataset.window] ?? "";
  const kinds = ["annual", "sick", "personal", "marriage", "maternity", "bereavement", "official"];
  const kind = form.kind.value;
  form.kind.innerHTML = kinds.map((k) => `<option value="${k}">${esc(t(`lvKind.${k}`))}</option>`).join("");
  if (kind) form.kind.value = kind;
}

export function renderLeave() {
  if (!data) return;
  renderForm();
  const today = hallNow().slice(0, 10);
  const head = `<tr><th>${esc(t("lvDaysHead"))}</th><th>${esc(t("lvKindHead"))}</th><th>${esc(t("lvStandIns"))}</th>` +
    `<th>${esc(t("lvStateHead"))}</th><th></th></tr>`;
  $("myLeave").innerHTML = data.requests.length === 0 ? "" : head + data.requests.map((l) =>
    `<tr data-id="${l.id}"><td>${esc(days(l))} <small>${esc(count(l))}</small></td><td>${esc(t(`lvKind.${l.kind}`))}</td>` +
    `<td>${esc(standIns(l))}</td><td class="lv-${esc(l.state)}">${esc(t(`lvState.${l.state}`))}` +
    `${l.decision_note ? `<br><small>${esc(l.decision_note)}</small>` : ""}</td><td>` +
    ((l.state === "pending" || l.state === "approved") && l.from > today
      ? `<button type="button" data-cancel="${l.id}">${esc(t("lvCancel"))}</button>` : "") + `</td></tr>`).join("");
  $("noLeave").hidden = data.requests.length > 0;
  const me = sessionStorage.getItem("username");
  const standing = data.standing_in.filter((l) => l.state === "approved" || l.state === "pending");
  $("standingIn").innerHTML = standing.map((l) => l.stand_ins.filter((s) => s.username === me).map((s) =>
    `<tr><td>${esc(days(l))}</td><td>${esc(label(s.window_id))}</td><td>${esc(t("lvFor", l.name))}</td>` +
    `<td class="lv-${esc(l.state)}">${esc(t(`lvState.${l.state}`))}</td></tr>`).join("")).join("");
  $("standingInCard").hidden = standing.length === 0;
}

/** Signed out: nothing of this clerk's leave stays for the next to sign in. */
export function clearLeave() {
  data = null;
  $("myLeave").innerHTML = ""; $("standingIn").innerHTML = ""; $("leaveForm").reset();
  $("leaveCard").hidden = true; $("standingInCard").hidden = true;
}

export async function refreshLeave(list) {
  if (list) windows = list;
  await loadHallZone();
  const read = await readForSession("/api/leave/mine", null);
  if (!read) return;
  data = read.data;
  $("leaveCard").hidden = !data;
  renderLeave();
}

$("leaveForm").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = e.target;
  const body = {
    kind: f.kind.value, from: f.from.value, from_afternoon: f.fromAfternoon.checked,
    to: f.to.value || f.from.value, to_noon: f.toNoon.checked, reason: f.reason.value,
    stand_ins: [...f.querySelectorAll("select[data-window]")].filter((s) => s.value)
      .map((s) => ({ window_id: s.dataset.window, username: s.value })),
  };
  guarded("leaveError", async () => {
    await act("leave", "/api/leave", body);
    f.reason.value = "";
    $("leaveDone").textContent = t("lvSent");
    await refreshLeave();
  });
});

$("myLeave").addEventListener("click", (e) => {
  const b = e.target.closest("button[data-cancel]");
  if (!b || !window.confirm(t("lvCancelConfirm"))) return;
  guarded("leaveError", async () => {
    await act(`leave-cancel-${b.dataset.cancel}`, `/api/leave/${b.dataset.cancel}/cancel`, {});
    await refreshLeave();
  });
});
