//! From a write committed at a hall to it being queryable at the county: each probe (an issue,
//! a first call, a finish, as `hall-sim` sent it) waits until the county's PostgreSQL shows it
//! in the `tickets` view (the row; its `first_called_at`; its `finished_at`), polled every few
//! milliseconds. The lag counts from the moment the request was sent, before the hall's commit:
//! it can only be longer than the real one, by the hall's own write time and the poll's period.

use std::time::{Duration, Instant};

use hall_sim::{Probe, Written};

/// Probes not seen at the county yet.
#[derive(Debug, Default)]
pub struct Pending {
    probes: Vec<Probe>,
}

/// What the county shows of a probe's ticket: (index in [`Pending::params`], called, finished).
pub type Shown = (i32, bool, bool);

impl Pending {
    pub fn add(&mut self, p: Probe) {
        self.probes.push(p);
    }

    pub fn is_empty(&self) -> bool {
        self.probes.is_empty()
    }

    /// The query's parameters: each probe's hall id, ticket id and index.
    pub fn params(&self, hall_ids: &[String]) -> (Vec<String>, Vec<i64>, Vec<i32>) {
        let mut out = (Vec::new(), Vec::new(), Vec::new());
        for (i, p) in self.probes.iter().enumerate() {
            out.0.push(hall_ids[p.hall].clone());
            out.1.push(p.ticket_id);
            out.2.push(i as i32);
        }
        out
    }

    /// Removes the probes the county shows now; answers their lags.
    pub fn seen(&mut self, shown: &[Shown], now: Instant) -> Vec<Duration> {
        let mut done = vec![false; self.probes.len()];
        for &(i, called, finished) in shown {
            let Some(p) = self.probes.get(i as usize) else { continue };
            done[i as usize] = match p.what {
                Written::Issued => true,
                Written::Called => called,
                Written::Finished => finished,
            };
        }
        let mut lags = Vec::new();
        let mut k = 0;
        self.probes.retain(|p| {
            let d = done[k];
            k += 1;
            if d {
                lags.push(now.saturating_duration_since(p.sent));
            }
            !d
        });
        lags
    }
}

/// The statement that tells which pending probes the county shows.
pub const SHOWN: &str = "
    SELECT p.i, t.first_called_at IS NOT NULL, t.finished_at IS NOT NULL
    FROM unnest($1::text[], $2::bigint[], $3::int[]) AS p(hall_id, ticket_id, i)
    JOIN tickets t ON t.hall_id = p.hall_id AND t.ticket_id = p.ticket_id";

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(hall: usize, what: Written, ticket_id: i64, sent: Instant) -> Probe {
        Probe { hall, what, ticket_id, sent }
    }

    #[test]
    fn a_probe_is_seen_once_the_county_shows_what_it_wrote() {
        let t0 = Instant::now();
        let mut p = Pending::default();
        p.add(probe(0, Written::Issued, 7, t0));
        p.add(probe(1, Written::Called, 7, t0 + Duration::from_millis(10)));
        p.add(probe(1, Written::Finished, 8, t0 + Duration::from_millis(20)));
        let (halls, tickets, idx) = p.params(&["hall-01".into(), "hall-02".into()]);
        assert_eq!(halls, ["hall-01", "hall-02", "hall-02"]);
        assert_eq!(tickets, [7, 7, 8]);
        assert_eq!(idx, [0, 1, 2]);
        // (shown rows, lags in ms, still pending)
        let now = t0 + Duration::from_millis(100);
        // The ticket is there but not called yet, and the other not finished: only the issue.
        let lags = p.seen(&[(0, false, false), (1, false, false), (2, true, false)], now);
        assert_eq!(lags, [Duration::from_millis(100)]);
        assert_eq!(p.params(&["hall-01".into(), "hall-02".into()]).1, [7, 8]);
        // Indices are of the last params(): the called probe is 0 now.
        let lags = p.seen(&[(0, true, false), (1, true, true)], now + Duration::from_millis(50));
        assert_eq!(lags, [Duration::from_millis(140), Duration::from_millis(130)]);
        assert!(p.is_empty());
        // Rows of nothing pending are ignored.
        assert!(p.seen(&[(5, true, true)], now).is_empty());
    }
}
