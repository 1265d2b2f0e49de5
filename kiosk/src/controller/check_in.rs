//! The pad of 「预约取号」 (a booking code or identity number, typed or scanned, checked in for
//! the booking's ticket) and of a matter that asks for the identity number before its ticket.
//! The request itself goes like any ticket's: one key, retried, given up on (`issuing.rs`).

use std::time::Instant;

use super::entry::{read, BookingKey, Reading};
use super::{BookingOutcome, CheckedIn, Effect, Input, Kiosk, Refusal, Request, Screen};

/// Characters kept at most (a scanned link is long; anything longer is not a booking).
const MAX_TEXT: usize = 200;

/// The pad's field and what became of its last 「确定」.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// As typed or scanned.
    pub text: String,
    pub state: EntryState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum EntryState {
    #[default]
    Typing,
    /// 「确定」 on text that is neither a booking code nor an identity number.
    NotRead,
    /// An identity number whose check digit is wrong: said before asking the server.
    BadIdNumber,
    /// The server said no.
    Turned(Turned),
    /// The server did not answer in time: nothing was made (「确定」 tries again, same key).
    Unreachable,
}

/// Why the server gave no ticket, as the kiosk says it (in its own words: the server's
/// message is English and only logged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turned {
    /// `404 booking_not_found`; the booking's day when it is another day's (`booking_day`).
    NotFound { day: Option<String> },
    /// `409 booking_too_early`: from when check-in opens, "HH:MM" (`next_open`).
    TooEarly { from: Option<String> },
    /// `409 booking_used`: already checked in, cancelled, or missed.
    Used,
    /// `422 invalid_id_number`.
    InvalidIdNumber,
    /// `422 id_number_required`: the matter asks for the identity number.
    IdNumberRequired,
    /// `409 person_limit`: this person holds as many tickets of the matter as allowed today.
    PersonLimit,
    /// Anything else (`429 rate_limited`, …): its code, said as such.
    Other { code: String },
}

impl Turned {
    /// From the refusal's code and what it said as data: `next_open` (local RFC 3339) and the
    /// booking's `day`.
    pub fn of(code: &str, next_open: Option<String>, day: Option<String>) -> Turned {
        match code {
            "booking_not_found" => Turned::NotFound { day },
            "booking_too_early" => Turned::TooEarly { from: next_open.as_deref().and_then(clock_time) },
            "booking_used" => Turned::Used,
            "invalid_id_number" => Turned::InvalidIdNumber,
            "id_number_required" => Turned::IdNumberRequired,
            "person_limit" => Turned::PersonLimit,
            _ => Turned::Other { code: code.to_string() },
        }
    }
}

/// "HH:MM" of a local RFC 3339 time ("2026-11-25T10:30:00+08:00" → "10:30").
fn clock_time(at: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc3339(at).ok().map(|t| t.format("%H:%M").to_string())
}

impl Entry {
    /// What the field shows: a scanned link as the code it carries, a card read after what was
    /// left as the card's number, else the text (upper case). Once the server has answered about
    /// the number (not found, too early, used…) it is masked (110***********002X): nothing is to
    /// be corrected in it, and the next citizen must not read it.
    pub fn shown(&self) -> String {
        match read(&self.text) {
            Reading::Key(BookingKey::Code(code)) => code,
            // Masked once sent, answered or not (the citizen may walk away from the pad): not when
            // the server says the number itself is wrong, as it is there to be corrected.
            Reading::Key(BookingKey::IdNumber(n))
                if matches!(&self.state, EntryState::Turned(t) if *t != Turned::InvalidIdNumber)
                    || self.state == EntryState::Unreachable =>
            {
                format!("{}{}{}", &n[..3], "*".repeat(11), &n[14..])
            }
            Reading::Key(BookingKey::IdNumber(n)) => n,
            _ => self.text.trim().to_ascii_uppercase(),
        }
    }

    /// A refusal is on the pad: the citizen has read it or gone (the kiosk goes home sooner).
    pub(super) fn refused(&self) -> bool {
        matches!(self.state, EntryState::Turned(_))
    }

