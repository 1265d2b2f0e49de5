// The saved booking's page (/book/{code}): Simplified Chinese first, English complete (checked by
// tests/browser/i18n.test.mjs). The one-time notification, the booking's states and the booking
// errors are shared with /book (book-shared.i18n.js).
import { withBooking } from "./book-shared.i18n.js";

export default withBooking({
  zh: {
    pageTitle: "我的预约", hall: "便民服务中心", code: "预约码",
    howTo: "到大厅后，在自助取号机上选「预约取号」，扫描这个二维码或输入预约码取号。",
    matter: "事项", when: "时间", where: "窗口", who: "预约人",
    location: (where) => `位置：${where}`,
    onTime: "请按时到达：迟到超过宽限时间的，按现场取号排队。",
    onTimeFromUntil: (from, until) => `请在 ${from}–${until} 之间到自助机签到取号；${until} 以后签到的，按现场取号排队。`,
    cancel: "取消预约", cancelUntil: (when) => `${when} 前可以取消`,
    cancelAsk: "确定取消这次预约吗？取消后名额会让给其他群众。", cancelNo: "不取消", cancelYes: "确定取消",
    save: "请收藏本页或截图保存，凭预约码或二维码取号。", another: "再预约一个事项",
    ticket: (number) => `已取号 ${number}，点此查看排队进度`,
    qrAlt: "本预约的二维码",
    unknown: "没有找到这个预约，请核对预约码。", malformed: "链接不完整：预约码是8位数字，请核对。",
  },
  en: {
    pageTitle: "My booking", hall: "Service hall", code: "Booking code",
    howTo: "At the hall, choose “Booked? Check in” on a ticket kiosk and scan this QR code or type the booking code.",
    matter: "Matter", when: "When", where: "Window", who: "Booked by",
    location: (where) => `Where: ${where}`,
    onTime: "Please come on time: arriving after the grace time, you queue like a walk-in.",
    onTimeFromUntil: (from, until) => `Check in at a kiosk between ${from} and ${until}; checking in after ${until}, you queue like a walk-in.`,
    cancel: "Cancel the booking", cancelUntil: (when) => `You can cancel until ${when}`,
    cancelAsk: "Cancel this booking? Its place goes to someone else.", cancelNo: "Keep it", cancelYes: "Cancel it",
    save: "Bookmark this page or take a screenshot: the booking code or the QR code gets you your ticket.",
    another: "Book another matter",
    ticket: (number) => `Ticket ${number} taken: follow your place in the queue`,
    qrAlt: "This booking's QR code",
    unknown: "No such booking: please check the booking code.", malformed: "This link is incomplete: a booking code is 8 digits.",
  },
});
