// The booking page's strings (/book): Simplified Chinese first, English complete (checked by
// tests/browser/i18n.test.mjs). Keys used in book.html as data-t have the page's text as zh;
// the one-time notification, the slots' places and the booking errors are shared with the saved
// booking's page (book-shared.i18n.js).
import { withBooking } from "./book-shared.i18n.js";

export default withBooking({
  zh: {
    pageTitle: "网上预约", hall: "便民服务中心",
    "step.matter": "事项", "step.day": "日期", "step.slot": "时段", "step.sheet": "须知", "step.form": "信息",
    chooseMatter: "请选择要办理的事项",
    noMatters: "本大厅暂时没有可以网上预约的事项，请到大厅现场取号。",
    chooseDay: "请选择日期",
    noDays: "近几个办公日的预约名额已满，请过几天再来预约，或到大厅现场取号。",
    chooseSlot: "请选择到大厅的时段", noSlots: "这一天的时段都已约满，请选择其他日期。",
    sheetIntro: "办理前请阅读一次性告知", readIt: "我已了解，会带齐材料按时到大厅", sheetNext: "下一步：填写预约信息",
    back: "上一步",
    name: "姓名", phone: "手机号码", idNumber: "居民身份证号码",
    idNote: "办理这个事项须凭本人身份证。号码只用于核对身份和预约限额，不以明文保存。",
    privacy: "手机号码只用于联系您，各处只显示部分号码；预约信息到期后自动删除。",
    submit: "确认预约",
  },
  en: {
    pageTitle: "Book an appointment", hall: "Service hall",
    "step.matter": "Matter", "step.day": "Day", "step.slot": "Time", "step.sheet": "Notice", "step.form": "Details",
    chooseMatter: "Choose the matter you come for",
    noMatters: "This hall has no matter to book online for now: please take a ticket at the hall.",
    chooseDay: "Choose a day",
    noDays: "The next days the hall opens are fully booked: please try again in a few days, or take a ticket at the hall.",
    chooseSlot: "Choose when you come to the hall", noSlots: "Every slot of this day is taken: please choose another day.",
    sheetIntro: "Before you come: the one-time notification", readIt: "I have read it and will bring everything on time",
    sheetNext: "Next: your details",
    back: "Back",
    name: "Name", phone: "Mobile number", idNumber: "Resident identity number",
    idNote: "This matter needs your identity card. The number is used only to check who you are and the booking limits; it is never stored in clear.",
    privacy: "Your mobile number is used only to reach you and is shown in part only; the booking's details are deleted after a while.",
    submit: "Book",
  },
});
