//! Read models: database rows and the hall configuration turned into the contract's types.

use chrono::{NaiveTime, SecondsFormat};
use hall_wire as wire;
use rusqlite::{params, Connection};

use crate::domain::calendar::Calendar;
use crate::domain::hours::{self, Period};
use crate::domain::{estimate, KioskFaultKind, TicketStatus};
use crate::hall::Hall;
use crate::store::{from_ms, issuing, kiosks, tickets, windows};

/// RFC 3339 with the hall's offset.
/// A service the day's close ended before anyone finished it, as the desk and the director list it.
pub fn left_open_line(hall: &Hall, t: &tickets::TicketRow) -> wire::LeftOpenLine {
    wire::LeftOpenLine {
        ticket_id: t.id,
        number: t.number.clone(),
        day: t.day.clone(),
        window_id: t.window_id.clone().unwrap_or_default(),
        service_id: t.service_id.clone(),
        service_name: hall.matter(&t.service_id).map_or_else(|| t.service_id.clone(), |m| m.name.clone()),
        started_at: t.started_at.map(|at| fmt_time(hall, at)).unwrap_or_default(),
    }
}

pub fn fmt_time(hall: &Hall, ms: i64) -> String {
    from_ms(ms).with_timezone(&hall.timezone).to_rfc3339_opts(SecondsFormat::Secs, false)
}

pub fn services(conn: &Connection, at: issuing::At) -> anyhow::Result<Vec<wire::Service>> {
    let hall = at.hall;
    hall.matters
        .iter()
        .map(|m| {
            Ok(wire::Service {
                issuing: issuing::matter_wire(conn, at, m)?,
                id: m.id.clone(),
                name: m.name.clone(),
                department: hall.department_name(&m.department).to_string(),
                department_id: m.department.clone(),
                queue: m.queue.clone(),
                windows: m.windows.clone(),
                materials: m
                    .materials
                    .iter()
                    .map(|x| wire::Material { name: x.name.clone(), kind: x.kind.into() })
                    .collect(),
                procedure: m.procedure.clone(),
                time_limit_days: m.time_limit_days,
                on_the_spot_minutes: m.on_the_spot_minutes,
                fee: m.fee.clone(),
                basis: m.basis.clone(),
                id_number: m.id_number,
                booking: m.booking.map(|b| wire::ServiceBooking {
                    slot_minutes: b.slot_minutes,
                    slot_capacity: b.slot_capacity,
                    days_ahead: b.days_ahead,
                }),
            })
        })
        .collect()
}

const WINDOW_OPEN: &str = "SELECT 1 FROM windows w JOIN sessions s ON s.id = w.session_id
     WHERE w.id = ?1 AND (w.paused = 0 OR ?3) AND s.ended_at IS NULL AND s.expires_at > ?2";

/// Windows of the queue open now: staffed (a live session), not paused unless `paused_count`
/// (in a break, when a window paused for it serves again after it). One prepared lookup per
/// window of the queue: its cost follows the queue's windows, not the hall's (every issue, call
/// and finish reads it; a pass over all 200 windows of a county centre was 8% of the writer's
/// time on call-next), and no list is sent as JSON for `json_each` (which cost more).
fn open_windows(conn: &Connection, hall: &Hall, queue: &str, now_ms: i64, paused_count: bool) -> anyhow::Result<u32> {
    let mut stmt = conn.prepare_cached(WINDOW_OPEN)?;
    let mut open = 0;
    for id in hall.queue_windows(queue) {
        open += u32::from(stmt.exists(rusqlite::params![id, now_ms, paused_count])?);
    }
    Ok(open)
}

/// How fast a queue moves now: minutes per citizen from recent services and open windows, on
/// the clock of the hall's day (its periods today, as the calendar makes them).
#[derive(Debug, Clone, PartialEq)]
pub struct Pace {
    pub per_citizen: f64,
    pub open_windows: u32,
    now: NaiveTime,
    periods: Vec<Period>,
}

impl Pace {
    /// Minutes on the clock until `ahead` citizens are served (a lunch break is waited through).
    pub fn minutes(&self, ahead: u32) -> u32 {
        let work = estimate::wait_minutes(ahead, self.per_citizen, self.open_windows);
        estimate::on_the_clock(self.now, work, &self.periods)
    }
}

