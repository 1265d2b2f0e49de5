// The administrator's hall editor: the whole configuration as TOML, checked by the server and
// in force at once when saved; a mistake is told with its place in the text.

import { $, t, useStrings, languageSwitch, onLanguage, useSession, api, act, showError, guarded } from "./common.js";
import strings from "./admin.i18n.js";

useStrings(strings);

let token = sessionStorage.getItem("atoken");
let saved = null; // the last save's figures, shown again in the other language
useSession({ token: () => token, expired: () => signOut() });

let exportUrl = null;
function exportLink() {
  if (exportUrl) URL.revokeObjectURL(exportUrl);
  exportUrl = URL.createObjectURL(new Blob([$("toml").value], { type: "application/toml" }));
  $("download").href = exportUrl;
}

function renderStatus() {
  $("status").textContent = saved ? t("saved", saved.windows, saved.matters) : "";
  $("status").className = saved ? "saved" : "";
}

async function open() {
  $("login").hidden = true; $("editor").hidden = false; $("logout").hidden = false;
  $("toml").value = (await api("GET", "/api/admin/hall")).data.toml;
  exportLink();
}

function signOut() {
  sessionStorage.removeItem("atoken"); token = null;
  $("login").hidden = false; $("editor").hidden = true; $("logout").hidden = true;
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  await guarded("loginError", async () => {
    const s = (await act("login", "/api/auth/login", { username: f.get("username"), password: f.get("password") })).data;
    if (s.role !== "admin") {
      token = s.token;
      await act("logout", "/api/auth/logout", {}).catch(() => {});
      token = null;
      $("loginError").textContent = t("adminOnly");
      return;
    }
    token = s.token; sessionStorage.setItem("atoken", token);
    await open();
  });
});

$("save").addEventListener("click", async () => {
  showError("saveError", null);
  $("saveDetail").hidden = true; $("saveDetail").textContent = "";
  saved = null; renderStatus();
  try {
    saved = (await act("saveHall", "/api/admin/hall", { toml: $("toml").value })).data;
    renderStatus();
    exportLink();
  } catch (err) {
    showError("saveError", err);
    // The checker's own finding (file:line:column and what is wrong there) is the point of this
    // page: shown as it is, under the translated heading.
    if (err.code === "invalid_config" && err.detail) {
      $("saveDetail").textContent = err.detail; $("saveDetail").hidden = false;
    }
  }
});

$("logout").addEventListener("click", async () => {
  try { await act("logout", "/api/auth/logout", {}); } catch { /* gone anyway */ }
  signOut();
});
onLanguage(renderStatus);
languageSwitch();
if (token) open().catch(() => signOut());
