// A complaint's printable reply letter. The screen chrome follows the page's language:
// Simplified Chinese first, English complete (checked by tests/browser/i18n.test.mjs). The letter
// itself is an official document, always in Simplified Chinese: `DOCUMENT` below.
export default {
  zh: {
    pageTitle: "投诉答复书", title: "投诉答复书", print: "打印", close: "关闭", loading: "正在读取投诉…",
    noSession: "请先在主任工作台登录，再从那里打开答复书。", notAnswered: "这件投诉尚未答复，答复后才能打印答复书。",
    printHint: "打印时请选择 A4 纸，页边距和缩放保持默认。",
  },
  en: {
    pageTitle: "Complaint reply letter", title: "Complaint reply letter", print: "Print", close: "Close",
    loading: "Reading the complaint…", noSession: "Sign in on the director console first, then open the letter from there.",
    notAnswered: "This complaint is not answered yet; the letter can be printed once it is.",
    printHint: "Print on A4 paper with the default margins and scale.",
  },
};

/** "2026-11-25" -> "2026年11月25日". */
export const chineseDate = (d) => {
  const [y, m, day] = String(d ?? "").slice(0, 10).split("-").map(Number);
  return y ? `${y}年${m}月${day}日` : "";
};

/** The letter's official wording (Simplified Chinese only). */
export const DOCUMENT = {
  title: "投诉处理答复书",
  number: "编号",
  dear: (name) => `${name}：`,
  dearAnonymous: "投诉人：",
  to: "收信地址",
  opening: (date, channel) => `您于${date}通过${channel}方式反映的问题，本中心已受理并进行了调查核实。现将处理情况答复如下：`,
  "channel.oral": "当面口头", "channel.phone": "电话", "channel.written": "书面", "channel.online": "网上",
  what: "您反映的问题",
  happened: "发生时间",
  about: "投诉对象",
  finding: "调查结论",
  "finding.upheld": "属实", "finding.partly_upheld": "部分属实", "finding.not_upheld": "不属实",
  answer: "处理意见",
  late: "逾期答复说明",
  closing: "感谢您对本中心工作的监督和支持。如对本答复有异议，可在收到本答复书之日起十五日内向本中心或上级主管部门反映。",
  "about.hall": "便民服务中心",
  stamp: "（盖章）",
  hallAddress: "地址", hallPhone: "电话",
};
