// What every page the server serves shares: base.js (element helpers, escaping, translation, API
// calls, errors by code — shared with the county's screen) and, here, the hall's shared strings,
// one Idempotency-Key per action, the hall's time zone, the live event stream with reconnection,
// cases' notices and the kiosk list. Importing this module touches no page (the browser tests'
// dictionary check imports it in node).

import { $, t, has, esc, language, onLanguage, request, serverNow, sessionNow, sessionRefused, sharedStrings, showError } from "./base.js";

export * from "./base.js";

/** Strings every page uses; a page's own dictionary is laid over these. */
export const STRINGS = {
  zh: {
    otherLanguage: "English",
    live: "● 实时", lost: "连接中断，正在重连…",
    "kiosk.printer_unreachable": "打印机无法连接", "kiosk.printer_offline": "打印机离线",
    "kiosk.cover_open": "打印机盖未合上", "kiosk.paper_out": "打印纸用完", "kiosk.print_failed": "打印失败",
    "kiosk.unknown": "打印机故障",
    // A case's objection (R4), on the desk's and the director's case dialogs.
    objectionTitle: "异议答复", objectionHelp: "申请人对办理情况或结果有异议的，应明确答复，并在此记录（申请人可在办件查询中看到）。",
    objectionText: "申请人的异议", objectionAnswer: "给予的答复", answerObjection: "记录答复",
    // A case's history step by its action (the step's own words are the server's Chinese).
    "step.registered": "受理", "step.materials_complete": "材料补齐", "step.extended": "延期",
    "step.part_recorded": "联办部门办理情况", "step.meeting_recorded": "联合审查会议", "step.progress_noted": "上报进展",
    "step.reply_received": "上级机关批复", "step.deadline_set": "办结期限", "step.closed": "办结", "step.expired": "终止办理",
    "step.archived": "归档", "step.objection_answered": "异议答复", "step.visited": "到窗口续办", "step.upper_received": "已送达上级", "step.assigned": "改由其他窗口办理", "step.upper_accepted": "上级窗口受理", "step.upper_extended": "上级窗口延期",
    "step.upper_deadline_set": "上级窗口办结期限", "step.upper_closed": "上级窗口办结",
    // Cases (办件): kinds, states, results and grounds, as every page names them.
    "kind.immediate": "即办件", "kind.promised": "承诺件", "kind.supplement": "补办件", "kind.returned": "退回件",
    "kind.joint": "联办件", "kind.reported": "上报件",
    "caseState.open": "办理中", "caseState.awaiting_materials": "待补齐材料", "caseState.closed": "已办结",
    "result.done": "已办结", "result.approved": "已批准", "result.not_approved": "不予批准", "result.returned": "已退回",
    "result.expired": "逾期未补齐，已终止",
    "ground.main_material_missing": "主件缺失", "ground.against_policy": "明显不符合政策规定",
    "ground.conditions_unmet": "实地核查不具备条件",
    daysLeft: (n) => (n > 0 ? `剩 ${n} 个工作日` : n === 0 ? "今日到期" : `已超期 ${-n} 个工作日`),
    "notice.acceptance": "受理单", "notice.supplement": "补办通知单", "notice.return": "退回件通知书",
    "notice.joint": "联办件通知书", "notice.promise": "办结通知单",
    // Errors by the server's `error` code; an unknown code gets the generic one.
    "err.unknown": (code) => `操作未能完成（错误代码：${code}），请重试或联系管理员。`,
    "err.offline": "服务器没有响应，请检查网络后重试。",
    "err.server": "服务器内部错误，请稍后重试；问题持续请联系管理员。",
    "err.bad_credentials": "用户名或密码错误。",
    "err.too_many_attempts": "尝试次数过多，请稍等片刻再试。",
    "err.rate_limited": "请求过于频繁，请稍后再试。",
    "err.demo_disabled": "演示账号未启用。",
    "err.session_expired": "登录已过期，请重新登录。",
    "err.unauthorized": "请先登录。",
    "err.invalid_token": "登录凭证无效，请重新登录。",
    "err.staff_only": "只有大厅工作人员可以操作。",
    "err.clerk_only": "只有在本窗口签到的工作人员可以操作。",
    "err.not_your_window": "您没有在这个窗口签到，请先在该窗口签到。",
    "err.director_only": "只有大厅主任可以操作。",
    "err.admin_only": "只有管理员可以操作。",
    "err.kiosk_only": "只有自助取号机可以操作。",
    "err.system_only": "只有系统可以执行此操作。",
    "err.window_required": "请选择窗口。",
    "err.window_not_allowed": "该账号不能在这个窗口签到。",
    "err.clerks_only": "只有窗口工作人员可以请假。", "err.not_your_leave": "这不是您的请假申请。",
    "err.unknown_leave": "没有这条请假申请。", "err.invalid_leave_days": "请假日期不正确（结束不能早于开始，已过的日子不能请假）。",
    "err.invalid_leave_reason": "请填写事由（或不批准的理由），最多 500 字。",
    "err.stand_in_missing": "请为每个窗口指定一名顶岗人员。", "err.invalid_stand_in": "顶岗人员须是本大厅的其他窗口工作人员。",
    "err.stand_in_on_leave": "所选顶岗人员在这几天也休假。", "err.stand_in_busy": "所选顶岗人员这几天已在另一窗口顶岗。", "err.leave_overlaps": "这几天已经有请假申请。", "err.stand_in_holds_window": "您今天在休假，顶岗人员正在该窗口办公，窗口仍由其使用。",
    "err.standing_in_then": "这几天您是他人请假的顶岗人员，不能请假。",
    "err.leave_not_pending": "这条申请已经处理或撤回。", "err.leave_started": "假期已开始，不能再撤回。",
    "err.window_staffed": "该窗口已有工作人员签到。",
    "err.window_closed": "该窗口没有工作人员签到。",
    "err.window_paused": "本窗口已暂停，请先恢复再叫号。",
    "err.window_busy": "当前号码尚未处理完：请先办结、转办或标记未到。",
    "err.clerk_not_signed_in": "该工作人员没有在任何窗口签到。",
    "err.same_window": "号码已经在这个窗口。",
    "err.unknown_window": "没有这个窗口。",
    "err.unknown_service": "没有这个事项。",
    "err.unknown_ticket": "没有这张号票。",
    "err.invalid_path": "地址中的编号无效，请核对。",
    "err.unknown_incoming": "没有这件上报来件。",
    "err.no_current_ticket": "本窗口当前没有正在叫号或办理的号码。",
    "err.invalid_transition": "号码当前的状态不允许这个操作。",
    "err.ticket_expired": "这是往日的号码，不能进入今天的队列：请办结或重新取号。",
    "err.transfer_target_required": "请选择要转去的事项或窗口。",
    "err.reason_required": "请写明理由：退回、不予批准、延期、撤销或说明群众无过错，都须写明理由。",
    "progress.oneOrOther": "上级机关的答复与新的办结日期请分两次登记。", "progress.past": "上级机关承诺办结日期应为今天或以后。",
    "err.promised_days_required": "本中心没有这个事项：受理时请填写承诺办结的工作日数。",
    "err.promised_days_out_of_range": "承诺办结的工作日数不能超过本中心对该事项公开的承诺时限（本中心没有的事项为1至250个工作日）。",
    "err.missing_materials_required": "补办件必须一次性列出全部缺少的材料。",
    "err.notice_too_long": "通知最多500个字。",
    "err.message_too_long": "说明最多500个字。",
    "err.ticket_number_too_long": "号码最多16个字符。",
    "err.invalid_config": "配置有误，未保存：",
    "err.invalid_body": "提交的内容格式不对。",
    "err.invalid_query": "查询条件格式不对。",
    "err.body_too_large": "提交的内容太大。",
    "err.body_timeout": "提交的内容没有及时送达，请检查网络后重试。",
    "err.idempotency_key_reused": "重复提交的内容不一致，请重新操作。",
    "err.invalid_idempotency_key": "提交标识无效，请重新操作。",
    "err.not_found": "找不到请求的内容。",
    "err.hall_closed": "现在不在取号时间。",
    "err.quota_reached": "本事项今日号源已取完。",
    "err.unsupported_media_type": "提交的内容类型不对，请刷新页面后重试。",
    "err.unknown_case": "没有这个办件，请核对办件编号和查询码。",
    "err.case_closed": "该办件已办结，不能再操作。",
    "err.case_not_closed": "该办件尚未办结，办结后才能归档。",
    "err.case_archived": "该办件材料已归档。",
    "err.objection_required": "请写明申请人的异议和给予的答复。",
    "err.invalid_case_action": "该办件的类型或当前状态不允许这个操作。",
    "err.extension_used": "该办件已延期过一次，不能再次延期。",
    "err.deadline_passed": "已超过期限，期限不能再调整；请尽快办结或答复，并说明超期原因。",
    "err.extension_too_long": (d) => (d.max_days ? `延期不能超过${d.max_days}个工作日。` : "延期天数超过了规定的上限。"),
    "err.meeting_date_out_of_range": "会议日期应在受理之日至今天之间：联合审查会议召开后再记录。",
    "err.meeting_incomplete": "请填写参加人员和会议结论：会议记录登记后不能修改。",
    "err.invalid_calendar": "节假日安排有误，未导入：",
    "err.calendar_year_missing": "该年度的节假日安排尚未导入，无法计算工作日，请管理员先添加。",
    "err.return_ground_required": "退回件必须选择退回依据。",
    "err.departments_required": "联办件必须列出参与联办的其他部门。",
    "err.departments_not_joint": "只有联办件才列出参与联办的部门。",
    "err.missing_not_supplement": "只有补办件才列出缺少的材料。",
    "err.ground_not_returned": "只有退回件才选择退回依据。",
    "err.authority_required": "上报件必须填写上报的上级机关。",
    "err.parts_not_done": "还有联办部门未完成，不能办结。",
    "err.meeting_required": "联办件须先由中心主任召集联合审查并记录会议，才能办结。",
    "err.reply_required": "上报件须先记录上级机关的批复，才能办结。",
    "err.staff_cannot_rate": "评价须由群众在本人手机页面提交，工作人员登录状态下不能评价。",
    "err.matter_done_on_the_spot": "该事项承诺时限为当场办结，不能登记为承诺件、联办件或上报件：请按即办件、补办件或退回件办结，或转至相应事项。",
    "err.not_your_case": "这个办件不属于本窗口或本部门。",
    "err.calendar_year_exists": "该年度的节假日安排已经导入。",
    "err.invalid_date": "日期格式不对（应为 年-月-日）。",
    "err.invalid_applicant": "申请人姓名最多50个字，联系电话须为有效的电话号码。",
    "err.text_too_long": "理由、说明或材料名称每项最多500个字。",
    "err.invalid_complaint": "请填写投诉内容（最多2000字）；姓名最多50字，联系电话须为有效的电话号码；当面、电话、书面投诉须登记用于答复的电话或地址（书面投诉须有地址；姓名可不留），并写明投诉的窗口或工作人员。",
    "err.unknown_staff": "没有这个工作人员。",
    "err.invalid_received_at": "收到时间不对：不能晚于现在，也不能早于一年前。",
    "err.responsible_not_upheld": "只有调查属实或部分属实的投诉才能认定责任人；投诉对象已是工作人员的，无需再填。",
    "err.note_required": "请写明回访或处理的情况。",
    "err.simple_due_passed": "按简单投诉应在收到次日前答复，该日期已过，不能改为简单投诉，请保持复杂投诉办理。",
    "err.unknown_complaint": "没有这件投诉。",
    "err.invalid_complaint_step": "这件投诉当前的状态不能进行这一步。",
    "err.late_explanation_required": "已超过答复期限，请填写逾期答复说明。",
    "err.to_staff_required": "投诉涉及工作人员：请填写告知被投诉人的内容。",
    "err.too_many_complaints": "提交过于频繁，请稍后再试，或到大厅主任办公室当面反映。",
  },
  en: {
    otherLanguage: "中文",
    live: "● live", lost: "Connection lost — reconnecting…",
    "kiosk.printer_unreachable": "Printer unreachable", "kiosk.printer_offline": "Printer offline",
    "kiosk.cover_open": "Printer cover open", "kiosk.paper_out": "Out of paper", "kiosk.print_failed": "Printing failed",
    "kiosk.unknown": "Printer fault",
    "kind.immediate": "Immediate (即办件)", "kind.promised": "Promised (承诺件)", "kind.supplement": "Supplement (补办件)",
    "kind.returned": "Returned (退回件)", "kind.joint": "Joint (联办件)", "kind.reported": "Reported (上报件)",
    "caseState.open": "In progress", "caseState.awaiting_materials": "Awaiting materials", "caseState.closed": "Closed",
    "result.done": "Done", "result.approved": "Approved", "result.not_approved": "Not approved", "result.returned": "Returned",
    "result.expired": "Ended: the materials did not come in time",
    "ground.main_material_missing": "A main material is missing", "ground.against_policy": "Clearly against the rules",
    "ground.conditions_unmet": "An inspection found the conditions unmet",
    daysLeft: (n) => (n > 0 ? `${n} working days left` : n === 0 ? "due today" : `${-n} working days overdue`),
    "notice.acceptance": "Acceptance slip", "notice.supplement": "Supplement notice", "notice.return": "Return notice",
    "notice.joint": "Joint-handling notice", "notice.promise": "Completion notice",
    "err.unknown": (code) => `That did not work (error code: ${code}). Please retry or call the administrator.`,
    "err.offline": "The server did not answer. Please check the network and retry.",
    "err.server": "The server had an internal error. Please retry later; if it goes on, call the administrator.",
    "err.bad_credentials": "Wrong username or password.",
    "err.too_many_attempts": "Too many attempts. Please wait a little and retry.",
    "err.rate_limited": "Too many requests. Please wait a little and retry.",
    "err.demo_disabled": "The demo accounts are not enabled.",
    "err.session_expired": "Your session expired: please sign in again.",
    "err.unauthorized": "Please sign in first.",
    "err.invalid_token": "The sign-in token is not valid: please sign in again.",
    "err.staff_only": "Only hall staff can do this.",
    "err.clerk_only": "Only the clerk signed in at this window can do this.",
    "err.not_your_window": "You are not signed in at this window: sign in there first.",
    "err.director_only": "Only the hall director can do this.",
    "err.admin_only": "Only an administrator can do this.",
    "err.kiosk_only": "Only a ticket kiosk can do this.",
    "err.system_only": "Only the system can do this.",
    "err.window_required": "Please choose a window.",
    "err.window_not_allowed": "This account may not sign in at that window.",
    "err.clerks_only": "Only window clerks ask for leave.", "err.not_your_leave": "This is not your leave request.",
    "err.unknown_leave": "No such leave request.", "err.invalid_leave_days": "Check the days: the last not before the first, none already past.",
    "err.invalid_leave_reason": "Give the reason (or why it is refused), at most 500 characters.",
    "err.stand_in_missing": "Name a stand-in for each window.", "err.invalid_stand_in": "A stand-in is another clerk of the hall.",
    "err.stand_in_on_leave": "That stand-in is on leave on those days too.", "err.stand_in_busy": "That stand-in already stands in at another window on those days.", "err.leave_overlaps": "You already asked for leave on those days.", "err.stand_in_holds_window": "You are on leave today and your stand-in is signed in at this window: it stays theirs.",
    "err.standing_in_then": "You stand in for a colleague's leave on those days.",
    "err.leave_not_pending": "This request is already decided or cancelled.", "err.leave_started": "The leave has started: it can no longer be cancelled.",
    "err.window_staffed": "Another clerk is signed in at that window.",
    "err.window_closed": "No clerk is signed in at that window.",
    "err.window_paused": "This window is paused: resume it before calling.",
    "err.window_busy": "The current ticket is still open: finish, transfer or mark it no-show first.",
    "err.clerk_not_signed_in": "That clerk is not signed in at any window.",
    "err.same_window": "The ticket is already at that window.",
    "err.unknown_window": "No such window.",
    "err.unknown_service": "No such matter.",
    "err.unknown_ticket": "No such ticket.",
    "err.invalid_path": "The number in the address is not valid; please check it.",
    "err.unknown_incoming": "No such incoming case.",
    "err.no_current_ticket": "No ticket is being called or served at this window.",
    "err.invalid_transition": "The ticket's state does not allow this.",
    "err.ticket_expired": "This ticket is from an earlier day and cannot wait in today's queues: finish it or issue a new one.",
    "err.transfer_target_required": "Choose a matter or a window to transfer to.",
    "err.reason_required": "Please state the reason: a return, a refusal, an extension, a withdrawal or excusing a citizen each needs one.",
    "progress.oneOrOther": "Record the upper level's reply and a new date as two steps.",
    "progress.past": "The upper level's date is today or later.",
    "err.promised_days_required": "This hall does not list the matter: state the working days promised when accepting.",
    "err.promised_days_out_of_range": "The working days promised cannot exceed this hall's published time limit for the matter (1 to 250 for a matter it does not list).",
    "err.missing_materials_required": "A supplement case (补办件) must list every missing material at once.",
    "err.notice_too_long": "The notice is limited to 500 characters.",
    "err.message_too_long": "The message is limited to 500 characters.",
    "err.ticket_number_too_long": "A ticket number has at most 16 characters.",
    "err.invalid_config": "The configuration has a mistake and was not saved:",
    "err.invalid_body": "The request was not in the expected form.",
    "err.invalid_query": "A search condition was not in the expected form.",
    "err.body_too_large": "The request is too large.",
    "err.body_timeout": "The request did not arrive in time; check the network and try again.",
    "err.idempotency_key_reused": "A repeated request differed from the first one; please do it again.",
    "err.invalid_idempotency_key": "The request's retry key was not valid; please do it again.",
    objectionTitle: "Objection answered", objectionHelp: "When the applicant objects to how the case is handled or to its result, give them a clear answer and record both here (the applicant sees them when looking up the case).",
    objectionText: "The applicant's objection", objectionAnswer: "The answer given", answerObjection: "Record the answer",
    "step.registered": "Registered", "step.materials_complete": "Materials complete", "step.extended": "Extended",
    "step.part_recorded": "A department's part recorded", "step.meeting_recorded": "Joint review meeting",
    "step.progress_noted": "Progress reported", "step.reply_received": "Upper level's reply", "step.deadline_set": "Deadline set",
    "step.closed": "Closed", "step.expired": "Ended: materials not brought in time", "step.archived": "File archived",
    "step.objection_answered": "Objection answered", "step.visited": "Came back to the window",
    "step.upper_received": "Delivered to the upper hall", "step.assigned": "Moved to another window", "step.upper_accepted": "Accepted by the upper hall", "step.upper_extended": "Extended by the upper hall",
    "step.upper_deadline_set": "The upper hall's deadline", "step.upper_closed": "Closed by the upper hall",
    "err.not_found": "Not found.",
    "err.hall_closed": "Tickets are not issued at this time.",
    "err.quota_reached": "Today's tickets for this matter are all taken.",
    "err.unsupported_media_type": "The request had the wrong content type; reload the page and retry.",
    "err.unknown_case": "No such case: please check the case number and the check code.",
    "err.case_closed": "This case is closed: nothing more can be done to it.",
    "err.case_not_closed": "This case is still running: its file is archived once it is closed.",
    "err.case_archived": "This case's file is archived already.",
    "err.objection_required": "Write both the applicant's objection and the answer given to them.",
    "err.invalid_case_action": "The case's kind or state does not allow this.",
    "err.extension_used": "This case was already extended once; it cannot be extended again.",
    "err.deadline_passed": "The deadline has passed and can no longer be moved: finish or answer it, and explain the delay.",
    "err.extension_too_long": (d) => (d.max_days ? `An extension is at most ${d.max_days} working days.` : "The extension is longer than the rules allow."),
    "err.meeting_date_out_of_range": "The meeting date must fall between the day the case was accepted and today: record a joint review once it has been held.",
    "err.meeting_incomplete": "Name who attended and write the meeting's conclusion: a meeting's record cannot be changed once recorded.",
    "err.invalid_calendar": "The holiday schedule has a mistake and was not added:",
    "err.calendar_year_missing": "That year's holiday schedule is not loaded, so working days cannot be counted: the administrator must add it first.",
    "err.return_ground_required": "A returned case (退回件) must state its ground.",
    "err.departments_required": "A joint case (联办件) must list the other departments taking part.",
    "err.departments_not_joint": "Only a joint case (联办件) lists departments taking part.",
    "err.missing_not_supplement": "Only a supplement case (补办件) lists missing materials.",
    "err.ground_not_returned": "Only a returned case (退回件) states a ground for returning.",
    "err.authority_required": "A reported case (上报件) must name the upper-level authority.",
    "err.parts_not_done": "Some departments have not finished their part yet: the case cannot be closed.",
    "err.meeting_required": "A joint case closes once the director's joint review meeting is recorded.",
    "err.reply_required": "A reported case closes once the upper level's reply is recorded.",
    "err.staff_cannot_rate": "A rating comes from the citizen's own phone page, never from a signed-in staff member.",
    "err.matter_done_on_the_spot": "This matter is done on the spot (no promised days): not a promised, joint or reported case. Finish it as immediate, supplement or returned, or send the ticket to the matter that takes it.",
    "err.not_your_case": "This case belongs to another window or department.",
    "err.calendar_year_exists": "That year's holiday schedule is already loaded.",
    "err.invalid_date": "The date is not in the form year-month-day.",
    "err.invalid_applicant": "The applicant's name has at most 50 characters, and the phone must be a real phone number.",
    "err.text_too_long": "A reason, note or material is limited to 500 characters each.",
    "err.invalid_complaint": "Say what happened (up to 2000 characters); a name has at most 50 characters and the phone must be a real phone number; complaints in person, by phone or in writing record a phone or an address to answer on (a written one: the address; the name may be kept back), and name the window or staff member.",
    "err.unknown_staff": "There is no such staff member.",
    "err.invalid_received_at": "The time received is wrong: not later than now, nor more than a year back.",
    "err.responsible_not_upheld": "A staff member is found responsible only for a complaint found true or partly true, and not in a complaint about a staff member already.",
    "err.note_required": "Say what was said or done.",
    "err.simple_due_passed": "As a simple complaint it would have been due the day after it came, which has passed: it stays complex.",
    "err.unknown_complaint": "There is no such complaint.",
    "err.invalid_complaint_step": "The complaint's state does not allow that step now.",
    "err.late_explanation_required": "The due date has passed: say why the answer is late.",
    "err.to_staff_required": "The complaint is about a staff member: write what they are told.",
    "err.too_many_complaints": "Too many submissions; please wait, or speak to the hall director in person.",
  },
};

