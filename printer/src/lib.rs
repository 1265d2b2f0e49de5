//! The hall's queue ticket on ESC/POS thermal printers.
//!
//! - [`ticket_bytes`] / [`test_page_bytes`] build a whole print job (Chinese mode, GB18030 text, QR code, cut).
//! - [`Target`] says where it goes (`tcp://`, `usb://`, `file:`, `preview:`), [`Printer`] sends it after a
//!   real-time status check and reports a [`Fault`] the kiosk can show.
//! - [`decode`] reads ESC/POS back into blocks, [`preview`] draws them as a PNG; `fake` (cargo feature
//!   `fake`) is a network printer for tests and the benchmark.

pub mod decode;
mod doc;
#[cfg(feature = "fake")]
pub mod fake;
mod fault;
mod labels;
mod link;
mod paper;
pub mod preview;
mod printer;
mod status;
mod target;
mod testpage;
mod ticket;
mod usb;
pub mod wrap;

pub use fault::Fault;
pub use labels::Lang;
pub use paper::PaperWidth;
pub use printer::Printer;
pub use target::Target;
pub use testpage::{test_page_bytes, TEST_SENTENCE};
pub use ticket::{ticket_bytes, TicketLine, TicketPrint, WindowLine};
