//! Line wrapping in printer columns.
//!
//! In the printer's Chinese mode every single-byte (ASCII) character takes one half-width column and every
//! multi-byte GB18030 character a full-width cell of two columns, whatever Unicode says about its width
//! (e.g. "·" is printed full-width). So the column count follows the encoding, not `unicode-width`.

/// Columns a character takes on the printer: 1 for ASCII, 2 for everything sent as a GB18030 multi-byte code.
pub fn char_columns(c: char) -> usize {
    if c.is_ascii() {
        1
    } else {
        2
    }
}

/// Columns a string takes on the printer.
pub fn columns(s: &str) -> usize {
    s.chars().map(char_columns).sum()
}

/// Characters that should not begin a line (closing punctuation); they stay with the previous character.
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』】,.;:!?)".contains(c)
}

/// Wraps `text` into lines of at most `width` columns. Latin words are kept whole when they fit on a line,
/// CJK text breaks between any two characters except before closing punctuation. A `width` of 0 is taken as 1.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_indent(text, width, "")
}

/// Like [`wrap`], with `indent` put before every continuation line (a hanging indent).
pub fn wrap_indent(text: &str, width: usize, indent: &str) -> Vec<String> {
    let width = width.max(1);
    let indent = if columns(indent) >= width { "" } else { indent };
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut fresh = true; // nothing but the indent on `line` yet
    let mut i = 0;
    while i < chars.len() {
        let token = token_at(&chars, i);
        let used = columns(&line);
        if used + token.iter().copied().map(char_columns).sum::<usize>() <= width {
            line.extend(token);
            i += token.len();
            fresh = false;
        } else if fresh {
            // Longer than a whole line: take what fits (at least one character, so wrapping always advances).
            let mut cols = used;
            let mut taken = 0;
            while taken < token.len() && (taken == 0 || cols + char_columns(token[taken]) <= width) {
                cols += char_columns(token[taken]);
                line.push(token[taken]);
                taken += 1;
            }
            i += taken;
            fresh = false;
        } else {
            lines.push(line.trim_end().to_string());
            line = indent.to_string();
            fresh = true;
            while i < chars.len() && chars[i] == ' ' {
                i += 1; // spaces at a break are dropped
            }
        }
    }
    if !fresh || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The unit that must not be split: a run of ASCII letters/digits, or one character plus any closing
/// punctuation that follows it.
fn token_at(chars: &[char], i: usize) -> &[char] {
    let mut end = i + 1;
    if chars[i].is_ascii_alphanumeric() {
        while end < chars.len() && (chars[end].is_ascii_alphanumeric() || "-_/.:'".contains(chars[end])) {
            end += 1;
        }
    }
    while end < chars.len() && no_line_start(chars[end]) && end - i < 4 {
        end += 1;
    }
    &chars[i..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, width: usize, expected: &[&str]) {
        let got = wrap(text, width);
        assert_eq!(got, expected, "wrap({text:?}, {width})");
        for line in &got {
            assert!(columns(line) <= width, "{line:?} is wider than {width}");
        }
    }

    #[test]
    fn counts_columns_like_the_printer() {
        assert_eq!(columns("A023"), 4);
        assert_eq!(columns("民政窗口（二）"), 14);
        assert_eq!(columns("前面还有 3 人 · 预计"), 8 + 3 + 2 + 1 + 2 + 1 + 4);
    }

    #[test]
    fn wraps_cjk_anywhere_and_words_whole() {
        check("", 10, &[""]);
        check("身份证原件", 32, &["身份证原件"]);
        check("身份证原件", 4, &["身份", "证原", "件"]);
        check("婚姻登记，结婚", 6, &["婚姻登", "记，结", "婚"]);
        check("Please bring these documents", 12, &["Please bring", "these", "documents"]);
        check("Window 3 民政窗口", 10, &["Window 3", "民政窗口"]);
        check("https://hall.example/t/abcdef", 10, &["https://ha", "ll.example", "/t/abcdef"]);
        check("中A", 2, &["中", "A"]);
    }

    #[test]
    fn hanging_indent_on_continuation_lines() {
        let got = wrap_indent("1.【附件】户口簿原件及复印件", 14, "  ");
        assert_eq!(got, vec!["1.【附件】户口", "  簿原件及复印", "  件"]);
        assert!(got.iter().all(|l| columns(l) <= 14));
    }
}
