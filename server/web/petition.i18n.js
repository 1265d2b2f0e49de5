// A petition's printable 交办单 and 告知书. The screen chrome follows the page's language:
// Simplified Chinese first, English complete (tests/browser/i18n.test.mjs). The documents are
// official and always in Simplified Chinese: their wording is `DOCUMENT` below.
export default {
  zh: {
    pageTitle: "信访文书", title: "信访文书", print: "打印", close: "关闭", loading: "正在读取信访事项…",
    noSession: "请先在主任工作台登录，再从那里打开信访文书。", unknownKind: "没有这种信访文书。",
    notTransferred: "该信访事项尚未转交承办部门，没有交办单。",
    anonymousNotice: "该信访事项为匿名信访，没有可送达的信访人，不出具告知书。",
    printHint: "打印时请选择 A4 纸，页边距和缩放保持默认。",
  },
  en: {
    pageTitle: "Petition papers", title: "Petition papers", print: "Print", close: "Close", loading: "Reading the petition…",
    noSession: "Sign in on the director console first, then open the paper from there.", unknownKind: "There is no such paper.",
    notTransferred: "The petition was not transferred to a department: there is no transfer slip.",
    anonymousNotice: "The petition is anonymous: there is nobody to give a notice to.",
    printHint: "Print on A4 paper with the default margins and scale.",
  },
};

/** "2026-11-25" (or a time) -> "2026年11月25日". */
export const chineseDate = (d) => {
  const [y, m, day] = String(d ?? "").slice(0, 10).split("-").map(Number);
  return y ? `${y}年${m}月${day}日` : "";
};

/** A time -> "2026年11月25日 09:30". */
export const chineseTime = (at) => (at ? `${chineseDate(at)} ${String(at).slice(11, 16)}` : "");

/** The official wording of the petition papers (Simplified Chinese only). */
export const DOCUMENT = {
  "title.transfer-slip": "信访事项交办单", "title.notice": "信访事项告知书",
  "channel.letter": "来信", "channel.visit": "来访", "channel.call": "来电", "channel.online": "网上信访",
  number: "编号", received: "收到时间", channel: "信访方式", department: "承办部门", issue: "反映的主要问题",
  asked: "交办要求", due: "办理时限", urgency: "紧急程度", urgent: "紧急或重大", ordinary: "一般",
  leader: "领导接访", none: "（无）", pending: "待定（下一年度节假日安排导入后确定）",
  dueText: (date) => `请于${date}前办结，并将办理结果书面答复信访人、报送中心主任。`,
  slipText: "按照“分级负责、归口办理”的原则，现将上述信访事项交你部门办理。信访人的身份信息依法保密，如需联系信访人，请与中心主任联系。",
  handedBy: "交办人（签字）", receivedBy: "承办部门接收人（签字）", date: "日期", result: "办理结果",
  stamp: "（盖章）",
  salutation: (name) => `${name}：`,
  noticeReceived: (date, channel, number) => `您于${date}以${channel}方式反映的问题（编号${number}）我中心已收悉。`,
  noticeTransferred: (dept, date) => `根据“分级负责、归口办理”的原则，该事项已转交${dept}办理，将于${date}前给予答复。`,
  noticeTransferredPending: (dept) => `根据“分级负责、归口办理”的原则，该事项已转交${dept}办理，答复期限待下一年度节假日安排公布后确定并告知您。`,
  noticeOwn: (date) => `该事项由我中心办理，将于${date}前给予答复。`,
  noticeOwnPending: "该事项由我中心办理，答复期限待下一年度节假日安排公布后确定并告知您。",
  noticeAnswered: "该事项已作答复，答复内容如下：",
  followUp: (phone, address) => `如需了解办理进展，请持本告知书到本中心（${address}）或致电${phone}查询，查询时请提供上述编号。`,
  confidential: "您的个人信息我中心依法予以保密。",
  hallAddress: "地址", hallPhone: "电话",
};
