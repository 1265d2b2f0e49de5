//! Reading ESC/POS back: what would come out of the printer, as blocks of text, QR codes, feeds and cuts.
//! Used by the tests (does the ticket say what it should?) and by the preview.

mod parse;
#[cfg(test)]
mod tests_parse;

pub use parse::decode;

/// Horizontal alignment (ESC a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// One printed line. `width`/`height` are the GS ! (or ESC !) multipliers, 1–8, the largest used on the
    /// line; `bold` if any of it was emphasised; `align` as set when the line began.
    Text { text: String, width: u8, height: u8, bold: bool, align: Align },
    /// A printed QR code (GS ( k … 1 Q 0) with the stored data and the module size in dots.
    Qr { data: String, module: u8 },
    /// Blank lines: an LF or ESC d with nothing to print, ESC d n's lines beyond the one that printed text;
    /// ESC J's dots count as 30-dot lines, rounded up.
    Feed(u8),
    /// A cut (GS V, ESC i / ESC m); `partial` leaves a tab.
    Cut { partial: bool },
}

/// Everything a job prints, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paper {
    pub blocks: Vec<Block>,
}

impl Paper {
    /// All text lines joined by '\n'.
    pub fn text(&self) -> String {
        self.lines().map(|(text, _, _)| text).collect::<Vec<_>>().join("\n")
    }

    /// Data of every QR code, in order.
    pub fn qr_payloads(&self) -> Vec<String> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Qr { data, .. } => Some(data.clone()),
                _ => None,
            })
            .collect()
    }

    /// True when the job ends with a cut (only paper feeds may follow it).
    pub fn cut(&self) -> bool {
        matches!(self.blocks.iter().rev().find(|b| !matches!(b, Block::Feed(_))), Some(Block::Cut { .. }))
    }

    /// The line printed with the largest characters (by area; the first of equals) and its multipliers.
    /// An empty string and 1×1 when there is no text.
    pub fn largest_text(&self) -> (String, u8, u8) {
        let mut best: Option<(&str, u8, u8)> = None;
        for (text, w, h) in self.lines() {
            if best.is_none_or(|(_, bw, bh)| u16::from(w) * u16::from(h) > u16::from(bw) * u16::from(bh)) {
                best = Some((text, w, h));
            }
        }
        best.map_or((String::new(), 1, 1), |(t, w, h)| (t.to_string(), w, h))
    }

    fn lines(&self) -> impl Iterator<Item = (&str, u8, u8)> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Text { text, width, height, .. } => Some((text.as_str(), *width, *height)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str, w: u8) -> Block {
        Block::Text { text: s.into(), width: w, height: w, bold: false, align: Align::Left }
    }

    #[test]
    fn summaries() {
        let paper = Paper {
            blocks: vec![
                text("大厅", 2),
                text("A023", 6),
                text("B", 6),
                Block::Qr { data: "u".into(), module: 6 },
                Block::Cut { partial: false },
                Block::Feed(2),
            ],
        };
        assert_eq!(paper.text(), "大厅\nA023\nB");
        assert_eq!(paper.qr_payloads(), vec!["u"]);
        assert!(paper.cut());
        assert_eq!(paper.largest_text(), ("A023".to_string(), 6, 6));
        let uncut = Paper { blocks: vec![Block::Cut { partial: true }, text("x", 1)] };
        assert!(!uncut.cut());
        assert_eq!(Paper::default().largest_text(), (String::new(), 1, 1));
    }
}
