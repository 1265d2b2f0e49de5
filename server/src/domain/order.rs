//! Which waiting ticket a window calls next.
//!
//! For each queue the window serves we look at three heads: the oldest eligible priority
//! ticket, the first booked one (checked in on time for an appointment, in slot order) and the
//! oldest ordinary one. A queue offers its priority head, else its booked head, unless it has
//! already made `cap` such calls ahead of ordinary citizens in a row while they waited (the
//! anti-starvation cap, shared by both classes); then it offers its ordinary head — or, while
//! priority tickets wait, its booked head when that citizen checked in before the oldest
//! walk-in: the turn the cap gives is never a walk-in's ahead of a booked citizen who came
//! earlier and waits behind priority ones. Across
//! queues, priority offers go first, then booked ones; among equals the ticket with the largest
//! weighted wait wins (wait × the window's weight for that queue), so equal weights mean
//! "oldest first".

use chrono::{DateTime, Utc};

use crate::hall::Hall;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub ticket_id: i64,
    /// Place in the queue: the issue time, kept across transfers.
    pub queued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueHeads {
    pub queue: String,
    pub weight: u32,
    pub priority: Option<Head>,
    /// The first booked ticket (by its slot, then its check-in).
    pub booked: Option<Head>,
    pub ordinary: Option<Head>,
    /// Priority or booked calls this window made in a row from this queue while ordinary
    /// tickets it could call waited (one count per window: windows of a queue may handle
    /// different matters of it).
    pub priority_streak: u32,
}

/// The class a ticket waits in, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Ordinary,
    Booked,
    Priority,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub ticket_id: i64,
    pub queue: String,
    /// Called ahead of ordinary tickets (a priority or a booked one): counts in the streak.
    pub priority: bool,
    pub class: Class,
    /// Whether an ordinary ticket of the queue was waiting (for the streak).
    pub ordinary_waiting: bool,
}

/// The queue's offer: (head, class).
fn offer(q: &QueueHeads, cap: u32) -> Option<(Head, Class)> {
    let ahead = q.priority.map(|p| (p, Class::Priority)).or(q.booked.map(|b| (b, Class::Booked)));
    match (ahead, q.ordinary) {
        (Some(a), Some(_)) if q.priority_streak < cap => Some(a),
        // Priority tickets made the streak: its turn goes to a booked citizen who came before the
        // oldest walk-in (booked ones alone stay under the cap, walk-ins interleaved).
        (Some(_), Some(o)) => match q.booked {
            Some(b) if q.priority.is_some() && (b.queued_at, b.ticket_id) < (o.queued_at, o.ticket_id) => {
                Some((b, Class::Booked))
            }
            _ => Some((o, Class::Ordinary)),
        },
        (Some(a), None) => Some(a),
        (None, Some(o)) => Some((o, Class::Ordinary)),
        (None, None) => None,
    }
}

pub fn choose_next(queues: &[QueueHeads], cap: u32, now: DateTime<Utc>) -> Option<Choice> {
    let score = |head: &Head, weight: u32| -> i128 {
        let waited = (now - head.queued_at).num_milliseconds().max(0) as i128;
        waited * weight.max(1) as i128
    };
    queues
        .iter()
        .filter_map(|q| offer(q, cap).map(|(h, prio)| (q, h, prio)))
        .max_by(|(qa, a, pa), (qb, b, pb)| {
            pa.cmp(pb)
                .then(score(a, qa.weight).cmp(&score(b, qb.weight)))
                // Older first, then lower id: reversed because this is a max.
                .then(b.queued_at.cmp(&a.queued_at))
                .then(b.ticket_id.cmp(&a.ticket_id))
        })
        .map(|(q, h, class)| Choice {
            ticket_id: h.ticket_id,
            queue: q.queue.clone(),
            priority: class != Class::Ordinary,
            class,
            ordinary_waiting: q.ordinary.is_some(),
        })
}

/// What a window may call from one queue: the queue, the window's weight for it, and the
/// matters of that queue the window handles (a ticket of another matter of the same queue is
/// not for this window).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope<'h> {
    pub queue: &'h str,
    pub weight: u32,
    pub matters: Vec<&'h str>,
}

/// The queues a window calls from, in the configuration's order, each with its matters.
pub fn window_scope<'h>(hall: &'h Hall, window: &str) -> Vec<Scope<'h>> {
    let matters = hall.window_matters(window);
    hall.window_queues(window)
        .into_iter()
        .map(|(q, weight)| Scope {
            queue: q.id.as_str(),
            weight,
            matters: matters.iter().filter(|m| m.queue == q.id).map(|m| m.id.as_str()).collect(),
        })
        .collect()
}

/// The oldest ticket of one class sent to the window by a transfer, with the window's streak
/// in its queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentHead {
    pub queue: String,
    pub priority: bool,
    pub head: Head,
    pub queue_streak: u32,
}

