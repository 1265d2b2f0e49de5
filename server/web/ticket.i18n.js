// The citizen's ticket page's strings: Simplified Chinese first, English complete (checked by
// tests/browser/i18n.test.mjs). Keys used in ticket.html as data-t have the page's text as zh.
import { withRating } from "./rating.i18n.js";

export default withRating({
  zh: {
    pageTitle: "我的排号", otherLanguage: "EN", hall: "便民服务中心", yourNumber: "您的号码", ahead: "前面还有", people: "人",
    wait: "预计等候", minutes: "分钟", issued: "取号时间",
    hint: "本页自动更新，叫到您的号时会提示，请留意大厅叫号屏和语音。",
    waiting: "等候中", transferred: "已转办，正在等候", serving: "正在办理", done: "已办结，感谢您的耐心等候",
    no_show: "叫号时您未到窗口，请与工作人员联系", called: "请到窗口办理",
    go: (n, name) => `请到 ${n} 号窗口（${name}）办理`, at: (n, name) => `正在 ${n} 号窗口（${name}）办理`,
    place: (where) => `位置：${where}`, live: "● 实时更新", unknown: "未找到这张号票，请核对取号凭条上的二维码。",
    malformed: "链接不完整，请重新扫描取号凭条上的二维码。", offline: "暂时无法连接服务器，稍后自动重试。",
    complain: "我要投诉",
    complaintIntro: "对窗口服务或大厅工作不满意，可以在这里投诉，大厅主任会在规定时间内处理。留下姓名和电话便于答复，也可以不留。",
    complaintAbout: "投诉对象", aboutWindow: "为我办理的窗口", aboutHall: "大厅", complaintWhat: "发生了什么",
    complaintName: "姓名（可不填）", complaintContact: "联系电话（可不填）", complaintSend: "提交投诉",
    complaintReceived: (number, due) => `您的投诉已受理，编号 ${number}${due ? `，大厅主任将于 ${due} 前处理答复` : "，大厅主任将尽快处理答复"}。请保留编号。`,
  },
  en: {
    pageTitle: "My ticket", otherLanguage: "中文", hall: "Service hall", yourNumber: "Your number", ahead: "Ahead of you",
    people: "people", wait: "Estimated wait", minutes: "minutes", issued: "Issued at",
    hint: "This page updates by itself and tells you when your number is called; also watch the hall's screens.",
    waiting: "Waiting", transferred: "Transferred, waiting again", serving: "Being served", done: "Finished — thank you for waiting",
    no_show: "You were called but did not come; please speak to the staff", called: "Please go to the window",
    go: (n, name) => `Please go to window ${n} (${name})`, at: (n, name) => `Being served at window ${n} (${name})`,
    place: (where) => `Where: ${where}`, live: "● live", unknown: "No such ticket. Please check the QR code on your ticket.",
    malformed: "This link is incomplete. Please scan the QR code on your ticket again.", offline: "Cannot reach the server; retrying.",
    complain: "Make a complaint",
    complaintIntro: "Not satisfied with a window's service or the hall? Complain here; the hall director handles it within the set time. A name and phone help us answer you, but are optional.",
    complaintAbout: "About", aboutWindow: "The window that served me", aboutHall: "The hall", complaintWhat: "What happened",
    complaintName: "Name (optional)", complaintContact: "Phone (optional)", complaintSend: "Send the complaint",
    complaintReceived: (number, due) => `Your complaint is received, number ${number}${due ? `; the director answers by ${due}` : "; the director answers as soon as possible"}. Please keep the number.`,
  },
});
