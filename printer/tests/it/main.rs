//! Integration tests of hall-printer: the ticket as printed, targets, printing to the fake printer, preview.

mod preview;
mod printing;
mod ticket;

use hall_printer::{Lang, TicketPrint};

pub fn sample(lang: Lang) -> TicketPrint {
    TicketPrint::sample(lang)
}

/// Text without line breaks and spaces, so that wrapped lines can be searched.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
