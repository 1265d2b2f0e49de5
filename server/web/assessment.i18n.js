// The monthly assessment's strings (R17), laid into the dictionaries of the pages that show it
// (director console, clerk page, the printed monthly report). Simplified Chinese first, English
// complete.
export const ASSESSMENT = {
  zh: {
    asTitle: "月度考核", asMonth: "月份", asStaff: "工作人员", asWindows: "窗口", asClose: "结账（冻结本月考核）",
    asConfirmClose: (m) => `确定结账 ${m} 的考核吗？结账后该月考核表冻结，以后更正的数据不再改变它。`,
    asInProgress: "本月尚未结束，分数随数据变化。", asOpen: "该月尚未结账：以后更正的数据仍会改变分数。",
    asClosed: (at, by) => `已于 ${at} 由 ${by} 结账：考核表已冻结。`,
    asChanged: "结账后有数据更正：以下为结账时的分数，今日重新计算会有不同。",
    asNone: "该月没有可考核的人员。", asUnknown: "“—”表示该项无数据（如窗口无考勤、无人评价），不计为零，其权重由其他各项分摊。",
    asRank: "名次", asWho: "对象", asTotal: "总分", asGrade: "等次", asDeducted: "扣分",
    "as.attendance": "考勤", "as.discipline": "纪律", "as.service": "服务量", "as.cases": "办件", "as.archives": "档案", "as.satisfaction": "满意度",
    "grade.excellent": "优秀", "grade.good": "良好", "grade.pass": "合格", "grade.fail": "不合格",
    asLateEarlyAbsent: "迟到/早退/缺勤", asFindings: "督查发现", asServed: "办结（出勤天数）", asServedDays: (n, d) => `${n}（${d}天）`,
    asServiceNote: "服务量按出勤日计：经批准的休假（半天计半天）和入职前的日子不计入，休假日、周六等来岗办件的日子计入；全月未出勤的人员服务量为“—”。", asServiceTime: "办理分钟 平均/90%",
    asCasesOnTime: "按时/超期办结/超期未结", asFilesOnTime: "按时/逾期归档/逾期未归档", asRated: "评价数", asUpheld: "投诉属实",
    asWeights: (w, s) => `权重：${w}。考勤项内每次迟到扣 ${s.late} 分、早退 ${s.early_leave} 分、缺勤 ${s.absent} 分；纪律项内每条督查发现扣 ${s.finding} 分；总分中每件属实投诉扣 ${s.complaint_upheld} 分、每件超期未结办件扣 ${s.overdue_case} 分。等次：${s.excellent} 分以上优秀，${s.good} 分以上良好，${s.pass} 分以上合格。`,
    asMine: "我的月度考核", asMyRank: (r, n) => `第 ${r} 名（共 ${n} 人）`, asNoSheet: "该月没有您的考核表。",
    "err.month_not_over": "该月尚未结束，结束后才能结账。",
    "err.month_closed": "该月考核已经结账。",
    "err.oversight_only": "只有中心主任、分管领导或管理员可以查看。",
  },
  en: {
    asTitle: "Monthly assessment", asMonth: "Month", asStaff: "Staff", asWindows: "Windows", asClose: "Close the month (freeze it)",
    asConfirmClose: (m) => `Close the assessment of ${m}? Its sheets are then frozen; later corrections of the records no longer change them.`,
    asInProgress: "The month is not over: the scores move with the records.", asOpen: "Not closed yet: corrections of the records still change the scores.",
    asClosed: (at, by) => `Closed on ${at} by ${by}: the sheets are frozen.`,
    asChanged: "Records were corrected after the month was closed: these are the scores as closed; today's records would give others.",
    asNone: "Nobody to assess in that month.", asUnknown: "“—” means there is nothing to score (a window has no attendance, nobody rated): not zero; its weight is shared by the others.",
    asRank: "Rank", asWho: "Who", asTotal: "Total", asGrade: "Grade", asDeducted: "Deducted",
    "as.attendance": "Attendance", "as.discipline": "Discipline", "as.service": "Service", "as.cases": "Cases", "as.archives": "Archives", "as.satisfaction": "Satisfaction",
    "grade.excellent": "Excellent", "grade.good": "Good", "grade.pass": "Pass", "grade.fail": "Fail",
    asLateEarlyAbsent: "Late/early/absent", asFindings: "Findings", asServed: "Served (days at work)", asServedDays: (n, d) => `${n} (${d} d)`,
    asServiceNote: "Service counts per day at work: approved leave (a half day counts half) and days before joining are not counted, a day of leave or a Saturday a clerk came in and served is; a clerk at work no day of the month has “—”.", asServiceTime: "Service min. mean/90%",
    asCasesOnTime: "Cases on time/late/overdue", asFilesOnTime: "Files archived on time/late/not yet", asRated: "Ratings", asUpheld: "Complaints upheld",
    asWeights: (w, s) => `Weights: ${w}. Attendance loses ${s.late} per late arrival, ${s.early_leave} per early leave, ${s.absent} per absence; discipline ${s.finding} per inspection finding; the total ${s.complaint_upheld} per upheld complaint and ${s.overdue_case} per overdue open case. Grades: excellent from ${s.excellent}, good from ${s.good}, pass from ${s.pass}.`,
    asMine: "My monthly assessment", asMyRank: (r, n) => `Rank ${r} of ${n}`, asNoSheet: "You have no sheet for that month.",
    "err.month_not_over": "The month is not over; close it from its next day.",
    "err.month_closed": "That month's assessment is closed already.",
    "err.oversight_only": "Only the director, a leader or an administrator may see this.",
  },
};

export const withAssessment = (page) => ({ zh: { ...ASSESSMENT.zh, ...page.zh }, en: { ...ASSESSMENT.en, ...page.en } });
