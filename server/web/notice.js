// A case's printable notice (受理单, 补办通知单, 退回件通知书, 联办件通知书, 办结通知单):
// one A4 page in Simplified Chinese with the hall, the case number and check code, the applicant
// (phone masked), the matter, the materials, the dates and deadline, the reason where there is
// one, the window and clerk, and the QR code of the case's phone page. Opened by the clerk
// workstation or the director console in a new window: the staff token comes with the copied
// sessionStorage. The screen chrome follows the page's language; the sheet never does.

import { $, esc, useStrings, api } from "./common.js";
import { paper, wording } from "./paper.js";
import strings, { DOCUMENT, chineseDate } from "./notice.i18n.js";

useStrings(strings);

const KINDS = ["acceptance", "supplement", "return", "joint", "promise"];
const parts = location.pathname.split("/"); // "", "cases", number, "notice", kind
const number = decodeURIComponent(parts[2] ?? "");
const kind = decodeURIComponent(parts[4] ?? "");
/** The official wording (always Chinese, whatever the page's language). */
const doc = wording(DOCUMENT, "notice");

/** A phone number with every digit but the last four hidden. */
const maskPhone = (p) => {
  const s = String(p ?? "");
  const digits = s.replace(/\D/g, "").length;
  let seen = 0;
  return s.replace(/\d/g, (d) => (++seen > digits - 4 ? d : "*"));
};

const field = (label, value, wide = false) =>
  `<th>${esc(label)}</th><td${wide ? ' colspan="3"' : ""}>${value}</td>`;
const rowOf = (...cells) => `<tr>${cells.join("")}</tr>`;
const para = (text) => `<p>${esc(text)}</p>`;
const list = (items) => `<ol>${items.map((x) => `<li>${esc(x)}</li>`).join("")}</ol>`;

function titleOf(c) {
  if (kind === "acceptance" && c.kind === "promised") return doc("title.acceptance.promised");
  return doc(`title.${kind}`);
}

function closedOn(c) {
  // Closed here, or by the upper level's reply relayed from the county (上报件).
  const step = [...(c.history ?? [])].reverse().find((s) => s.action === "closed" || s.action === "upper_closed");
  return step ? chineseDate(step.at) : "";
}

/** The text of the sheet's body: what this notice tells the applicant. */
function body(c, matter, winText) {
  // The days promised at registration, whatever the matter says since (a reprint says the same).
  const days = c.promised_days ?? matter?.time_limit_days;
  const limit = days ? doc("days", days) : "";
  const deadline = chineseDate(c.deadline);
  const out = [];
  if (kind === "acceptance") {
    if (c.kind === "immediate") out.push(para(doc("text.immediate", c.service_name)));
    else if (c.kind === "reported") out.push(para(doc("text.reported", c.service_name, c.authority ?? "")));
    else if (deadline) out.push(para(doc("text.promised", c.service_name, deadline)));
    else out.push(para(doc("text.accepted", c.service_name)));
    if (matter?.materials?.length) {
      // A 补办件 whose materials came (its clock runs): the missing ones were brought too.
      const missing = new Set(c.kind === "supplement" && c.clock_from ? [] : (c.missing_materials ?? []));
      out.push(`<h3>${esc(doc("materialsReceived"))}</h3>`, list(matter.materials.map((m) => m.name).filter((n) => !missing.has(n))));
    }
  } else if (kind === "supplement") {
    out.push(para(doc("text.supplement", c.service_name)), `<h3>${esc(doc("materialsMissing"))}</h3>`, list(c.missing_materials ?? []));
    if (c.supplement_until) out.push(para(doc("text.supplementUntil", chineseDate(c.supplement_until))));
    if (limit) out.push(para(doc("text.supplementClock", limit)));
  } else if (kind === "return") {
    out.push(para(doc("text.return", c.service_name)));
    out.push(`<dl><dt>${esc(doc("ground"))}</dt><dd>${esc(c.return_ground ? doc(`ground.${c.return_ground}`) : doc("none"))}</dd>` +
      `<dt>${esc(doc("reason"))}</dt><dd>${esc(c.reason ?? doc("none"))}</dd></dl>`);
    out.push(para(doc("text.returnAfter")));
  } else if (kind === "joint") {
    out.push(para(doc("text.joint", c.service_name)), list((c.parts ?? []).map((p) => p.department)));
    if (deadline) out.push(para(doc("text.jointDeadline", deadline)));
  } else if (kind === "promise") {
    out.push(para(doc("text.promise", chineseDate(c.accepted_on), c.service_name)));
    const result = c.result ? doc(`result.${c.result}`) : doc("notClosed");
    out.push(`<dl><dt>${esc(doc("result"))}</dt><dd>${esc(result)}</dd>` +
      (c.result === "not_approved" && c.reason ? `<dt>${esc(doc("resultReason"))}</dt><dd>${esc(c.reason)}</dd>` : "") + "</dl>");
    // Where the result is collected (the acceptance said "办结后将通知您领取结果").
    if (["done", "approved", "not_approved"].includes(c.result)) out.push(para(doc("text.promiseCollect", winText)));
  }
  return out.join("");
}