pub fn pace(conn: &Connection, hall: &Hall, calendar: &Calendar, queue: &str, now_ms: i64) -> anyhow::Result<Pace> {
    let typical = hall.queue(queue).map(|q| q.service_minutes).unwrap_or(10);
    let local = from_ms(now_ms).with_timezone(&hall.timezone).naive_local();
    let recent = tickets::recent_service_seconds(conn, &local.date().to_string(), queue, 20)?;
    let periods = hours::day_periods(&hall.hours, calendar, local.date()).to_vec();
    // In the lunch break a window paused for it is counted: it serves again after the break.
    let in_break = estimate::between_periods(local.time(), &periods);
    Ok(Pace {
        per_citizen: estimate::service_minutes(&recent, typical),
        open_windows: open_windows(conn, hall, queue, now_ms, in_break)?,
        now: local.time(),
        periods,
    })
}

/// Minutes until `ahead` citizens of `queue` are served.
pub fn estimate_minutes(
    conn: &Connection,
    hall: &Hall,
    calendar: &Calendar,
    queue: &str,
    ahead: u32,
    now_ms: i64,
) -> anyhow::Result<u32> {
    if ahead == 0 {
        return Ok(0);
    }
    Ok(pace(conn, hall, calendar, queue, now_ms)?.minutes(ahead))
}

pub fn ticket(
    conn: &Connection,
    hall: &Hall,
    calendar: &Calendar,
    t: &tickets::TicketRow,
    now_ms: i64,
) -> anyhow::Result<wire::Ticket> {
    let ahead = tickets::waiting_ahead(conn, t)?;
    let estimated = match t.status.is_waiting() {
        false => 0,
        true => estimate_minutes(conn, hall, calendar, &t.queue, ahead, now_ms)?,
    };
    Ok(wire_ticket(hall, t, ahead, estimated))
}

/// The wire form of a ticket whose place in its queue and estimated wait are known (both 0
/// once it waits no more).
fn wire_ticket(hall: &Hall, t: &tickets::TicketRow, ahead: u32, estimated: u32) -> wire::Ticket {
    let windows = match &t.target_window {
        Some(w) => vec![w.clone()],
        None => hall.matter(&t.service_id).map(|m| m.windows.clone()).unwrap_or_default(),
    };
    wire::Ticket {
        id: t.id,
        number: t.number.clone(),
        service_id: t.service_id.clone(),
        queue: t.queue.clone(),
        status: t.status.into(),
        priority: t.priority.map(Into::into),
        waiting_ahead: ahead,
        estimated_wait_minutes: estimated,
        windows,
        issued_at: fmt_time(hall, t.issued_at),
        called_at: t.called_at.map(|ms| fmt_time(hall, ms)),
        started_at: t.started_at.map(|ms| fmt_time(hall, ms)),
        window_id: t.window_id.clone(),
        first_window_id: t.first_window_id.clone(),
        outcome: t.outcome.map(Into::into),
        status_url: None,
        case: None,
        // A booked ticket sent on waits as an ordinary one (its slot was its first matter's).
        booked: t.booked_slot.is_some() && t.transfers == 0,
    }
}

fn queue_view(conn: &Connection, at: issuing::At, q: &crate::hall::QueueDef) -> anyhow::Result<wire::Queue> {
    let (hall, day, now_ms) = (at.hall, at.day, super::ms(at.now));
    let waiting = tickets::waiting_count(conn, day, &q.id)?;
    Ok(wire::Queue {
        queue: q.id.clone(),
        prefix: q.prefix.to_string(),
        name: q.name.clone(),
        waiting,
        estimated_wait_minutes: estimate_minutes(conn, hall, at.calendar, &q.id, waiting, now_ms)?,
        oldest_wait_minutes: tickets::oldest_wait_minutes(conn, day, &q.id, now_ms)?,
        issuing: issuing::to_wire(hall, issuing::queue(conn, at, &q.id)?, None),
    })
}

pub fn queues(conn: &Connection, at: issuing::At) -> anyhow::Result<Vec<wire::Queue>> {
    at.hall.queues.iter().map(|q| queue_view(conn, at, q)).collect()
}

pub fn queue(conn: &Connection, at: issuing::At, queue: &str) -> anyhow::Result<Option<wire::Queue>> {
    at.hall.queue(queue).map(|q| queue_view(conn, at, q)).transpose()
}

