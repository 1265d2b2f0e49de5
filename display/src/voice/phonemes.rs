//! Text → phonemes for the neural voice: a fixed table of the announcements' words
//! (`phonemes.tsv`, made by `scripts/voice-phonemes.py`), not a general front end. Kokoro's own
//! front end drops or misreads letters and reads "A012" as 十二; with the table every word of a
//! call is said the way a hall says it, and a sentence with a word outside the table is refused
//! (the caller then falls back to espeak-ng).
//!
//! How a call is said (measured with a speech recognizer, see docs/voice.md): the letter set
//! apart (a short pause before it, a stop after it), the digits one by one, a short pause after
//! the number's 号, the window as a cardinal (十二).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{cardinal, spoken_number};

const TABLE: &str = include_str!("phonemes.tsv");

/// Kokoro v1.0's phoneme vocabulary (its config.json): symbol → token id.
const VOCAB: &str = ";:,.!?—…\"()“” \u{303}ʣʥʦʨᵝꭧAIOQSTWYᵊabcdefhijklmnopqrstuvwxyzɑɐɒæβɔɕçɖðʤəɚɛɜɟɡɥɨɪʝɯɰŋɳɲɴøɸθœɹɾɻʁɽʂʃʈʧʊʋʌɣɤχʎʒʔˈˌːʰʲ↓→↗↘ᵻ";
const IDS: [i64; 114] = [
    1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 31, 33, 35, 36, 39, 41, 42,
    43, 44, 45, 46, 47, 48, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72,
    75, 76, 77, 78, 80, 81, 82, 83, 85, 86, 87, 90, 92, 99, 101, 102, 103, 110, 111, 112, 113, 114, 115, 116, 118, 119,
    120, 123, 125, 126, 128, 129, 130, 131, 132, 133, 135, 136, 138, 139, 140, 142, 143, 147, 148, 156, 157, 158, 162,
    164, 169, 171, 172, 173, 177,
];

/// A word that the table does not have: the sentence cannot be said by the neural voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown(pub String);

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not in the voice's phoneme table", self.0)
    }
}

fn table() -> &'static HashMap<String, String> {
    static T: OnceLock<HashMap<String, String>> = OnceLock::new();
    T.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once('\t'))
            .map(|(w, p)| (w.to_string(), p.trim().to_string()))
            .collect()
    })
}

fn word(w: &str) -> Result<&'static str, Unknown> {
    table().get(w).map(String::as_str).ok_or_else(|| Unknown(w.to_string()))
}

/// Literal text of a template, longest table words first; punctuation becomes a pause.
fn text(s: &str, out: &mut Vec<String>) -> Result<(), Unknown> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if let Some(p) = pause(c) {
            out.push(p.to_string());
            i += 1;
            continue;
        }
        let longest = (i + 1..=chars.len().min(i + 4))
            .rev()
            .find(|&j| table().contains_key(&chars[i..j].iter().collect::<String>()))
            .ok_or_else(|| Unknown(c.to_string()))?;
        out.push(word(&chars[i..longest].iter().collect::<String>())?.to_string());
        i = longest;
    }
    Ok(())
}

fn pause(c: char) -> Option<&'static str> {
    match c {
        '，' | ',' | '、' | '；' | ';' => Some(","),
        '。' | '.' | '！' | '!' => Some("."),
        _ => None,
    }
}

/// A ticket number: each letter set apart, then the digits one by one.
fn number(n: &str, out: &mut Vec<String>) -> Result<(), Unknown> {
    for c in spoken_number(n).chars() {
        let w = word(&c.to_string())?;
        if c.is_ascii_alphabetic() {
            out.push(format!(", {w}."));
        } else {
            out.push(w.to_string());
        }
    }
    Ok(())
}

/// The phonemes of one call from a template with `{number}` and `{window}`.
pub fn call(template: &str, number_text: &str, window: u32) -> Result<String, Unknown> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        text(&rest[..start], &mut out)?;
        let after = &rest[start..];
        if let Some(tail) = after.strip_prefix("{number}") {
            number(number_text, &mut out)?;
            // The number's 号 and a breath before the rest.
            rest = match tail.strip_prefix('号') {
                Some(t) if !t.is_empty() => {
                    let breath = if t.chars().next().and_then(pause).is_some() { "" } else { "," };
                    out.push(format!("{}{breath}", word("号")?));
                    t
                }
                _ => tail,
            };
        } else if let Some(tail) = after.strip_prefix("{window}") {
            // One word, as 二十二 is said (spaces would make 二 十 二 of it).
            let w = cardinal(window).chars().map(|c| word(&c.to_string())).collect::<Result<String, _>>()?;
            out.push(w);
            rest = tail;
        } else {
            return Err(Unknown("{".into()));
        }
    }
    text(rest, &mut out)?;
    let mut s = out.join(" ");
    // ", x." after a word: no space before the punctuation.
    s = s.replace(" ,", ",").replace(" .", ".");
    Ok(s.trim_start_matches([',', ' ']).to_string())
}

