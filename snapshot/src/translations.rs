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
    for (ctx, id, msgstr) in &english {
        if msgstr.trim().is_empty() {
            problems.push(format!("{ctx}: 「{id}」 has an empty msgstr"));
        } else if id.matches("{}").count() != msgstr.matches("{}").count() {
            problems.push(format!("{ctx}: 「{id}」 and \"{msgstr}\" differ in their {{}} placeholders"));
        }
    }
    let known: HashMap<(&str, &str), &str> =
        english.iter().map(|(c, i, s)| ((c.as_str(), i.as_str()), s.as_str())).collect();
    let mut files: Vec<_> = std::fs::read_dir(ui_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "slint"))
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap_or_default().to_string_lossy().to_string();
        for (ctx, id) in tr_strings(&std::fs::read_to_string(&file)?) {
            if !known.contains_key(&(ctx.as_str(), id.as_str())) {
                problems.push(format!("{name}: {ctx}: 「{id}」 has no English (msgctxt \"{ctx}\")"));
            }
        }
    }
    Ok(problems)
}

/// (context, msgid) of each `@tr` in a `.slint` source; the context is the enclosing
/// component or global (an explicit `@tr("ctx" => "…")` context wins).
pub fn tr_strings(source: &str) -> Vec<(String, String)> {
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
            let trimmed = rest.trim_start();
            if let Some(more) = trimmed.strip_prefix("=>") {
                if let Some((id, after)) = literal(more) {
                    out.push((first, id));
                    rest = after;
                    continue;
                }
            }
            out.push((context.clone(), first));
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

/// (msgctxt, msgid, msgstr) of each entry of a `.po` file, the header left out.
pub fn read_po(po: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let (mut ctx, mut id, mut text) = (String::new(), None::<String>, None::<String>);
    let mut field = "";
    let flush = |ctx: &mut String, id: &mut Option<String>, text: &mut Option<String>, out: &mut Vec<_>| {
        if let (Some(i), Some(t)) = (id.take(), text.take()) {
            if !i.is_empty() {
                out.push((std::mem::take(ctx), i, t));
            }
        }
        ctx.clear();
    };
    for line in po.lines().map(str::trim) {
        let (key, value) = match line.split_once(' ') {
            Some((k, v)) if ["msgctxt", "msgid", "msgstr"].contains(&k) => (k, v),
            _ if line.starts_with('"') => ("", line),
            _ => continue,
        };
        let value = literal(value).map(|(v, _)| v).unwrap_or_default();
        match key {
            "msgctxt" => {
                flush(&mut ctx, &mut id, &mut text, &mut out);
                (ctx, field) = (value, "msgctxt");
            }
            "msgid" => {
                if field != "msgctxt" {
                    flush(&mut ctx, &mut id, &mut text, &mut out);
                }
                (id, field) = (Some(value), "msgid");
            }
            "msgstr" => (text, field) = (Some(value), "msgstr"),
            _ => match field {
                "msgctxt" => ctx.push_str(&value),
                "msgid" => id.get_or_insert_default().push_str(&value),
                "msgstr" => text.get_or_insert_default().push_str(&value),
                _ => {}
            },
        }
    }
    flush(&mut ctx, &mut id, &mut text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tr_strings_take_the_enclosing_component_as_context() {
        let src = "export global G {\n  x: @tr(\"甲 \\\"乙\\\"\");\n}\ncomponent Foo inherits Rectangle {\n  // @tr(\"no\") in a comment still counts\n  t: a ? @tr(\"{} 人\", n) : @tr(\"ctx\" => \"丙\");\n}\n";
        assert_eq!(
            tr_strings(src),
            [
                ("G".to_string(), "甲 \"乙\"".to_string()),
                ("Foo".into(), "no".into()),
                ("Foo".into(), "{} 人".into()),
                ("ctx".into(), "丙".into())
            ]
        );
    }

    #[test]
    fn po_entries_with_continued_lines() {
        let po = "msgid \"\"\nmsgstr \"\"\n\"Language: en\\n\"\n\nmsgctxt \"A\"\nmsgid \"甲\"\nmsgstr \"\"\n\"one \"\n\"two\"\n\nmsgctxt \"B\"\nmsgid \"乙\"\nmsgstr \"\"\n";
        assert_eq!(
            read_po(po),
            [("A".to_string(), "甲".to_string(), "one two".to_string()), ("B".into(), "乙".into(), String::new())]
        );
    }
}
