//! Renders the hall's slint windows without a screen: slint's testing backend with the
//! software rasteriser. The display and the kiosk use it for their `screenshots` commands and
//! their UI tests.

use std::path::Path;

pub mod geometry;
pub mod translations;

use anyhow::Context;

/// Makes every window of this process render headless; call once, before the first window.
pub fn headless() -> anyhow::Result<()> {
    let backend = i_slint_backend_testing::TestingBackend::new(i_slint_backend_testing::TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    });
    slint::platform::set_platform(Box::new(backend))
        .map_err(|e| anyhow::anyhow!("cannot start the headless renderer: {e}"))
}

/// Draws the window as it is now and writes it to `path` as PNG (and names the file).
pub fn save_png(window: &slint::Window, path: &Path) -> anyhow::Result<()> {
    let shot = window.take_snapshot().map_err(|e| anyhow::anyhow!("cannot render: {e}"))?;
    let img = image::RgbaImage::from_raw(shot.width(), shot.height(), shot.as_bytes().to_vec())
        .context("the snapshot has an unexpected size")?;
    img.save(path).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}
