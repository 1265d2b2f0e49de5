//! What attendance reads and writes: the day's first sign-ins, when each clerk's sessions of a
//! day ended, and the explanations of marks (R15).

use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// `(day, username) -> first sign-in (ms)` for days `from..=to`.
pub fn first_sign_ins(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<(String, String, i64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT day, username, signed_in_at FROM attendance WHERE day BETWEEN ?1 AND ?2")?;
    let rows = stmt.query_map([from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// Clerks' sessions open in `[from_ms, to_ms)`: started in it, or started up to the longest
/// session before it (`session_hours` is at most 72) and not ended before it — a session carried
/// over from an earlier day ends that day too. `(username, created_at, ended_at)`; a session not
/// ended has `ended_at` `None`.
pub fn sessions_between(
    conn: &Connection,
    from_ms: i64,
    to_ms: i64,
) -> rusqlite::Result<Vec<(String, i64, Option<i64>)>> {
    const LONGEST_MS: i64 = 72 * 3_600_000;
    let mut stmt = conn.prepare_cached(
        "SELECT username, created_at, ended_at FROM sessions
         WHERE created_at >= ?3 AND created_at < ?2 AND (created_at >= ?1 OR ended_at IS NULL OR ended_at >= ?1)
           AND role = 'clerk'",
    )?;
    let rows = stmt.query_map([from_ms, to_ms, from_ms - LONGEST_MS], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// An explanation and its acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub day: String,
    pub username: String,
    pub kind: String,
    pub explanation: String,
    pub explained_at: i64,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<i64>,
}

const NOTE: &str = "day, username, kind, explanation, explained_at, acknowledged_by, acknowledged_at";

fn note(r: &rusqlite::Row) -> rusqlite::Result<Note> {
    Ok(Note {
        day: r.get(0)?,
        username: r.get(1)?,
        kind: r.get(2)?,
        explanation: r.get(3)?,
        explained_at: r.get(4)?,
        acknowledged_by: r.get(5)?,
        acknowledged_at: r.get(6)?,
    })
}

pub fn notes(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {NOTE} FROM attendance_notes WHERE day BETWEEN ?1 AND ?2"))?;
    let rows = stmt.query_map([from, to], note)?;
    rows.collect()
}

pub fn get_note(conn: &Connection, day: &str, username: &str, kind: &str) -> rusqlite::Result<Option<Note>> {
    conn.prepare_cached(&format!("SELECT {NOTE} FROM attendance_notes WHERE day = ?1 AND username = ?2 AND kind = ?3"))?
        .query_row([day, username, kind], note)
        .optional()
}

pub fn explain(tx: &Transaction, n: &Note) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO attendance_notes (day, username, kind, explanation, explained_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![n.day, n.username, n.kind, n.explanation, n.explained_at])?;
    Ok(())
}

pub fn acknowledge(
    tx: &Transaction,
    day: &str,
    username: &str,
    kind: &str,
    by: &str,
    at_ms: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE attendance_notes SET acknowledged_by = ?4, acknowledged_at = ?5 WHERE day = ?1 AND username = ?2 AND kind = ?3",
    )?
    .execute(params![day, username, kind, by, at_ms])?;
    Ok(())
}

/// A clerk's working day with its marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayMarks {
    pub day: chrono::NaiveDate,
    pub username: String,
    pub first_in: Option<i64>,
    pub last_out: Option<i64>,
    pub marks: Vec<crate::domain::attendance::Mark>,
    /// On approved leave that day, in full or by half (R16).
    pub leave: Option<crate::domain::leave::LeaveKind>,
}

/// Records the accounts of the hall in force that have no joining day yet: from the start ('')
/// when nothing was ever recorded (a new database, or the first start with the record), else
/// `day` (an account added to the configuration file between two starts).
pub fn record_staff_at_start(conn: &Connection, usernames: &[&str], day: &str) -> rusqlite::Result<()> {
    let none: bool = conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM staff_joined)", [], |r| r.get(0))?;
    let day = if none { "" } else { day };
    let mut stmt =
        conn.prepare_cached("INSERT INTO staff_joined (username, day) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?;
    for u in usernames {
        stmt.execute([u, &day])?;
    }
    Ok(())
}

/// Accounts added by a new configuration join on `day`; one removed and added again keeps the
/// day it first joined (an account dropped by mistake and restored must not lose its record).
pub fn record_staff_added(tx: &rusqlite::Transaction, usernames: &[&str], day: &str) -> rusqlite::Result<()> {
    let mut stmt =
        tx.prepare_cached("INSERT INTO staff_joined (username, day) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?;
    for u in usernames {
        stmt.execute([u, &day])?;
    }
    Ok(())
}

/// A new hall (saved on /admin, or a configuration file changed between two starts) whose
/// hours or late grace differ from the old one's, at `now` (the hall's local time): the old
/// rules are kept as the rules of the days up to today when today was begun under them (a clerk
/// signed in at a window, or the opening passed), else up to yesterday
/// (`domain::attendance::last_day_of_old_rules`). A second change the same day keeps the first
/// (the rules that day was begun under).
pub fn keep_rules_replaced(
    tx: &Connection,
    (old, new): (&crate::hall::Hall, &crate::hall::Hall),
    calendar: &crate::domain::calendar::Calendar,
    now: chrono::NaiveDateTime,
) -> rusqlite::Result<()> {
    use crate::domain::attendance::{last_day_of_old_rules, DayRules};
    let rules = |h: &crate::hall::Hall| DayRules::of(&h.hours, h.policy.late_grace_minutes);
    let (before, after) = (rules(old), rules(new));
    if before == after {
        return Ok(());
    }
    let signed_in: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM attendance WHERE day = ?1 AND window_id IS NOT NULL)")?
        .query_row([now.date().to_string()], |r| r.get(0))?;
    let last = last_day_of_old_rules((&before, &after), calendar, now, signed_in);
    tx.prepare_cached("INSERT INTO attendance_rules (last_day, rules) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?
        .execute([last.to_string(), before.to_text()])?;
    Ok(())
}

/// The rules kept for days from `from` on (each with the last day it judged); a row that does
/// not read back is left out (the rules in force judge those days) and logged.
fn kept_rules(
    conn: &Connection,
    from: chrono::NaiveDate,
) -> rusqlite::Result<Vec<(chrono::NaiveDate, crate::domain::attendance::DayRules)>> {
    let mut stmt = conn.prepare_cached("SELECT last_day, rules FROM attendance_rules WHERE last_day >= ?1")?;
    let rows = stmt.query_map([from.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (day, text) = row?;
        let day = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok();
        match (day, crate::domain::attendance::DayRules::parse(&text)) {
            (Some(day), Some(rules)) => out.push((day, rules)),
            _ => {
                tracing::error!(rules = %text, "kept attendance rules that do not read back; the rules in force judge their days")
            }
        }
    }
    Ok(out)
}

/// A new configuration that changes accounts' roles, at `now` (the hall's local time, `now_ms`):
/// a clerk made something else (a leader, the director) or removed from the hall is no clerk
/// from the next day when their day was begun (they signed in at a window, or the time they were
/// due came, with their approved leave: `domain::attendance::day_begun`; a session the change
/// ended is no early leave, `day_marks`), else from today (a clerk removed on a day off, or
/// before the afternoon of a morning off, has no clerk's day then: nothing of it is listed); an
/// account made a clerk, or added again as one, is one from the next day (until then it was no
/// clerk's day to keep). Kept as periods, so that a role changed and
/// changed back keeps the marks of the days the account was a clerk, and a removed account's
/// clerk days stay in the lists of the ranges that have them, under the name it had.
pub fn record_roles_changed(
    tx: &Connection,
    (old, new): (&crate::hall::Hall, &crate::hall::Hall),
    calendar: &crate::domain::calendar::Calendar,
    (now, now_ms): (chrono::NaiveDateTime, i64),
) -> rusqlite::Result<()> {
    use crate::hall::StaffRole;
    let next = now.date().succ_opt().unwrap_or(now.date()).to_string();
    let day = now.date().to_string();
    let no_longer = |username: &str| -> rusqlite::Result<()> {
        let signed_in: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM attendance WHERE day = ?1 AND username = ?2 AND window_id IS NOT NULL)",
            )?
            .query_row([day.as_str(), username], |r| r.get(0))?;
        let leave = crate::store::leave::approved_between(tx, now.date(), now.date())?
            .into_iter()
            .filter(|l| l.username == username)
            .filter_map(|l| l.span.cover(now.date()))
            .reduce(crate::domain::leave::Cover::and);
        let begun = crate::domain::attendance::day_begun(&old.hours, calendar, now, signed_in, leave);
        let from = if begun { next.as_str() } else { day.as_str() };
        tx.prepare_cached(
            "INSERT INTO staff_not_clerk (username, from_day, to_day, changed_at) VALUES (?1, ?2, NULL, ?3)
             ON CONFLICT (username, from_day) DO UPDATE SET to_day = NULL, changed_at = excluded.changed_at",
        )?
        .execute(params![username, from, now_ms])?;
        Ok(())
    };
    // Made a clerk (again): the period of no clerk that lasts ends today (one that had not begun
    // yet, a change undone the same day, is no period at all); with none, an account that was in
    // the hall before today was no clerk from the start (a new one joins today:
    // `record_staff_added`, or at the next start).
    let made_clerk = |username: &str, returning: bool| -> rusqlite::Result<()> {
        let undone = tx
            .prepare_cached("DELETE FROM staff_not_clerk WHERE username = ?1 AND to_day IS NULL AND from_day > ?2")?
            .execute([username, day.as_str()])?;
        let ended = tx
            .prepare_cached("UPDATE staff_not_clerk SET to_day = ?2 WHERE username = ?1 AND to_day IS NULL")?
            .execute([username, day.as_str()])?;
        if undone + ended == 0 && returning {
            tx.prepare_cached(
                "INSERT INTO staff_not_clerk (username, from_day, to_day) VALUES (?1, '', ?2)
                 ON CONFLICT (username, from_day) DO UPDATE SET to_day = excluded.to_day",
            )?
            .execute([username, day.as_str()])?;
        }
        Ok(())
    };
    for p in &new.staff {
        let is_clerk = p.role == StaffRole::Clerk;
        match old.staff(&p.username) {
            None if is_clerk => {
                let joined: Option<String> = tx
                    .prepare_cached("SELECT day FROM staff_joined WHERE username = ?1")?
                    .query_row([p.username.as_str()], |r| r.get(0))
                    .optional()?;
                made_clerk(&p.username, joined.is_some_and(|j| j != day))?;
            }
            None => {}
            Some(was) if was.role == StaffRole::Clerk && !is_clerk => no_longer(&p.username)?,
            Some(was) if was.role != StaffRole::Clerk && is_clerk => made_clerk(&p.username, true)?,
            Some(_) => {}
        }
    }
    for p in old.staff.iter().filter(|p| new.staff(&p.username).is_none()) {
        if p.role == StaffRole::Clerk {
            no_longer(&p.username)?;
        } else {
            // Never a clerk as far as the records go (a leader, an agent): none from the start,
            // the row that keeps its name.
            tx.prepare_cached(
                "INSERT INTO staff_not_clerk (username, from_day, to_day)
                 SELECT ?1, '', NULL WHERE NOT EXISTS (SELECT 1 FROM staff_not_clerk WHERE username = ?1)",
            )?
            .execute([p.username.as_str()])?;
        }
        // The name and demo flag it had: the lists of the ranges with its clerk days, a
        // complaint about it, the requests it registered name it so.
        tx.prepare_cached("UPDATE staff_not_clerk SET name = ?2, demo = ?3 WHERE username = ?1")?
            .execute(params![p.username, p.name, p.demo])?;
    }
    Ok(())
}

/// The accounts whose attendance and assessment a range `from..=to` has: the hall's clerks (not
/// one added after it), and the accounts that were a clerk on a day of it and are not now (made
/// a leader, removed from the hall); demo accounts only in a demo.
pub fn clerks_between(
    conn: &Connection,
    hall: &crate::hall::Hall,
    demo: bool,
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
) -> rusqlite::Result<Vec<String>> {
    use crate::hall::StaffRole;
    let joined = staff_joined(conn)?;
    // An account added to the hall after the range (judged from the day after it joined) has
    // nothing in it: no sheet, no place in its ranking.
    let mut out: Vec<String> = hall
        .staff
        .iter()
        .filter(|p| p.role == StaffRole::Clerk && (demo || !p.demo))
        .filter(|p| joined.get(&p.username).is_none_or(|j| *j < to))
        .map(|p| p.username.clone())
        .collect();
    let removed_demo: std::collections::HashSet<String> = conn
        .prepare_cached("SELECT DISTINCT username FROM staff_not_clerk WHERE demo != 0")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut former: Vec<_> = not_clerk(conn)?
        .0
        .into_iter()
        .filter(|(u, _)| match hall.staff(u) {
            Some(p) => p.role != StaffRole::Clerk && (demo || !p.demo),
            None => demo || !removed_demo.contains(u),
        })
        .collect();
    former.sort();
    for (username, periods) in former {
        let clerk_on = |d: &chrono::NaiveDate| {
            let day = d.to_string();
            joined.get(&username).is_none_or(|j| d > j)
                && !periods.iter().any(|(f, t)| *f <= day && t.as_ref().is_none_or(|t| day <= *t))
        };
        if from.iter_days().take_while(|d| *d <= to).any(|d| clerk_on(&d)) {
            out.push(username);
        }
    }
    Ok(out)
}

/// Staff names as the lists give them: the hall in force names its accounts; an account removed
/// since is named as it was (kept at its removal), an account unknown to both by its username.
pub struct StaffNames(std::collections::HashMap<String, String>);

impl StaffNames {
    pub fn read(conn: &Connection) -> rusqlite::Result<StaffNames> {
        let mut stmt =
            conn.prepare_cached("SELECT username, name FROM staff_not_clerk WHERE name IS NOT NULL ORDER BY from_day")?;
        let names = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(StaffNames(names))
    }

    /// The name of `username`, if the hall in force or a removal knows it.
    pub fn known(&self, hall: &crate::hall::Hall, username: &str) -> Option<String> {
        hall.staff(username).map(|p| p.name.clone()).or_else(|| self.0.get(username).cloned())
    }

    /// The name of `username` (its username when nobody knows it). Two people of one name (the
    /// configuration allows it) are told apart by staff number (else username): reports, the
    /// assessment and attendance list both, and a figure must not be pinned on the wrong one.
    pub fn of(&self, hall: &crate::hall::Hall, username: &str) -> String {
        let name = self.known(hall, username).unwrap_or_else(|| username.to_string());
        if !hall.staff.iter().any(|p| p.username != username && p.name == name) {
            return name;
        }
        let number = hall.staff(username).map(|p| p.staff_no.as_str()).filter(|n| !n.is_empty());
        format!("{name}（{}）", number.unwrap_or(username))
    }
}

/// The periods accounts were no clerk: `username -> [(first day, last day or open)]`, and when
/// the changes that began them were made: `(username, first day) -> ms`.
type NotClerk = std::collections::HashMap<String, Vec<(String, Option<String>)>>;
type ChangedAt = std::collections::HashMap<(String, String), i64>;

fn not_clerk(conn: &Connection) -> rusqlite::Result<(NotClerk, ChangedAt)> {
    let mut stmt = conn.prepare_cached("SELECT username, from_day, to_day, changed_at FROM staff_not_clerk")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?, r.get(3)?))
    })?;
    let (mut out, mut changed) = (NotClerk::new(), ChangedAt::new());
    for row in rows {
        let (u, from, to, at): (String, String, Option<String>, Option<i64>) = row?;
        if let Some(at) = at {
            changed.insert((u.clone(), from.clone()), at);
        }
        out.entry(u).or_default().push((from, to));
    }
    Ok((out, changed))
}