/** The clerk by name, as the hall's staff list has it (the account when it no longer does): on
 * the 办结通知单 who closed it, on the notices given at acceptance who accepted it. */
function clerkName(c) {
  if (kind === "promise" && c.closed_by_name) return c.closed_by_name;
  return c.clerk_name || c.clerk;
}

/** The window a notice names: the one that accepted the case on the notices given then, the one
 * that has it now on the 办结通知单 (the director may have handed it on). */
function windowOf(c) {
  return kind === "promise" ? c.window_id : (c.accepted_window_id ?? c.window_id);
}

function sheet(c, hall, win, matter) {
  const winText = win ? doc("windowName", win.number, win.name) : windowOf(c);
  const ids = `${esc(doc("number"))}：<b id="caseNumber">${esc(c.number)}</b>　${esc(doc("checkCode"))}：<b id="checkCode">${esc(c.check_code)}</b>`;
  const rows = [
    rowOf(field(doc("applicant"), esc(c.applicant_name ?? doc("none"))), field(doc("phone"), esc(c.applicant_phone ? maskPhone(c.applicant_phone) : doc("none")))),
    rowOf(field(doc("matter"), esc(c.service_name), true)),
    rowOf(field(doc("kind"), esc(doc(`kind.${c.kind}`))), field(doc("acceptedOn"), esc(chineseDate(c.accepted_on)))),
  ];
  if (kind === "supplement") {
    rows.push(rowOf(field(doc("supplementUntil"), esc(chineseDate(c.supplement_until) || doc("pending"))),
      field(doc("clockFrom"), esc(chineseDate(c.clock_from) || doc("clockOnComplete")))));
  } else if (kind !== "return") {
    const deadline = chineseDate(c.deadline) + (c.extension ? `（${doc("extended", c.extension.days, c.extension.reason)}）` : "");
    // No deadline yet: an immediate case has none; a running one waits for next year's calendar.
    const none = c.kind === "immediate" ? doc("none") : c.state === "awaiting_materials" ? doc("deadlineOnComplete") : doc("pending");
    rows.push(rowOf(field(doc("clockFrom"), esc(chineseDate(c.clock_from) || doc("none"))), field(doc("deadline"), esc(deadline || none))));
  }
  if (c.kind === "reported" && c.authority) rows.push(rowOf(field(doc("authority"), esc(c.authority), true)));
  if (kind === "promise") rows.push(rowOf(field(doc("closedOn"), esc(closedOn(c) || doc("none")), true)));
  rows.push(rowOf(field(doc("window"), esc(winText)), field(doc("clerk"), esc(clerkName(c)))));
  const qrToken = (c.status_url.match(/\/c\/([^/?#]+)/) ?? [])[1] ?? "";
  const day = kind === "promise" ? closedOn(c) || chineseDate(c.accepted_on) : chineseDate(c.accepted_on);
  return `<div class="doc-head"><div class="hall">${esc(hall.name)}</div><h2 id="docTitle">${esc(titleOf(c))}</h2>` +
    `<div class="ids">${ids}</div></div>` +
    `<table class="fields">${rows.join("")}</table>` +
    `<section class="doc-body">${body(c, matter, winText)}</section>` +
    `<div class="doc-foot"><div class="qr"><img id="qr" src="/c/${encodeURIComponent(qrToken)}/qr.svg" alt="">` +
    `<p>${esc(doc("qr"))}</p></div>` +
    `<div class="sign"><p>${esc(doc("signature"))}<span class="blank"></span></p>` +
    `<p class="stamp">${esc(hall.name)}${esc(doc("stamp"))}<br>${esc(day)}</p></div></div>` +
    `<p class="contact">${esc(doc("hallAddress"))}：${esc(hall.address)}　${esc(doc("hallPhone"))}：${esc(hall.phone)}</p>`;
}

paper({
  token: sessionStorage.getItem("token") || sessionStorage.getItem("dtoken"),
  draw: async () => {
    if (!KINDS.includes(kind)) return "unknownKind";
    const [c, hall, windows, services] = await Promise.all([
      api("GET", `/api/cases/${encodeURIComponent(number)}`), api("GET", "/api/hall"), api("GET", "/api/windows"), api("GET", "/api/services"),
    ]).then((rs) => rs.map((r) => r.data));
    const win = windows.find((w) => w.id === windowOf(c));
    const matter = services.find((s) => s.id === c.service_id);
    // The QR code's image is part of the sheet: printing waits for it (or its failure).
    const ready = () => new Promise((resolve) => {
      const qr = $("qr");
      if (!qr || qr.complete) resolve(); else { qr.addEventListener("load", resolve); qr.addEventListener("error", resolve); }
    });
    return { title: `${titleOf(c)} ${c.number}`, html: sheet(c, hall, win, matter), ready };
  },
});