sharedStrings(STRINGS);

/**
 * What is wrong with a reported case's progress form (`progress_reply`, `progress_deadline`)
 * before it is sent, in the page's language, or null: the reply closes the matter above and a new
 * date is a step before it (one or the other); the upper level's date is `today` or later (a
 * typed date passes the picker's `min`; the server's refusal would read as a format error).
 */
export function progressProblem(form, today) {
  const date = form.progress_deadline.value;
  if (form.progress_reply.checked && date) return t("progress.oneOrOther");
  return date && date < today ? t("progress.past") : null;
}

/**
 * The staff pages' form 「按编号打开办件」 (`#findCase`, its refusal in `#findCaseError`):
 * `open(number)` shows the case (a promise); the form empties once it is shown.
 */
export function wireFindCase(open) {
  $("findCase").addEventListener("submit", (e) => {
    e.preventDefault();
    const number = e.target.number.value.trim();
    if (!number) return;
    showError("findCaseError", null);
    open(number).then(() => e.target.reset(), (err) => showError("findCaseError", err));
  });
}

/**
 * A case's history step as HTML in the page's language: in Chinese the server's own words; in
 * English the step's name first, then those words (the names, dates, materials and reasons as
 * the hall recorded them, in Chinese).
 */
export function stepHtml(s) {
  const key = `step.${s.action}`;
  if (language() === "zh" || !has(key)) return esc(s.text);
  return `${esc(t(key))}: <span lang="zh-CN">${esc(s.text)}</span>`;
}