/// The day each account joined, when after the hall's start.
fn staff_joined(conn: &Connection) -> rusqlite::Result<std::collections::HashMap<String, chrono::NaiveDate>> {
    let mut stmt = conn.prepare_cached("SELECT username, day FROM staff_joined WHERE day != ''")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = std::collections::HashMap::new();
    for row in rows {
        let (u, d) = row?;
        if let Ok(d) = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            out.insert(u, d);
        }
    }
    Ok(out)
}

/// Whether attendance over `from..=to` (up to today) can be judged at all: the hall was in
/// service on one of its days, the working-day calendar has every one of them, and one is a
/// working day. Otherwise an assessment's attendance is unknown, never a clean 100 (no day
/// judged is no day perfect: a month read on its first day, a Sunday).
pub fn attendance_known(
    conn: &Connection,
    hall: &crate::hall::Hall,
    calendar: &crate::domain::calendar::Calendar,
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
    now: chrono::DateTime<chrono::Utc>,
) -> rusqlite::Result<bool> {
    let today = crate::domain::numbering::local_day(now, hall.timezone);
    let Some(in_service) = first_day_in_service(conn, hall.timezone)? else { return Ok(false) };
    let (first, last) = (from.max(in_service), to.min(today));
    let days = || first.iter_days().take_while(|d| *d <= last);
    let known = days().all(|d| calendar.is_working_day(d).is_ok());
    let worked =
        days().any(|d| matches!(crate::domain::attendance::working_periods(d, &hall.hours, calendar), Ok(Some(_))));
    Ok(first <= last && known && worked)
}