/// Adds the tickets transferred to this window: each competes in its own queue's place (older
/// than that queue's head of its class, it takes the place), and a queue the window does not
/// serve joins with weight 1.
pub fn add_sent(heads: &mut Vec<QueueHeads>, sent: Vec<SentHead>) {
    for s in sent {
        let pos = match heads.iter().position(|h| h.queue == s.queue) {
            Some(p) => p,
            None => {
                heads.push(QueueHeads {
                    queue: s.queue,
                    weight: 1,
                    priority: None,
                    booked: None,
                    ordinary: None,
                    priority_streak: s.queue_streak,
                });
                heads.len() - 1
            }
        };
        let slot = if s.priority { &mut heads[pos].priority } else { &mut heads[pos].ordinary };
        if slot.is_none_or(|h| (s.head.queued_at, s.head.ticket_id) < (h.queued_at, h.ticket_id)) {
            *slot = Some(s.head);
        }
    }
}

/// The window's priority streak in the called queue after a call.
pub fn next_streak(streak: u32, called_priority: bool, ordinary_waiting: bool) -> u32 {
    if called_priority && ordinary_waiting {
        streak + 1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 1, 0, 0).unwrap() + chrono::Duration::minutes(min)
    }

    fn head(id: i64, min: i64) -> Option<Head> {
        Some(Head { ticket_id: id, queued_at: at(min) })
    }

    fn q(name: &str, weight: u32, priority: Option<Head>, ordinary: Option<Head>, streak: u32) -> QueueHeads {
        QueueHeads { queue: name.into(), weight, priority, booked: None, ordinary, priority_streak: streak }
    }

    /// A queue with a booked head too.
    fn qb(name: &str, priority: Option<Head>, booked: Option<Head>, ordinary: Option<Head>, streak: u32) -> QueueHeads {
        QueueHeads { queue: name.into(), weight: 1, priority, booked, ordinary, priority_streak: streak }
    }

    #[test]
    fn booked_tickets_go_after_priority_and_before_older_walk_ins() {
        // A booked ticket checked in at minute 8 is called before a walk-in waiting since 0.
        check(&[qb("A", None, head(5, 8), head(1, 0), 0)], 3, 10, Some(5));
        // A priority ticket goes before it.
        check(&[qb("A", head(9, 9), head(5, 8), head(1, 0), 0)], 3, 10, Some(9));
        // ...across queues too: booked in B beats an older walk-in in A.
        check(&[qb("A", None, None, head(1, 0), 0), qb("B", None, head(5, 8), None, 0)], 3, 10, Some(5));
        // The cap is shared: after 3 calls ahead of a waiting walk-in, the walk-in is called.
        check(&[qb("A", None, head(5, 8), head(1, 0), 3)], 3, 10, Some(1));
        check(&[qb("A", head(9, 9), head(5, 8), head(1, 0), 3)], 3, 10, Some(1));
        // Nobody else waiting: the booked ticket whatever the streak.
        check(&[qb("A", None, head(5, 8), None, 7)], 3, 10, Some(5));
    }

    /// The order one queue calls its `priority`, `booked` and `walk_ins` tickets in (each list in
    /// its order, waiting since the minute given), one call after another under `cap`.
    fn calls(priority: (Vec<i64>, i64), booked: (Vec<i64>, i64), walk_ins: (Vec<i64>, i64), cap: u32) -> Vec<i64> {
        let (mut lists, minutes) = ([priority.0, booked.0, walk_ins.0], [priority.1, booked.1, walk_ins.1]);
        let (mut streak, mut order) = (0, vec![]);
        while lists.iter().any(|l| !l.is_empty()) {
            let first = |i: usize| lists[i].first().and_then(|&id| head(id, minutes[i]));
            let heads = [qb("A", first(0), first(1), first(2), streak)];
            let c = choose_next(&heads, cap, at(30)).unwrap();
            streak = next_streak(streak, c.priority, c.ordinary_waiting);
            order.push(c.ticket_id);
            for list in &mut lists {
                list.retain(|&x| x != c.ticket_id);
            }
        }
        order
    }

    /// Priority tickets keep the booked citizen waiting, but the turn the cap gives goes to them
    /// before a walk-in who came after them (docs/api.md: booked are called ahead of walk-ins).
    #[test]
    fn the_caps_turn_goes_to_a_booked_citizen_before_a_later_walk_in() {
        let order = calls(((10..16).collect(), 0), (vec![5], 6), (vec![1], 8), 3);
        assert_eq!(order, [10, 11, 12, 5, 1, 13, 14, 15]);
    }

    /// Without priority tickets the cap keeps booked ones and walk-ins interleaved as before.
    #[test]
    fn booked_tickets_alone_stay_under_the_cap() {
        assert_eq!(calls((vec![], 0), ((20..25).collect(), 0), (vec![1], 5), 2), [20, 21, 1, 22, 23, 24]);
    }

    #[test]
    fn a_day_of_booked_and_walk_in_tickets_keeps_the_cap() {
        // Five booked (in slot order 20..25) and two walk-ins; cap 2.
        assert_eq!(calls((vec![], 0), ((20..25).collect(), 5), (vec![1, 2], 0), 2), [20, 21, 1, 22, 23, 2, 24]);
    }

    fn sent(queue: &str, priority: bool, id: i64, min: i64, streak: u32) -> SentHead {
        SentHead { queue: queue.into(), priority, head: head(id, min).unwrap(), queue_streak: streak }
    }

    #[test]
    fn a_transferred_ticket_takes_its_queues_place_only_when_older() {
        let mut heads = vec![q("a", 3, None, head(1, 5), 2)];
        add_sent(&mut heads, vec![sent("a", false, 9, 7, 0), sent("a", true, 8, 9, 0), sent("b", false, 7, 1, 4)]);
        assert_eq!(
            heads,
            vec![q("a", 3, head(8, 9), head(1, 5), 2), q("b", 1, None, head(7, 1), 4)],
            "younger ordinary ignored, priority fills the empty slot, an unserved queue joins at weight 1"
        );
        add_sent(&mut heads, vec![sent("a", false, 6, 2, 0)]);
        assert_eq!(heads[0].ordinary, head(6, 2), "an older transferred ticket goes first");
    }

    #[test]
    fn a_window_calls_only_the_matters_it_handles() {
        let hall = crate::config::sample();
        let scope = window_scope(&hall, "w02");
        assert!(!scope.is_empty());
        for s in &scope {
            for m in &s.matters {
                let matter = hall.matter(m).unwrap();
                assert_eq!(matter.queue, s.queue);
                assert!(matter.windows.iter().any(|w| w == "w02"), "{m} is not handled at w02");
            }
        }
        let handled: usize = scope.iter().map(|s| s.matters.len()).sum();
        assert_eq!(handled, hall.window_matters("w02").len(), "every matter of the window is in one queue's scope");
        assert!(window_scope(&hall, "no-such-window").is_empty());
    }

    /// `expected`: the ticket id chosen, or None.
    fn check(queues: &[QueueHeads], cap: u32, now_min: i64, expected: Option<i64>) {
        let got = choose_next(queues, cap, at(now_min)).map(|c| c.ticket_id);
        assert_eq!(got, expected, "{queues:?}");
    }

    #[test]
    fn nobody_waiting_gives_nothing() {
        check(&[], 3, 0, None);
        check(&[q("A", 1, None, None, 0)], 3, 0, None);
    }

    #[test]
    fn oldest_first_across_queues_with_equal_weights() {
        check(&[q("A", 1, None, head(1, 5), 0), q("B", 1, None, head(2, 3), 0)], 3, 10, Some(2));
        check(&[q("A", 1, None, head(1, 2), 0), q("B", 1, None, head(2, 3), 0)], 3, 10, Some(1));
    }

    #[test]
    fn same_issue_time_breaks_ties_by_id() {
        check(&[q("A", 1, None, head(7, 2), 0), q("B", 1, None, head(4, 2), 0)], 3, 10, Some(4));
    }

    #[test]
    fn priority_goes_before_older_ordinary() {
        check(&[q("A", 1, head(9, 8), head(1, 0), 0)], 3, 10, Some(9));
        // ...also across queues.
        check(&[q("A", 1, None, head(1, 0), 0), q("B", 1, head(9, 8), None, 0)], 3, 10, Some(9));
    }

    #[test]
    fn the_cap_lets_an_ordinary_ticket_through() {
        check(&[q("A", 1, head(9, 8), head(1, 0), 2)], 3, 10, Some(9));
        check(&[q("A", 1, head(9, 8), head(1, 0), 3)], 3, 10, Some(1));
        // Cap 0: priority only goes first when no ordinary ticket waits.
        check(&[q("A", 1, head(9, 8), head(1, 0), 0)], 0, 10, Some(1));
        check(&[q("A", 1, head(9, 8), None, 5)], 0, 10, Some(9));
    }

    #[test]
    fn weights_scale_the_wait() {
        // A waited 4 min with weight 3 (12) beats B waited 10 min with weight 1 (10).
        check(&[q("A", 3, None, head(1, 6), 0), q("B", 1, None, head(2, 0), 0)], 3, 10, Some(1));
        // With weight 2 (8), B's 10 wins.
        check(&[q("A", 2, None, head(1, 6), 0), q("B", 1, None, head(2, 0), 0)], 3, 10, Some(2));
    }

    #[test]
    fn streak_counts_only_priority_calls_that_jumped_ordinary_ones() {
        let check = |streak, prio, ordinary, expected| assert_eq!(next_streak(streak, prio, ordinary), expected);
        check(0, true, true, 1);
        check(2, true, true, 3);
        check(2, true, false, 0);
        check(3, false, true, 0);
    }

    #[test]
    fn a_run_of_calls_never_starves_ordinary_tickets() {
        // Ten priority tickets and one ordinary; cap 3: the ordinary one is 4th.
        let order = calls(((10..20).collect(), 5), (vec![], 0), (vec![1], 0), 3);
        assert_eq!(order[..5], [10, 11, 12, 1, 13]);
    }
}
