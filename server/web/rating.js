// 好差评: the rating form shared by the window's evaluator (evaluate.js) and the citizen's phone
// pages (ticket.js, case.js). Five levels, best first; a bad one (不满意, 非常不满意) asks for its
// reason (one of five), an optional text and an optional phone for a call back, then is sent; a
// good one is sent at once. Nothing is pre-selected. Its strings are rating.i18n.js's, laid into
// the page's dictionary; its labels carry data-t, so a language switch translates them.

import { t, act, errorText, ApiError } from "./common.js";

export const LEVELS = ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"];
export const REASONS = ["attitude", "efficiency", "materials_repeated", "not_in_time", "other"];
export const isBad = (level) => level === "dissatisfied" || level === "very_dissatisfied";

function el(tag, attrs = {}, key = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (key) { e.dataset.t = key; e.textContent = t(key); }
  return e;
}

/**
 * Builds the form in `root` (emptied). `path` is where the rating is posted, `extra()` what else
 * the body carries (the evaluator's ticket number), `name` the action's name for its retry key.
 * `done(receipt)` runs after a 201; `failed(err)` after an error the page handles itself (it
 * returns true then: e.g. already_rated reloads the page's view); others are shown in the form.
 * Returns `{ reset() }`: back to the five levels, nothing chosen.
 */
export function ratingForm(root, { path, name, extra = () => ({}), done, failed = () => false }) {
  root.replaceChildren();
  root.classList.add("rating");
  const levels = el("div", { class: "levels", role: "group" });
  for (const level of LEVELS) {
    const b = el("button", { type: "button", class: `level lv-${level}`, "data-level": level }, `level.${level}`);
    levels.append(b);
  }
  const bad = el("div", { class: "bad" });
  bad.hidden = true;
  const chosen = el("div", { class: "chosen" });
  const reasonTitle = el("div", { class: "reason-title" }, "rate.reasonTitle");
  const reasons = el("div", { class: "reasons", role: "group" });
  for (const reason of REASONS) reasons.append(el("button", { type: "button", class: "reason", "data-reason": reason, "aria-pressed": "false" }, `reason.${reason}`));
  const textLabel = el("label", { class: "field" });
  const textArea = el("textarea", { name: "text", maxlength: "500", rows: "2" });
  textLabel.append(el("span", {}, "rate.text"), textArea);
  const phoneLabel = el("label", { class: "field" });
  const phone = el("input", { name: "phone", type: "tel", inputmode: "tel", autocomplete: "off", maxlength: "20" });
  phoneLabel.append(el("span", {}, "rate.phone"), phone);
  const buttons = el("div", { class: "bad-actions" });
  const back = el("button", { type: "button", class: "back" }, "rate.back");
  const submit = el("button", { type: "button", class: "submit primary" }, "rate.submit");
  submit.disabled = true;
  buttons.append(back, submit);
  bad.append(chosen, reasonTitle, reasons, textLabel, phoneLabel, buttons);
  const error = el("p", { class: "error", role: "alert" });
  root.append(levels, bad, error);

  let level = null, reason = null, sending = false;
  // The chosen level's name, kept translated by the page's language switch (data-t).
  const showChosen = () => { chosen.dataset.t = `level.${level}`; chosen.textContent = t(chosen.dataset.t); };
  const pick = (r) => {
    reason = r;
    for (const b of reasons.children) b.setAttribute("aria-pressed", String(b.dataset.reason === r));
    submit.disabled = !reason || sending;
  };
  const reset = () => {
    level = null; sending = false; pick(null);
    textArea.value = ""; phone.value = ""; error.textContent = "";
    levels.hidden = false; bad.hidden = true;
    for (const b of levels.children) b.disabled = false;
  };
  async function send() {
    if (sending) return;
    sending = true; error.textContent = "";
    for (const b of levels.children) b.disabled = true;
    submit.disabled = true;
    const body = { level, ...extra() };
    if (isBad(level)) {
      body.reason = reason;
      const text = textArea.value.trim();
      if (text) body.text = text;
      const p = phone.value.trim();
      if (p) body.phone = p;
    }
    try {
      const receipt = (await act(name, path, body)).data;
      sending = false;
      done(receipt);
    } catch (e) {
      sending = false;
      for (const b of levels.children) b.disabled = false;
      submit.disabled = !reason;
      if (e instanceof ApiError && failed(e)) return;
      error.textContent = errorText(e);
    }
  }
  levels.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-level]");
    if (!b || sending) return;
    level = b.dataset.level;
    if (!isBad(level)) { send(); return; }
    showChosen();
    levels.hidden = true; bad.hidden = false;
  });
  reasons.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-reason]");
    if (b) pick(b.dataset.reason);
  });
  back.addEventListener("click", reset);
  submit.addEventListener("click", send);
  reset();
  return { reset };
}
