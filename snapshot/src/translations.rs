//! Every visible string has its English: the `@tr("…")` strings of a slint UI against its `.po`
//! translation (msgctxt = the component or global the string is in, as slint looks them up).

use std::collections::HashMap;
use std::path::Path;

/// What is wrong with the English of the UI in `ui_dir` (its `.slint` files) in `po`: strings
/// without an entry, entries with an empty msgstr, and `{}` placeholders that do not match.
/// Empty when complete.
pub fn missing_english(ui_dir: &Path, po: &Path) -> anyhow::Result<Vec<String>> {
    let english = read_po(&std::fs::read_to_string(po)?);
    let mut problems = Vec::new();
    for e in &english {
        let (ctx, id) = (&e.ctx, &e.id);
        for form in &e.forms {
            if form.trim().is_empty() {
                problems.push(format!("{ctx}: 「{id}」 has an empty msgstr"));
            } else if id.matches("{}").count() != form.matches("{}").count()
                || (0..4).any(|i| id.contains(&format!("{{{i}}}")) != form.contains(&format!("{{{i}}}")))
            {
                problems.push(format!("{ctx}: 「{id}」 and \"{form}\" differ in their {{}} placeholders"));
            }
        }
    }
    let known: HashMap<(&str, &str), &PoEntry> = english.iter().map(|e| ((e.ctx.as_str(), e.id.as_str()), e)).collect();
    let mut files: Vec<_> = std::fs::read_dir(ui_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "slint"))
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap_or_default().to_string_lossy().to_string();
        for tr in tr_strings(&std::fs::read_to_string(&file)?) {
            let (ctx, id) = (&tr.ctx, &tr.id);
            match known.get(&(ctx.as_str(), id.as_str())) {
                None => problems.push(format!("{name}: {ctx}: 「{id}」 has no English (msgctxt \"{ctx}\")")),
                // slint looks a counted string up in the plural forms (msgstr[0], msgstr[1]) only.
                Some(e) if e.plural != tr.plural => problems.push(format!(
                    "{name}: {ctx}: 「{id}」 is {} in the UI but {} in the .po",
                    if tr.plural { "counted (… | … % n)" } else { "not counted" },
                    if e.plural { "has plural forms" } else { "has none" }
                )),
                Some(_) => {}
            }
        }
    }
    Ok(problems)
}

/// A `@tr` of a `.slint` source: its context (the enclosing component or global, unless an
/// explicit `@tr("ctx" => "…")` gives one), its msgid, and whether it is counted
/// (`@tr("…" | "…" % n)`: its English has a singular and a plural).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tr {
    pub ctx: String,
    pub id: String,
    pub plural: bool,
}

/// Each `@tr` of a `.slint` source.
pub fn tr_strings(source: &str) -> Vec<Tr> {
    let mut out = Vec::new();
    let mut context = String::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let words: Vec<&str> = code.split_whitespace().collect();
        if let Some(i) = words.iter().position(|w| *w == "component" || *w == "global") {
            if let Some(name) = words.get(i + 1) {
                context = name.trim_end_matches('{').to_string();
            }
        }
        let mut rest = line;
        while let Some(at) = rest.find("@tr(") {
            rest = &rest[at + 4..];
            let Some((first, after)) = literal(rest) else { break };
            rest = after;
            let (ctx, id) = match rest.trim_start().strip_prefix("=>").and_then(literal) {
                Some((id, after)) => {
                    rest = after;
                    (first, id)
                }
                None => (context.clone(), first),
            };
            let plural = rest.trim_start().starts_with('|');
            out.push(Tr { ctx, id, plural });
        }
    }
    out
}

/// A string literal at the start of `s` (after spaces), unescaped, and what follows it.
fn literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start().strip_prefix('"')?;
    let mut text = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((text, &s[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => text.push('\n'),
                other => text.push(other),
            },
            c => text.push(c),
        }
    }
    None
}

/// An entry of a `.po` file: its English is one `msgstr`, or the plural forms
/// `msgstr[0]`, `msgstr[1]`… of an entry with a `msgid_plural`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PoEntry {
    pub ctx: String,
    pub id: String,
    pub forms: Vec<String>,
    pub plural: bool,
}

