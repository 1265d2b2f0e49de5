// Every visible string of every page has its English: each page's dictionary (over the shared
// one in common.js) has an en entry for every zh key, every data-t key of the HTML exists (and
// its zh text is the HTML's own), every t("…") key in the scripts exists, and no text of the HTML
// escapes translation. Runs in node alone (no server, no browser).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const web = new URL("../../server/web/", import.meta.url);
const readIn = (dir, name) => readFileSync(fileURLToPath(new URL(name, dir)), "utf8");
const read = (name) => readIn(web, name);
const { STRINGS } = await import(new URL("common.js", web));
// The county service serves its own screen (county/web: its strings.js and common.js over the
// hall server's base.js).
const countyWeb = new URL("../../county/web/", import.meta.url);
const { STRINGS: COUNTY_STRINGS } = await import(new URL("strings.js", countyWeb));
const RATING_KEYS = await import(new URL("rating.js", web)); // its LEVELS and REASONS (importing touches no page)
const PAGES = ["clerk", "director", "admin", "ticket", "notice", "case", "letter", "petition", "reports", "monthly", "evaluate", "inspections", "village", "book", "booking"];
// A page's own modules beside its main script (their t("…") keys are the page's too).
const MODULES = {
  director: ["director-complaints.js", "director-petitions.js", "director-attendance.js", "director-ratings.js",
    "director-assessment.js", "director-leave.js", "director-village.js", "director-bookings.js", "director-incoming.js"],
  ticket: ["ticket-alert.js"],
  book: ["book-shared.js"],
  booking: ["book-shared.js"],
  clerk: ["clerk-assessment.js", "clerk-inspections.js", "clerk-leave.js", "clerk-village.js", "clerk-incoming.js", "clerk-bookings.js",
    "clerk-archive.js", "clerk-left-open.js", "clerk-no-shows.js"],
};
// Shared modules a page loads besides its own, whose t("…") keys are looked up in the page's dictionary.
const EXTRA = { ticket: ["rating.js"], case: ["rating.js"], evaluate: ["rating.js"], director: ["assessment.js"], clerk: ["assessment.js"], monthly: ["assessment.js"] };
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const sample = (v) => (typeof v === "function" ? v(...Array.from({ length: v.length }, (_, i) => `x${i}`)) : v);
const norm = (s) => s.replace(/\s+/g, " ").trim();

const SITES = [
  ...PAGES.map((page) => ({ page, web, common: STRINGS })),
  { page: "county", web: countyWeb, common: COUNTY_STRINGS },
];

async function dictionary({ page, web, common }) {
  const own = (await import(new URL(`${page}.i18n.js`, web))).default;
  return { own, zh: { ...common.zh, ...own.zh }, en: { ...common.en, ...own.en } };
}

