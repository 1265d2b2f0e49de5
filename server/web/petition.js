// A petition's printable papers on one A4 page each, in Simplified Chinese: the 交办单 to the
// department (number, received, the issue, the department, what is asked, the due day,
// signature lines; never the petitioner's identity) and the 告知书 to the petitioner (received,
// which department handles it, by when, how to follow up). Opened by the director console in a
// new window: the director's token comes with the copied sessionStorage, and the read of the
// petition is audited by the server. Every text is inserted as text.

import { esc, useStrings, api } from "./common.js";
import { paper, wording } from "./paper.js";
import strings, { DOCUMENT, chineseDate, chineseTime } from "./petition.i18n.js";

useStrings(strings);

const KINDS = ["transfer-slip", "notice"];
const parts = location.pathname.split("/"); // "", "petitions", id, kind
const id = decodeURIComponent(parts[2] ?? "");
const kind = decodeURIComponent(parts[3] ?? "");
/** The official wording (always Chinese, whatever the page's language). */
const doc = wording(DOCUMENT, "petition");

const field = (label, value, wide = false) => `<th>${esc(label)}</th><td${wide ? ' colspan="3"' : ""}>${esc(value)}</td>`;
const rowOf = (...cells) => `<tr>${cells.join("")}</tr>`;
const para = (text, cls = "") => `<p${cls ? ` class="${cls}"` : ""}>${esc(text)}</p>`;
const dueOf = (p) => p.transfer?.due ?? p.due;

function slip(p, hall) {
  const due = dueOf(p);
  const rows = [
    rowOf(field(doc("number"), p.number), field(doc("received"), chineseTime(p.received_at))),
    rowOf(field(doc("channel"), doc(`channel.${p.channel}`)),
      field(doc("urgency"), [p.urgent ? doc("urgent") : doc("ordinary"), p.leader_reception ? doc("leader") : ""].filter(Boolean).join("，"))),
    rowOf(field(doc("department"), p.transfer.department, true)),
    rowOf(`<th>${esc(doc("issue"))}</th><td colspan="3" class="issue">${esc(p.issue)}</td>`),
    rowOf(field(doc("asked"), p.transfer.note ?? doc("none"), true)),
    rowOf(field(doc("due"), due ? doc("dueText", chineseDate(due)) : doc("pending"), true)),
    rowOf(`<th>${esc(doc("result"))}</th><td colspan="3" class="blank-box"></td>`),
  ];
  return `<div class="doc-head"><div class="hall">${esc(hall.name)}</div><h2 id="docTitle">${esc(doc("title.transfer-slip"))}</h2>` +
    `<div class="ids">${esc(doc("number"))}：<b id="petitionNumber">${esc(p.number)}</b></div></div>` +
    `<table class="fields">${rows.join("")}</table>` +
    `<section class="doc-body">${para(doc("slipText"))}</section>` +
    `<div class="doc-foot signatures">` +
    `<div class="sign"><p>${esc(doc("handedBy"))}<span class="blank"></span></p><p>${esc(doc("date"))}<span class="blank"></span></p></div>` +
    `<div class="sign"><p>${esc(doc("receivedBy"))}<span class="blank"></span></p><p>${esc(doc("date"))}<span class="blank"></span></p></div>` +
    `</div>` +
    `<p class="contact">${esc(hall.name)}${esc(doc("stamp"))}　${esc(doc("hallPhone"))}：${esc(hall.phone)}</p>`;
}

function notice(p, hall) {
  const due = dueOf(p);
  const out = [para(doc("noticeReceived", chineseDate(p.received_at), doc(`channel.${p.channel}`), p.number))];
  if (p.answer) {
    out.push(para(doc("noticeAnswered")), `<blockquote id="answerText">${esc(p.answer.text)}</blockquote>`);
  } else if (p.transfer) {
    out.push(para(due ? doc("noticeTransferred", p.transfer.department, chineseDate(due)) : doc("noticeTransferredPending", p.transfer.department)));
  } else {
    out.push(para(due ? doc("noticeOwn", chineseDate(due)) : doc("noticeOwnPending")));
  }
  out.push(para(doc("followUp", hall.phone, hall.address)), para(doc("confidential")));
  const day = chineseDate(p.transfer?.at ?? p.answer?.at ?? p.received_at);
  return `<div class="doc-head"><div class="hall">${esc(hall.name)}</div><h2 id="docTitle">${esc(doc("title.notice"))}</h2>` +
    `<div class="ids">${esc(doc("number"))}：<b id="petitionNumber">${esc(p.number)}</b></div></div>` +
    `<section class="doc-body"><p class="salutation">${esc(doc("salutation", p.name))}</p>${out.join("")}</section>` +
    `<div class="doc-foot"><div></div><div class="sign"><p class="stamp">${esc(hall.name)}${esc(doc("stamp"))}<br>${esc(day)}</p></div></div>` +
    `<p class="contact">${esc(doc("hallAddress"))}：${esc(hall.address)}　${esc(doc("hallPhone"))}：${esc(hall.phone)}</p>`;
}

paper({
  token: sessionStorage.getItem("dtoken"),
  draw: async () => {
    if (!KINDS.includes(kind)) return "unknownKind";
    const [p, hall] = await Promise.all([api("GET", `/api/petitions/${encodeURIComponent(id)}`), api("GET", "/api/hall")])
      .then((rs) => rs.map((r) => r.data));
    if (kind === "transfer-slip" && !p.transfer) return "notTransferred";
    // An anonymous petition: nobody to give a 告知书 to (nor an address to post it to).
    if (kind === "notice" && p.anonymous) return "anonymousNotice";
    return { title: `${doc(`title.${kind}`)} ${p.number}`, html: kind === "transfer-slip" ? slip(p, hall) : notice(p, hall) };
  },
});
