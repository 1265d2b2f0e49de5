// The director console's strings: Simplified Chinese first, English complete (checked by
// tests/browser/i18n.test.mjs). Keys used in director.html as data-t have the page's text as zh.
export default {
  zh: {
    pageTitle: "大厅主任", title: "大厅主任工作台", logout: "退出", signIn: "主任登录", username: "用户名", password: "密码",
    enter: "进入", kiosks: "自助取号机", windows: "窗口总览", queues: "队列与今日数据", staff: "今日签到",
    standIn: "调岗（顶岗人员）", move: "调往该窗口", notice: "显示屏滚动通知", publish: "发布",
    directorOnly: "只有大厅主任或管理员可以进入。",
    hWindow: "窗口", hStatus: "状态", hClerk: "在岗人员", hTicket: "当前号", hMinutes: "已办理(分)", hDone: "办结", hNoShow: "未到",
    hAction: "", hQueue: "队列", hWaiting: "等候", hLongest: "最长等候", hIssued: "取号", hWait: "等候 平均/90%",
    hService: "办理 平均/90%", hName: "姓名", hAt: "签到时间", open: "服务中", paused: "暂停", closed: "未开放", pause: "暂停",
    resume: "恢复", late: "迟到", min: "分",
    hKiosk: "取号机", hFault: "打印机", hMessage: "说明", hFailed: "未打出的号", hSince: "报告时间", kioskOk: "正常",
  },
  en: {
    pageTitle: "Director console", title: "Director console", logout: "Sign out", signIn: "Director sign-in",
    username: "Username", password: "Password", enter: "Enter", kiosks: "Ticket kiosks", windows: "Windows",
    queues: "Queues and today's figures", staff: "Signed in today", standIn: "Move a clerk (stand-in)",
    move: "Move to that window", notice: "Notice line of the displays", publish: "Publish",
    directorOnly: "Only the hall director or an administrator may enter.",
    hWindow: "Window", hStatus: "Status", hClerk: "On duty", hTicket: "Ticket", hMinutes: "Minutes", hDone: "Finished",
    hNoShow: "No-show", hAction: "", hQueue: "Queue", hWaiting: "Waiting", hLongest: "Longest wait", hIssued: "Issued",
    hWait: "Wait avg / p90", hService: "Service avg / p90", hName: "Name", hAt: "Signed in", open: "open", paused: "paused",
    closed: "closed", pause: "Pause", resume: "Resume", late: "late", min: "min",
    hKiosk: "Kiosk", hFault: "Printer", hMessage: "Message", hFailed: "Ticket not printed", hSince: "Reported",
    kioskOk: "working",
  },
};
