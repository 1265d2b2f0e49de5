//! Bookings (schema_v16): a place in a matter's slot, the per-person counts, the walk-in
//! tickets' identity hashes, missed bookings at day close and the purge of citizens' data.
//! No identity number is ever here in clear: `person` and `id_hash` are keyed hashes.

use hall_wire as wire;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use crate::hall::Hall;
use crate::store::{exec, query_one, reads};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRow {
    pub id: i64,
    pub code: String,
    pub service_id: String,
    pub day: String,
    pub start: String,
    pub end: String,
    pub slot_at: i64,
    pub status: String,
    pub name: String,
    pub phone: String,
    pub id_masked: Option<String>,
    /// The identity number's keyed hash, when the booking was made with one.
    pub id_hash: Option<String>,
    pub ticket_id: Option<i64>,
    /// `citizen`, or the hall: `config`, `calendar` (a cancelled booking's).
    pub cancelled_by: Option<String>,
    /// Why the director excused a missed booking.
    pub excuse: Option<String>,
}

const COLUMNS: &str =
    "id, code, service_id, day, slot_start, slot_end, slot_at, status, name, phone, id_masked, ticket_id, id_hash, cancelled_by, excuse";

fn from_row(r: &Row) -> rusqlite::Result<BookingRow> {
    Ok(BookingRow {
        id: r.get(0)?,
        code: r.get(1)?,
        service_id: r.get(2)?,
        day: r.get(3)?,
        start: r.get(4)?,
        end: r.get(5)?,
        slot_at: r.get(6)?,
        status: r.get(7)?,
        name: r.get(8)?,
        phone: r.get(9)?,
        id_masked: r.get(10)?,
        ticket_id: r.get(11)?,
        id_hash: r.get(12)?,
        cancelled_by: r.get(13)?,
        excuse: r.get(14)?,
    })
}

pub fn by_code(conn: &Connection, code: &str) -> rusqlite::Result<Option<BookingRow>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM bookings WHERE code = ?1"))?
        .query_row([code], from_row)
        .optional()
}

/// The bookings of an identity number (its keyed hash) from `day` on, soonest first.
pub fn by_id_hash(conn: &Connection, id_hash: &str, day: &str) -> rusqlite::Result<Vec<BookingRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM bookings WHERE id_hash = ?1 AND day >= ?2 ORDER BY day, slot_at, id LIMIT 20"
    ))?;
    let rows = stmt.query_map(params![id_hash, day], from_row)?;
    rows.collect()
}

pub struct NewBooking<'a> {
    pub code: &'a str,
    pub service_id: &'a str,
    pub day: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub slot_at: i64,
    pub person: &'a str,
    pub id_hash: Option<&'a str>,
    pub id_masked: Option<&'a str>,
    pub name: &'a str,
    pub phone: &'a str,
    pub at_ms: i64,
}

pub fn insert(tx: &Transaction, b: &NewBooking) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO bookings (code, service_id, day, slot_start, slot_end, slot_at, status, person, id_hash, id_masked,
                               name, phone, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'booked', ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        b.code,
        b.service_id,
        b.day,
        b.start,
        b.end,
        b.slot_at,
        b.person,
        b.id_hash,
        b.id_masked,
        b.name,
        b.phone,
        b.at_ms
    ])?;
    adjust_booked(tx, b.day, b.service_id, 1)?;
    Ok(tx.last_insert_rowid())
}

pub fn code_taken(conn: &Connection, code: &str) -> rusqlite::Result<bool> {
    Ok(by_code(conn, code)?.is_some())
}

/// Cancels a booking: `by` the citizen, or the hall (`config`, `calendar`).
pub fn cancel(tx: &Transaction, b: &BookingRow, at_ms: i64, by: &str) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE bookings SET status = 'cancelled', cancelled_by = ?3, changed_at = ?2 WHERE id = ?1",
        params![b.id, at_ms, by],
    )?;
    adjust_booked(tx, &b.day, &b.service_id, -1)
}

/// A missed booking excused by the director, with the reason: it no longer counts towards a
/// suspension.
pub fn excuse(tx: &Transaction, id: i64, at_ms: i64, reason: &str) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE bookings SET status = 'excused', excuse = ?3, changed_at = ?2 WHERE id = ?1 AND status = 'missed'",
        params![id, at_ms, reason],
    )?;
    Ok(())
}