/// The local day of the hall's first clerk sign-in at a window, if a clerk ever signed in. The hall is in
/// service from it: the administrator checking the configuration or the director looking at the
/// console weeks before the hall opens marks no clerk absent. By the sessions' start index,
/// past the few staff sign-ins before it.
pub fn first_day_in_service(conn: &Connection, tz: chrono_tz::Tz) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    use chrono::TimeZone;
    let first: Option<i64> = conn
        .prepare_cached("SELECT created_at FROM sessions WHERE role = 'clerk' AND window_id IS NOT NULL ORDER BY created_at LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(first.and_then(|ms| tz.timestamp_millis_opt(ms).single()).map(|t| t.date_naive()))
}

/// The marks of `clerks` on the working days `from..=to` up to today (R15), from the hall's
/// first day in service: computed from the first sign-ins, the day's sessions and the hall's
/// hours (those the day was begun under) on the statutory calendar, with
/// approved leave (R16: a full day is no absence, a half day moves the start or the end; such a
/// day is listed with its leave even without marks). A day in a year whose calendar is not
/// loaded is left out (never guessed).
pub fn day_marks(
    conn: &Connection,
    hall: &crate::hall::Hall,
    calendar: &crate::domain::calendar::Calendar,
    clerks: &[String],
    range: (chrono::NaiveDate, chrono::NaiveDate),
    now: chrono::DateTime<chrono::Utc>,
) -> rusqlite::Result<Vec<DayMarks>> {
    Ok(judge(conn, hall, calendar, clerks, range, now)?.0)
}

