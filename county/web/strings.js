// The strings every county page uses (errors by the county service's codes, the language
// switch); a page's own dictionary is laid over these. Plain data: the i18n check imports it.

/** Strings every county page uses; the page's own dictionary is laid over these. */
export const STRINGS = {
  zh: {
    otherLanguage: "English",
    "err.unknown": (code) => `操作未能完成（错误代码：${code}），请重试或联系管理员。`,
    "err.offline": "县级平台没有响应，请检查网络后重试。",
    "err.server": "县级平台内部错误，请稍后重试；问题持续请联系管理员。",
    "err.internal": "县级平台内部错误，请稍后重试；问题持续请联系管理员。",
    "err.bad_credentials": "用户名或密码错误。",
    "err.too_many_attempts": "密码错误次数过多，请稍等片刻再试。",
    "err.session_expired": "登录已过期，请重新登录。",
    "err.unauthorized": "请先登录。",
    "err.invalid_body": "提交的内容格式不对。",
    "err.invalid_date": "日期不正确：请填写起止日期（年-月-日），起始不晚于截止，最长一年。",
    "err.unknown_hall": "没有这个大厅。",
    "err.not_found": "找不到请求的内容。",
    "err.database_unavailable": "县级数据库暂时无法访问，请稍后重试。",
  },
  en: {
    otherLanguage: "中文",
    "err.unknown": (code) => `That did not work (error code: ${code}). Please retry or call the administrator.`,
    "err.offline": "The county service did not answer. Please check the network and retry.",
    "err.server": "The county service had an internal error. Please retry later; if it goes on, call the administrator.",
    "err.internal": "The county service had an internal error. Please retry later; if it goes on, call the administrator.",
    "err.bad_credentials": "Wrong username or password.",
    "err.too_many_attempts": "Too many wrong passwords: wait a moment before trying again.",
    "err.session_expired": "Your session expired: please sign in again.",
    "err.unauthorized": "Please sign in first.",
    "err.invalid_body": "The request was not in the expected form.",
    "err.invalid_date": "Wrong dates: give a start and an end (year-month-day), the start not after the end, a year at most.",
    "err.unknown_hall": "No such hall.",
    "err.not_found": "Not found.",
    "err.database_unavailable": "The county's database does not answer for now; please retry later.",
  },
};