pub fn staff_on_duty(hall: &Hall, row: &windows::WindowRow) -> Option<wire::StaffOnDuty> {
    if !row.staffed {
        return None;
    }
    let s = hall.staff(row.username.as_deref()?)?;
    Some(wire::StaffOnDuty {
        name: s.name.clone(),
        staff_no: s.staff_no.clone(),
        signed_in_at: fmt_time(hall, row.signed_in_at.unwrap_or_default()),
        signed_in_ms: row.signed_in_at.unwrap_or_default(),
        stand_in: row.stand_in,
        photo_url: s.photo.as_ref().map(|_| format!("/api/staff/{}/photo", s.username)),
    })
}

pub fn window_status(row: &windows::WindowRow) -> wire::WindowStatus {
    match (row.staffed, row.paused) {
        (false, _) => wire::WindowStatus::Closed,
        (true, true) => wire::WindowStatus::Paused,
        (true, false) => wire::WindowStatus::Open,
    }
}

pub fn window(conn: &Connection, hall: &Hall, id: &str, now_ms: i64) -> anyhow::Result<Option<wire::Window>> {
    let (Some(def), Some(row)) = (hall.window(id), windows::get(conn, id, now_ms)?) else {
        return Ok(None);
    };
    // Called or being served: waiting no more, nothing ahead of it nor to estimate.
    let serving = match row.current_ticket {
        Some(id) => tickets::get(conn, id)?.map(|t| wire_ticket(hall, &t, 0, 0)),
        None => None,
    };
    Ok(Some(wire::Window {
        id: def.id.clone(),
        number: def.number,
        name: def.name.clone(),
        department: hall.department_name(&def.department).to_string(),
        department_id: def.department.clone(),
        location: def.location.clone(),
        status: window_status(&row),
        serving,
        staff: staff_on_duty(hall, &row),
        queues: hall.window_queues(id).iter().map(|(q, _)| q.id.clone()).collect(),
        services: hall.window_matters(id).iter().map(|m| m.id.clone()).collect(),
        plan: def.plan.map(|(x, y)| wire::PlanPoint { x: x.round() as u8, y: y.round() as u8 }),
    }))
}

pub fn windows(conn: &Connection, hall: &Hall, now_ms: i64) -> anyhow::Result<Vec<wire::Window>> {
    let mut out = Vec::new();
    for w in &hall.windows {
        out.extend(window(conn, hall, &w.id, now_ms)?);
    }
    Ok(out)
}

/// Today's last calls, newest first; not those of a ticket back in the queue (its window's clerk
/// left before the citizen came, or a no-show came back): nobody is to go there for it. A ticket
/// sent on waits as `transferred`: its calls since it was last sent were taken back (the window
/// that called it lost its clerk before the citizen came); a call in the same millisecond as the
/// send is the sending window's own, before it.
pub fn recent_calls(conn: &Connection, hall: &Hall, day: &str, limit: u32) -> anyhow::Result<Vec<wire::Call>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.ticket_id, t.number, c.window_id, c.at, c.recall, t.booked_slot IS NOT NULL AND t.transfers = 0
         FROM calls c JOIN tickets t ON t.id = c.ticket_id
         WHERE c.day = ?1 AND t.status != 'waiting'
           AND NOT EXISTS (SELECT 1 FROM ticket_legs l
                           WHERE t.status = 'transferred' AND l.ticket_id = t.id AND l.leg = t.transfers
                             AND (c.at > l.sent_at OR (c.at = l.sent_at AND c.window_id != l.window_id)))
         ORDER BY c.id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![day, limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, bool>(4)?,
            r.get::<_, bool>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (ticket_id, number, window_id, at, recall, booked) = row?;
        out.push(call(hall, ticket_id, &number, &window_id, at, recall, booked));
    }
    Ok(out)
}

pub fn call(
    hall: &Hall,
    ticket_id: i64,
    number: &str,
    window_id: &str,
    at_ms: i64,
    recall: bool,
    booked: bool,
) -> wire::Call {
    let w = hall.window(window_id);
    wire::Call {
        ticket_id,
        number: number.to_string(),
        window_id: window_id.to_string(),
        window_number: w.map(|w| w.number).unwrap_or(0),
        window_name: w.map(|w| w.name.clone()).unwrap_or_default(),
        at: fmt_time(hall, at_ms),
        recall,
        booked,
    }
}