pub fn checked_in(tx: &Transaction, id: i64, ticket_id: i64, on_time: bool, at_ms: i64) -> rusqlite::Result<()> {
    exec(
        tx,
        "UPDATE bookings SET status = 'checked_in', ticket_id = ?2, on_time = ?3, changed_at = ?4 WHERE id = ?1",
        params![id, ticket_id, on_time, at_ms],
    )?;
    Ok(())
}

fn adjust_booked(tx: &Transaction, day: &str, matter: &str, delta: i64) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO booked_counts (day, matter, n) VALUES (?1, ?2, ?3)
         ON CONFLICT (day, matter) DO UPDATE SET n = n + excluded.n",
        params![day, matter, delta],
    )?;
    Ok(())
}

/// Places of a matter booked on a day (not cancelled): they count in its daily quota.
pub fn booked_on(conn: &Connection, day: &str, matter: &str) -> rusqlite::Result<u32> {
    query_one(conn, "SELECT n FROM booked_counts WHERE day = ?1 AND matter = ?2", params![day, matter], |r| r.get(0))
        .optional()
        .map(|n| n.unwrap_or(0))
}

/// Places of a matter's daily quota its bookings of `day` hold: every booking not cancelled,
/// less, on the day itself, those still booked whose check-in closed before `lapsed_before_ms`
/// (their slot's start plus the grace) with nobody come — their places go back to the walk-ins
/// (a late check-in takes one again). Reads the day's still-booked bookings only.
pub fn held_on(conn: &Connection, day: &str, matter: &str, lapsed_before_ms: Option<i64>) -> rusqlite::Result<u32> {
    let booked = booked_on(conn, day, matter)?;
    let Some(before) = lapsed_before_ms else { return Ok(booked) };
    let lapsed: u32 = query_one(
        conn,
        "SELECT COUNT(*) FROM bookings INDEXED BY bookings_to_miss
         WHERE day = ?1 AND status = 'booked' AND service_id = ?2 AND slot_at < ?3",
        params![day, matter, before],
        |r| r.get(0),
    )?;
    Ok(booked.saturating_sub(lapsed))
}

/// The booked times of a matter's day that hold a place (booked, checked in, or missed): `(start,
/// end)` as `HH:MM`. A new slot length leaves earlier bookings off the new grid: a slot's places
/// are counted by the bookings overlapping it (`domain::booking::overlapping`).
pub fn booked_times(conn: &Connection, matter: &str, day: &str) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT slot_start, slot_end FROM bookings
         WHERE service_id = ?1 AND day = ?2 AND status IN ('booked', 'checked_in', 'missed')",
    )?;
    let rows = stmt.query_map(params![matter, day], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// What the person limits need: live bookings of the matter from `today` on, live bookings
/// on `day`, and the days of missed bookings since `since`.
pub fn person(
    conn: &Connection,
    person: &str,
    matter: &str,
    (today, day, since): (&str, &str, &str),
    lapsed_before_ms: i64,
) -> rusqlite::Result<(u32, u32, Vec<String>)> {
    // A booking of today whose slot and grace are over holds nothing back: it can no longer be
    // cancelled, and its citizen may book another day (a check-in now gets an ordinary ticket).
    let same: u32 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM bookings WHERE person = ?1 AND day >= ?2 AND service_id = ?3 AND status = 'booked'
             AND slot_at >= ?4",
        )?
        .query_row(params![person, today, matter, lapsed_before_ms], |r| r.get(0))?;
    let that_day: u32 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM bookings WHERE person = ?1 AND day = ?2 AND status IN ('booked', 'checked_in')",
        )?
        .query_row(params![person, day], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT day FROM bookings WHERE person = ?1 AND day >= ?2 AND day < ?3 AND status = 'missed'",
    )?;
    let missed = stmt.query_map(params![person, since, today], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok((same, that_day, missed))
}

/// Records the identity hash of a walk-in ticket (matters asking for the identity number).
pub fn insert_ticket_person(
    tx: &Transaction,
    ticket_id: i64,
    day: &str,
    matter: &str,
    person: &str,
    id_masked: &str,
) -> rusqlite::Result<()> {
    exec(
        tx,
        "INSERT INTO ticket_persons (ticket_id, day, service_id, person, id_masked) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![ticket_id, day, matter, person, id_masked],
    )?;
    Ok(())
}