/** A kiosk printer fault kind, translated (a kind this page does not know yet stays readable). */
export const faultText = (kind) => t(has(`kiosk.${kind}`) ? `kiosk.${kind}` : "kiosk.unknown");

/**
 * Reads `path` for the session signed in now: `{ data }` (`fallback` when the read failed), or
 * `null` when the page signed out, or another signed in, before the answer came — what was
 * read is theirs, not for the screen now.
 */
export async function readForSession(path, fallback) {
  const session = sessionNow();
  let data;
  try { data = (await api("GET", path)).data; } catch { data = fallback; }
  return sessionNow() === session ? { data } : null;
}

/** One JSON call: resolves to `{ status, data }` on 2xx, throws an ApiError otherwise. */
export async function api(method, path, body, { key, headers } = {}) {
  const res = await request(method, path, body, { key, headers });
  const text = await res.text().catch(() => "");
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  return { status: res.status, data };
}

// Works outside a secure context too (a hall's pages are often plain http on the LAN, where
// crypto.randomUUID does not exist).
function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const pending = new Map();

/**
 * A write as one logical action: the same action with the same body keeps its Idempotency-Key
 * until the server has answered it (2xx or 4xx), so pressing again after a lost answer (or a
 * 500, which the server does not keep) never does it twice. `name` tells actions apart
 * (e.g. "pause:w08").
 */
