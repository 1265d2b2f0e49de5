//! The CJK font of the preview, and drawing characters into printer cells.

use std::path::PathBuf;
use std::sync::OnceLock;

use ab_glyph::{point, Font, FontVec, PxScale, ScaleFont};
use image::{Rgb, RgbImage};

/// Fonts tried in order after `$HALL_PRINTER_FONT`; index 0 of a .ttc collection is used.
pub const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
];

fn candidates() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::env::var_os("HALL_PRINTER_FONT").map(PathBuf::from).into_iter().collect();
    paths.extend(FONT_PATHS.iter().map(PathBuf::from));
    paths
}

/// The first CJK font that loads, once per process.
pub fn font() -> Option<&'static FontVec> {
    static FONT: OnceLock<Option<FontVec>> = OnceLock::new();
    FONT.get_or_init(|| {
        candidates().into_iter().find_map(|path| {
            let data = std::fs::read(&path).ok()?;
            let font = FontVec::try_from_vec_and_index(data, 0).ok()?;
            // A CJK font must have 中.
            (font.glyph_id('中').0 != 0).then(|| {
                tracing::debug!(font = %path.display(), "preview font");
                font
            })
        })
    })
    .as_ref()
}

/// The error when no CJK font is installed.
pub fn missing_font_message() -> String {
    let tried: Vec<String> = candidates().iter().map(|p| p.display().to_string()).collect();
    format!(
        "no CJK font for the preview (tried {}); install one with `apt-get install fonts-wqy-microhei` \
         or point HALL_PRINTER_FONT at a .ttf/.ttc",
        tried.join(", ")
    )
}

pub const BLACK: Rgb<u8> = Rgb([0, 0, 0]);

/// Draws `c` in the cell at (`x`, `y`) of `cell_w` × `cell_h` dots: the glyph scaled to the cell height, narrowed
/// if its advance is wider than the cell, centred horizontally. Without a font, an outlined box.
pub fn draw_char(img: &mut RgbImage, font: Option<&FontVec>, c: char, x: i64, y: i64, cell_w: u32, cell_h: u32) {
    if c == ' ' {
        return;
    }
    let Some(font) = font else {
        return draw_box(img, x + 1, y + 2, cell_w.saturating_sub(2), cell_h.saturating_sub(4));
    };
    let id = font.glyph_id(c);
    // The x scale follows the GS ! aspect (a half-width cell is half as wide as a full one of the same size),
    // then is capped so that the advance fits the cell.
    let full_w = if c.is_ascii() { cell_w * 2 } else { cell_w };
    let mut scale = PxScale { x: full_w as f32, y: cell_h as f32 };
    let advance = font.as_scaled(scale).h_advance(id);
    if advance > cell_w as f32 {
        scale.x *= cell_w as f32 / advance;
    }
    let scaled = font.as_scaled(scale);
    let left = x as f32 + (cell_w as f32 - scaled.h_advance(id)) / 2.0;
    let glyph = id.with_scale_and_position(scale, point(left, y as f32 + scaled.ascent()));
    if let Some(outline) = font.outline_glyph(glyph) {
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            if coverage > 0.45 {
                put(img, bounds.min.x as i64 + i64::from(gx), bounds.min.y as i64 + i64::from(gy));
            }
        });
    }
}

/// Sets one dot black, ignoring dots off the image.
pub fn put(img: &mut RgbImage, x: i64, y: i64) {
    if let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) {
        if x < img.width() && y < img.height() {
            img.put_pixel(x, y, BLACK);
        }
    }
}

fn draw_box(img: &mut RgbImage, x: i64, y: i64, w: u32, h: u32) {
    for dx in 0..i64::from(w) {
        put(img, x + dx, y);
        put(img, x + dx, y + i64::from(h));
    }
    for dy in 0..i64::from(h) {
        put(img, x, y + dy);
        put(img, x + i64::from(w), y + dy);
    }
}