/** Keys a script asks for with a literal: t("key", …), has("key") aside. */
const scriptKeys = (src) => [...src.matchAll(/\bt\(\s*"([^"]+)"/g)].map((m) => m[1]);

test("the shared strings: every zh key has its English, and the other way round", () => {
  assert.deepEqual(Object.keys(STRINGS.en).sort(), Object.keys(STRINGS.zh).sort());
  assert.deepEqual(Object.keys(COUNTY_STRINGS.en).sort(), Object.keys(COUNTY_STRINGS.zh).sort(), "county/web/strings.js");
});

for (const site of SITES) {
  const page = site.page;
  const read = (name) => readIn(site.web, name);
  test(`${page}: every string has its English`, async () => {
    const { own, zh, en } = await dictionary(site);
    const missing = Object.keys(own.zh).filter((k) => !(k in own.en));
    assert.deepEqual(missing, [], `${page}.i18n.js: zh keys without en`);
    const extra = Object.keys(own.en).filter((k) => !(k in own.zh));
    assert.deepEqual(extra, [], `${page}.i18n.js: en keys without zh (Chinese comes first)`);
    for (const k of Object.keys(zh)) {
      assert.equal(typeof en[k], typeof zh[k], `${page}: ${k} is a ${typeof zh[k]} in zh`);
      if (typeof zh[k] === "function") assert.equal(en[k].length, zh[k].length, `${page}: ${k} takes as many values in en`);
      const e = sample(en[k]);
      assert.equal(typeof e, "string", `${page}: ${k}`);
      if (sample(zh[k]) !== "") assert.notEqual(e.trim(), "", `${page}: ${k} is empty in en`);
      // English may name a Chinese term in brackets (退回件), and the switch names 中文.
      if (k !== "otherLanguage") assert.ok(!CJK.test(e.replace(/\([^)]*\)/g, "")), `${page}: ${k} is not English: ${e}`);
    }
  });

  test(`${page}: the HTML's data-t keys exist and its text is the Chinese entry`, async () => {
    const { zh, en } = await dictionary(site);
    const html = read(`${page}.html`);
    const used = [...html.matchAll(/<(\w+)[^>]*\sdata-t="([^"]+)"[^>]*>([^<]*)<\/\1>/g)];
    assert.ok(used.length > 0, `${page}.html has no data-t element`);
    assert.equal(used.length, [...html.matchAll(/data-t=/g)].length, `${page}.html: a data-t element holds more than text`);
    for (const [, , key, text] of used) {
      assert.ok(key in zh && key in en, `${page}.html uses data-t="${key}", missing from the dictionary`);
      assert.equal(norm(text), norm(sample(zh[key])), `${page}.html: the text of data-t="${key}" differs from its zh entry`);
    }
  });

  test(`${page}: no text of the HTML escapes translation`, () => {
    let html = read(`${page}.html`)
      .replace(/<(\w+)([^>]*\sdata-t="[^"]+"[^>]*)>[^<]*<\/\1>/g, "<$1$2></$1>") // translated
      .replace(/<button id="lang"[^>]*>[^<]*<\/button>/, "") // names the other language
      .replace(/<kbd>[^<]*<\/kbd>/g, ""); // key names (F1 …)
    const attrs = [...html.matchAll(/\s(placeholder|title|aria-label|alt|label)="([^"]*)"/g)].filter((m) => /\p{L}/u.test(m[2]));
    assert.deepEqual(attrs.map((m) => m[0]), [], `${page}.html: attributes with visible text need translating`);
    const text = html.replace(/<!--[\s\S]*?-->/g, "").replace(/<(script|style)[\s\S]*?<\/\1>/g, "").replace(/<[^>]*>/g, " ");
    const words = text.split(/\s+/).filter((w) => /\p{L}/u.test(w));
    assert.deepEqual(words, [], `${page}.html: text outside data-t elements`);
  });

  test(`${page}: every key the scripts ask for exists in both languages`, async () => {
    const { zh, en } = await dictionary(site);
    // A page's script may be split into modules of its own (director-complaints.js).
    const src = read(`${page}.js`);
    assert.match(src, new RegExp(`from "\\./${page}\\.i18n\\.js"`), `${page}.js uses its dictionary`);
    assert.match(src, /from "\.\/common\.js"/, `${page}.js uses common.js`);
    const modules = (MODULES[page] ?? []).map(read).join("\n");
    const extra = (EXTRA[page] ?? []).map(read);
    const keys = [...scriptKeys(src), ...scriptKeys(modules), ...scriptKeys(read("common.js")), ...scriptKeys(readIn(web, "base.js")), ...extra.flatMap(scriptKeys)];
    // rating.js labels its parts with literal keys ("rate.…") and keys of its levels and reasons.
    if ((EXTRA[page] ?? []).includes("rating.js")) {
      const { LEVELS, REASONS } = RATING_KEYS;
      keys.push(...[...read("rating.js").matchAll(/"(rate\.[A-Za-z]+)"/g)].map((m) => m[1]),
        ...LEVELS.map((l) => `level.${l}`), ...REASONS.map((r) => `reason.${r}`));
    }
    const missing = [...new Set(keys)].filter((k) => !(k in zh && k in en));
    assert.deepEqual(missing, [], `${page}: t() keys missing from the dictionary`);
  });
}

test("notice: the printed notice's wording is Chinese, and every doc(\"…\") key of the script exists", async () => {
  const { DOCUMENT } = await import(new URL("notice.i18n.js", web));
  for (const [k, v] of Object.entries(DOCUMENT)) assert.ok(CJK.test(sample(v)), `notice DOCUMENT ${k} is not Chinese: ${sample(v)}`);
  const src = read("notice.js");
  const used = [...src.matchAll(/\bdoc\(\s*"([^"]+)"/g)].map((m) => m[1]);
  // Keys put together from a value (`title.${kind}`, `kind.${c.kind}` …): every value has its wording.
  const built = [
    ...["acceptance", "supplement", "return", "joint", "promise"].map((k) => `title.${k}`),
    ...["immediate", "promised", "supplement", "returned", "joint", "reported"].map((k) => `kind.${k}`),
    ...["main_material_missing", "against_policy", "conditions_unmet"].map((k) => `ground.${k}`),
    ...["done", "approved", "not_approved", "returned", "expired"].map((k) => `result.${k}`),
  ];
  const missing = [...new Set([...used, ...built])].filter((k) => !(k in DOCUMENT));
  assert.deepEqual(missing, [], "notice.js: doc() keys missing from DOCUMENT");
});

test("letter: the reply letter's wording is Chinese, and every doc(\"…\") key of the script exists", async () => {
  const { DOCUMENT } = await import(new URL("letter.i18n.js", web));
  for (const [k, v] of Object.entries(DOCUMENT)) assert.ok(CJK.test(sample(v)) || k === "dear", `letter DOCUMENT ${k} is not Chinese: ${sample(v)}`);
  const used = [...read("letter.js").matchAll(/\bdoc\(\s*"([^"]+)"/g)].map((m) => m[1]);
  const built = [
    ...["oral", "phone", "written", "online"].map((k) => `channel.${k}`),
    ...["upheld", "partly_upheld", "not_upheld"].map((k) => `finding.${k}`),
  ];
  const missing = [...new Set([...used, ...built])].filter((k) => !(k in DOCUMENT));
  assert.deepEqual(missing, [], "letter.js: doc() keys missing from DOCUMENT");
});

test("petition: the printed papers' wording is Chinese, and every doc(\"…\") key of the script exists", async () => {
  const { DOCUMENT } = await import(new URL("petition.i18n.js", web));
  for (const [k, v] of Object.entries(DOCUMENT)) assert.ok(CJK.test(sample(v)), `petition DOCUMENT ${k} is not Chinese: ${sample(v)}`);
  const src = read("petition.js");
  const used = [...src.matchAll(/\bdoc\(\s*"([^"]+)"/g)].map((m) => m[1]);
  const built = [
    ...["transfer-slip", "notice"].map((k) => `title.${k}`),
    ...["letter", "visit", "call", "online"].map((k) => `channel.${k}`),
  ];
  const missing = [...new Set([...used, ...built])].filter((k) => !(k in DOCUMENT));
  assert.deepEqual(missing, [], "petition.js: doc() keys missing from DOCUMENT");
});

// Codes no page meets: devices' and the county's own, the protocol's (a page never sends a bad
// limit, method or Last-Event-ID), and answers a page reads without showing (a missing photo,
// a QR code's host, the stream cap).
const CODES_NO_PAGE_SHOWS = ["invalid_host", "invalid_limit", "invalid_last_event_id", "no_photo", "county_only",
  "unknown_message", "invalid_message", "method_not_allowed", "too_many_streams"];

test("every error code the server answers has its words in both languages on the pages", async () => {
  const codes = [...readIn(new URL("../../server/src/", import.meta.url), "error.rs")
    .matchAll(/^\s+\w+ = \w+, "([a-z_]+)",/gm)].map((m) => m[1]);
  assert.ok(codes.length > 100, `codes read from error.rs: ${codes.length}`);
  const said = { zh: new Set(), en: new Set() };
  for (const site of SITES) {
    const { zh, en } = await dictionary(site);
    for (const k of Object.keys(zh)) said.zh.add(k);
    for (const k of Object.keys(en)) said.en.add(k);
  }
  const unsaid = codes.filter((c) => !CODES_NO_PAGE_SHOWS.includes(c) && !(said.zh.has(`err.${c}`) && said.en.has(`err.${c}`)));
  assert.deepEqual(unsaid, [], "codes shown as a bare 错误代码 on every page");
  const gone = CODES_NO_PAGE_SHOWS.filter((c) => !codes.includes(c));
  assert.deepEqual(gone, [], "no longer codes of the server");
});