/** Forgets every action waiting for its answer: at sign-out, the next session's are its own. */
export function forgetActions() {
  pending.clear();
}

/** A short fingerprint of a body (FNV-1a): tells the same body again without keeping it. */
function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${text.length}:${h.toString(16)}`;
}

/**
 * `durable`: the key also outlives a reload of the page (sessionStorage, this tab only), for a
 * citizen's action whose answer is all they hold (a booking's code): reloaded after a lost answer
 * and sent again, it gets the first answer instead of a refusal. Only the key and the body's
 * fingerprint are kept, never the body (a name, a phone, an identity number).
 */
export async function act(name, path, body = {}, { durable = false } = {}) {
  // The path too: the same action name on another month or window is another action.
  const sent = fingerprint(path + JSON.stringify(body));
  const slot = `act:${name}`;
  let p = pending.get(name);
  if (!p && durable) {
    try { p = JSON.parse(sessionStorage.getItem(slot) ?? "null"); } catch { p = null; }
  }
  if (!p || p.sent !== sent) p = { key: `${name.slice(0, 30)}-${randomKey()}`, sent };
  pending.set(name, p);
  // Storage may be refused (a browser blocking site data): the action goes on, kept in memory.
  const store = (f) => { if (durable) { try { f(); } catch { /* kept in memory only */ } } };
  store(() => sessionStorage.setItem(slot, JSON.stringify(p)));
  const forget = () => { pending.delete(name); store(() => sessionStorage.removeItem(slot)); };
  try {
    const r = await api("POST", path, body, { key: p.key });
    // A durable action's answer whose body was cut off is not yet its answer (the code it
    // carries is all the citizen holds): the key stays for the retry.
    if (!durable || r.data != null || r.status === 204) forget();
    return r;
  } catch (e) {
    if (e.code !== "offline" && !(e.status >= 500)) forget();
    throw e;
  }
}

// The hall's own time zone (from /api/hall): "today" and "this month" are the hall's, whatever
// the browser's clock is set to (a screen set to UTC, a leader's laptop elsewhere).
let hallZone;

/** Reads the hall's time zone once (pages call it when they open). */
export async function loadHallZone() {
  if (hallZone) return;
  try { hallZone = (await api("GET", "/api/hall")).data.timezone; } catch { /* the browser's own, until known */ }
}

/** The hall's local date and time now, `YYYY-MM-DDTHH:MM` (`.slice(0, 10)` the day, `(0, 7)` the month). */
export function hallNow() {
  let f;
  try {
    f = new Intl.DateTimeFormat("en-GB", { timeZone: hallZone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  } catch {
    f = new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23" });
  }
  const p = Object.fromEntries(f.formatToParts(new Date(serverNow())).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/**
 * Keeps a form field at `now()` (the hall's today, the time of day) for as long as nobody changes
 * it: a page left open for hours, or past midnight, asks for the present, not the moment the
 * field was set. `moved` is called each time it moves; `stopKeeping` ends it (at sign-out).
 */
export function keepCurrent(input, now, moved = () => {}) {
  input.value = input.dataset.current = now();
  kept.set(input, { now, moved });
  keeping ??= setInterval(keepAll, 30_000);
}

export function stopKeeping(input) {
  kept.delete(input);
  if (!kept.size && keeping != null) { clearInterval(keeping); keeping = null; }
}

const kept = new Map();
let keeping = null; // the timer, only while a field is kept
function keepAll() {
  for (const [input, { now, moved }] of kept) {
    if (input.value !== input.dataset.current) continue; // changed by hand: it stays
    const v = now();
    if (v !== input.value) { input.value = input.dataset.current = v; moved(); }
  }
}

/** A field's identity across a redraw: its tag, name and data attributes (a row's id). */
function fieldKey(f) {
  const data = Object.entries(f.dataset).map(([k, v]) => `${k}=${v}`).sort().join("&");
  return f.name || data ? `${f.tagName}|${f.name}|${data}` : null;
}

/**
 * Puts `html` into `el` keeping what the user typed or chose in its fields (a reason half
 * written, a result picked) and the focus: a list redrawn by a live event or a timer must not
 * wipe them, nor send the first option instead of the one chosen. Fields are matched by their
 * name and data attributes (a row's id).
 */
export function redraw(el, html) {
  const fields = (root) => root.querySelectorAll("input, select, textarea");
  const kept = new Map();
  for (const f of fields(el)) {
    const key = fieldKey(f);
    if (key) kept.set(key, f.type === "checkbox" || f.type === "radio" ? f.checked : f.value);
  }
  const focused = el.contains(document.activeElement) ? fieldKey(document.activeElement) : null;
  el.innerHTML = html;
  for (const f of fields(el)) {
    const key = fieldKey(f);
    if (!key || !kept.has(key)) continue;
    if (f.type === "checkbox" || f.type === "radio") f.checked = kept.get(key);
    else if (f.tagName !== "SELECT" || [...f.options].some((o) => o.value === kept.get(key))) f.value = kept.get(key);
    if (key === focused) f.focus();
  }
}

/** Empties a sign-in form's password once read: never left for the next person at the PC. */
export function forgetPassword(form) {
  const p = form.querySelector("[name=password]");
  if (p) p.value = "";
}

/** The roles that oversee the hall and read its figures (director, leader, administrator). */
export const OVERSIGHT = ["director", "leader", "admin"];

/**
 * Signs in with the page's `#login` form for `roles` only: a session of another role is signed
 * out again at once and `refusal` shown in `#loginError`. `setToken` hands the page the token
 * (the sign-out needs it). Answers the session, or null when refused.
 */
