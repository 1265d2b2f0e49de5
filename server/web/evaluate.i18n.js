// The window's evaluator's strings (好差评 评价器, evaluate.html): Simplified Chinese first, English
// complete (checked by tests/browser/i18n.test.mjs); the rating's own strings come from
// rating.i18n.js. Keys used in evaluate.html as data-t have the page's text as zh.
import { withRating } from "./rating.i18n.js";

export default withRating({
  zh: {
    pageTitle: "服务评价", hall: "便民服务中心", otherLanguage: "English",
    setupTitle: "评价器设置",
    setupHint: "请输入本窗口评价器的设备令牌（由大厅信息管理员提供）。只需设置一次，令牌保存在本设备上。",
    deviceToken: "设备令牌", save: "保存并开始",
    welcome: "您好，欢迎办理业务", askTitle: "请您对本次服务进行评价", thanks: "感谢您的评价",
    followUp: "我们会核实情况，在规定时限内整改并答复您。",
    window: (n, name) => `${n} 号窗口 · ${name}`, windowShort: (n) => `${n} 号窗口`,
    staffNo: (no) => `工号：${no}`, noClerk: "本窗口暂停服务",
    asked: (number) => `号码 ${number}`,
    badToken: "设备令牌无效，请重新设置。", live: "● 实时",
  },
  en: {
    pageTitle: "Rate the service", hall: "Service hall", otherLanguage: "中文",
    setupTitle: "Set up this rating screen",
    setupHint: "Enter this window's rating screen token (from the hall's IT). It is asked once and kept on this device.",
    deviceToken: "Device token", save: "Save and start",
    welcome: "Welcome", askTitle: "Please rate this service", thanks: "Thank you for your rating",
    followUp: "The hall will look into it, put it right and answer you within the set time.",
    window: (n, name) => `Window ${n} · ${name}`, windowShort: (n) => `Window ${n}`,
    staffNo: (no) => `Staff no. ${no}`, noClerk: "This window is not serving now",
    asked: (number) => `Ticket ${number}`,
    badToken: "The device token is not valid: please set it again.", live: "● live",
  },
});
