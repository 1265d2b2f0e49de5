//! 「查询办件进度」: the case number and check code from the applicant's paper notice, typed on
//! the on-screen pad, on a keyboard, or by a barcode scanner that types like one; one query at
//! a time; its answer (found, not found, too many attempts, no answer).

use hall_wire as wire;

use super::{Effect, Input, Kiosk, Screen};

/// The letters and digits a check code is made of (no 0/O, no 1/I), as the server makes them.
pub const CODE_ALPHABET: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// A check code's length.
pub const CODE_LEN: usize = 6;
/// A case number is `YYYYMMDD-NNNN`; more than 9 999 cases a day would make the tail longer.
const DATE_LEN: usize = 8;
const SERIAL_MIN: usize = 4;
const SERIAL_MAX: usize = 6;

/// The field that takes what is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryField {
    #[default]
    Number,
    Code,
}

/// Where the query stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Lookup {
    /// Typing (also after a correction of a not-found or failed query).
    #[default]
    Entering,
    /// Asked; waiting for the server.
    Querying,
    Found(Box<wire::CaseProgress>),
    /// No such case, or a wrong check code (the server does not say which).
    NotFound,
    Failed(QueryFailure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryFailure {
    /// `429 too_many_attempts`: this address asked too often; `retry_after` seconds, if said.
    TooMany { retry_after: Option<u64> },
    /// No answer (network, time-out, 5xx) or one the kiosk cannot read.
    Unavailable,
}

/// What the server answered to one query (the client's side of the contract).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseAnswer {
    Found(Box<wire::CaseProgress>),
    NotFound,
    TooMany { retry_after: Option<u64> },
    Unavailable(String),
}

/// The query screen's state; a fresh one each time the screen opens or the kiosk goes home, so
/// the next citizen never sees the last one's case.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub number: String,
    pub code: String,
    pub field: QueryField,
    pub lookup: Lookup,
    /// The id of the query in flight: an answer to any other is ignored.
    asked: Option<u64>,
    /// Ids of queries so far (never reset, so an old answer never matches a new query).
    sent: u64,
}

impl CaseQuery {
    /// A fresh screen (the ids go on, so an answer to a query of before is still ignored).
    pub(super) fn reset(&mut self) {
        *self = CaseQuery { sent: self.sent, ..CaseQuery::default() };
    }

    /// `YYYYMMDD-NNNN` with a date's eight digits and four to six after the dash.
    pub fn number_complete(&self) -> bool {
        match self.number.split_once('-') {
            Some((date, serial)) => {
                date.len() == DATE_LEN && (SERIAL_MIN..=SERIAL_MAX).contains(&serial.len()) && !serial.contains('-')
            }
            None => false,
        }
    }

    pub fn code_complete(&self) -> bool {
        self.code.len() == CODE_LEN
    }

    /// Both fields complete and nothing asked yet: 「查询」 can be touched.
    pub fn ready(&self) -> bool {
        self.number_complete() && self.code_complete() && self.lookup != Lookup::Querying
    }

    /// One character into the number: digits, the dash after the date (put in by itself when
    /// the ninth digit comes), and a scanner's separator (space, `/`, tab) or the code's first
    /// letter after a complete number move on to the code.
    fn type_number(&mut self, c: char) {
        let dash = self.number.contains('-');
        match c {
            '0'..='9' if !dash && self.number.len() == DATE_LEN => self.number.extend(['-', c]),
            '0'..='9' if !dash => self.number.push(c),
            '0'..='9' if self.number.len() < DATE_LEN + 1 + SERIAL_MAX => self.number.push(c),
            '-' if !dash && self.number.len() == DATE_LEN => self.number.push('-'),
            ' ' | '/' | '\t' if !self.number.is_empty() => self.field = QueryField::Code,
            c if c.is_ascii_alphabetic() && self.number_complete() => {
                self.field = QueryField::Code;
                self.type_code(c);
            }
            _ => {}
        }
    }

    /// One character into the code: upper-cased; anything not in the code's alphabet (spaces,
    /// look-alikes) is left out.
    fn type_code(&mut self, c: char) {
        let c = c.to_ascii_uppercase();
        if c == '\t' {
            self.field = QueryField::Number;
        } else if CODE_ALPHABET.contains(c) && self.code.len() < CODE_LEN {
            self.code.push(c);
        }
    }

    fn backspace(&mut self) {
        match self.field {
            QueryField::Number => {
                self.number.pop();
            }
            // An empty code gives the way back to the number.
            QueryField::Code if self.code.is_empty() => self.field = QueryField::Number,
            QueryField::Code => {
                self.code.pop();
            }
        }
    }
}

impl Kiosk {
    pub fn case_query(&self) -> &CaseQuery {
        &self.case
    }

    pub(super) fn on_case_input(&mut self, input: Input, fx: &mut Vec<Effect>) {
        if let Input::CaseAnswer { id, answer } = input {
            return self.on_case_answer(id, answer);
        }
        if self.screen != Screen::CaseQuery {
            return;
        }
        let q = &mut self.case;
        match (&q.lookup, &input) {
            // One query at a time: nothing changes under it.
            (Lookup::Querying, _) => return,
            // A case on screen: a new notice scanned (or typed) starts a new query.
            (Lookup::Found(_), Input::CaseText(text)) if text.chars().any(|c| c.is_ascii_alphanumeric()) => q.reset(),
            (Lookup::Found(_), Input::CaseClear) => {}
            (Lookup::Found(_), _) => return,
            _ => {}
        }
        // Any change puts a not-found or failed answer away: the citizen is correcting.
        q.lookup = Lookup::Entering;
        match input {
            Input::CaseField(field) => q.field = field,
            Input::CaseText(text) => {
                for c in text.chars() {
                    match (c, q.field) {
                        ('\n' | '\r', _) => return self.submit_case(fx),
                        ('\u{8}' | '\u{7f}', _) => q.backspace(),
                        (c, QueryField::Number) => q.type_number(c),
                        (c, QueryField::Code) => q.type_code(c),
                    }
                }
            }
            Input::CaseBackspace => q.backspace(),
            Input::CaseClear => q.reset(),
            Input::CaseSubmit => self.submit_case(fx),
            _ => {}
        }
    }

    /// 「查询」 or Enter: asks when both fields are complete; else the field to finish takes the
    /// typing.
    fn submit_case(&mut self, fx: &mut Vec<Effect>) {
        let q = &mut self.case;
        if !q.number_complete() {
            q.field = QueryField::Number;
        } else if !q.code_complete() {
            q.field = QueryField::Code;
        } else {
            q.sent += 1;
            q.asked = Some(q.sent);
            q.lookup = Lookup::Querying;
            fx.push(Effect::QueryCase { id: q.sent, number: q.number.clone(), code: q.code.clone() });
        }
    }

    fn on_case_answer(&mut self, id: u64, answer: CaseAnswer) {
        let q = &mut self.case;
        if q.asked != Some(id) || self.screen != Screen::CaseQuery {
            return; // the citizen left (or cleared) before the answer came
        }
        q.asked = None;
        q.lookup = match answer {
            CaseAnswer::Found(progress) => Lookup::Found(progress),
            CaseAnswer::NotFound => Lookup::NotFound,
            CaseAnswer::TooMany { retry_after } => Lookup::Failed(QueryFailure::TooMany { retry_after }),
            CaseAnswer::Unavailable(_) => Lookup::Failed(QueryFailure::Unavailable),
        };
        if let Lookup::Found(_) = q.lookup {
            self.server_online = true;
        }
    }
}
