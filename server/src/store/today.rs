//! The director's view of the hall today (`GET /api/director/today`): a read model built from
//! the day's tickets, the windows, the sign-ins and the notice.

use hall_wire as wire;
use rusqlite::Connection;

use crate::domain::today;
use crate::hall::Hall;
use crate::store::{self, reads, tickets, windows};

/// Services left open by the day's close listed at most on the director's console.
const LEFT_OPEN_LISTED: u32 = 50;

pub fn director_today(
    c: &Connection,
    hall: &Hall,
    day: &str,
    now_ms: i64,
    audit_anchor: Option<wire::AuditAnchor>,
) -> anyhow::Result<wire::DirectorToday> {
    let day = day.to_string();

    let day_tickets = tickets::day_tickets(c, &day)?;
    let queues = hall
        .queues
        .iter()
        .map(|q| {
            let mine: Vec<&today::DayTicket> = day_tickets.iter().filter(|t| t.queue == q.id).collect();
            let f = today::queue_figures(&mine, now_ms);
            wire::QueueToday {
                queue: q.id.clone(),
                prefix: q.prefix.to_string(),
                name: q.name.clone(),
                waiting: f.waiting,
                longest_wait_minutes: f.longest_wait_minutes,
                issued: f.issued,
                finished: f.finished,
                no_show: f.no_show,
                avg_wait_minutes: f.avg_wait_minutes,
                p90_wait_minutes: f.p90_wait_minutes,
                avg_service_minutes: f.avg_service_minutes,
                p90_service_minutes: f.p90_service_minutes,
            }
        })
        .collect();
    // Each window's day from the tickets read above: no query per window.
    let by_window = today::window_figures(&day_tickets);
    let mut wins = Vec::new();
    for w in reads::windows(c, hall, now_ms)? {
        let today::WindowFigures { finished, no_show, transferred } =
            by_window.get(w.id.as_str()).copied().unwrap_or_default();
        let served = match &w.serving {
            Some(t) => tickets::get(c, t.id)?,
            None => None,
        };
        let serving_minutes = served
            .as_ref()
            .and_then(|row| row.started_at.or(row.called_at))
            .map(|since| ((now_ms - since).max(0) / 60_000) as u32);
        // A matter done on the spot (R7): the console marks its service past the minutes.
        let serving_limit_minutes = served
            .as_ref()
            .and_then(|row| hall.matter(&row.service_id))
            .filter(|m| m.time_limit_days == 0)
            .map(|m| m.on_the_spot_minutes);
        wins.push(wire::WindowToday {
            id: w.id,
            number: w.number,
            name: w.name,
            status: w.status,
            staff: w.staff,
            serving: w.serving.map(|t| t.number),
            serving_minutes,
            serving_limit_minutes,
            finished,
            no_show,
            transferred,
        });
    }
    // Who holds which window now (a clerk moved to stand in holds another than their first).
    let mut held = std::collections::HashMap::new();
    for w in &hall.windows {
        if let Some(row) = windows::get(c, &w.id, now_ms)?.filter(|r| r.staffed) {
            held.extend(row.username.map(|u| (u, w.id.clone())));
        }
    }
    // Who is late is attendance's to say (the handler marks it, with the calendar and leave).
    // The hall's clerks (R15): a leader inspecting, an administrator, the director or a village
    // agent signing in from the villages is no one at the windows.
    let clerk = |u: &str| hall.staff(u).is_none_or(|p| p.role == crate::hall::StaffRole::Clerk);
    let staff = windows::attendance(c, &day)?
        .into_iter()
        .filter(|(username, _, _)| clerk(username))
        .map(|(username, window_id, at)| {
            let person = hall.staff(&username);
            wire::StaffToday {
                name: person.map(|p| p.name.clone()).unwrap_or_else(|| username.clone()),
                staff_no: person.map(|p| p.staff_no.clone()).unwrap_or_default(),
                at_window: held.get(&username).cloned(),
                username,
                window_id,
                signed_in_at: reads::fmt_time(hall, at),
                late: false,
            }
        })
        .collect();
    let notice = store::settings::get(c, store::settings::NOTICE)?.unwrap_or_else(|| hall.notice.clone());
    let left_open = store::tickets::left_open_to_register(c, None, LEFT_OPEN_LISTED)?;
    Ok(wire::DirectorToday {
        day,
        now: reads::fmt_time(hall, now_ms),
        work_start: hall.work_start.format("%H:%M").to_string(),
        wait_warning_minutes: hall.policy.wait_warning_minutes,
        queues,
        windows: wins,
        staff,
        notice,
        audit_anchor,
        cases: None,
        calendar_missing_year: None,
        feedback: None,
        last_backup: None,
        leave_alarms: Vec::new(),
        on_leave: Vec::new(),
        left_open: left_open.iter().map(|t| reads::left_open_line(hall, t)).collect(),
    })
}
