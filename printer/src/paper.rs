//! Paper widths of the hall's thermal printers.

use std::fmt;
use std::str::FromStr;

/// Roll width. The printable line is 384 dots on 58 mm paper and 576 dots on 80 mm paper (203 dpi heads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaperWidth {
    Mm58,
    #[default]
    Mm80,
}

/// Width of a half-width (ASCII) character of the printer's standard font, in dots; full-width (Chinese) is twice.
pub const HALF_DOTS: u32 = 12;
/// Height of the standard font, in dots.
pub const CHAR_DOTS_HIGH: u32 = 24;

impl PaperWidth {
    /// Printable dots on a line.
    pub fn dots(self) -> u32 {
        match self {
            PaperWidth::Mm58 => 384,
            PaperWidth::Mm80 => 576,
        }
    }

    /// Half-width columns at normal size (32 or 48).
    pub fn columns(self) -> usize {
        (self.dots() / HALF_DOTS) as usize
    }
}

impl FromStr for PaperWidth {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "58" | "58mm" => Ok(PaperWidth::Mm58),
            "80" | "80mm" => Ok(PaperWidth::Mm80),
            other => Err(format!("unknown paper width {other:?}: expected 58, 80, 58mm or 80mm")),
        }
    }
}

impl fmt::Display for PaperWidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PaperWidth::Mm58 => "58mm",
            PaperWidth::Mm80 => "80mm",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<PaperWidth, ()>) {
        assert_eq!(input.parse::<PaperWidth>().map_err(|_| ()), expected, "{input}");
    }

    #[test]
    fn parses_widths() {
        check("58", Ok(PaperWidth::Mm58));
        check("58mm", Ok(PaperWidth::Mm58));
        check(" 80MM ", Ok(PaperWidth::Mm80));
        check("80", Ok(PaperWidth::Mm80));
        check("76", Err(()));
        check("", Err(()));
    }

    #[test]
    fn dots_and_columns() {
        assert_eq!((PaperWidth::Mm58.dots(), PaperWidth::Mm58.columns()), (384, 32));
        assert_eq!((PaperWidth::Mm80.dots(), PaperWidth::Mm80.columns()), (576, 48));
        assert_eq!(PaperWidth::Mm58.to_string().parse(), Ok(PaperWidth::Mm58));
    }
}