/// The share of a working day a clerk was due at work, by clerk and day.
pub type DueShares = std::collections::HashMap<(String, chrono::NaiveDate), f64>;

/// [`day_marks`], and the share of each clerk's working days judged that they were due at work:
/// 1, a day of approved leave 0, half a day's ½ (the assessment's service per day due).
pub fn judge(
    conn: &Connection,
    hall: &crate::hall::Hall,
    calendar: &crate::domain::calendar::Calendar,
    clerks: &[String],
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
    now: chrono::DateTime<chrono::Utc>,
) -> rusqlite::Result<(Vec<DayMarks>, DueShares)> {
    use crate::domain::attendance::{self, Presence};
    use crate::domain::leave::Cover;
    use chrono::TimeZone;
    let tz = hall.timezone;
    let local_now = now.with_timezone(&tz);
    let today = local_now.date_naive();
    let local = |ms: i64| tz.timestamp_millis_opt(ms).single();
    let first: std::collections::HashMap<(String, String), i64> =
        first_sign_ins(conn, &from.to_string(), &to.to_string())?.into_iter().map(|(d, u, at)| ((d, u), at)).collect();
    let leave = crate::store::leave::approved_between(conn, from, to)?;
    // The hall's first day in service: the day of its first clerk's sign-in. Before it the system
    // was not in use (a hall installed on the 20th marks nobody absent on the 1st).
    let Some(in_service) = first_day_in_service(conn, tz)? else { return Ok(Default::default()) };
    // Nor is anyone marked before they joined (a clerk added to the hall on the 20th: from the
    // 21st; added in the middle of a day, not late or absent that day).
    let joined = staff_joined(conn)?;
    let (not_clerk, changed_at) = not_clerk(conn)?;
    // Each day by the hours and grace in force when it was begun (a later change judges the
    // days after it only).
    let kept = kept_rules(conn, from)?;
    let in_force = attendance::DayRules::of(&hall.hours, hall.policy.late_grace_minutes);
    let (mut out, mut due) = (Vec::new(), std::collections::HashMap::new());
    for day in from.max(in_service).iter_days().take_while(|d| *d <= to.min(today)) {
        let rules = attendance::rules_for(day, &kept, &in_force);
        let Ok(Some(periods)) = attendance::working_periods(day, &rules.hours(), calendar) else { continue };
        let start = tz.from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight")).earliest();
        let Some(start) = start else { continue };
        let start_ms = start.timestamp_millis();
        let sessions = sessions_between(conn, start_ms, start_ms + 86_400_000)?;
        for clerk in clerks {
            if joined.get(clerk).is_some_and(|j| day <= *j) {
                continue;
            }
            // No clerk that day (a leader then, made a clerk since): nothing to judge.
            let d = day.to_string();
            let off = |(from, to): &(String, Option<String>)| *from <= d && to.as_ref().is_none_or(|t| d <= *t);
            if not_clerk.get(clerk).is_some_and(|periods| periods.iter().any(off)) {
                continue;
            }
            let mine: Vec<(i64, Option<i64>)> = sessions.iter().filter(|s| &s.0 == clerk).map(|s| (s.1, s.2)).collect();
            // Every approved leave of the day together (a morning and an afternoon off: all day).
            let on_leave = leave
                .iter()
                .filter(|l| l.username == *clerk)
                .filter_map(|l| l.span.cover(day).map(|c| (l.kind, c)))
                .reduce(|(kind, a), (_, b)| (kind, a.and(b)));
            let share = match on_leave {
                None => 1.0,
                Some((_, Cover::Full)) => 0.0,
                Some(_) => 0.5,
            };
            due.insert((clerk.clone(), day), share);
            let mut first_in = first.get(&(day.to_string(), clerk.clone())).copied();
            // A morning off: due from the afternoon's start. A day's first sign-in whose session
            // ended before it (come in to file the leave, then gone) is no attendance for the
            // afternoon: the first of the day's sessions still open then is (none: absent).
            if let (Some((_, Cover::Morning)), Some(recorded)) = (on_leave, first_in) {
                let due = attendance::due_hours(&periods, Some(Cover::Morning)).map(|(due, _)| due);
                let due = due.and_then(|d| tz.from_local_datetime(&day.and_time(d)).earliest());
                if let Some(due_ms) = due.map(|d| d.timestamp_millis()) {
                    let of_the_day = || mine.iter().filter(|(at, _)| *at >= start_ms);
                    if of_the_day().any(|(at, end)| *at == recorded && end.is_some_and(|e| e <= due_ms)) {
                        first_in =
                            of_the_day().filter(|(_, end)| end.is_none_or(|e| e > due_ms)).map(|(at, _)| *at).min();
                    }
                }
            }
            // Still signed in (the day's last session not ended): no early leave yet.
            let last_out = attendance::last_out(&mine);
            let presence = Presence {
                first_in: first_in.and_then(local).map(|t| t.time()),
                last_out: last_out.and_then(local).filter(|t| t.date_naive() == day).map(|t| t.time()),
            };
            let mut marks = match attendance::due_hours(&periods, on_leave.map(|l| l.1)) {
                Some(open) => {
                    let day_over = day < today || local_now.time() >= open.1;
                    attendance::marks(open, &periods, presence, rules.late_grace_minutes, day_over)
                }
                None => Vec::new(),
            };
            // The last day as a clerk (made a leader or removed that day): a day whose last
            // session the change ended has no early leave (one that ended before it does).
            let next = day.succ_opt().map(|d| d.to_string()).unwrap_or_default();
            let changed = changed_at.get(&(clerk.clone(), next));
            let changed = changed.filter(|at| local(**at).is_some_and(|t| t.date_naive() == day));
            if changed.is_some_and(|at| last_out.is_some_and(|out| out >= *at)) {
                marks.retain(|m| m.kind != attendance::MarkKind::EarlyLeave);
            }
            if !marks.is_empty() || on_leave.is_some() {
                let leave = on_leave.map(|l| l.0);
                out.push(DayMarks { day, username: clerk.clone(), first_in, last_out, marks, leave });
            }
        }
    }
    Ok((out, due))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_people_of_one_name_are_told_apart_by_staff_number() {
        let mut hall = crate::config::sample();
        let name = hall.staff("clerk1").unwrap().name.clone();
        let (no1, no2) = (hall.staff("clerk1").unwrap().staff_no.clone(), "QS-2024-099".to_string());
        assert!(!no1.is_empty());
        let names = StaffNames(Default::default());
        assert_eq!(names.of(&hall, "clerk1"), name, "one of that name: the name alone");
        for p in hall.staff.iter_mut().filter(|p| p.username == "clerk2") {
            p.name = name.clone();
            p.staff_no = no2.clone();
        }
        assert_eq!(names.of(&hall, "clerk1"), format!("{name}（{no1}）"));
        assert_eq!(names.of(&hall, "clerk2"), format!("{name}（{no2}）"));
        assert_eq!(names.of(&hall, "nobody"), "nobody");
    }

    /// The periods of no clerk a sequence of changes leaves, each at its time on Monday 23
    /// November (the hall opens at 08:30): `(username, from, to)`.
    #[test]
    fn changes_of_role_leave_the_periods_of_no_clerk() {
        use crate::hall::StaffRole;
        let at =
            |hm: &str| chrono::NaiveDateTime::parse_from_str(&format!("2026-11-23 {hm}"), "%Y-%m-%d %H:%M").unwrap();
        let sample = crate::config::sample();
        let with = |user: &str, role: Option<StaffRole>| {
            let mut h = sample.clone();
            match role {
                Some(r) => h.staff.iter_mut().filter(|p| p.username == user).for_each(|p| p.role = r),
                None => h.staff.retain(|p| p.username != user),
            }
            h
        };
        let (clerk, leader, gone) = (Some(StaffRole::Clerk), Some(StaffRole::Leader), None);
        type Step = (&'static str, Option<StaffRole>, Option<StaffRole>);
        type Periods = &'static [(&'static str, Option<&'static str>)];
        // (user, steps (time, role before, role after; None: not in the hall), signed in at a
        // window that day, the periods left)
        let cases: [(&str, &[Step], bool, Periods); 6] = [
            ("clerk2", &[("07:30", clerk, gone)], false, &[("2026-11-23", None)]),
            ("clerk2", &[("12:00", clerk, gone)], false, &[("2026-11-24", None)]),
            ("clerk2", &[("12:00", clerk, leader), ("15:00", leader, clerk)], true, &[]),
            ("clerk2", &[("07:30", clerk, gone), ("09:00", gone, clerk)], false, &[("2026-11-23", Some("2026-11-23"))]),
            ("leader", &[("12:00", leader, clerk)], false, &[("", Some("2026-11-23"))]),
            ("leader", &[("12:00", leader, gone), ("15:00", gone, clerk)], false, &[("", Some("2026-11-23"))]),
        ];
        for (user, steps, signed_in, want) in cases {
            let dir = tempfile::tempdir().unwrap();
            let conn = crate::store::open_writer(&dir.path().join("h.db")).unwrap();
            crate::store::calendar::ship_into_new(&conn, &crate::calendar_data::SHIPPED, 0).unwrap();
            let calendar = crate::store::calendar::load(&conn).unwrap();
            let usernames: Vec<&str> = sample.staff.iter().map(|p| p.username.as_str()).collect();
            record_staff_at_start(&conn, &usernames, "2026-11-01").unwrap();
            if signed_in {
                conn.execute(
                    "INSERT INTO attendance (day, username, window_id, signed_in_at) VALUES ('2026-11-23', ?1, 'w02', 0)",
                    [user],
                )
                .unwrap();
            }
            for (hm, before, after) in steps {
                let (old, new) = (with(user, *before), with(user, *after));
                record_roles_changed(&conn, (&old, &new), &calendar, (at(hm), 0)).unwrap();
            }
            let got: Vec<(String, Option<String>)> = conn
                .prepare("SELECT from_day, to_day FROM staff_not_clerk WHERE username = ?1 ORDER BY from_day")
                .unwrap()
                .query_map([user], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let want: Vec<(String, Option<String>)> =
                want.iter().map(|(f, t)| (f.to_string(), t.map(String::from))).collect();
            assert_eq!(got, want, "{user} {steps:?}");
        }
    }

    /// Who a range's lists have besides the hall's clerks: an account that was a clerk on a day
    /// of it (after joining), a removed demo account only in a demo.
    #[test]
    fn a_range_lists_the_accounts_that_were_clerks_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open_writer(&dir.path().join("h.db")).unwrap();
        let hall = crate::config::sample();
        conn.execute_batch(
            "INSERT INTO staff_not_clerk (username, from_day, to_day, name, demo) VALUES
                 ('gone', '2026-11-24', NULL, '李明', 0),
                 ('gone_demo', '2026-11-24', NULL, '王芳', 1),
                 ('late_joiner', '2026-11-24', NULL, '赵强', 0),
                 ('leader', '2026-11-25', NULL, NULL, 0);
             INSERT INTO staff_joined (username, day) VALUES ('late_joiner', '2026-11-23');",
        )
        .unwrap();
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let check = |demo: bool, (from, to): (&str, &str), want: &[&str]| {
            let got = clerks_between(&conn, &hall, demo, (d(from), d(to))).unwrap();
            let clerks = hall.staff.iter().filter(|p| p.role == crate::hall::StaffRole::Clerk && (demo || !p.demo));
            let former: Vec<&str> = got.iter().map(String::as_str).skip(clerks.count()).collect();
            assert_eq!(former, want, "demo {demo}, {from}..{to}");
        };
        check(true, ("2026-11-23", "2026-11-23"), &["gone", "gone_demo", "leader"]);
        check(true, ("2026-11-24", "2026-11-24"), &["leader"]);
        check(true, ("2026-11-25", "2026-11-30"), &[]);
        check(false, ("2026-11-01", "2026-11-30"), &["gone"]);
        check(true, ("2026-11-20", "2026-11-30"), &["gone", "gone_demo", "leader"]);
        assert_eq!(StaffNames::read(&conn).unwrap().of(&hall, "gone"), "李明");
        // A clerk of the hall added on 10 December has no November (judged from the 11th).
        conn.execute("INSERT INTO staff_joined (username, day) VALUES ('clerk1', '2026-12-10')", []).unwrap();
        let listed = |(from, to): (&str, &str)| clerks_between(&conn, &hall, true, (d(from), d(to))).unwrap();
        assert!(!listed(("2026-11-01", "2026-11-30")).contains(&"clerk1".to_string()));
        assert!(!listed(("2026-12-01", "2026-12-10")).contains(&"clerk1".to_string()));
        assert!(listed(("2026-12-01", "2026-12-31")).contains(&"clerk1".to_string()));
    }
}
