// The village agent's page (村代办点, R22), for a phone or an old PC: register a villager's
// request (the matter's materials ticked from its one-time-notification list), forward it to the
// town hall, follow it — forwarded, accepted as a case with the town's deadline, closed — and
// record the reply to the villager by that deadline. Overdue forwards and replies are red.

import {
  $, esc, t, useStrings, languageSwitch, onLanguage, useSession, api, act, guarded, signInAs, forgetActions,
} from "./common.js";
import strings from "./village.i18n.js";

useStrings(strings);

let token = sessionStorage.getItem("vtoken");
let me = null;
let services = [];
let requests = [];
useSession({ token: () => token, expired: () => signOut() });

const time = (rfc) => (rfc ?? "").slice(0, 16).replace("T", " ");

// ---- the registration form -----------------------------------------------------------------

function renderMatters() {
  const sel = document.querySelector("#register select[name=matter]");
  const keep = sel.value;
  sel.replaceChildren(...services.map((s) => new Option(`${s.name}（${s.department}）`, s.id)));
  if (keep) sel.value = keep;
  renderMaterials();
}

function renderMaterials() {
  const m = services.find((s) => s.id === document.querySelector("#register select[name=matter]").value);
  const ticked = new Set([...document.querySelectorAll("#materials input:checked")].map((i) => i.value));
  $("materials").innerHTML = (m?.materials ?? []).map((x) => `<label><input type="checkbox" name="material" ` +
    `value="${esc(x.name)}"${ticked.has(x.name) ? " checked" : ""}> <span class="tag ${esc(x.kind)}">${esc(t(x.kind))}</span>` +
    ` ${esc(x.name)}</label>`).join("");
  // The rest of R3's one-time notification, for the agent to pass on at this first contact.
  $("matterNotice").innerHTML = m ? `<h3>${esc(t("noticeTitle"))}</h3><h4>${esc(t("procedure"))}</h4>` +
    `<ol>${m.procedure.map((p) => `<li>${esc(p)}</li>`).join("")}</ol>` +
    `<p>${esc(t("noticeFacts", m.time_limit_days === 0 ? t("onTheSpot") : t("days", m.time_limit_days), m.fee))}</p>` +
    `<p>${esc(t("basis", m.basis))}</p>` : "";
}
document.querySelector("#register select[name=matter]").addEventListener("change", () => {
  $("materials").innerHTML = ""; renderMaterials();
});
// An urgent request goes today: ticking urgent ticks "forward now" (the agent may untick it).
document.querySelector("#register input[name=urgent]").addEventListener("change", (e) => {
  if (e.target.checked) e.target.form.forward.checked = true;
});

$("register").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = e.target;
  const body = {
    villager_name: f.name.value, villager_phone: f.phone.value, service_id: f.matter.value,
    materials: [...document.querySelectorAll("#materials input:checked")].map((i) => i.value),
    urgent: f.urgent.checked, forward: f.forward.checked, note: f.note.value.trim() || undefined,
  };
  $("registerDone").textContent = "";
  guarded("registerError", async () => {
    const r = (await act("village-register", "/api/village/requests", body)).data;
    const matter = f.matter.value;
    f.reset(); f.matter.value = matter; $("materials").innerHTML = ""; renderMaterials();
    $("registerDone").textContent = r.status === "registered" ? t("saved", r.number, r.forward_by) : t("savedForwarded", r.number);
    await load();
  });
});

// ---- the station's requests ----------------------------------------------------------------

function statusLines(r) {
  const lines = [];
  if (r.status === "registered") {
    lines.push(r.forward_overdue ? `<span class="overdue">${esc(t("status.forwardOverdue", r.forward_by))}</span>`
      : esc(t("status.registered", r.forward_by)));
  } else if (r.status === "forwarded") {
    lines.push(esc(t("status.forwarded", time(r.forwarded_at))) +
      (r.forwarded_late ? ` <span class="overdue">${esc(t("forwardedLate"))}</span>` : ""));
  } else if (r.status === "accepted") {
    lines.push(esc(t("status.accepted", r.case_number)) + (r.town_deadline ? ` · ${esc(t("townDeadline", r.town_deadline))}` : ""));
  } else {
    // Another agent of the station is not told the town's decision (the villager's business).
    lines.push(esc(r.case_result ? t("status.closed", r.case_number, t(`result.${r.case_result}`)) : t("status.closedOnly", r.case_number)));
  }
  // What the agent tells the villager: what to bring (all at once, R11), or why (R1, R10).
  if (r.missing_materials?.length) {
    const list = r.missing_materials.join(t("listSep"));
    lines.push(`<b>${esc(r.supplement_until ? t("caseMissingBy", list, r.supplement_until) : t("caseMissing", list))}</b>`);
  }
  if (r.case_reason) lines.push(esc(t("caseReason", r.case_reason)));
  if (r.case_check_code) lines.push(esc(t("checkCode", r.case_check_code)));
  if (r.town_overdue) {
    // The town window is late, not the agent: they press the window, with nothing to tell yet.
    lines.push(`<span class="overdue">${esc(t("townOverdue", r.town_deadline))}</span>`);
  } else if (r.reply_by && !r.replied_at) {
    lines.push(r.reply_overdue ? `<span class="overdue">${esc(t("replyOverdue", r.reply_by))}</span>`
      : `<b>${esc(t("replyBy", r.reply_by))}</b>`);
  }
  if (r.replied_at) lines.push(esc(t("repliedAt", time(r.replied_at))));
  return lines;
}