/// What the citizen's phone shows for a ticket (`GET /api/t/{token}`): where it stands in the
/// queue and, once called, the window to go to; a ticket of an earlier day still waiting is
/// `expired` (numbers hold for their day: it will not be called), with nothing ahead of it; so
/// is one of an earlier day whose citizen missed the call (the staff can no longer put it back).
/// `reader`: the hash of the complaint secret the page sent, if any (a complaint's answer is
/// shown to the page that made it only).
pub fn ticket_view(
    conn: &Connection,
    hall: &Hall,
    calendar: &Calendar,
    t: &tickets::TicketRow,
    (now_ms, reader): (i64, Option<&str>),
) -> anyhow::Result<wire::TicketView> {
    let today = crate::domain::numbering::local_day(from_ms(now_ms), hall.timezone).to_string();
    let expired = (t.status.is_waiting() || t.status == TicketStatus::NoShow) && t.day < today;
    let full = if expired { wire_ticket(hall, t, 0, 0) } else { ticket(conn, hall, calendar, t, now_ms)? };
    // The window only while it means something to the citizen: not after a transfer, when the
    // ticket waits again somewhere else.
    let window = match t.status {
        TicketStatus::Called | TicketStatus::Serving | TicketStatus::Done | TicketStatus::NoShow => {
            t.window_id.as_deref().and_then(|w| hall.window(w))
        }
        TicketStatus::Waiting | TicketStatus::Transferred => None,
    };
    // Every window that served it and sent it on (a ticket sent on twice was served in between
    // too), the first of them (首问窗口) named apart, without the window above: a window that only
    // called it (a no-show called again) sent it on nowhere.
    let sent_on = super::tickets::sent_on_from(conn, t)?;
    let first = sent_on.first().and_then(|w| hall.window(w)).filter(|f| window.is_none_or(|w| w.id != f.id));
    let earlier = sent_on.iter().filter_map(|w| hall.window(w)).filter(|e| window.is_none_or(|w| w.id != e.id));
    Ok(wire::TicketView {
        hall_name: hall.name.clone(),
        number: full.number,
        matter: hall.matter(&t.service_id).map(|m| m.name.clone()).unwrap_or_else(|| t.service_id.clone()),
        status: full.status,
        waiting_ahead: full.waiting_ahead,
        estimated_wait_minutes: full.estimated_wait_minutes,
        issued_at: full.issued_at,
        window_number: window.map(|w| w.number),
        window_name: window.map(|w| w.name.clone()),
        window_location: window.map(|w| w.location.clone()).filter(|l| !l.is_empty()),
        first_window_number: first.map(|w| w.number),
        first_window_name: first.map(|w| w.name.clone()),
        earlier_windows: earlier.map(|w| wire::ServedWindow { number: w.number, name: w.name.clone() }).collect(),
        rating: super::ratings::receipt(conn, hall, t.id)?,
        complaints: super::complaints::of_ticket(
            conn,
            t.id,
            crate::domain::numbering::local_day(from_ms(now_ms), hall.timezone),
            reader,
        )?,
        unserved: t.status == TicketStatus::Done && t.outcome.is_none(),
        case: super::cases::by_ticket(conn, t.id)?.map(|c| wire::TicketCase {
            number: c.number.clone(),
            kind: c.kind.into(),
            status_url: (c.state != crate::domain::case::CaseState::Closed)
                .then(|| super::case_views::status_url("", &c.token)),
        }),
        case_expected: match &t.window_id {
            Some(w) if t.status == TicketStatus::Done && t.outcome.is_none() => tickets::is_left_open(conn, t.id, w)?,
            _ => false,
        },
        booked: full.booked,
        turn_soon_ahead: hall.policy.booking.turn_soon_ahead,
        expired,
    })
}

/// A configured kiosk with its last report (none yet: no fault, empty message).
pub fn kiosk_state(hall: &Hall, kiosk_id: &str, row: Option<&kiosks::KioskRow>) -> wire::KioskState {
    let name = hall.kiosks.iter().find(|k| k.id == kiosk_id).map(|k| k.name.as_str()).unwrap_or("");
    wire::KioskState {
        kiosk_id: kiosk_id.to_string(),
        name: if name.is_empty() { kiosk_id.to_string() } else { name.to_string() },
        fault: row.and_then(|r| r.fault).filter(|f| *f != KioskFaultKind::Recovered).map(Into::into),
        message: row.map(|r| r.message.clone()).unwrap_or_default(),
        ticket_number: row.and_then(|r| r.ticket_number.clone()),
        at: row.map(|r| fmt_time(hall, r.at_ms)),
    }
}

/// Every configured kiosk, in configuration order, with its last report.
pub fn kiosks(conn: &Connection, hall: &Hall) -> anyhow::Result<Vec<wire::KioskState>> {
    let rows = kiosks::all(conn)?;
    Ok(hall.kiosks.iter().map(|k| kiosk_state(hall, &k.id, rows.iter().find(|r| r.kiosk_id == k.id))).collect())
}