export async function signInAs(form, roles, refusal, setToken) {
  const f = new FormData(form);
  forgetPassword(form);
  const s = (await act("login", "/api/auth/login", { username: f.get("username"), password: f.get("password") })).data;
  setToken(s.token);
  if (roles.includes(s.role)) return s;
  await act("logout", "/api/auth/logout", {}).catch(() => {});
  setToken(null);
  $("loginError").textContent = refusal;
  return null;
}

// ---------------------------------------------------------------------------------------------
// The live event stream

/**
 * Follows the event stream at `url` (the hall's is `/api/events`): `handlers` maps an event kind to a function of its parsed data.
 * `onOpen` runs on every (re)connection — the place to read the current state again, since
 * events may have been missed meanwhile. The browser retries a broken stream by itself; a stream
 * it gave up on (closed) is opened again here, waiting 1 s doubling to 30 s. The element `#link`,
 * if any, says whether the page is live.
 */
export function liveStream(url, { handlers = {}, onOpen = () => {}, token = null } = {}) {
  let es = null, abort = null, timer = null, delay = 1000, state = "", lastId = null;
  const link = () => {
    const el = $("link");
    if (!el) return;
    el.textContent = state ? t(state) : "";
    el.className = state === "live" ? "ok" : state === "lost" ? "bad" : "";
  };
  onLanguage(link);
  const deliver = (kind, text) => {
    const fn = handlers[kind];
    if (!fn) return;
    let data;
    try { data = JSON.parse(text); } catch { return; }
    fn(data);
  };
  const retry = (again) => {
    state = "lost"; link();
    clearTimeout(timer);
    timer = setTimeout(again, delay);
    delay = Math.min(delay * 2, 30000);
  };
  const connect = () => {
    es = new EventSource(url);
    es.onopen = () => { delay = 1000; state = "live"; link(); onOpen(); };
    es.onerror = () => {
      state = "lost"; link();
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        retry(connect);
      }
    };
    for (const kind of Object.keys(handlers)) es.addEventListener(kind, (e) => deliver(kind, e.data));
  };
  // With a token (an EventSource cannot send one): the stream read through fetch with the
  // bearer header, so that staff get their tier of events (the director's feedback_changed),
  // resumed after the last event id on a reconnection.
  const connectWithToken = () => {
    const ctrl = new AbortController();
    abort = ctrl;
    const headers = { Accept: "text/event-stream", Authorization: `Bearer ${token()}` };
    if (lastId !== null) headers["Last-Event-ID"] = lastId;
    fetch(url, { headers, cache: "no-store", signal: ctrl.signal }).then(async (res) => {
      if (!res.ok) res.body?.cancel(); // an answer not read is let go (it is not cached to drain it)
      if (res.status === 401) {
        // Signed out, expired or dismissed: no use trying again; the page signs out, saying why.
        abort = null; state = ""; link();
        sessionRefused(401);
        return;
      }
      if (!res.ok) throw new Error(`stream ${res.status}`);
      delay = 1000; state = "live"; link(); onOpen();
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
        let end;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let kind = "message", data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) kind = line.slice(6).trim();
            else if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(5).replace(/^ /, "");
            else if (line.startsWith("id:")) lastId = line.slice(3).trim();
          }
          if (data) deliver(kind, data);
        }
      }
      throw new Error("stream ended");
    }).catch(() => {
      if (!ctrl.signal.aborted) retry(connectWithToken);
    });
  };
  const stop = () => {
    clearTimeout(timer); es?.close(); es = null; abort?.abort(); abort = null; state = ""; lastId = null; link();
  };
  return {
    start() { stop(); delay = 1000; if (token) { es = null; connectWithToken(); } else connect(); },
    stop,
    /** Draws `#link` again from the stream's own state (after the page drew something else there). */
    redraw: link,
    get running() { return es !== null || abort !== null; },
  };
}

