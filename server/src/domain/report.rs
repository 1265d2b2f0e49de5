//! Reports: one ticket's facts in, each group's figures out. Pure: the caller reads the rows and
//! puts dates in the hall's time zone.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::rating::Level;
use super::Outcome;

str_enum!(
    /// How a report groups.
    By { Hall = "hall", Window = "window", Staff = "staff", Matter = "matter", Queue = "queue", Hour = "hour" }
);

str_enum!(
    /// The report's form.
    Format { Json = "json", Csv = "csv", Xlsx = "xlsx" }
);

/// Where a ticket ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Served,
    NoShow,
    /// Still waiting, called or served (today), or left at a window.
    Other,
}

/// A case against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnTime {
    /// No deadline (即办件, 退回件, a deadline not known yet) or still running in time.
    NotDue,
    ClosedOnTime,
    ClosedLate,
    OverdueOpen,
}

/// Whether a case met its deadline, as of `today`.
pub fn on_time(deadline: Option<NaiveDate>, closed_on: Option<NaiveDate>, today: NaiveDate) -> OnTime {
    match (deadline, closed_on) {
        (None, _) => OnTime::NotDue,
        (Some(d), Some(c)) if c <= d => OnTime::ClosedOnTime,
        (Some(_), Some(_)) => OnTime::ClosedLate,
        (Some(d), None) if d < today => OnTime::OverdueOpen,
        (Some(_), None) => OnTime::NotDue,
    }
}

/// Whether a 即办件 took longer than its matter's on-the-spot minutes (即收即办, R7): its service
/// from the start (or the call) to the finish.
pub fn over_on_the_spot(case: Option<Outcome>, service_minutes: Option<f64>, limit_minutes: u32) -> bool {
    case == Some(Outcome::Immediate) && service_minutes.is_some_and(|m| m > f64::from(limit_minutes))
}

/// One ticket as a report sees it, or one rating (on the day it was given, the hour its ticket
/// was issued: `queued` false, nothing but the rating, its window, clerk, queue and matter).
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The local day and hour it was issued.
    pub day: NaiveDate,
    pub hour: u32,
    pub queue: String,
    pub service_id: String,
    /// The window that called it last.
    pub window_id: Option<String>,
    /// The clerk who finished it (its case's).
    pub clerk: Option<String>,
    pub end: End,
    /// Counts as a ticket issued in its groups: a ticket's own fact, or for a ticket sent on
    /// (转办) its first leg's (issued for that matter and queue).
    pub issued: bool,
    /// A leg ended by a transfer: its window and clerk sent the ticket on (they called it, and
    /// served it for a while, then sent it to another matter or window).
    pub sent_on: bool,
    /// Transfers of this ticket whose legs were not kept (made before they were): counted in
    /// the hall, matter, queue and hour, never at a window or clerk that did not make them.
    pub sent_unkept: u32,
    /// Minutes from its place in the queue (or, after a transfer, from the transfer) to the call.
    pub wait: Option<f64>,
    /// Minutes from the start of the service (or the call) to the finish, or to the transfer.
    pub service: Option<f64>,
    pub case: Option<Outcome>,
    /// A 即办件 served longer than its matter's on-the-spot minutes (R7).
    pub over_on_the_spot: bool,
    pub on_time: OnTime,
    pub rating: Option<Level>,
    /// A ticket (or one leg of it) taken in the hall; `false`: the ticket of a village request
    /// accepted at a window (R22), which counts as its case (kind, deadline) but was never issued,
    /// queued nor served as a ticket — or a rating.
    pub queued: bool,
}

/// A group's counts and samples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub issued: u32,
    pub served: u32,
    pub no_show: u32,
    pub transferred: u32,
    pub waits: Vec<f64>,
    /// Every service time at a window: of the tickets served, and of the legs sent on.
    pub services: Vec<f64>,
    /// The service times of the tickets served only (the monthly assessment's).
    pub served_services: Vec<f64>,
    /// Cases per kind, in `Outcome::ALL` order.
    pub kinds: [u32; 6],
    /// 即办件 served longer than their matter's on-the-spot minutes (R7).
    pub immediate_over_limit: u32,
    pub closed_on_time: u32,
    pub closed_late: u32,
    pub overdue_open: u32,
    /// Ratings per level, best first.
    pub levels: [u32; 5],
}

