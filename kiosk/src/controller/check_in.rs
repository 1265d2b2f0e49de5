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

/// Why the server gave no ticket, as the kiosk says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turned {
    /// `404 booking_not_found`; the booking's day when it is another day's (from the message).
    NotFound { day: Option<String> },
    /// `409 booking_too_early`: from when check-in opens, "HH:MM" (from the message).
    TooEarly { from: Option<String> },
    /// `409 booking_used`: already checked in, cancelled, or missed.
    Used,
    /// `422 invalid_id_number`.
    InvalidIdNumber,
    /// `422 id_number_required`: the matter asks for the identity number.
    IdNumberRequired,
    /// `409 person_limit`: this person holds as many tickets of the matter as allowed today.
    PersonLimit,
    /// Anything else (`429 rate_limited`, the hall closed, …): the server's message.
    Other { code: String, message: String },
}

impl Turned {
    pub fn of(code: &str, message: &str) -> Turned {
        match code {
            "booking_not_found" => Turned::NotFound { day: find_day(message) },
            "booking_too_early" => Turned::TooEarly { from: find_time(message) },
            "booking_used" => Turned::Used,
            "invalid_id_number" => Turned::InvalidIdNumber,
            "id_number_required" => Turned::IdNumberRequired,
            "person_limit" => Turned::PersonLimit,
            _ => Turned::Other { code: code.to_string(), message: message.to_string() },
        }
    }
}

/// The first `YYYY-MM-DD` in a message ("no booking today for …; the next one is on 2026-11-26").
fn find_day(message: &str) -> Option<String> {
    let b = message.as_bytes();
    let form =
        |w: &[u8]| w.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    (0..b.len().saturating_sub(9)).find(|&i| form(&b[i..i + 10])).map(|i| message[i..i + 10].to_string())
}

/// The last `H:MM` or `HH:MM` in a message, as "HH:MM" (the server says the slot, then from
/// when: "check-in for the 11:00 slot opens at 10:30").
fn find_time(message: &str) -> Option<String> {
    let b = message.as_bytes();
    (1..b.len().saturating_sub(2)).rev().find_map(|i| {
        let minutes = b[i] == b':' && b[i + 1].is_ascii_digit() && b[i + 2].is_ascii_digit();
        let after = b.get(i + 3).is_none_or(|c| !c.is_ascii_digit());
        let hours = b[..i].iter().rev().take_while(|c| c.is_ascii_digit()).count();
        (minutes && after && (1..=2).contains(&hours)).then(|| format!("{:0>5}", &message[i - hours..i + 3]))
    })
}

impl Entry {
    /// What the field shows: a scanned link as the code it carries, else the text (upper case).
    pub fn shown(&self) -> String {
        match read(&self.text) {
            Reading::Key(BookingKey::Code(code)) => code,
            _ => self.text.trim().to_ascii_uppercase(),
        }
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
                if let Some(stop) = self.stop_of(service_id) {
                    // Closed meanwhile: said on the matter's screen, nothing sent.
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
    fn refusals_read_their_day_and_time_from_the_message() {
        let cases: &[(&str, &str, Turned)] = &[
            ("booking_not_found", "未找到预约", Turned::NotFound { day: None }),
            (
                "booking_not_found",
                "该预约是 2026-11-27 的，请当天再来",
                Turned::NotFound { day: Some("2026-11-27".into()) },
            ),
            ("booking_too_early", "请于 9:00 后再来签到", Turned::TooEarly { from: Some("09:00".into()) }),
            ("booking_too_early", "请于 10:30 后再来签到", Turned::TooEarly { from: Some("10:30".into()) }),
            ("booking_too_early", "太早了", Turned::TooEarly { from: None }),
            (
                "booking_too_early",
                "check-in for the 11:00 slot opens at 10:30",
                Turned::TooEarly { from: Some("10:30".into()) },
            ),
            (
                "booking_not_found",
                "no booking today for 110***********002X; the next one is on 2026-11-26",
                Turned::NotFound { day: Some("2026-11-26".into()) },
            ),
            ("booking_used", "已签到", Turned::Used),
            ("invalid_id_number", "身份证号码有误", Turned::InvalidIdNumber),
            ("id_number_required", "需要身份证号", Turned::IdNumberRequired),
            ("person_limit", "已达上限", Turned::PersonLimit),
            ("rate_limited", "请稍后再试", Turned::Other { code: "rate_limited".into(), message: "请稍后再试".into() }),
        ];
        for (code, message, expected) in cases {
            assert_eq!(&Turned::of(code, message), expected, "{code}: {message}");
        }
    }
}
