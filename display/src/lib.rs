//! The hall's lobby display and window displays: live over the server's event stream, with
//! calls spoken aloud in Mandarin. `controller` (the pure state machine, as in the kiosk) decides, `client` listens, `view` shows, `voice`
//! speaks; `app` wires them together off the UI thread.

slint::include_modules!();

pub mod app;
pub mod client;
pub mod controller;
pub mod screenshots;
pub mod view;
pub mod voice;

/// Chooses the UI language: Simplified Chinese (the source strings) or English.
pub fn select_language(lang: &str) -> anyhow::Result<()> {
    match lang {
        "zh" | "zh-CN" | "zh_CN" => slint::select_bundled_translation("").map_err(|e| anyhow::anyhow!("{e}")),
        "en" => slint::select_bundled_translation("en").map_err(|e| anyhow::anyhow!("{e}")),
        other => anyhow::bail!("unknown language `{other}` (zh or en)"),
    }
}