impl Totals {
    fn add(&mut self, f: &Fact, by: By) {
        self.issued += u32::from(f.issued);
        if f.queued {
            match f.end {
                End::Served => {
                    self.served += 1;
                    self.served_services.extend(f.service);
                }
                End::NoShow => self.no_show += 1,
                End::Other => {}
            }
            self.transferred += u32::from(f.sent_on);
            if counts_issuing(by) {
                self.transferred += f.sent_unkept;
            }
            self.waits.extend(f.wait);
            self.services.extend(f.service);
        }
        if let Some(kind) = f.case {
            let i = Outcome::ALL.iter().position(|k| *k == kind).expect("every kind is listed");
            self.kinds[i] += 1;
        }
        self.immediate_over_limit += u32::from(f.over_on_the_spot);
        match f.on_time {
            OnTime::ClosedOnTime => self.closed_on_time += 1,
            OnTime::ClosedLate => self.closed_late += 1,
            OnTime::OverdueOpen => self.overdue_open += 1,
            OnTime::NotDue => {}
        }
        if let Some(level) = f.rating {
            self.levels[(level.rank() - 1) as usize] += 1;
        }
    }
}

/// The group a ticket counts in; `None`: in no group of this kind (a no-show by staff).
pub fn key(f: &Fact, by: By) -> Option<String> {
    match by {
        By::Hall => Some("hall".into()),
        By::Window => f.window_id.clone(),
        By::Staff => f.clerk.clone(),
        By::Matter => Some(f.service_id.clone()),
        By::Queue => Some(f.queue.clone()),
        By::Hour => Some(format!("{:02}", f.hour)),
    }
}

/// Whether a ticket's issuing belongs to a group of this kind: a ticket is issued to a matter
/// and queue, not to a window or a clerk (a transfer belongs to the window and clerk that sent
/// the ticket on).
pub fn counts_issuing(by: By) -> bool {
    !matches!(by, By::Window | By::Staff)
}

/// Every group's totals, by key, and the whole range's.
pub fn summarize<'a>(facts: impl IntoIterator<Item = &'a Fact>, by: By) -> (BTreeMap<String, Totals>, Totals) {
    let mut groups: BTreeMap<String, Totals> = BTreeMap::new();
    let mut total = Totals::default();
    for f in facts {
        total.add(f, By::Hall);
        if let Some(k) = key(f, by) {
            groups.entry(k).or_default().add(f, by);
        }
    }
    (groups, total)
}

/// The upper bounds (minutes) of the waiting-time distribution's bins; the last bin is open.
pub const WAIT_BINS: [u32; 8] = [5, 10, 15, 20, 30, 45, 60, 90];

/// How many waits fall in each bin: `[0, 5)`, `[5, 10)` … `[90, ∞)`.
pub fn wait_distribution<'a>(facts: impl IntoIterator<Item = &'a Fact>) -> [u32; WAIT_BINS.len() + 1] {
    let mut bins = [0u32; WAIT_BINS.len() + 1];
    for w in facts.into_iter().filter_map(|f| f.wait) {
        let i = WAIT_BINS.iter().position(|b| w < f64::from(*b)).unwrap_or(WAIT_BINS.len());
        bins[i] += 1;
    }
    bins
}

/// Tickets issued per day, every day of the range (days without any count 0).
pub fn issued_per_day<'a>(
    facts: impl IntoIterator<Item = &'a Fact>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, u32)> {
    let mut days: BTreeMap<NaiveDate, u32> = from.iter_days().take_while(|d| *d <= to).map(|d| (d, 0)).collect();
    for f in facts.into_iter().filter(|f| f.issued) {
        if let Some(n) = days.get_mut(&f.day) {
            *n += 1;
        }
    }
    days.into_iter().collect()
}

