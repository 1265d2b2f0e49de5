// The citizen's case page's strings: Simplified Chinese first, English complete (checked by
// tests/browser/i18n.test.mjs). Keys used in case.html as data-t have the page's text as zh.
import { withRating } from "./rating.i18n.js";

export default withRating({
  zh: {
    pageTitle: "办件进度", otherLanguage: "EN", hall: "便民服务中心", caseNumber: "办件编号", deadline: "承诺办结日期",
    left: "剩余时限", history: "办理经过", missingTitle: "请补齐以下材料",
    missingBy: (d) => `请于 ${d} 前（含当日）补齐，逾期未补齐本件将终止办理。`,
    hint: "本页自动更新。如有疑问，请带上通知书到窗口咨询。",
    "status.open": "正在办理", "status.awaiting_materials": "等待您补齐材料，补齐后开始计算办理时限",
    "status.closed": (result) => `已办结：${result}`,
    "status.returned": "申请已退回，请按通知书所列理由处理后重新申请",
    "status.expired": "补正期限已过，未补齐材料，本件已终止办理；如需办理请重新申请",
    ask: (n, name) => `如有疑问，请到 ${n} 号窗口（${name}）咨询`,
    askHall: "如有疑问，请带上通知书到中心综合咨询窗口咨询",
    acceptedOn: (d) => `受理日期：${d}`, workingDays: (_n) => "个工作日", dueToday: "今日到期", overdue: "已超期",
    unknown: "未找到这个办件，请核对通知书上的二维码。", offline: "暂时无法连接服务器，稍后自动重试。", live: "● 实时更新",
  },
  en: {
    pageTitle: "Case progress", otherLanguage: "中文", hall: "Service hall", caseNumber: "Case number", deadline: "Promised by",
    left: "Time left", history: "What has happened", missingTitle: "Please bring these materials",
    missingBy: (d) => `Please bring them by ${d} (that day included); after it the case ends.`,
    hint: "This page updates by itself. With any question, bring the notice to the window.",
    "status.open": "Being handled", "status.awaiting_materials": "Waiting for your missing materials; the time limit starts once they are complete",
    "status.closed": (result) => `Closed: ${result}`,
    "status.returned": "The application was returned; see the reasons on the notice, then apply again",
    "status.expired": "The materials did not come in time: the case has ended; apply again if you still need it",
    ask: (n, name) => `With any question, ask at window ${n} (${name})`,
    askHall: "With any question, bring the notice to the hall's general inquiry window",
    acceptedOn: (d) => `Accepted on ${d}`, workingDays: (n) => (n === 1 ? "working day" : "working days"), dueToday: "Due today", overdue: "overdue",
    unknown: "No such case. Please check the QR code on your notice.", offline: "Cannot reach the server; retrying.", live: "● live",
  },
});
