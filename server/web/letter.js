// A complaint's printable reply letter (投诉处理答复书, R21: written complaints get written
// answers): one A4 page in Simplified Chinese — the complainant, what they said and when, the
// finding, the answer and, when late, why — signed by the hall. Opened by the director console in
// a new window: the director's token comes with the copied sessionStorage, and reading the
// complaint is an audited read like any other. Every text is inserted as text (esc).

import { esc, useStrings, api } from "./common.js";
import { paper, wording } from "./paper.js";
import strings, { DOCUMENT, chineseDate } from "./letter.i18n.js";

useStrings(strings);

const parts = location.pathname.split("/"); // "", "complaints", id, "letter"
const id = decodeURIComponent(parts[2] ?? "");
const doc = wording(DOCUMENT, "letter");

const para = (text, cls = "") => `<p class="${cls}">${esc(text)}</p>`;
const item = (label, text) => `<dt>${esc(label)}</dt><dd class="pre">${esc(text)}</dd>`;

function aboutWords(c, hall) {
  if (c.about === "hall") return hall.name;
  return [c.window_name, c.staff_name].filter(Boolean).join(" ") || c.window_id || c.staff || "";
}

function sheet(c, hall) {
  const answeredOn = chineseDate(c.answered_on);
  const body = [
    para(c.complainant_name ? doc("dear", c.complainant_name) : doc("dearAnonymous"), "dear"),
    para(doc("opening", chineseDate(c.received_on), doc(`channel.${c.channel}`))),
    "<dl>",
    item(doc("what"), c.what),
    c.happened ? item(doc("happened"), c.happened) : "",
    item(doc("about"), aboutWords(c, hall)),
    item(doc("finding"), doc(`finding.${c.finding}`)),
    item(doc("answer"), c.answer ?? ""),
    c.late_explanation ? item(doc("late"), c.late_explanation) : "",
    "</dl>",
    para(doc("closing")),
  ].join("");
  // Sent by post when the complainant gave an address (written complaints get written answers).
  const to = c.complainant_address ? `<p class="to">${esc(doc("to"))}：${esc(c.complainant_address)}　${esc(c.complainant_name ?? "")}</p>` : "";
  return `${to}<div class="doc-head"><div class="hall">${esc(hall.name)}</div><h2 id="docTitle">${esc(doc("title"))}</h2>` +
    `<div class="ids">${esc(doc("number"))}：<b id="complaintNumber">${esc(c.number)}</b></div></div>` +
    `<section class="doc-body letter">${body}</section>` +
    `<div class="doc-foot"><div></div><div class="sign"><p class="stamp">${esc(hall.name)}${esc(doc("stamp"))}<br>${esc(answeredOn)}</p></div></div>` +
    `<p class="contact">${esc(doc("hallAddress"))}：${esc(hall.address)}　${esc(doc("hallPhone"))}：${esc(hall.phone)}</p>`;
}

paper({
  token: sessionStorage.getItem("dtoken"),
  draw: async () => {
    const [c, hall] = await Promise.all([api("GET", `/api/complaints/${encodeURIComponent(id)}`), api("GET", "/api/hall")])
      .then((rs) => rs.map((r) => r.data));
    if (!c.finding || !(c.state === "answered" || c.state === "closed")) return "notAnswered";
    return { title: `${doc("title")} ${c.number}`, html: sheet(c, hall) };
  },
});