#[cfg(test)]
mod tests {
    use rusqlite::params;

    /// The sample hall with its windows in a fresh database, and a queue of two windows or more.
    fn hall_and_queue() -> (crate::hall::Hall, tempfile::TempDir, rusqlite::Connection, String) {
        let hall = crate::config::sample();
        let (dir, mut conn) = crate::store::test_db();
        let ids: Vec<String> = hall.windows.iter().map(|w| w.id.clone()).collect();
        let tx = conn.transaction().unwrap();
        crate::store::windows::ensure(&tx, &ids).unwrap();
        tx.commit().unwrap();
        let queue = hall.queues.iter().find(|q| hall.queue_windows(&q.id).len() >= 2).expect("a queue of two windows");
        let queue = queue.id.clone();
        (hall, dir, conn, queue)
    }

    /// A queue's open windows: its windows with a live session, not paused (in a break paused
    /// too); another queue's, an ended or expired session do not count.
    #[test]
    fn open_windows_are_the_queues_staffed_and_unpaused() {
        let (hall, _dir, conn, queue) = hall_and_queue();
        let mine = hall.queue_windows(&queue).to_vec();
        let other =
            hall.windows.iter().map(|w| &w.id).find(|w| !mine.contains(w)).expect("a window of another queue").clone();
        // (window, paused, session ended, session expired)
        let staff = [(&mine[0], false, false, false), (&other, false, false, false)];
        let check = |want: u32| assert_eq!(super::open_windows(&conn, &hall, &queue, 1_000, false).unwrap(), want);
        let in_break = |want: u32| assert_eq!(super::open_windows(&conn, &hall, &queue, 1_000, true).unwrap(), want);
        check(0);
        let sign_in = |n: i64, (window, paused, ended, expired): (&String, bool, bool, bool)| {
            conn.execute(
                "INSERT INTO sessions (id, token_hash, username, role, window_id, created_at, expires_at, ended_at)
                 VALUES (?1, ?2, 'clerk', 'clerk', ?3, 0, ?4, ?5)",
                params![n, format!("h{n}"), window, if expired { 500 } else { 9_000 }, ended.then_some(900)],
            )
            .unwrap();
            conn.execute("UPDATE windows SET session_id = ?1, paused = ?2 WHERE id = ?3", params![n, paused, window])
                .unwrap();
        };
        for (n, s) in staff.into_iter().enumerate() {
            sign_in(n as i64 + 1, s);
        }
        check(1);
        sign_in(3, (&mine[1], true, false, false));
        check(1);
        in_break(2);
        sign_in(4, (&mine[1], false, true, false));
        check(1);
        sign_in(5, (&mine[1], false, false, true));
        check(1);
        sign_in(6, (&mine[1], false, false, false));
        check(2);
    }

    /// Counting a queue's open windows costs the same in a hall of 200 more staffed windows:
    /// every issue, call and finish pays it (it walked all the hall's windows before).
    #[test]
    fn open_windows_cost_follows_the_queue_not_the_hall() {
        let (hall, _dir, conn, queue) = hall_and_queue();
        let sign_in = |n: i64, window: &str| {
            conn.execute(
                "INSERT INTO sessions (id, token_hash, username, role, window_id, created_at, expires_at)
                 VALUES (?1, ?2, 'clerk', 'clerk', ?3, 0, 9000)",
                params![n, format!("h{n}"), window],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO windows (id, session_id) VALUES (?2, ?1)
                 ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id",
                params![n, window],
            )
            .unwrap();
        };
        sign_in(1, &hall.queue_windows(&queue)[0]);
        // SQLite's virtual machine instructions, whatever the statements.
        let steps = || {
            let counted = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            let counter = counted.clone();
            conn.progress_handler(
                1,
                Some(move || {
                    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    false
                }),
            )
            .unwrap();
            let open = super::open_windows(&conn, &hall, &queue, 1_000, false).unwrap();
            conn.progress_handler(1, None::<fn() -> bool>).unwrap();
            (open, counted.load(std::sync::atomic::Ordering::Relaxed))
        };
        steps(); // the statements' first run reads the schema
        let (open, small_hall) = steps();
        for n in 2..=201 {
            sign_in(n, &format!("county-{n}"));
        }
        assert_eq!(steps(), (open, small_hall), "(open windows, steps) with 200 more staffed windows");
        assert_eq!(open, 1);
    }
}
