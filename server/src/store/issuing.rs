//! Whether tickets are issued now, as the kiosks, displays and the issuing op see it: the pure
//! rules of `domain::hours` fed with today's counts and the director's reopening.

use chrono::{DateTime, NaiveDateTime, Utc};
use hall_wire as wire;
use rusqlite::{Connection, Transaction};

use crate::domain::calendar::Calendar;
use crate::domain::hours::{self, Issuing, MatterRules};
use crate::hall::{Hall, Matter};
use crate::store::{settings, tickets};

/// The settings key holding the local day the director reopened issuing for.
const REOPENED_DAY: &str = "issuing_reopened_day";

/// The hall's local time now, as the hours are written.
pub fn local(hall: &Hall, now: DateTime<Utc>) -> NaiveDateTime {
    now.with_timezone(&hall.timezone).naive_local()
}

pub fn reopened_today(conn: &Connection, day: &str) -> rusqlite::Result<bool> {
    Ok(settings::get(conn, REOPENED_DAY)?.as_deref() == Some(day))
}

/// The director reopens (or stops reopening) issuing for the rest of `day`.
pub fn set_reopened(tx: &Transaction, day: &str, reopened: bool) -> rusqlite::Result<()> {
    settings::set(tx, REOPENED_DAY, if reopened { day } else { "" })
}

/// Where and when issuing is asked about: the hall, its working-day calendar, the hall's local
/// day (`YYYY-MM-DD`) and the moment.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub hall: &'a Hall,
    pub calendar: &'a Calendar,
    pub day: &'a str,
    pub now: DateTime<Utc>,
}

impl At<'_> {
    fn local(&self) -> NaiveDateTime {
        local(self.hall, self.now)
    }
}

pub fn hall(conn: &Connection, at: At) -> rusqlite::Result<Issuing> {
    Ok(hours::for_hall(&at.hall.hours, at.calendar, reopened_today(conn, at.day)?, at.local()))
}

pub fn matter(conn: &Connection, at: At, m: &Matter) -> rusqlite::Result<Issuing> {
    matter_when(conn, at, m, reopened_today(conn, at.day)?)
}

/// [`matter`] with the day's reopening already read (a queue asks for each of its matters).
pub fn matter_when(conn: &Connection, at: At, m: &Matter, reopened: bool) -> rusqlite::Result<Issuing> {
    let issued = match m.rules.daily_quota {
        // A booked place counts in the quota (a check-in's ticket is not counted again).
        Some(_) if !reopened && !at.hall.hours.any_time => {
            tickets::issued_today(conn, at.day, &m.id)? + booked_held(conn, at, &m.id)?
        }
        _ => 0,
    };
    Ok(hours::for_matter(&at.hall.hours, at.calendar, m.rules, issued, reopened, at.local()))
}

pub fn queue(conn: &Connection, at: At, queue: &str) -> rusqlite::Result<Issuing> {
    queue_when(conn, at, queue, reopened_today(conn, at.day)?)
}

/// [`queue`] with the day's reopening already read.
pub fn queue_when(conn: &Connection, at: At, queue: &str, reopened: bool) -> rusqlite::Result<Issuing> {
    let states = at
        .hall
        .matters
        .iter()
        .filter(|m| m.queue == queue)
        .map(|m| matter_when(conn, at, m, reopened))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(hours::for_queue(&states))
}

/// A local time of the hall as the wire writes times (RFC 3339 with the hall's offset).
pub fn fmt_local(hall: &Hall, t: NaiveDateTime) -> Option<String> {
    use chrono::TimeZone;
    let at = hall.timezone.from_local_datetime(&t).earliest()?;
    Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
}

/// The wire form; `rules`/`issued` add a matter's quota and what is left of it.
pub fn to_wire(hall: &Hall, i: Issuing, rules: Option<(MatterRules, u32)>) -> wire::Issuing {
    let (daily_quota, left_today) = match rules {
        Some((MatterRules { daily_quota: Some(q), .. }, issued)) => (Some(q), Some(q.saturating_sub(issued))),
        _ => (None, None),
    };
    match i {
        Issuing::Open { until, reopened } => wire::Issuing {
            open: true,
            until: until.and_then(|t| fmt_local(hall, t)),
            daily_quota,
            left_today,
            reopened,
            ..Default::default()
        },
        Issuing::Stopped { reason, next_open } => wire::Issuing {
            open: false,
            reason: Some(reason.into()),
            next_open: next_open.and_then(|t| fmt_local(hall, t)),
            daily_quota,
            left_today,
            ..Default::default()
        },
    }
}

/// Today's places of a matter's quota its bookings hold now (`booking::held_on`).
fn booked_held(conn: &Connection, at: At, matter: &str) -> rusqlite::Result<u32> {
    let grace = i64::from(at.hall.policy.booking.grace_minutes) * 60_000;
    crate::store::booking::held_on(conn, at.day, matter, Some(crate::store::ms(at.now) - grace))
}

/// A matter's state in wire form, with its quota.
pub fn matter_wire(conn: &Connection, at: At, m: &Matter) -> rusqlite::Result<wire::Issuing> {
    let state = matter(conn, at, m)?;
    let issued = match m.rules.daily_quota {
        // Booked places of the day are taken from the quota too.
        Some(_) => tickets::issued_today(conn, at.day, &m.id)? + booked_held(conn, at, &m.id)?,
        None => 0,
    };
    Ok(to_wire(at.hall, state, Some((m.rules, issued))))
}
