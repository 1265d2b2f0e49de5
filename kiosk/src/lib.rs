//! The hall's touch kiosk: a citizen picks the matter they came for, is told at once where
//! to go and everything to bring (R3), and takes a ticket printed on an ESC/POS printer.
//! `controller` decides, `client` asks the server, `view` shows, `runtime` wires them
//! together off the UI thread, `app` is the window.

slint::include_modules!();

pub mod app;
pub mod catalog;
pub mod client;
pub mod config;
pub mod controller;
pub mod printing;
pub mod qr;
pub mod runtime;
pub mod screenshots;
pub mod search;
pub mod view;

/// The language in force for the whole process: 0 Chinese, 1 English, 2 not chosen yet.
static LANGUAGE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(2);

/// Chooses the UI language: Simplified Chinese (the source strings) or English. Call it after
/// the first window exists.
pub fn select_language(english: bool) -> anyhow::Result<()> {
    slint::select_bundled_translation(if english { "en" } else { "" }).map_err(|e| anyhow::anyhow!("{e}"))?;
    LANGUAGE.store(english as u8, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// Whether the process's language is not `english` (so a view must switch it).
fn language_differs(english: bool) -> bool {
    LANGUAGE.load(std::sync::atomic::Ordering::Relaxed) != english as u8
}

/// A fresh `Idempotency-Key` for one touch of 「取号」.
pub fn new_key() -> String {
    use rand::Rng;
    format!("kiosk-{:032x}", rand::rng().random::<u128>())
}