// ---------------------------------------------------------------------------------------------
// Cases (办件)

/** The notice handed over when a case of this kind is registered. */
export const FIRST_NOTICE = {
  immediate: "acceptance", promised: "acceptance", supplement: "supplement", returned: "return", joint: "joint",
  reported: "acceptance",
};

/** The notices a case may be printed on now (the first one, and the completion notice once closed). */
export function noticesOf(c) {
  const out = [FIRST_NOTICE[c.kind]];
  // Accepted once its materials came (the clock runs from then): not a case that expired.
  if (c.kind === "supplement" && c.clock_from) out.push("acceptance");
  if (c.state === "closed" && !["immediate", "returned"].includes(c.kind) && c.result !== "expired") out.push("promise");
  return out;
}

export const noticeUrl = (number, kind) => `/cases/${encodeURIComponent(number)}/notice/${kind}`;

/** Opens a notice in a new window of the same origin (it takes this tab's session with it). */
export const openNotice = (number, kind) => window.open(noticeUrl(number, kind), "_blank");

/** The row class of a case by how close its deadline is: amber soon, red overdue. */
export const dueClass = (due) => (due === "overdue" ? "overdue" : due === "soon" ? "soon" : "");

/**
 * Orders a page's overlapping reads of one thing (a refresh on every event, another on
 * reconnect, one after a form): `begin()` numbers a read, and only the latest begun may apply
 * its answer. An older answer that lands after a newer one is stale and dropped, instead of
 * putting back what the newer one replaced (an event applied meanwhile is not protected: a
 * thing changed by events is merged with a mark, as the kiosks are).
 */
