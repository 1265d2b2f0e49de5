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
pub mod qr;
pub mod runtime;
pub mod screenshots;
pub mod search;
pub mod view;

/// Chooses the UI language: Simplified Chinese (the source strings) or English.
pub fn select_language(english: bool) -> anyhow::Result<()> {
    slint::select_bundled_translation(if english { "en" } else { "" }).map_err(|e| anyhow::anyhow!("{e}"))
}

/// A fresh `Idempotency-Key` for one touch of 「取号」.
pub fn new_key() -> String {
    use rand::Rng;
    format!("kiosk-{:032x}", rand::rng().random::<u128>())
}
