// The reports page's strings: Simplified Chinese first, English complete (checked by
// tests/browser/i18n.test.mjs). Keys used in reports.html as data-t have the page's text as zh.
export default {
  zh: {
    inspectionsLink: "督查记录",
    pageTitle: "统计报表", title: "统计报表", logout: "退出", signIn: "中心主任、分管领导或管理员登录", username: "用户名",
    password: "密码", enter: "进入", directorOnly: "只有中心主任、分管领导或管理员账号可以查看报表。",
    from: "起始日期", to: "截止日期", by: "分组", show: "查询", csv: "下载 CSV", xlsx: "下载 Excel", month: "打印月报",
    "by.hall": "全厅", "by.window": "窗口", "by.staff": "工作人员", "by.matter": "办事事项", "by.queue": "队列",
    "by.hour": "取号时段",
    unknownNote: "“—”表示该分组无法统计此项（例如号票取自事项，不属于某个窗口），不是零。",
    hGroup: "分组", hIssued: "取号", hServed: "办结", hNoShow: "未到", hTransferred: "转办",
    hWait: "等候（分钟）平均/中位/90%", hService: "办理（分钟）平均/中位/90%", hCases: "办件", hOnTime: "按时办结",
    hLate: "超期办结", hOverdue: "超期未结", hRated: "评价", hSatisfaction: "满意率", total: "合计",
    noData: "该时段没有数据。", charts: "图表",
    "chart.arrivals": "各时段取号", "chart.waits": "等候时间分布", "chart.service": "各事项平均办理时间",
    "chart.satisfaction": "各窗口满意率", "chart.trend": "每日取号",
  },
  en: {
    inspectionsLink: "Inspections",
    pageTitle: "Reports", title: "Reports", logout: "Sign out", signIn: "Director, leader or administrator", username: "Username",
    password: "Password", enter: "Enter", directorOnly: "Only a director, leader or administrator account may see reports.",
    from: "From", to: "To", by: "Group by", show: "Show", csv: "Download CSV", xlsx: "Download Excel", month: "Print monthly report",
    "by.hall": "Hall", "by.window": "Window", "by.staff": "Staff member", "by.matter": "Matter", "by.queue": "Queue",
    "by.hour": "Hour issued",
    unknownNote: "“—” means the figure does not apply to the group (a ticket is issued for a matter, not to a window), not zero.",
    hGroup: "Group", hIssued: "Issued", hServed: "Served", hNoShow: "No-show", hTransferred: "Transferred",
    hWait: "Wait (min) mean/median/90%", hService: "Service (min) mean/median/90%", hCases: "Cases", hOnTime: "On time",
    hLate: "Late", hOverdue: "Overdue open", hRated: "Rated", hSatisfaction: "Satisfaction", total: "Total",
    noData: "No data in this range.", charts: "Charts",
    "chart.arrivals": "Tickets by hour issued", "chart.waits": "Waiting time", "chart.service": "Mean service time per matter",
    "chart.satisfaction": "Satisfaction per window", "chart.trend": "Tickets per day",
  },
};