function render() {
  $("empty").hidden = requests.length > 0;
  $("requests").innerHTML = requests.map((r) => {
    const own = r.villager_name != null;
    const late = r.forward_overdue || r.reply_overdue;
    const person = own ? `<div>${esc(r.villager_name)} · <a href="tel:${esc(r.villager_phone)}">${esc(r.villager_phone)}</a></div>` : "";
    const materials = r.materials.length ? t("received", r.materials.join(t("listSep"))) : t("noMaterials");
    const buttons = [
      own && r.status === "registered" ? `<button type="button" class="big primary" data-forward="${r.id}">${esc(t("forward"))}</button>` : "",
      own && r.town_answered && !r.replied_at ? `<button type="button" class="big" data-replied="${r.id}">${esc(t("replied"))}</button>` : "",
    ].join(" ");
    return `<article class="request${late ? " late" : ""}" data-request="${r.id}">` +
      `<h3>${esc(r.number)} · ${esc(r.service_name)}${r.urgent ? ` <span class="tag main">${esc(t("urgentTag"))}</span>` : ""}</h3>` +
      person + `<div class="note">${esc(materials)}</div>` +
      (own && r.note ? `<div class="note pre">${esc(r.note)}</div>` : "") +
      statusLines(r).map((l) => `<div class="status">${l}</div>`).join("") +
      (buttons.trim() ? `<div class="buttons">${buttons}</div>` : "") + `</article>`;
  }).join("");
}

$("requests").addEventListener("click", (e) => {
  const forward = e.target.closest("button[data-forward]");
  const replied = e.target.closest("button[data-replied]");
  if (forward) {
    guarded("listError", async () => { await act(`forward-${forward.dataset.forward}`, `/api/village/requests/${forward.dataset.forward}/forward`, {}); await load(); });
  } else if (replied) {
    guarded("listError", async () => { await act(`replied-${replied.dataset.replied}`, `/api/village/requests/${replied.dataset.replied}/replied`, {}); await load(); });
  }
});

async function load() {
  requests = (await api("GET", "/api/village/requests")).data;
  render();
}

// ---- sign-in -------------------------------------------------------------------------------

async function open() {
  me = (await api("GET", "/api/auth/me")).data;
  services = (await api("GET", "/api/services")).data;
  // The station is named as the form shows, not after the requests' list has loaded.
  $("station").textContent = me.station ?? "";
  $("login").hidden = true; $("register").hidden = false; $("list").hidden = false; $("logout").hidden = false;
  renderMatters();
  await load();
}

function signOut() {
  forgetActions(); // the next session's actions are its own
  token = null; me = null; sessionStorage.removeItem("vtoken");
  // Nothing of this agent's stays for the next one at the PC: a villager's name and phone half
  // typed, the station's requests.
  $("register").reset(); requests = []; render();
  $("login").hidden = false; $("register").hidden = true; $("list").hidden = true; $("logout").hidden = true;
  $("station").textContent = "";
}

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  guarded("loginError", async () => {
    const s = await signInAs(e.target, ["village"], t("villageOnly"), (v) => { token = v; });
    if (!s) return;
    sessionStorage.setItem("vtoken", token);
    await open();
  });
});
$("logout").addEventListener("click", async () => { await act("logout", "/api/auth/logout", {}).catch(() => {}); signOut(); });
languageSwitch();
onLanguage(() => { if (!token) return; renderMatters(); render(); });
// A session refused on opening has signed the page out already, saying why: leave its words.
if (token) open().catch(() => { if (token) signOut(); });
// A station's page stays open all day: the town's answers come in as the windows work.
setInterval(() => { if (token) load().catch(() => {}); }, 60_000);
