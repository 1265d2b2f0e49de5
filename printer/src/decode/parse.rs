//! The ESC/POS byte parser. Unknown or truncated commands are skipped; it never panics.

use super::{Align, Block, Paper};

const LF: u8 = 0x0A;
const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const FS: u8 = 0x1C;
const DLE: u8 = 0x10;
const CAN: u8 = 0x18;
/// Default line spacing in dots, for ESC J's dot counts.
const LINE_DOTS: u8 = 30;

/// Reads a job. Chinese mode (FS &) is taken as on at the start and after ESC @, as on the hall's printers;
/// FS . leaves it, after which bytes above 0x7F are read as Latin-1.
pub fn decode(bytes: &[u8]) -> Paper {
    let mut p = Parser { bytes, at: 0, s: State::default(), line: None, blocks: Vec::new(), qr_data: None };
    p.run();
    Paper { blocks: p.blocks }
}

#[derive(Clone, Copy)]
struct State {
    align: Align,
    width: u8,
    height: u8,
    bold: bool,
    chinese: bool,
    qr_module: u8,
}

impl Default for State {
    fn default() -> Self {
        State { align: Align::Left, width: 1, height: 1, bold: false, chinese: true, qr_module: 3 }
    }
}

struct Line {
    text: String,
    width: u8,
    height: u8,
    bold: bool,
    align: Align,
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    s: State,
    line: Option<Line>,
    blocks: Vec<Block>,
    qr_data: Option<String>,
}

