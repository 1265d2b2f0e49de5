// The admin page's strings: Simplified Chinese first, English complete (checked by
// tests/browser/i18n.test.mjs). Keys used in admin.html as data-t have the page's text as zh.
export default {
  zh: {
    pageTitle: "大厅配置", title: "大厅配置", logout: "退出", signIn: "管理员登录", username: "用户名", password: "密码",
    enter: "进入", editorTitle: "部门、队列、窗口、办事事项（六公开）、账号 — 保存即生效，无需重启",
    save: "校验并保存", export: "导出 TOML", adminOnly: "只有管理员账号可以进入。",
    saved: (windows, matters) => `已保存并生效：${windows} 个窗口，${matters} 项事项`,
  },
  en: {
    pageTitle: "Hall administration", title: "Hall administration", logout: "Sign out", signIn: "Administrator",
    username: "Username", password: "Password", enter: "Enter",
    editorTitle: "Departments, queues, windows, matters (six disclosures), accounts — saved changes apply at once, no restart",
    save: "Check and save", export: "Export TOML", adminOnly: "Only an administrator account may enter.",
    saved: (windows, matters) => `Saved and in force: ${windows} windows, ${matters} matters`,
  },
};