/// Mean, median and 90th percentile (nearest rank) of minutes; `None` when there are none.
pub fn spread(values: &[f64]) -> Option<(f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = |p: f64| v[((p / 100.0 * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    Some((mean, rank(50.0), rank(90.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fact(window: &str, clerk: Option<&str>, end: End, wait: f64) -> Fact {
        Fact {
            day: day("2026-12-01"),
            hour: 9,
            queue: "minzheng".into(),
            service_id: "mz-linshi".into(),
            window_id: Some(window.into()),
            clerk: clerk.map(str::to_string),
            end,
            issued: true,
            sent_on: false,
            sent_unkept: 0,
            wait: Some(wait),
            service: (end == End::Served).then_some(10.0),
            case: (end == End::Served).then_some(Outcome::Immediate),
            over_on_the_spot: false,
            on_time: OnTime::NotDue,
            rating: None,
            queued: true,
        }
    }

    #[test]
    fn on_time_compares_the_closing_day_with_the_deadline() {
        let today = day("2026-12-03");
        // (deadline, closed on, expected)
        for (deadline, closed, want) in [
            (None, None, OnTime::NotDue),
            (None, Some("2026-12-01"), OnTime::NotDue),
            (Some("2026-12-01"), Some("2026-12-01"), OnTime::ClosedOnTime),
            (Some("2026-12-01"), Some("2026-12-02"), OnTime::ClosedLate),
            (Some("2026-12-02"), None, OnTime::OverdueOpen),
            (Some("2026-12-03"), None, OnTime::NotDue),
        ] {
            assert_eq!(on_time(deadline.map(day), closed.map(day), today), want, "{deadline:?} {closed:?}");
        }
    }

    #[test]
    fn only_an_immediate_case_served_past_its_minutes_is_over_the_on_the_spot_limit() {
        // (kind, service minutes, limit, over)
        for (kind, service, limit, want) in [
            (Some(Outcome::Immediate), Some(20.0), 20, false),
            (Some(Outcome::Immediate), Some(20.5), 20, true),
            (Some(Outcome::Immediate), None, 20, false),
            (Some(Outcome::Promised), Some(90.0), 20, false),
            (Some(Outcome::Returned), Some(90.0), 20, false),
            (None, Some(90.0), 20, false),
        ] {
            assert_eq!(over_on_the_spot(kind, service, limit), want, "{kind:?} {service:?} {limit}");
        }
        let facts = [
            Fact { over_on_the_spot: true, ..fact("w01", Some("clerk1"), End::Served, 4.0) },
            fact("w01", Some("clerk1"), End::Served, 4.0),
            fact("w02", Some("clerk2"), End::Served, 4.0),
        ];
        let (by_window, total) = summarize(&facts, By::Window);
        assert_eq!((total.kinds[0], total.immediate_over_limit), (3, 1));
        assert_eq!((by_window["w01"].immediate_over_limit, by_window["w02"].immediate_over_limit), (1, 0));
    }

    #[test]
    fn groups_count_what_belongs_to_them() {
        let facts = [
            fact("w01", Some("clerk1"), End::Served, 4.0),
            fact("w01", Some("clerk1"), End::Served, 6.0),
            fact("w02", None, End::NoShow, 20.0),
            Fact { window_id: None, wait: None, end: End::Other, ..fact("w01", None, End::Other, 0.0) },
        ];
        let (by_staff, total) = summarize(&facts, By::Staff);
        assert_eq!(by_staff.keys().collect::<Vec<_>>(), ["clerk1"], "a no-show belongs to no clerk");
        assert_eq!(by_staff["clerk1"].served, 2);
        assert_eq!((total.issued, total.served, total.no_show), (4, 2, 1));
        assert_eq!(total.kinds[0], 2);
        let (by_window, _) = summarize(&facts, By::Window);
        assert_eq!(by_window["w02"].no_show, 1);
        assert_eq!(by_window.len(), 2, "a ticket never called has no window");
        let (by_hour, _) = summarize(&facts, By::Hour);
        assert_eq!(by_hour["09"].issued, 4);
        assert!(counts_issuing(By::Matter) && !counts_issuing(By::Staff) && !counts_issuing(By::Window));
    }

    #[test]
    fn a_village_request_accepted_counts_as_its_case_not_as_a_ticket() {
        let village = Fact {
            queued: false,
            issued: false,
            wait: None,
            service: None,
            case: Some(Outcome::Promised),
            on_time: OnTime::ClosedOnTime,
            rating: Some(Level::Satisfied),
            ..fact("w02", Some("clerk2"), End::Served, 0.0)
        };
        let facts = [fact("w02", Some("clerk2"), End::Served, 4.0), village];
        for by in [By::Hall, By::Window, By::Staff, By::Hour] {
            let (groups, total) = summarize(&facts, by);
            for t in groups.values().chain([&total]) {
                assert_eq!((t.issued, t.served, t.waits.len(), t.services.len()), (1, 1, 1, 1), "{by:?}");
                assert_eq!(t.kinds.iter().sum::<u32>(), 2, "{by:?}: both cases");
                assert_eq!((t.closed_on_time, t.levels.iter().sum::<u32>()), (1, 1), "{by:?}");
            }
        }
        assert_eq!(issued_per_day(&facts, day("2026-12-01"), day("2026-12-01")), [(day("2026-12-01"), 1)]);
    }

    /// Called at w01 by clerk1 for 临时救助, served 6 minutes, sent on to w02 for 医保 after a
    /// 4-minute wait, served there by clerk2: each window and clerk counts its own leg.
    #[test]
    fn a_ticket_sent_on_counts_at_both_windows_once_issued() {
        let first = Fact {
            end: End::Other,
            sent_on: true,
            service: Some(6.0),
            case: None,
            ..fact("w01", Some("clerk1"), End::Other, 3.0)
        };
        let last = Fact {
            queue: "yibao".into(),
            service_id: "rs-jmyibao".into(),
            issued: false,
            ..fact("w02", Some("clerk2"), End::Served, 4.0)
        };
        let facts = [first, last];
        let (by_window, total) = summarize(&facts, By::Window);
        assert_eq!((total.issued, total.served, total.transferred), (1, 1, 1));
        assert_eq!((total.waits.clone(), total.services.clone()), (vec![3.0, 4.0], vec![6.0, 10.0]));
        let w01 = &by_window["w01"];
        assert_eq!((w01.served, w01.transferred, w01.services.clone()), (0, 1, vec![6.0]));
        let w02 = &by_window["w02"];
        assert_eq!((w02.served, w02.transferred, w02.waits.clone()), (1, 0, vec![4.0]));
        let (by_staff, _) = summarize(&facts, By::Staff);
        assert_eq!((by_staff["clerk1"].transferred, by_staff["clerk2"].served), (1, 1));
        let (by_matter, _) = summarize(&facts, By::Matter);
        assert_eq!((by_matter["mz-linshi"].issued, by_matter["mz-linshi"].transferred), (1, 1));
        assert_eq!((by_matter["rs-jmyibao"].issued, by_matter["rs-jmyibao"].served), (0, 1));
        assert_eq!(issued_per_day(&facts, day("2026-12-01"), day("2026-12-01")), [(day("2026-12-01"), 1)]);
        assert_eq!((w01.served_services.len(), w02.served_services.clone()), (0, vec![10.0]));
        // Sent on before legs were kept: the hall and matter count it, no window or clerk does.
        let old = [Fact { sent_unkept: 1, ..fact("w02", Some("clerk2"), End::Served, 4.0) }];
        for (by, at_group) in [(By::Hall, 1), (By::Matter, 1), (By::Window, 0), (By::Staff, 0)] {
            let (groups, total) = summarize(&old, by);
            assert_eq!((total.transferred, groups.values().next().unwrap().transferred), (1, at_group), "{by:?}");
        }
    }

    #[test]
    fn waits_fall_in_their_bins_and_days_are_all_counted() {
        let waits = [0.0, 4.9, 5.0, 59.0, 60.0, 200.0];
        let facts: Vec<Fact> = waits.iter().map(|w| fact("w01", None, End::Served, *w)).collect();
        assert_eq!(wait_distribution(&facts), [2, 1, 0, 0, 0, 0, 1, 1, 1]);
        let days = issued_per_day(&facts, day("2026-11-30"), day("2026-12-02"));
        assert_eq!(days, [(day("2026-11-30"), 0), (day("2026-12-01"), 6), (day("2026-12-02"), 0)]);
    }

    #[test]
    fn spread_is_mean_median_and_ninetieth_percentile_by_nearest_rank() {
        assert_eq!(spread(&[]), None);
        assert_eq!(spread(&[5.0]), Some((5.0, 5.0, 5.0)));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(spread(&ten), Some((5.5, 5.0, 9.0)));
        assert_eq!(spread(&[3.0, 1.0, 2.0]), Some((2.0, 2.0, 3.0)));
    }
}