/// A person's tickets of a matter today that are not finished (waiting, called, served).
pub fn live_tickets_of(conn: &Connection, day: &str, matter: &str, person: &str) -> rusqlite::Result<u32> {
    conn.prepare_cached(
        "SELECT COUNT(*) FROM ticket_persons p JOIN tickets t ON t.id = p.ticket_id
         WHERE p.day = ?1 AND p.service_id = ?2 AND p.person = ?3
           AND t.status IN ('waiting', 'called', 'serving', 'transferred')",
    )?
    .query_row(params![day, matter, person], |r| r.get(0))
}

/// The person's latest ticket of the matter today still waiting to be called, if any.
pub fn waiting_ticket_of(conn: &Connection, day: &str, matter: &str, person: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT t.id FROM ticket_persons p JOIN tickets t ON t.id = p.ticket_id
         WHERE p.day = ?1 AND p.service_id = ?2 AND p.person = ?3 AND t.status = 'waiting'
         ORDER BY t.id DESC LIMIT 1",
    )?
    .query_row(params![day, matter, person], |r| r.get(0))
    .optional()
}

/// What a booking's person was told when its check-in was refused because they already held a
/// ticket of the matter, and served on it: excused, never missed.
pub const SERVED_ON_A_WALK_IN: &str = "当日已凭身份证现场取号办理该事项（预约签到时因已有号被拒）";

/// Bookings of days before `today` nobody checked in for: missed (they count for the
/// suspension) — but for one whose person was served that day on a ticket of its matter taken by
/// identity number (a walk-in first, then the check-in refused with `person_limit`): excused,
/// they came. (A walk-in they did not stay for excuses nothing, nor a ticket of another of
/// their bookings: served in the morning, the afternoon's booking is still missed.)
/// Returns (missed, excused).
pub fn mark_missed(tx: &Transaction, today: &str, at_ms: i64) -> rusqlite::Result<(usize, usize)> {
    let excused = exec(
        tx,
        "UPDATE bookings INDEXED BY bookings_to_miss SET status = 'excused', excuse = ?3, changed_at = ?2
         WHERE day < ?1 AND status = 'booked' AND id_hash IS NOT NULL
           AND EXISTS (SELECT 1 FROM ticket_persons p JOIN tickets t ON t.id = p.ticket_id
                       WHERE p.day = bookings.day AND p.service_id = bookings.service_id AND p.person = bookings.id_hash
                         AND t.status = 'done'
                         -- a walk-in: not the ticket of another of the person's bookings that day
                         AND NOT EXISTS (SELECT 1 FROM bookings b INDEXED BY bookings_by_id_hash
                                         WHERE b.id_hash = bookings.id_hash AND b.day = bookings.day
                                           AND b.ticket_id = t.id))",
        params![today, at_ms, SERVED_ON_A_WALK_IN],
    )?;
    let missed = exec(
        tx,
        // The bookings still booked only (the sweep runs every 30 s), not every one kept.
        "UPDATE bookings INDEXED BY bookings_to_miss SET status = 'missed', changed_at = ?2
         WHERE day < ?1 AND status = 'booked'",
        params![today, at_ms],
    )?;
    Ok((missed, excused))
}

/// Deletes citizens' data of days before `before`: bookings and walk-in identity hashes. A
/// missed booking of `missed_since` or later still counts towards a suspension: it keeps only
/// its person's keyed hash, day and status (name, phone, masked number and code blanked) until
/// then. Returns (bookings, ticket hashes) deleted.
pub fn purge(tx: &Transaction, before: &str, missed_since: &str) -> rusqlite::Result<(usize, usize)> {
    let bookings = exec(
        tx,
        "DELETE FROM bookings WHERE day < ?1 AND NOT (status = 'missed' AND day >= ?2)",
        [before, missed_since],
    )?;
    exec(
        tx,
        "UPDATE bookings SET name = '', phone = '', id_masked = NULL, excuse = NULL, code = 'purged-' || id
         WHERE day < ?1 AND status = 'missed' AND day >= ?2 AND name <> ''",
        [before, missed_since],
    )?;
    let persons = exec(tx, "DELETE FROM ticket_persons WHERE day < ?1", [before])?;
    exec(tx, "DELETE FROM booked_counts WHERE day < ?1", [before])?;
    Ok((bookings, persons))
}

/// Bookings still to come (booked, from `day` on, `YYYY-MM-DD`), of every matter.
pub fn booked_from(conn: &Connection, day: &str) -> rusqlite::Result<Vec<BookingRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM bookings WHERE status = 'booked' AND day >= ?1 ORDER BY slot_at, id"
    ))?;
    let rows = stmt.query_map([day], from_row)?;
    rows.collect()
}

