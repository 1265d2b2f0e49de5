//! The kiosk's integration tests: the UI in slint's testing backend, and the whole kiosk
//! (controller, client, printer) against a real server and a fake network printer.

mod booking;
mod e2e;
mod layout;
mod screen;
mod translations;