/// Kokoro's token ids of a phoneme string (symbols it does not know are dropped).
pub fn tokens(phonemes: &str) -> Vec<i64> {
    phonemes.chars().filter_map(|c| VOCAB.chars().position(|v| v == c).map(|i| IDS[i])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(template: &str, n: &str, w: u32, expected: &str) {
        assert_eq!(call(template, n, w).as_deref(), Ok(expected), "{n} {w}");
    }

    #[test]
    fn every_letter_and_digit_is_in_the_table() {
        for c in ('A'..='Z').chain("零一二三四五六七八九十百".chars()) {
            assert!(word(&c.to_string()).is_ok(), "{c}");
        }
        for w in ["请", "号", "到", "窗口", "办理"] {
            assert!(word(w).is_ok(), "{w}");
        }
    }

    #[test]
    fn calls_become_phonemes() {
        let t = super::super::DEFAULT_TEMPLATE;
        let (a, b, ling, yi, er, san, shi, hao, tail) = (
            word("A").unwrap(),
            word("B").unwrap(),
            word("零").unwrap(),
            word("一").unwrap(),
            word("二").unwrap(),
            word("三").unwrap(),
            word("十").unwrap(),
            word("号").unwrap(),
            format!("{} {}", word("窗口").unwrap(), word("办理").unwrap()),
        );
        let (qing, dao) = (word("请").unwrap(), word("到").unwrap());
        check(t, "A012", 3, &format!("{qing}, {a}. {ling} {yi} {er} {hao}, {dao} {san} {hao} {tail}"));
        check(t, "b100", 10, &format!("{qing}, {b}. {yi} {ling} {ling} {hao}, {dao} {shi} {hao} {tail}"));
        check(t, "A000", 11, &format!("{qing}, {a}. {ling} {ling} {ling} {hao}, {dao} {shi}{yi} {hao} {tail}"));
        check(t, "A020", 20, &format!("{qing}, {a}. {ling} {er} {ling} {hao}, {dao} {er}{shi} {hao} {tail}"));
        let qing_dao = word("请到").unwrap();
        check("{number}号，请到{window}号", "A1", 1, &format!("{a}. {yi} {hao}, {qing_dao} {yi} {hao}"));
    }

    #[test]
    fn windows_1_to_99_and_100_are_said_as_one_word() {
        for w in 1..=100 {
            let p = call("{window}", "A1", w).unwrap();
            let expected: String = cardinal(w).chars().map(|c| word(&c.to_string()).unwrap()).collect();
            assert_eq!(p, expected, "{w}");
        }
        assert_eq!(call("{window}", "A1", 22).unwrap(), format!("{0}{1}{0}", word("二").unwrap(), word("十").unwrap()));
    }

    #[test]
    fn words_outside_the_table_are_refused() {
        assert_eq!(call("请{number}号到{window}号柜台喝茶", "A1", 2), Err(Unknown("喝".into())));
        assert_eq!(call("{number}", "A-1", 2), Err(Unknown("-".into())));
        assert!(call("{nombre}", "A1", 2).is_err());
    }

    #[test]
    fn phonemes_become_kokoro_tokens() {
        assert_eq!(tokens("a b"), vec![43, 16, 44]);
        assert_eq!(tokens("ʨʰi↓ŋ"), vec![21, 162, 51, 169, 112]);
        assert_eq!(VOCAB.chars().count(), IDS.len());
        for w in table().values() {
            assert_eq!(tokens(w).len(), w.chars().count(), "a symbol outside Kokoro's vocabulary in {w}");
        }
        // The pauses a call puts in are Kokoro's symbols too, none dropped.
        let c = call(super::super::DEFAULT_TEMPLATE, "D375", 19).unwrap();
        assert_eq!(tokens(&c).len(), c.chars().count(), "{c}");
    }
}
