//! Today's figures for the director: waits and service times per queue, pure.

/// One ticket of the day, or one leg of a ticket sent on (转办) from a queue; times in
/// milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTicket {
    pub queue: String,
    pub status: super::TicketStatus,
    /// Counts as issued in its queue: a ticket, or the first leg of one sent on.
    pub issued: bool,
    /// When its wait for this queue began: issued, or sent on from the leg before.
    pub waited_from: i64,
    pub queued_at: i64,
    pub called_at: Option<i64>,
    pub started_at: Option<i64>,
    /// Finished, or (a leg) sent on.
    pub finished_at: Option<i64>,
    /// A leg that ended in a transfer: served here for a while, neither waiting nor finished.
    pub sent_on: bool,
    /// The window that called it (a leg: the window that sent it on).
    pub window_id: Option<String>,
}

/// A window's day: tickets finished and no-shows there, tickets it sent on (转办).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowFigures {
    pub finished: u32,
    pub no_show: u32,
    pub transferred: u32,
}

/// Each window's day, from the day's tickets and legs in one pass (windows with none absent).
pub fn window_figures(tickets: &[DayTicket]) -> std::collections::HashMap<&str, WindowFigures> {
    let mut by = std::collections::HashMap::<&str, WindowFigures>::new();
    for t in tickets {
        let Some(w) = t.window_id.as_deref() else { continue };
        let f = by.entry(w).or_default();
        match (t.sent_on, t.status) {
            (true, _) => f.transferred += 1,
            (false, super::TicketStatus::Done) => f.finished += 1,
            (false, super::TicketStatus::NoShow) => f.no_show += 1,
            _ => {}
        }
    }
    by
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueFigures {
    pub waiting: u32,
    pub longest_wait_minutes: u32,
    pub issued: u32,
    pub finished: u32,
    pub no_show: u32,
    pub avg_wait_minutes: f64,
    pub p90_wait_minutes: f64,
    pub avg_service_minutes: f64,
    pub p90_service_minutes: f64,
}

/// Nearest-rank percentile (0–100); 0 when there is nothing.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1]
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn queue_figures(tickets: &[&DayTicket], now_ms: i64) -> QueueFigures {
    let min = |ms: i64| ms as f64 / 60_000.0;
    let ended = |t: &&&DayTicket, status| !t.sent_on && t.status == status;
    let waits: Vec<f64> = tickets.iter().filter_map(|t| t.called_at.map(|c| min(c - t.waited_from).max(0.0))).collect();
    let services: Vec<f64> = tickets
        .iter()
        .filter(|t| t.sent_on || t.status == super::TicketStatus::Done)
        .filter_map(|t| Some(min(t.finished_at? - t.started_at.or(t.called_at)?).max(0.0)))
        .collect();
    let waiting: Vec<&&DayTicket> = tickets.iter().filter(|t| !t.sent_on && t.status.is_waiting()).collect();
    QueueFigures {
        waiting: waiting.len() as u32,
        // Waiting since its place in the queue (a ticket sent on keeps its place by issue time),
        // as the displays' and /metrics' oldest wait count it.
        longest_wait_minutes: waiting.iter().map(|t| min(now_ms - t.queued_at).max(0.0) as u32).max().unwrap_or(0),
        issued: tickets.iter().filter(|t| t.issued).count() as u32,
        finished: tickets.iter().filter(|t| ended(t, super::TicketStatus::Done)).count() as u32,
        no_show: tickets.iter().filter(|t| ended(t, super::TicketStatus::NoShow)).count() as u32,
        avg_wait_minutes: round1(mean(&waits)),
        p90_wait_minutes: round1(percentile(&waits, 90.0)),
        avg_service_minutes: round1(mean(&services)),
        p90_service_minutes: round1(percentile(&services, 90.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TicketStatus as S;

    fn t(status: S, issued: i64, called: Option<i64>, started: Option<i64>, finished: Option<i64>) -> DayTicket {
        let m = |x: i64| x * 60_000;
        DayTicket {
            queue: "A".into(),
            status,
            issued: true,
            waited_from: m(issued),
            queued_at: m(issued),
            called_at: called.map(m),
            started_at: started.map(m),
            finished_at: finished.map(m),
            sent_on: false,
            window_id: None,
        }
    }

    #[test]
    fn figures_of_a_small_morning() {
        let day = [
            t(S::Done, 0, Some(10), Some(11), Some(21)),
            t(S::Done, 5, Some(25), None, Some(31)),
            t(S::NoShow, 6, Some(40), None, None),
            t(S::Waiting, 30, None, None, None),
            t(S::Waiting, 50, None, None, None),
        ];
        let refs: Vec<&DayTicket> = day.iter().collect();
        let f = queue_figures(&refs, 60 * 60_000);
        assert_eq!((f.issued, f.finished, f.no_show, f.waiting), (5, 2, 1, 2));
        assert_eq!(f.longest_wait_minutes, 30);
        assert_eq!(f.avg_wait_minutes, 21.3); // (10 + 20 + 34) / 3
        assert_eq!(f.p90_wait_minutes, 34.0);
        assert_eq!(f.avg_service_minutes, 8.0); // 10 and 6 (from the call when never started)
    }

    /// Issued at 0, called at 10, served 5 minutes and sent on to another queue (its leg here),
    /// where it waits again from 15: this queue counts its issue, its wait and its 5 minutes,
    /// nothing waiting and nothing finished; the other queue its second wait, and its longest
    /// wait from its place by issue time.
    /// w01 finished one, missed one and sent one on to w02, which finished it; nobody called
    /// the ticket still waiting.
    #[test]
    fn each_window_counts_what_ended_there() {
        let at = |w: &str, t: DayTicket| DayTicket { window_id: Some(w.into()), ..t };
        let day = [
            at("w01", t(S::Done, 0, Some(1), None, Some(5))),
            at("w01", t(S::NoShow, 1, Some(6), None, None)),
            at("w01", DayTicket { sent_on: true, ..t(S::Transferred, 2, Some(7), None, Some(9)) }),
            at("w02", DayTicket { issued: false, ..t(S::Done, 2, Some(12), None, Some(20)) }),
            t(S::Waiting, 3, None, None, None),
        ];
        let by = window_figures(&day);
        let check = |w: &str, want: (u32, u32, u32)| {
            let f = by.get(w).copied().unwrap_or_default();
            assert_eq!((f.finished, f.no_show, f.transferred), want, "{w}");
        };
        check("w01", (1, 1, 1));
        check("w02", (1, 0, 0));
        check("w03", (0, 0, 0));
        assert_eq!(by.len(), 2);
    }

    #[test]
    fn a_ticket_sent_on_counts_its_leg_in_the_queue_it_left() {
        let leg = DayTicket { sent_on: true, status: S::Transferred, ..t(S::Done, 0, Some(10), None, Some(15)) };
        let f = queue_figures(&[&leg], 60 * 60_000);
        assert_eq!((f.issued, f.finished, f.no_show, f.waiting), (1, 0, 0, 0));
        assert_eq!((f.avg_wait_minutes, f.avg_service_minutes), (10.0, 5.0));
        let there = DayTicket { issued: false, waited_from: 15 * 60_000, ..t(S::Transferred, 0, None, None, None) };
        let f = queue_figures(&[&there], 60 * 60_000);
        assert_eq!(
            (f.issued, f.waiting, f.longest_wait_minutes),
            (0, 1, 60),
            "from its place, as the displays count it"
        );
    }

    #[test]
    fn an_empty_queue_has_zero_figures() {
        assert_eq!(queue_figures(&[], 0), QueueFigures::default());
        assert_eq!(percentile(&[], 90.0), 0.0);
    }
}