export function latestRead() {
  let last = 0;
  return { begin: () => ++last, isLatest: (n) => n === last };
}

// ---------------------------------------------------------------------------------------------
// Kiosks

let kioskEvents = 0;
const seenAt = new WeakMap(); // a kiosk state applied from an event -> its place among events

/** Taken before reading the kiosk list: which events that read may be older than. */
export const kioskMark = () => kioskEvents;

/**
 * Merges a kiosk list read from the server into `kiosks` (changed in place). The list read from
 * `since` (`kioskMark()` before it began) is as new as anything held, unless a kiosk_fault event
 * for that kiosk was applied while it was on its way: then the list may be older, and the event
 * stays (if the list was newer, the event of that later change is still to come). Times are to
 * the second, too coarse to tell a fault from its recovery.
 */
export function mergeKiosks(kiosks, fresh, since) {
  for (const k of fresh) {
    const i = kiosks.findIndex((x) => x.kiosk_id === k.kiosk_id);
    if (i < 0) kiosks.push(k);
    else if (!((seenAt.get(kiosks[i]) ?? -1) > since)) kiosks[i] = k;
  }
  return kiosks;
}

/** A kiosk_fault event: the kiosk's whole state, newer than anything held. */
export function applyKioskEvent(kiosks, k) {
  seenAt.set(k, ++kioskEvents);
  const i = kiosks.findIndex((x) => x.kiosk_id === k.kiosk_id);
  if (i >= 0) kiosks[i] = k; else kiosks.push(k);
  return kiosks;
}
