//! Integration tests of the display: with a real server, the UI in slint's testing backend,
//! and the voice measured with sox.

mod layout;
mod live;
mod screen;
mod translations;
mod voice;
