//! Drawing a job as the paper would come out: white paper of the printer's dot width, text in a CJK font on
//! the printer's 12×24 / 24×24 dot grid scaled by GS !, QR codes, and a dashed line where it cuts.

mod font;

use std::path::Path;

use anyhow::{anyhow, Context};
use image::{Rgb, RgbImage};
use qrcode::{Color, EcLevel, QrCode};

use crate::decode::{decode, Align, Block, Paper};
use crate::paper::{PaperWidth, CHAR_DOTS_HIGH, HALF_DOTS};
use crate::wrap::char_columns;

pub use font::FONT_PATHS;

/// Blank paper above the first and below the last line.
const MARGIN: u32 = 16;
/// Default line spacing (ESC 2) leaves this many dots under a standard-height line.
const LINE_GAP: u32 = 6;
/// Height of the cut mark.
const CUT_HEIGHT: u32 = 24;

/// The paper as an image, one pixel per printer dot. Without a CJK font characters are drawn as boxes;
/// [`save_png`] refuses to run in that case.
pub fn render(paper: &Paper, width: PaperWidth) -> RgbImage {
    let dots = width.dots();
    let codes: Vec<Option<QrCode>> = paper.blocks.iter().map(qr_of).collect();
    let height = MARGIN * 2 + paper.blocks.iter().zip(&codes).map(|(b, q)| block_height(b, q.as_ref())).sum::<u32>();
    let mut img = RgbImage::from_pixel(dots, height, Rgb([255, 255, 255]));
    let font = font::font();
    let mut y = MARGIN;
    for (block, code) in paper.blocks.iter().zip(&codes) {
        match block {
            Block::Text { text, width, height, bold, align } => {
                let (w, h) = (u32::from(*width), u32::from(*height));
                let line_dots: u32 = text.chars().map(|c| char_columns(c) as u32 * HALF_DOTS * w).sum();
                let mut x = i64::from(offset(*align, line_dots, dots));
                for c in text.chars() {
                    let cell_w = char_columns(c) as u32 * HALF_DOTS * w;
                    let strokes = if *bold { 1 + i64::from(w) } else { 1 };
                    for dx in 0..strokes {
                        font::draw_char(&mut img, font, c, x + dx, i64::from(y), cell_w, CHAR_DOTS_HIGH * h);
                    }
                    x += i64::from(cell_w);
                }
            }
            Block::Qr { module, .. } => {
                if let Some(code) = code {
                    draw_qr(&mut img, code, u32::from(*module), y, dots);
                }
            }
            Block::Cut { partial } => {
                let dash = if *partial { 4 } else { 10 };
                let mid = i64::from(y + CUT_HEIGHT / 2);
                for x in 0..i64::from(dots) {
                    if (x / dash) % 2 == 0 {
                        font::put(&mut img, x, mid);
                        font::put(&mut img, x, mid + 1);
                    }
                }
            }
            Block::Feed(_) => {}
        }
        y += block_height(block, code.as_ref());
    }
    img
}

/// Ok when a CJK font for the preview is installed, else an error saying how to install one.
pub fn check_font() -> anyhow::Result<()> {
    font::font().map(|_| ()).ok_or_else(|| anyhow!(font::missing_font_message()))
}

/// Decodes `bytes`, renders them and writes a PNG to `path`. Fails when no CJK font is installed.
pub fn save_png(bytes: &[u8], width: PaperWidth, path: &Path) -> anyhow::Result<()> {
    check_font()?;
    let img = render(&decode(bytes), width);
    img.save_with_format(path, image::ImageFormat::Png).with_context(|| format!("writing {}", path.display()))
}

fn offset(align: Align, line: u32, paper: u32) -> u32 {
    let room = paper.saturating_sub(line);
    match align {
        Align::Left => 0,
        Align::Center => room / 2,
        Align::Right => room,
    }
}

fn qr_of(block: &Block) -> Option<QrCode> {
    match block {
        Block::Qr { data, .. } => QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).ok(),
        _ => None,
    }
}

fn block_height(block: &Block, code: Option<&QrCode>) -> u32 {
    match block {
        Block::Text { height, .. } => CHAR_DOTS_HIGH * u32::from(*height) + LINE_GAP,
        Block::Qr { module, .. } => code.map_or(0, |c| c.width() as u32 * u32::from(*module) + LINE_GAP),
        Block::Feed(n) => u32::from(*n) * (CHAR_DOTS_HIGH + LINE_GAP),
        Block::Cut { .. } => CUT_HEIGHT,
    }
}

/// A QR code centred on the paper, `module` dots per module.
fn draw_qr(img: &mut RgbImage, code: &QrCode, module: u32, top: u32, dots: u32) {
    let side = code.width() as u32;
    let left = offset(Align::Center, side * module, dots);
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (mx, my) = (i as u32 % side, i as u32 / side);
            for dy in 0..module {
                for dx in 0..module {
                    font::put(img, i64::from(left + mx * module + dx), i64::from(top + my * module + dy));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn black(img: &RgbImage) -> usize {
        img.pixels().filter(|p| p.0 == [0, 0, 0]).count()
    }

    #[test]
    fn draws_text_qr_and_cut_on_paper_of_the_dot_width() {
        let paper = Paper {
            blocks: vec![
                Block::Text { text: "中文 A023".into(), width: 2, height: 2, bold: true, align: Align::Center },
                Block::Qr { data: "https://hall.example/t/1".into(), module: 4 },
                Block::Feed(1),
                Block::Cut { partial: false },
            ],
        };
        let img = render(&paper, PaperWidth::Mm58);
        assert_eq!(img.width(), 384);
        assert_eq!(img.height(), MARGIN * 2 + 54 + 25 * 4 + LINE_GAP + 30 + CUT_HEIGHT);
        assert!(black(&img) > 1000, "{} black dots", black(&img));
        // Centred: nothing in the leftmost 40 dots above the cut.
        let left_black = (0..40).flat_map(|x| (0..img.height() - CUT_HEIGHT - MARGIN).map(move |y| (x, y)));
        assert!(left_black.filter(|&(x, y)| img.get_pixel(x, y).0 == [0, 0, 0]).count() == 0);
    }

    #[test]
    fn empty_paper_is_blank() {
        let img = render(&Paper::default(), PaperWidth::Mm80);
        assert_eq!((img.width(), img.height(), black(&img)), (576, MARGIN * 2, 0));
    }
}
