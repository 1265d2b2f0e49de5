//! The ticket's status page as a QR code on screen: a citizen whose ticket did not print can
//! still follow their number on the phone.

use qrcode::{Color, QrCode};
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// Black modules on white with the standard four-module quiet zone, 8 pixels a module.
pub fn image(url: &str) -> Image {
    let Ok(code) = QrCode::new(url.as_bytes()) else { return Image::default() };
    let (modules, scale, quiet) = (code.width(), 8usize, 4usize);
    let side = (modules + 2 * quiet) * scale;
    let colors = code.to_colors();
    let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(side as u32, side as u32);
    let px = buf.make_mut_slice();
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / scale).wrapping_sub(quiet), (y / scale).wrapping_sub(quiet));
            let dark = mx < modules && my < modules && colors[my * modules + mx] == Color::Dark;
            let v = if dark { 0 } else { 255 };
            px[y * side + x] = Rgb8Pixel { r: v, g: v, b: v };
        }
    }
    Image::from_rgb8(buf)
}
