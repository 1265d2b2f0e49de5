// The clerk's card 「村代办件」 (R22): the village requests for the matters of this window not
// yet accepted (announced by a station, or forwarded and waiting here), and those accepted here
// whose villager has not been replied to yet. No villager's name or phone in the list; 「受理」
// reads the request whole (audited) and accepts it into a case with the finish dialog.

import { $, esc, t, api, readForSession } from "./common.js";

let requests = [];

export async function refreshVillage() {
  const read = await readForSession("/api/village/requests", []);
  if (!read) return;
  requests = read.data;
  renderVillage();
}

/** Reads a request whole (the read is audited): the villager's name, phone and the agent's note. */
export async function readVillage(id) {
  return (await api("GET", `/api/village/requests/${id}`)).data;
}

function state(r) {
  if (r.status === "registered") {
    return r.forward_overdue ? t("vForwardOverdue", r.forward_by) : t("vAtStation", r.forward_by);
  }
  if (r.status === "forwarded") return t("vForwarded", (r.forwarded_at ?? "").slice(0, 16).replace("T", " "));
  const reply = r.town_overdue ? t("vTownOverdue", r.town_deadline)
    : r.reply_overdue ? t("vReplyOverdue", r.reply_by) : t("vReplyBy", r.reply_by ?? "");
  return `${t("vCase", r.case_number)} · ${reply}`;
}

/** Signed out: the window's village requests leave the page. */
export function clearVillage() {
  requests = [];
  renderVillage();
}

export function renderVillage() {
  $("villageCard").hidden = requests.length === 0;
  $("villageCount").textContent = requests.length ? `(${requests.length})` : "";
  $("village").innerHTML = requests.length === 0 ? "" :
    `<tr><th>${esc(t("vNumber"))}</th><th>${esc(t("vStation"))}</th><th>${esc(t("vMatter"))}</th>` +
    `<th>${esc(t("vMaterials"))}</th><th>${esc(t("vState"))}</th><th></th></tr>` +
    requests.map((r) => {
      const late = r.forward_overdue || r.reply_overdue || r.town_overdue;
      const accept = r.case_number ? "" : `<button type="button" data-village-accept="${r.id}">${esc(t("vAccept"))}</button>`;
      return `<tr class="village${late ? " village-late" : ""}" data-village="${r.id}">` +
        `<td>${esc(r.number)}${r.urgent ? ` <span class="tag main">${esc(t("vUrgent"))}</span>` : ""}</td>` +
        `<td>${esc(r.station)}</td><td>${esc(r.service_name)}</td>` +
        `<td>${esc(r.materials.join(t("vSep")) || t("vNone"))}</td>` +
        `<td class="${late ? "late" : ""}">${esc(state(r))}${r.forwarded_late ? ` · ${esc(t("vLate"))}` : ""}</td>` +
        `<td>${accept}</td></tr>`;
    }).join("");
}
