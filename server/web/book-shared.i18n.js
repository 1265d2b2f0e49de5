// Appointments (预约): the strings both booking pages share (/book to choose and book,
// /book/{code} the saved booking) — the one-time notification, the booking's states, the
// identity number's check and every booking error of the server, in the page's language.
// Simplified Chinese first, English complete (tests/browser/i18n.test.mjs).

/** `until` of booking_suspended: the first day booking is possible again. */
const day = (d) => String(d?.until ?? "").slice(0, 10);

export const BOOKING = {
  zh: {
    "sheet.title": "一次性告知", "sheet.materials": "请带齐以下材料", "sheet.fee": "收费标准", "sheet.limit": "承诺时限",
    "sheet.onTheSpot": (n) => (n ? `即办（材料齐全的当场办结，一般 ${n} 分钟内）` : "即办（当场办结）"), "sheet.days": (n) => `${n} 个工作日`, "sheet.main": "主件", "sheet.aux": "附件",
    "sheet.none": "无需提交材料", "sheet.procedure": "办理程序", "sheet.basis": "办事依据",
    "status.booked": "已预约", "status.checked_in": "已签到取号", "status.cancelled": "已取消", "status.missed": "已过期（未到）",
    "status.excused": "未到（已免责，不计入爽约）",
    "status.hallCancelled": "大厅已取消此预约（办理时间或事项调整），不计入爽约。请重新预约，如有疑问请致电大厅。",
    "slot.left": (n) => `余 ${n}`, "slot.full": "已约满",
    "check.name": "请填写姓名（最多50个字）。",
    "check.phone": "请填写正确的11位手机号码（1开头）。",
    "check.idLength": "居民身份证号码应为18位（最后一位可能是X），请核对。",
    "check.idDigit": "居民身份证号码有误（校验位不符），请逐位核对后重新填写。",
    "err.invalid_id_number": "居民身份证号码有误，请逐位核对后重新填写（18位，最后一位可能是X）。",
    "err.id_number_required": "办理这个事项须填写居民身份证号码。",
    "err.invalid_phone": "请填写正确的11位手机号码（1开头）。",
    "err.slot_full": "这个时段刚刚约满了，请选择其他时段。",
    "err.booking_limit": "预约数量已达上限：同一事项只能有一个未使用的预约，每天的预约数也有上限。可先取消原有预约。",
    "err.booking_suspended": (d) => `由于近期多次预约后未到，暂停网上预约，${day(d)} 起可以重新预约。您仍可以到大厅现场取号。`,
    "err.booking_started": "预约时段已经开始，不能再取消。",
    "err.booking_too_early": "还没到签到时间，请在预约时段开始前不久再来取号。",
    "err.booking_not_found": "没有找到这个预约，请核对预约码。",
    "err.booking_used": "这个预约已经使用、取消或过期。",
    "err.person_limit": "您今天在这个事项已有号码，不能重复取号。",
    "err.not_bookable": "这个事项在所选的日期或时段不能预约，请重新选择，或到大厅现场取号。",
    "err.invalid_name": "请填写姓名（最多50个字）。",
  },
  en: {
    "sheet.title": "One-time notification", "sheet.materials": "Bring all of these", "sheet.fee": "Fee", "sheet.limit": "Time limit",
    "sheet.onTheSpot": (n) => (n ? `on the spot (materials complete: done there, normally within ${n} min)` : "on the spot"), "sheet.days": (n) => `${n} working days`, "sheet.main": "main", "sheet.aux": "aux",
    "sheet.none": "No materials needed", "sheet.procedure": "Procedure", "sheet.basis": "Legal basis",
    "status.booked": "Booked", "status.checked_in": "Checked in: ticket taken", "status.cancelled": "Cancelled",
    "status.missed": "Missed (not checked in)",
    "status.excused": "Missed, excused (not counted)",
    "status.hallCancelled": "The hall cancelled this booking (its hours or matters changed); it does not count as missed. Please book again, or call the hall.",
    "slot.left": (n) => `${n} left`, "slot.full": "Full",
    "check.name": "Please give your name (at most 50 characters).",
    "check.phone": "Please give a valid 11-digit mobile number (starting with 1).",
    "check.idLength": "A resident identity number has 18 characters (the last may be X): please check it.",
    "check.idDigit": "This identity number is not valid (its check digit does not match): please check each digit.",
    "err.invalid_id_number": "This identity number is not valid: please check each digit (18 characters, the last may be X).",
    "err.id_number_required": "This matter needs your resident identity number.",
    "err.invalid_phone": "Please give a valid 11-digit mobile number (starting with 1).",
    "err.slot_full": "This time slot has just been taken: please choose another.",
    "err.booking_limit": "You have reached the booking limit: one open booking per matter, and a few a day. You may cancel an earlier booking first.",
    "err.booking_suspended": (d) => `After several missed bookings, online booking is suspended for you: you can book again from ${day(d)}. You can still take a ticket at the hall.`,
    "err.booking_started": "The slot has started: the booking can no longer be cancelled.",
    "err.booking_too_early": "Too early to check in: come back shortly before your slot.",
    "err.booking_not_found": "No such booking: please check the booking code.",
    "err.booking_used": "This booking was already used, cancelled or missed.",
    "err.person_limit": "You already hold a ticket for this matter today.",
    "err.not_bookable": "This matter cannot be booked on that day or at that time: please choose again, or take a ticket at the hall.",
    "err.invalid_name": "Please give your name (at most 50 characters).",
  },
};

/** A booking page's dictionary with the shared booking strings under it. */
export const withBooking = (page) => ({ zh: { ...BOOKING.zh, ...page.zh }, en: { ...BOOKING.en, ...page.en } });
