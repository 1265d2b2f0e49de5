// What every printed paper shares (a case's notice, a complaint's reply letter, a petition's
// 交办单 and 告知书): the official wording looked up in the page's DOCUMENT (always Chinese,
// whatever the screen's language), the sheet made to fit its one A4 page, the reading and error
// messages, and the print, close and language buttons. Each page gives how to read and draw it.

import { $, t, languageSwitch, onLanguage, useSession, errorText } from "./common.js";

/** `doc(key, ...args)` over a page's DOCUMENT; a missing key is logged and shown as the key. */
export function wording(DOCUMENT, what) {
  return (key, ...args) => {
    const v = DOCUMENT[key];
    if (v === undefined) { console.error(`missing ${what} wording: ${key}`); return key; }
    return typeof v === "function" ? v(...args) : v;
  };
}

/** Makes the text smaller, step by step, until the sheet holds on its one page. */
export function fit() {
  const s = $("sheet");
  for (let step = 1; step <= 4 && s.scrollHeight > s.clientHeight + 1; step++) {
    s.classList.remove(`fit${step - 1}`);
    s.classList.add(`fit${step}`);
  }
}

/**
 * Runs a paper. `draw()` reads what it needs and returns the sheet `{title, html}` (and
 * optionally `ready()`, called once the sheet is in the page: a promise printing waits for, e.g.
 * its QR code's image), or a message
 * key when there is nothing to print (`"notAnswered"`…). The staff token comes with the
 * sessionStorage the console's new window copied.
 */
export function paper({ token, draw }) {
  useSession({ token: () => token, expired: () => {} });
  let shown = null; // the message key on screen (translated again on a language switch)
  const message = (key) => {
    shown = key;
    $("message").textContent = key ? t(key) : "";
    $("message").hidden = !key;
  };
  $("print").addEventListener("click", () => window.print());
  $("close").addEventListener("click", () => window.close());
  onLanguage(() => { if (shown) message(shown); });
  languageSwitch();
  (async () => {
    if (!token) { message("noSession"); return; }
    try {
      const sheet = await draw();
      if (typeof sheet === "string") { message(sheet); return; }
      document.title = sheet.title;
      $("sheet").innerHTML = sheet.html;
      $("sheet").hidden = false;
      message(null);
      fit();
      await sheet.ready?.();
      fit();
      $("print").disabled = false;
      document.body.dataset.ready = "1";
    } catch (e) {
      message(null);
      $("error").textContent = errorText(e);
    }
  })();
}
