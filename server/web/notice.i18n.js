// A case's printable notice. The screen chrome around the sheet (title, buttons, messages)
// follows the page's language: Simplified Chinese first, English complete (checked by
// tests/browser/i18n.test.mjs). The notice itself is an official document and is always in
// Simplified Chinese: its wording is `DOCUMENT` below (checked by the same test: every key the
// script asks for with doc("…") exists, and is Chinese).
export default {
  zh: {
    pageTitle: "办件通知书", title: "办件通知书", print: "打印", close: "关闭",
    loading: "正在读取办件…", noSession: "请先在窗口工作台或主任工作台登录，再从那里打开通知书。",
    unknownKind: "没有这种通知书。", printHint: "打印时请选择 A4 纸，页边距和缩放保持默认。",
  },
  en: {
    pageTitle: "Case notice", title: "Case notice", print: "Print", close: "Close",
    loading: "Reading the case…", noSession: "Sign in on the clerk workstation or the director console first, then open the notice from there.",
    unknownKind: "There is no such notice.", printHint: "Print on A4 paper with the default margins and scale.",
  },
};

/** "2026-11-25" -> "2026年11月25日", as official documents write dates. */
export const chineseDate = (d) => {
  const [y, m, day] = String(d ?? "").slice(0, 10).split("-").map(Number);
  return y ? `${y}年${m}月${day}日` : "";
};

/** The official wording of the notices (Simplified Chinese only). */
export const DOCUMENT = {
  "title.acceptance": "受理单", "title.acceptance.promised": "承诺件受理单", "title.supplement": "补办通知单",
  "title.return": "退回件通知书", "title.joint": "联办件通知书", "title.promise": "办结通知单",
  "kind.immediate": "即办件", "kind.promised": "承诺件", "kind.supplement": "补办件", "kind.returned": "退回件",
  "kind.joint": "联办件", "kind.reported": "上报件",
  "ground.main_material_missing": "主件缺失", "ground.against_policy": "明显不符合政策规定",
  "ground.conditions_unmet": "实地核查不具备条件",
  "result.done": "已办结", "result.approved": "准予许可（批准）", "result.not_approved": "不予许可（不批准）",
  "result.returned": "退回", "result.expired": "逾期未补齐材料，申请终止",
  number: "办件编号", checkCode: "查询码", applicant: "申请人", phone: "联系电话", matter: "办理事项", kind: "办件类型",
  acceptedOn: "受理日期", clockFrom: "时限起算日", deadline: "承诺办结日期", window: "受理窗口", clerk: "经办人",
  authority: "上报机关", ground: "退回依据", reason: "退回理由", result: "办理结果", resultReason: "不予许可理由",
  closedOn: "办结日期", notClosed: "尚未办结", clockOnComplete: "材料补齐之日",
  deadlineOnComplete: "自材料补齐之日起计算", pending: "待定（下一年度节假日安排导入后确定）", supplementUntil: "补齐期限", extension: "延期", none: "（未登记）",
  materialsReceived: "已收取材料", materialsMissing: "需一次性补齐的全部材料", departments: "参与联办部门",
  windowName: (number, name) => `${number}号窗口（${name}）`,
  days: (n) => `${n}个工作日`,
  extended: (days, reason) => `已延期${days}个工作日（${reason}）`,
  "text.immediate": (matter) => `您申请办理的「${matter}」材料齐全、符合法定形式，已予受理，并已当场办结。`,
  "text.promised": (matter, deadline) => `您申请办理的「${matter}」材料齐全、符合法定形式，已予受理。本中心承诺于${deadline}前办结，办结后将通知您领取结果。`,
  "text.accepted": (matter) => `您申请办理的「${matter}」已予受理，办理进度可扫码查询。`,
  "text.reported": (matter, authority) => `您申请办理的「${matter}」需报${authority}审批，本中心已受理并上报，上级机关答复后将及时通知您。`,
  "text.supplement": (matter) => `您申请办理的「${matter}」所需材料不齐全。根据一次性告知制度，现将需要补齐的全部材料一次性告知如下：`,
  "text.supplementUntil": (until) => `请于${until}前将上述材料送至本中心受理窗口。`,
  "text.supplementClock": (limit) => `材料补齐之日起计算承诺办结时限（${limit}）；逾期未补齐的，本次申请终止，可重新申请。`,
  "text.return": (matter) => `经审查，您申请办理的「${matter}」不予受理，现将申请材料全部退回。退回依据和理由如下：`,
  "text.returnAfter": "如对本决定有疑问，可凭本通知书到受理窗口咨询，或拨打本中心电话。",
  "text.joint": (matter) => `您申请办理的「${matter}」涉及多个部门，由本中心牵头组织下列部门联合办理：`,
  "text.jointDeadline": (deadline) => `本中心承诺于${deadline}前办结，各部门办理情况可扫码查询。`,
  "text.promise": (accepted, matter) => `您于${accepted}申请办理的「${matter}」已办理完毕，结果如下：`,
  "text.promiseCollect": (win) => `请持本通知单及本人身份证件到${win}领取办理结果。`,
  qr: "扫码查询办件进度，或凭办件编号和查询码在自助机查询",
  hallPhone: "咨询电话", hallAddress: "地址", signature: "申请人签字：", stamp: "（盖章）",
};
