//! Which waiting ticket a window calls next.
//!
//! For each queue the window serves we look at two heads: the oldest eligible priority
//! ticket and the oldest eligible ordinary one. A queue offers its priority head unless it
//! has already made `cap` priority calls in a row while ordinary citizens waited (the
//! anti-starvation cap); then it offers its ordinary head. Across queues, priority offers
//! go first; among equals the ticket with the largest weighted wait wins (wait × the
//! window's weight for that queue), so equal weights mean "oldest first".

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
    pub ordinary: Option<Head>,
    /// Priority calls this queue made in a row while ordinary tickets waited.
    pub priority_streak: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub ticket_id: i64,
    pub queue: String,
    pub priority: bool,
    /// Whether an ordinary ticket of the queue was waiting (for the streak).
    pub ordinary_waiting: bool,
}

/// The queue's offer: (head, is priority).
fn offer(q: &QueueHeads, cap: u32) -> Option<(Head, bool)> {
    match (q.priority, q.ordinary) {
        (Some(p), Some(_)) if q.priority_streak < cap => Some((p, true)),
        (Some(_), Some(o)) => Some((o, false)),
        (Some(p), None) => Some((p, true)),
        (None, Some(o)) => Some((o, false)),
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
        .map(|(q, h, prio)| Choice {
            ticket_id: h.ticket_id,
            queue: q.queue.clone(),
            priority: prio,
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

/// The oldest ticket of one class sent to the window by a transfer, with its queue's streak.
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

/// The queue's priority streak after a call.
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
        QueueHeads { queue: name.into(), weight, priority, ordinary, priority_streak: streak }
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
        let mut prio: Vec<i64> = (10..20).collect();
        let mut ordinary = vec![1];
        let mut streak = 0;
        let mut order = vec![];
        while !prio.is_empty() || !ordinary.is_empty() {
            let heads = [q(
                "A",
                1,
                prio.first().and_then(|&id| head(id, 5)),
                ordinary.first().and_then(|&id| head(id, 0)),
                streak,
            )];
            let c = choose_next(&heads, 3, at(30)).unwrap();
            streak = next_streak(streak, c.priority, c.ordinary_waiting);
            order.push(c.ticket_id);
            prio.retain(|&x| x != c.ticket_id);
            ordinary.retain(|&x| x != c.ticket_id);
        }
        assert_eq!(order[..5], [10, 11, 12, 1, 13]);
    }
}