    /// What 「确定」 would do on `screen`: check in, or take the ticket with the number.
    pub fn ready(&self, screen: &Screen) -> bool {
        matches!(
            (screen, read(&self.text)),
            (Screen::CheckIn, Reading::Key(_)) | (Screen::IdNumber { .. }, Reading::Key(BookingKey::IdNumber(_)))
        )
    }
}

impl Kiosk {
    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    pub(super) fn on_entry(&mut self, input: Input, now: Instant, fx: &mut Vec<Effect>) {
        if !matches!(self.screen, Screen::CheckIn | Screen::IdNumber { .. }) {
            return;
        }
        let e = &mut self.entry;
        match input {
            Input::EntryText(text) => {
                // After a refusal, new text (a new scan, another code) starts afresh.
                if matches!(e.state, EntryState::Turned(_)) {
                    e.text.clear();
                }
                e.state = EntryState::Typing;
                for c in text.chars() {
                    match c {
                        '\u{8}' | '\u{7f}' => drop(e.text.pop()),
                        c if c.is_control() => {} // Enter comes as `EntrySubmit`
                        c if e.text.chars().count() < MAX_TEXT => e.text.push(c),
                        _ => {}
                    }
                }
            }
            Input::EntryBackspace => {
                e.state = EntryState::Typing;
                e.text.pop();
            }
            Input::EntryClear => *e = Entry::default(),
            Input::EntrySubmit { key } => self.submit_entry(key, now, fx),
            _ => {}
        }
    }

    fn submit_entry(&mut self, key: String, now: Instant, fx: &mut Vec<Effect>) {
        let reading = read(&self.entry.text);
        let screen = self.screen.clone();
        let request = match (&screen, reading) {
            (_, Reading::Empty) => return,
            (_, Reading::BadIdNumber) => return self.entry.state = EntryState::BadIdNumber,
            (Screen::CheckIn, Reading::Key(by)) => Request::CheckIn(by),
            (Screen::IdNumber { service_id, priority }, Reading::Key(BookingKey::IdNumber(n))) => {
                // Closed meanwhile: said on the matter's screen, nothing sent (unless the hall
                // issues priority tickets all the same, as `take` lets them through).
                let exempt = priority.is_some() && self.priority_exempt();
                if let Some(stop) = self.stop_of(service_id).filter(|_| !exempt) {
                    self.refusal = Some(Refusal::Stopped(stop));
                    self.screen = Screen::Matter(service_id.clone());
                    return;
                }
                Request::Ticket { service_id: service_id.clone(), priority: *priority, id_number: Some(n) }
            }
            _ => return self.entry.state = EntryState::NotRead,
        };
        self.entry.state = EntryState::Typing;
        self.send(key, request, now, fx);
    }

    pub(super) fn on_checked_in(&mut self, key: String, answer: CheckedIn, now: Instant, fx: &mut Vec<Effect>) {
        let CheckedIn { ticket, on_time, start, end } = answer;
        self.on_ticket(key, ticket, Some(BookingOutcome { on_time, start, end }), now, fx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_said_from_their_code_and_data() {
        let day = |d: &str| Some(d.to_string());
        let cases: &[(&str, Option<String>, Option<String>, Turned)] = &[
            ("booking_not_found", None, None, Turned::NotFound { day: None }),
            ("booking_not_found", None, day("2026-11-27"), Turned::NotFound { day: day("2026-11-27") }),
            ("booking_too_early", day("2026-11-25T09:00:00+08:00"), None, Turned::TooEarly { from: day("09:00") }),
            ("booking_too_early", day("2026-11-25T10:30:00+08:00"), None, Turned::TooEarly { from: day("10:30") }),
            ("booking_too_early", None, None, Turned::TooEarly { from: None }),
            ("booking_too_early", day("10:30"), None, Turned::TooEarly { from: None }),
            ("booking_used", None, None, Turned::Used),
            ("invalid_id_number", None, None, Turned::InvalidIdNumber),
            ("id_number_required", None, None, Turned::IdNumberRequired),
            ("person_limit", None, None, Turned::PersonLimit),
            ("rate_limited", None, None, Turned::Other { code: "rate_limited".into() }),
        ];
        for (code, next_open, booking_day, expected) in cases {
            assert_eq!(&Turned::of(code, next_open.clone(), booking_day.clone()), expected, "{code}");
        }
    }
}
