// The director console's card 「村代办件」 (R22): every village request still open for the town —
// not yet accepted by a window, or accepted and the villager not yet replied to — with the
// overdue forwards and replies in red and counted in the card's title. No villager's name or
// phone here (the list carries none); opening one is an audited read, not needed to supervise.

import { $, esc, t, api } from "./common.js";

let requests = [];

export async function refreshVillage() {
  try { requests = (await api("GET", "/api/village/requests")).data; } catch { requests = []; }
  renderVillage();
}

function state(r) {
  if (r.status === "registered") return r.forward_overdue ? t("vForwardOverdue", r.forward_by) : t("vAtStation", r.forward_by);
  if (r.status === "forwarded") return t("vForwarded", (r.forwarded_at ?? "").slice(0, 16).replace("T", " "));
  return `${t("vCase", r.case_number)} · ${r.reply_overdue ? t("vReplyOverdue", r.reply_by) : t("vReplyBy", r.reply_by ?? "—")}`;
}

export function renderVillage() {
  const forwards = requests.filter((r) => r.forward_overdue).length;
  const replies = requests.filter((r) => r.reply_overdue).length;
  $("villageLate").textContent = forwards + replies ? t("vLateCount", forwards, replies) : "";
  $("villageCard").classList.toggle("alarm-card", forwards + replies > 0);
  $("noVillage").hidden = requests.length > 0;
  $("village").innerHTML = requests.length === 0 ? "" :
    `<tr><th>${esc(t("vNumber"))}</th><th>${esc(t("vStation"))}</th><th>${esc(t("vMatter"))}</th><th>${esc(t("vState"))}</th></tr>` +
    requests.map((r) => {
      const late = r.forward_overdue || r.reply_overdue;
      return `<tr class="${late ? "warn" : ""}"><td>${esc(r.number)}${r.urgent ? ` <span class="tag main">${esc(t("vUrgent"))}</span>` : ""}</td>` +
        `<td>${esc(r.station)}</td><td>${esc(r.service_name)}</td><td class="${late ? "warn" : ""}">${esc(state(r))}</td></tr>`;
    }).join("");
}