/// A day's bookings, for staff: of some matters, or (`None`) of every matter ever booked, those
/// no longer in the hall's configuration too.
pub fn of_day(conn: &Connection, day: &str, matters: Option<&[&str]>) -> rusqlite::Result<Vec<BookingRow>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM bookings WHERE day = ?1 ORDER BY slot_at, id"))?;
    let rows = stmt.query_map([day], from_row)?;
    let all: Vec<BookingRow> = rows.collect::<Result<_, _>>()?;
    Ok(all.into_iter().filter(|b| matters.is_none_or(|m| m.contains(&b.service_id.as_str()))).collect())
}

/// A code the citizen holds (8 digits), not the stand-in of a booking whose data was purged.
pub fn code_held(code: &str) -> bool {
    !code.starts_with("purged-")
}

pub fn status(s: &str) -> wire::BookingStatus {
    match s {
        "checked_in" => wire::BookingStatus::CheckedIn,
        "cancelled" => wire::BookingStatus::Cancelled,
        "missed" => wire::BookingStatus::Missed,
        "excused" => wire::BookingStatus::Excused,
        _ => wire::BookingStatus::Booked,
    }
}

/// The booking as the citizen sees it: personal data masked.
/// The hall's "HH:MM" some minutes from a slot's start.
fn check_in_at(hall: &Hall, slot_at: i64, minutes: i64) -> String {
    let at = crate::store::from_ms(slot_at) + chrono::Duration::minutes(minutes);
    crate::store::issuing::local(hall, at).format("%H:%M").to_string()
}

/// From when a citizen is told to check in: `early_minutes` before the slot, but not before the
/// hall opens that day (a kiosk would take it, but the doors are shut: 08:00 for an 08:30 slot
/// reads as "come at 08:00").
/// The day's opening is the calendar's: a make-up working day (调休) keeps a weekday's hours.
fn check_in_from(hall: &Hall, calendar: &crate::domain::calendar::Calendar, slot_at: i64) -> String {
    let start = crate::store::issuing::local(hall, crate::store::from_ms(slot_at));
    let early = start - chrono::Duration::minutes(i64::from(hall.policy.booking.early_minutes));
    let opens = crate::domain::hours::day_periods(&hall.hours, calendar, start.date())
        .first()
        .map(|p| start.date().and_time(p.start))
        .filter(|o| *o <= start);
    early.max(opens.unwrap_or(early)).format("%H:%M").to_string()
}

pub fn view(
    conn: &Connection,
    (hall, calendar): (&Hall, &crate::domain::calendar::Calendar),
    public_url: &str,
    b: &BookingRow,
) -> anyhow::Result<wire::Booking> {
    let matter = hall.matter(&b.service_id);
    let windows = matter
        .map(|m| {
            m.windows
                .iter()
                .filter_map(|w| hall.window(w))
                .map(|w| wire::BookingWindow { id: w.id.clone(), name: w.name.clone(), location: w.location.clone() })
                .collect()
        })
        .unwrap_or_default();
    let ticket = match b.ticket_id {
        Some(id) => {
            let row: Option<(String, Option<String>)> =
                query_one(conn, "SELECT number, status_token FROM tickets WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            row.map(|(number, token)| wire::BookingTicket {
                id,
                number,
                status_url: format!("{public_url}/t/{}", token.unwrap_or_default()),
            })
        }
        None => None,
    };
    Ok(wire::Booking {
        code: b.code.clone(),
        status: status(&b.status),
        service_id: b.service_id.clone(),
        service_name: matter.map(|m| m.name.clone()).unwrap_or_else(|| b.service_id.clone()),
        day: b.day.clone(),
        start: b.start.clone(),
        end: b.end.clone(),
        hall_name: hall.name.clone(),
        windows,
        name_masked: crate::domain::booking::mask_name(&b.name),
        phone_masked: crate::domain::booking::mask_phone(&b.phone),
        id_masked: b.id_masked.clone(),
        cancel_until: reads::fmt_time(hall, b.slot_at),
        hall_cancelled: b.status == "cancelled" && b.cancelled_by.as_deref().is_some_and(|by| by != "citizen"),
        ticket,
        check_in_from: Some(check_in_from(hall, calendar, b.slot_at)),
        check_in_until: Some(check_in_at(hall, b.slot_at, i64::from(hall.policy.booking.grace_minutes))),
    })
}