/// Each entry of a `.po` file, the header left out.
pub fn read_po(po: &str) -> Vec<PoEntry> {
    let mut out = Vec::new();
    let mut entry = PoEntry::default();
    // The field that a continued line (a string alone on its line) adds to.
    let mut field = String::new();
    let mut flush = |entry: &mut PoEntry| {
        let done = std::mem::take(entry);
        if !done.id.is_empty() && !done.forms.is_empty() {
            out.push(done);
        }
    };
    for line in po.lines().map(str::trim) {
        let (key, value) = match line.split_once(' ') {
            Some((k, v)) if k.starts_with("msg") => (k, v),
            _ if line.starts_with('"') => ("", line),
            _ => continue,
        };
        let value = literal(value).map(|(v, _)| v).unwrap_or_default();
        match key {
            "msgctxt" => {
                flush(&mut entry);
                entry.ctx = value;
            }
            "msgid" => {
                if field != "msgctxt" {
                    flush(&mut entry);
                }
                entry.id = value;
            }
            "msgid_plural" => entry.plural = true,
            "msgstr" => entry.forms = vec![value],
            k if k.starts_with("msgstr[") => entry.forms.push(value),
            _ => match field.as_str() {
                "msgctxt" => entry.ctx.push_str(&value),
                "msgid" => entry.id.push_str(&value),
                f if f.starts_with("msgstr") => entry.forms.last_mut().into_iter().for_each(|s| s.push_str(&value)),
                _ => {}
            },
        }
        if !key.is_empty() {
            field = key.to_string();
        }
    }
    flush(&mut entry);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(ctx: &str, id: &str, plural: bool) -> Tr {
        Tr { ctx: ctx.into(), id: id.into(), plural }
    }

    #[test]
    fn tr_strings_take_the_enclosing_component_as_context() {
        let src = "export global G {\n  x: @tr(\"甲 \\\"乙\\\"\");\n}\ncomponent Foo inherits Rectangle {\n  // @tr(\"no\") in a comment still counts\n  t: a ? @tr(\"{} 人\", n) : @tr(\"ctx\" => \"丙\");\n  u: @tr(\"{n} 项\" | \"{n} 项\" % count);\n}\n";
        assert_eq!(
            tr_strings(src),
            [
                tr("G", "甲 \"乙\"", false),
                tr("Foo", "no", false),
                tr("Foo", "{} 人", false),
                tr("ctx", "丙", false),
                tr("Foo", "{n} 项", true),
            ]
        );
    }

    #[test]
    fn po_entries_with_continued_lines_and_plural_forms() {
        let po = "msgid \"\"\nmsgstr \"\"\n\"Language: en\\n\"\n\nmsgctxt \"A\"\nmsgid \"甲\"\nmsgstr \"\"\n\"one \"\n\"two\"\n\nmsgctxt \"B\"\nmsgid \"乙\"\nmsgstr \"\"\n\nmsgctxt \"C\"\nmsgid \"{n} 项\"\nmsgid_plural \"{n} 项\"\nmsgstr[0] \"{n} \"\n\"matter\"\nmsgstr[1] \"{n} matters\"\n";
        let entry = |ctx: &str, id: &str, forms: &[&str], plural| PoEntry {
            ctx: ctx.into(),
            id: id.into(),
            forms: forms.iter().map(|f| f.to_string()).collect(),
            plural,
        };
        assert_eq!(
            read_po(po),
            [
                entry("A", "甲", &["one two"], false),
                entry("B", "乙", &[""], false),
                entry("C", "{n} 项", &["{n} matter", "{n} matters"], true),
            ]
        );
    }

    /// A counted string needs plural forms in the .po (slint reads no plain msgstr for it), and
    /// every form its placeholders.
    #[test]
    fn a_counted_string_needs_its_plural_forms() {
        let dir = tempfile::tempdir().unwrap();
        let ui = dir.path().join("ui");
        std::fs::create_dir(&ui).unwrap();
        std::fs::write(
            ui.join("a.slint"),
            "component A {\n  t: @tr(\"{n} 项\" | \"{n} 项\" % n);\n  u: @tr(\"{0} 号\" | \"{0} 号\" % n, w);\n}\n",
        )
        .unwrap();
        let check = |po: &str, want: &[&str]| {
            let path = dir.path().join("en.po");
            std::fs::write(&path, po).unwrap();
            let problems = missing_english(&ui, &path).unwrap();
            assert_eq!(problems.len(), want.len(), "{problems:?}");
            for (p, w) in problems.iter().zip(want) {
                assert!(p.contains(w), "{p} should say {w}");
            }
        };
        let plural = |id: &str, one: &str, many: &str| {
            format!(
                "msgctxt \"A\"\nmsgid \"{id}\"\nmsgid_plural \"{id}\"\nmsgstr[0] \"{one}\"\nmsgstr[1] \"{many}\"\n\n"
            )
        };
        let good = plural("{n} 项", "{n} matter", "{n} matters") + &plural("{0} 号", "Window {0}", "Windows {0}");
        check(&good, &[]);
        let single = "msgctxt \"A\"\nmsgid \"{n} 项\"\nmsgstr \"{n} matters\"\n\n".to_string()
            + &plural("{0} 号", "Window {0}", "Windows {0}");
        check(&single, &["counted"]);
        let empty = plural("{n} 项", "{n} matter", "") + &plural("{0} 号", "Window", "Windows {0}");
        check(&empty, &["empty msgstr", "placeholders"]);
    }
}
