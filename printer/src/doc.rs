//! Building a print job: escpos's `Printer` over a driver that captures the bytes, plus the Chinese-mode text
//! the escpos crate does not offer (FS & and GB18030 text).

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::errors::Result as EscResult;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

use crate::decode::Align;
use crate::paper::PaperWidth;
use crate::wrap::{columns, wrap_indent};

/// FS & — select Chinese character mode (GB18030 two/four-byte codes print full-width).
pub const FS_CHINESE_ON: [u8; 2] = [0x1C, 0x26];

/// A driver whose writes append to a shared buffer.
#[derive(Clone, Default)]
struct Capture(Rc<RefCell<Vec<u8>>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".to_owned()
    }

    fn write(&self, data: &[u8]) -> EscResult<()> {
        self.0.try_borrow_mut()?.extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> EscResult<usize> {
        Ok(0)
    }

    fn flush(&self) -> EscResult<()> {
        Ok(())
    }
}

/// How a paragraph is printed: alignment, GS ! multipliers (1–8), emphasis, and the indent of wrapped lines.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub align: Align,
    pub width: u8,
    pub height: u8,
    pub bold: bool,
    pub indent: &'static str,
}

impl Style {
    pub const NORMAL: Style = Style { align: Align::Left, width: 1, height: 1, bold: false, indent: "" };

    pub fn center(self) -> Style {
        Style { align: Align::Center, ..self }
    }
    pub fn bold(self) -> Style {
        Style { bold: true, ..self }
    }
    pub fn size(self, width: u8, height: u8) -> Style {
        Style { width, height, ..self }
    }
    pub fn indent(self, indent: &'static str) -> Style {
        Style { indent, ..self }
    }
}

/// A job being built for one paper width.
pub struct Doc {
    printer: Printer<Capture>,
    out: Rc<RefCell<Vec<u8>>>,
    paper: PaperWidth,
}

impl Doc {
    /// ESC @ (initialise) then FS & (Chinese mode).
    pub fn new(paper: PaperWidth) -> Doc {
        let capture = Capture::default();
        let out = capture.0.clone();
        let mut doc = Doc { printer: Printer::new(capture, Protocol::default(), None), out, paper };
        doc.run(|p| p.init()?.custom(&FS_CHINESE_ON));
        doc
    }

    /// Half-width columns on a line at width multiplier `width`.
    pub fn columns_at(&self, width: u8) -> usize {
        self.paper.columns() / usize::from(width.max(1))
    }

    /// Prints `text` as a paragraph, wrapped to the paper at the style's size; the style is reset afterwards.
    pub fn para(&mut self, text: &str, style: Style) {
        let lines = wrap_indent(text, self.columns_at(style.width), style.indent);
        let justify = match style.align {
            Align::Left => JustifyMode::LEFT,
            Align::Center => JustifyMode::CENTER,
            Align::Right => JustifyMode::RIGHT,
        };
        self.run(|p| p.justify(justify)?.size(style.width.clamp(1, 8), style.height.clamp(1, 8))?.bold(style.bold));
        for line in lines {
            let (bytes, _, _) = encoding_rs::GB18030.encode(&line);
            self.run(|p| p.custom(&[&bytes[..], b"\n"].concat()));
        }
        self.run(|p| p.bold(false)?.reset_size()?.justify(JustifyMode::LEFT));
    }

    /// A full-width line of '-'.
    pub fn rule(&mut self) {
        let rule = "-".repeat(self.paper.columns());
        debug_assert_eq!(columns(&rule), self.paper.columns());
        self.para(&rule, Style::NORMAL);
    }

    /// ESC d n.
    pub fn feed(&mut self, lines: u8) {
        self.run(|p| p.feeds(lines));
    }

    /// A centred QR code (model 2, error correction M) with `module` dots per module.
    /// Returns false (and prints nothing) when escpos refuses the data, e.g. when it is too long.
    pub fn qr(&mut self, data: &str, module: u8) -> bool {
        self.run(|p| p.justify(JustifyMode::CENTER));
        let option = QRCodeOption::new(QRCodeModel::Model2, module, QRCodeCorrectionLevel::M);
        let ok = self.run(|p| p.qrcode_option(data, option)?.custom(b"\n"));
        self.run(|p| p.justify(JustifyMode::LEFT));
        ok
    }

    /// Feeds past the cutter, cuts, and returns the whole job.
    pub fn finish(mut self) -> Vec<u8> {
        self.run(|p| p.feeds(4)?.print_cut());
        let out = self.out.borrow().clone();
        out
    }

    /// Runs escpos calls; they fail only on arguments outside the protocol's ranges, which is logged and skipped.
    fn run(&mut self, f: impl FnOnce(&mut Printer<Capture>) -> EscResult<&mut Printer<Capture>>) -> bool {
        match f(&mut self.printer) {
            Ok(_) => true,
            Err(e) => {
                tracing::error!(error = %e, "escpos refused a command; it is left out of the ticket");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_with_init_and_chinese_mode_and_ends_with_cut() {
        let mut doc = Doc::new(PaperWidth::Mm58);
        doc.para("中文", Style::NORMAL.center().bold());
        let bytes = doc.finish();
        assert_eq!(&bytes[..4], &[0x1B, b'@', 0x1C, 0x26]);
        assert_eq!(&bytes[bytes.len() - 4..], &[0x1D, b'V', b'A', 0]);
        let gb = [0xD6, 0xD0, 0xCE, 0xC4, 0x0A]; // 中文 in GB18030 then LF
        assert!(bytes.windows(gb.len()).any(|w| w == gb));
        assert!(bytes.windows(3).any(|w| w == [0x1B, b'a', 1]));
        assert!(bytes.windows(3).any(|w| w == [0x1B, b'E', 1]));
    }

    #[test]
    fn qr_uses_gs_paren_k_with_the_data() {
        let mut doc = Doc::new(PaperWidth::Mm80);
        assert!(doc.qr("https://x.example/t/1", 6));
        let bytes = doc.finish();
        let store = [&[0x1D, b'(', b'k', 24, 0, 49, 80, 48][..], b"https://x.example/t/1"].concat();
        assert!(bytes.windows(store.len()).any(|w| w == store));
        assert!(bytes.windows(8).any(|w| w == [0x1D, b'(', b'k', 3, 0, 49, 67, 6]));
    }

    #[test]
    fn too_long_qr_is_left_out() {
        let mut doc = Doc::new(PaperWidth::Mm80);
        assert!(!doc.qr(&"x".repeat(8000), 6));
    }
}
