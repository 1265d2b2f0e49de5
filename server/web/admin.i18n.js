// The admin page's strings: Simplified Chinese first, English complete (checked by
// tests/browser/i18n.test.mjs). Keys used in admin.html as data-t have the page's text as zh.
export default {
  zh: {
    pageTitle: "大厅配置", title: "大厅配置", logout: "退出", signIn: "管理员登录", username: "用户名", password: "密码",
    enter: "进入", editorTitle: "部门、队列、窗口、办事事项（六公开）、账号 — 保存即生效，无需重启",
    save: "校验并保存", export: "导出 TOML", adminOnly: "只有管理员账号可以进入。",
    saved: (windows, matters) => `已保存并生效：${windows} 个窗口，${matters} 项事项`,
    calendarTitle: "工作日历（法定节假日和调休）",
    calendarHint: "办件时限按法定工作日计算。每年国务院办公厅公布次年节假日安排后，请按已导入年份的格式添加次年的安排。",
    noYears: "尚未导入任何年份。", calendarAdd: "添加一年的安排（TOML）", addYear: "校验并导入",
    hYear: "年份", hSource: "依据", hWorkingDays: "工作日数", year: (y) => `${y}年`,
    yearAdded: (year, days) => `已导入${year}年：${days} 个工作日`,
    yearAmended: (year, days) => `；同时按通知调整了${year}年 ${days}`, listSep: "、",
    bookingsCancelled: (n) => `；调整后放假日的 ${n} 个预约已取消，请主任在当日预约名单中逐一电话告知`,
    deadlinesDeferred: (n) => `；落在调整后放假日的 ${n} 个办结或答复期限已顺延至下一个工作日，各自记入办理记录`,
  },
  en: {
    pageTitle: "Hall administration", title: "Hall administration", logout: "Sign out", signIn: "Administrator",
    username: "Username", password: "Password", enter: "Enter",
    editorTitle: "Departments, queues, windows, matters (six disclosures), accounts — saved changes apply at once, no restart",
    save: "Check and save", export: "Export TOML", adminOnly: "Only an administrator account may enter.",
    saved: (windows, matters) => `Saved and in force: ${windows} windows, ${matters} matters`,
    calendarTitle: "Working-day calendar (public holidays and swapped days)",
    calendarHint: "Case time limits count statutory working days. Each year, once the State Council publishes the next year's holidays, add that year in the format of the loaded ones.",
    noYears: "No year is loaded yet.", calendarAdd: "Add a year's schedule (TOML)", addYear: "Check and add",
    hYear: "Year", hSource: "Source", hWorkingDays: "Working days", year: (y) => `${y}`,
    yearAdded: (year, days) => `Added ${year}: ${days} working days`,
    yearAmended: (year, days) => `; the notice also changed ${days} of ${year}`, listSep: ", ",
    bookingsCancelled: (n) => `; ${n} booking(s) on the days now off were cancelled: the director phones each from that day's bookings list`,
    deadlinesDeferred: (n) => `; ${n} deadline(s) on the days now off moved to the next working day, each noted in its history`,
  },
};