impl Parser<'_> {
    /// Byte `i` places after the current one, if present.
    fn arg(&self, i: usize) -> Option<u8> {
        self.bytes.get(self.at + i).copied()
    }

    /// Moves past `n` bytes (clamped to the end).
    fn skip(&mut self, n: usize) {
        self.at = self.at.saturating_add(n).min(self.bytes.len());
    }

    fn run(&mut self) {
        while self.at < self.bytes.len() {
            let b = self.bytes[self.at];
            match b {
                LF => {
                    if !self.end_line() {
                        self.blocks.push(Block::Feed(1));
                    }
                    self.skip(1);
                }
                b'\t' => self.push_char(' ', 1),
                CAN => {
                    self.line = None;
                    self.skip(1);
                }
                ESC => self.esc(),
                GS => self.gs(),
                FS => self.fs(),
                DLE => self.dle(),
                0x00..=0x1F | 0x7F => self.skip(1),
                0x80..=0xFF if self.s.chinese => self.multibyte(),
                0x80..=0xFF => self.push_char(char::from(b), 1),
                _ => self.push_char(char::from(b), 1),
            }
        }
        self.end_line();
    }

    fn push_char(&mut self, c: char, len: usize) {
        let s = self.s;
        let line = self.line.get_or_insert_with(|| Line {
            text: String::new(),
            width: s.width,
            height: s.height,
            bold: s.bold,
            align: s.align,
        });
        line.text.push(c);
        line.width = line.width.max(s.width);
        line.height = line.height.max(s.height);
        line.bold |= s.bold;
        self.skip(len);
    }

    /// A GB18030 character: two bytes, or four when the second is a digit 0x30–0x39.
    fn multibyte(&mut self) {
        let len = match self.arg(1) {
            Some(0x30..=0x39) => 4,
            Some(_) => 2,
            None => 1,
        };
        let end = (self.at + len).min(self.bytes.len());
        let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(&self.bytes[self.at..end]);
        let text = text.into_owned();
        let mut chars = text.chars();
        let first = chars.next().unwrap_or(char::REPLACEMENT_CHARACTER);
        self.push_char(first, end - self.at);
        // A malformed sequence can decode to more than one character; keep them all.
        for c in chars {
            self.push_char(c, 0);
        }
    }

    /// Prints the pending line; false if there was none.
    fn end_line(&mut self) -> bool {
        match self.line.take() {
            Some(Line { text, width, height, bold, align }) => {
                self.blocks.push(Block::Text { text, width, height, bold, align });
                true
            }
            None => false,
        }
    }

    fn esc(&mut self) {
        let Some(cmd) = self.arg(1) else { return self.skip(1) };
        let n = self.arg(2).unwrap_or(0);
        match cmd {
            b'@' => {
                self.end_line();
                self.s = State::default();
                self.skip(2);
            }
            b'a' => {
                self.s.align = match n % 48 {
                    1 => Align::Center,
                    2 => Align::Right,
                    _ => Align::Left,
                };
                self.skip(3);
            }
            b'E' => {
                self.s.bold = n & 1 == 1;
                self.skip(3);
            }
            b'!' => {
                self.s.bold = n & 0x08 != 0;
                self.s.height = if n & 0x10 != 0 { 2 } else { 1 };
                self.s.width = if n & 0x20 != 0 { 2 } else { 1 };
                self.skip(3);
            }
            b'd' | b'J' => {
                // Both print the pending line, which takes the first line of the feed (like LF).
                let lines = if cmd == b'd' { n } else { n.div_ceil(LINE_DOTS) };
                let lines = if self.end_line() { lines.saturating_sub(1) } else { lines };
                if lines > 0 {
                    self.blocks.push(Block::Feed(lines));
                }
                self.skip(3);
            }
            b'i' | b'm' => {
                self.end_line();
                self.blocks.push(Block::Cut { partial: true });
                self.skip(2);
            }
            b'2' | b'<' => self.skip(2),
            b'$' | b'\\' => self.skip(4),
            b'p' => self.skip(5),
            b'c' => self.skip(4),
            b'*' => {
                let count = usize::from(self.arg(3).unwrap_or(0)) + 256 * usize::from(self.arg(4).unwrap_or(0));
                let per_column = if n >= 32 { 3 } else { 1 };
                self.skip(5 + count * per_column);
            }
            b'D' => {
                // Tab positions, NUL-terminated (at most 32).
                let rest = &self.bytes[(self.at + 2).min(self.bytes.len())..];
                let end = rest.iter().take(33).position(|&b| b == 0).map_or(2 + 33, |p| 3 + p);
                self.skip(end);
            }
            _ => self.skip(3), // ESC t/R/M/-/G/V/{/SP/U/3/= n and other one-argument commands
        }
    }

    fn gs(&mut self) {
        let Some(cmd) = self.arg(1) else { return self.skip(1) };
        let n = self.arg(2).unwrap_or(0);
        match cmd {
            b'!' => {
                self.s.width = (n >> 4 & 7) + 1;
                self.s.height = (n & 7) + 1;
                self.skip(3);
            }
            b'V' => {
                self.end_line();
                let partial = matches!(n, 1 | 49 | 66 | 98 | 104);
                self.blocks.push(Block::Cut { partial });
                self.skip(if matches!(n, 0 | 1 | 48 | 49) { 3 } else { 4 });
            }
            b'(' => {
                let len = usize::from(self.arg(3).unwrap_or(0)) + 256 * usize::from(self.arg(4).unwrap_or(0));
                let start = (self.at + 5).min(self.bytes.len());
                let end = (start + len).min(self.bytes.len());
                if n == b'k' {
                    self.two_d(start, end);
                }
                self.at = end;
            }
            b'8' => {
                // GS 8 L p1 p2 p3 p4: four-byte length.
                let len = (3..7).rev().fold(0usize, |acc, i| acc * 256 + usize::from(self.arg(i).unwrap_or(0)));
                self.skip(7usize.saturating_add(len));
            }
            b'v' => {
                // GS v 0 m xL xH yL yH d1…dk, k = x * y.
                let x = usize::from(self.arg(4).unwrap_or(0)) + 256 * usize::from(self.arg(5).unwrap_or(0));
                let y = usize::from(self.arg(6).unwrap_or(0)) + 256 * usize::from(self.arg(7).unwrap_or(0));
                self.skip(8 + x * y);
            }
            b'*' => {
                let x = usize::from(n);
                let y = usize::from(self.arg(3).unwrap_or(0));
                self.skip(4 + x * y * 8);
            }
            b'k' => {
                if n <= 6 {
                    let end = self.bytes[(self.at + 3).min(self.bytes.len())..].iter().position(|&b| b == 0);
                    self.skip(end.map_or(usize::MAX, |p| 4 + p));
                } else {
                    self.skip(4 + usize::from(self.arg(3).unwrap_or(0)));
                }
            }
            b'L' | b'W' | b'P' | b'$' | b'\\' => self.skip(4),
            _ => self.skip(3), // GS B/b/H/h/w/f/a/I/r/… n
        }
    }

    /// GS ( k: the QR function (cn 49) is followed; other symbols are skipped by their length.
    fn two_d(&mut self, start: usize, end: usize) {
        let body = &self.bytes[start..end];
        match body {
            [49, 67, module, ..] => self.s.qr_module = (*module).clamp(1, 16),
            [49, 80, _, data @ ..] => self.qr_data = Some(String::from_utf8_lossy(data).into_owned()),
            [49, 81, ..] => {
                self.end_line();
                let data = self.qr_data.clone().unwrap_or_default();
                self.blocks.push(Block::Qr { data, module: self.s.qr_module });
            }
            _ => {}
        }
    }

    fn fs(&mut self) {
        match self.arg(1) {
            Some(b'&') => {
                self.s.chinese = true;
                self.skip(2);
            }
            Some(b'.') => {
                self.s.chinese = false;
                self.skip(2);
            }
            Some(b'S' | b'p') => self.skip(4),
            Some(b'2') => self.skip(76),
            Some(b'!' | b'-' | b'W' | b'C') => self.skip(3),
            _ => self.skip(2),
        }
    }

    fn dle(&mut self) {
        match (self.arg(1), self.arg(2)) {
            (Some(0x04), Some(7 | 8 | 18)) => self.skip(4),
            (Some(0x04 | 0x05), _) => self.skip(3),
            (Some(0x14), _) => self.skip(5),
            _ => self.skip(1),
        }
    }
}
