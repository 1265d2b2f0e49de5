//! The shape of a hall day, pure and seeded: when citizens arrive, for what, how long each
//! service takes and how it ends.

use rand::rngs::StdRng;
use rand::Rng;
use rand_distr::{Distribution, LogNormal};

/// Opening hours 08:30–17:30: 540 minutes. Each segment: (from, to, relative arrival rate),
/// with the morning peak, the lunch dip and a smaller afternoon peak of a town hall.
pub const DAY: [(f64, f64, f64); 7] = [
    (0.0, 30.0, 0.6),    // 08:30 doors open
    (30.0, 150.0, 1.6),  // 09:00–11:00 morning peak
    (150.0, 210.0, 1.0), // 11:00–12:00
    (210.0, 300.0, 0.3), // 12:00–13:30 lunch
    (300.0, 360.0, 0.9), // 13:30–14:30
    (360.0, 480.0, 1.3), // 14:30–16:30 afternoon peak
    (480.0, 540.0, 0.6), // 16:30–17:30
];

pub const DAY_MINUTES: f64 = 540.0;

/// `n` arrival minutes since opening, sorted, following the day's curve.
pub fn arrivals(n: usize, rng: &mut StdRng) -> Vec<f64> {
    let total: f64 = DAY.iter().map(|(a, b, w)| (b - a) * w).sum();
    let mut out: Vec<f64> = (0..n)
        .map(|_| {
            let mut pick = rng.random::<f64>() * total;
            for (a, b, w) in DAY {
                let mass = (b - a) * w;
                if pick < mass {
                    return a + pick / w;
                }
                pick -= mass;
            }
            DAY_MINUTES - 0.01
        })
        .collect();
    out.sort_by(f64::total_cmp);
    out
}

/// Minutes one service takes: log-normal around the typical minutes, at least half a minute.
pub fn service_minutes(typical: f64, rng: &mut StdRng) -> f64 {
    let d = LogNormal::new(typical.max(1.0).ln() - 0.125, 0.5).expect("valid parameters");
    d.sample(rng).max(0.5)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    NoShow,
    Transfer,
    Finish(&'static str),
}

/// What happens to a called citizen: 4% do not come, 4% are sent elsewhere, the rest are
/// finished as one of the six kinds of case, mostly on the spot.
pub fn fate(rng: &mut StdRng) -> Fate {
    let r = rng.random::<f64>();
    match r {
        r if r < 0.04 => Fate::NoShow,
        r if r < 0.08 => Fate::Transfer,
        r if r < 0.72 => Fate::Finish("immediate"),
        r if r < 0.85 => Fate::Finish("promised"),
        r if r < 0.92 => Fate::Finish("supplement"),
        r if r < 0.95 => Fate::Finish("returned"),
        r if r < 0.98 => Fate::Finish("joint"),
        _ => Fate::Finish("reported"),
    }
}

/// 8% of citizens come with a priority reason.
pub fn priority(rng: &mut StdRng) -> Option<&'static str> {
    let r = rng.random::<f64>();
    match r {
        r if r < 0.04 => Some("elderly"),
        r if r < 0.06 => Some("disabled"),
        r if r < 0.07 => Some("military"),
        r if r < 0.08 => Some("pregnant"),
        _ => None,
    }
}

/// The p-th percentile (0–100) of `values`, nearest rank; 0 when empty.
pub fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn arrivals_follow_the_curve() {
        let mut rng = StdRng::seed_from_u64(7);
        let a = arrivals(20_000, &mut rng);
        assert!(a.windows(2).all(|w| w[0] <= w[1]));
        assert!(a.iter().all(|t| (0.0..DAY_MINUTES).contains(t)));
        let per_hour = |from: f64, to: f64| a.iter().filter(|t| (from..to).contains(*t)).count() as f64 / (to - from);
        let peak = per_hour(30.0, 150.0);
        let lunch = per_hour(210.0, 300.0);
        assert!(peak > 4.0 * lunch, "peak {peak} lunch {lunch}");
    }

    #[test]
    fn the_same_seed_gives_the_same_day() {
        let a = arrivals(100, &mut StdRng::seed_from_u64(1));
        let b = arrivals(100, &mut StdRng::seed_from_u64(1));
        assert_eq!(a, b);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let check = |v: &[f64], p, expected| assert_eq!(percentile(v, p), expected);
        check(&[], 90.0, 0.0);
        check(&[5.0], 90.0, 5.0);
        check(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90.0, 9.0);
        check(&[3.0, 1.0, 2.0], 50.0, 2.0);
    }

    #[test]
    fn fates_are_mostly_finished_on_the_spot() {
        let mut rng = StdRng::seed_from_u64(3);
        let n = 10_000;
        let immediate = (0..n).filter(|_| fate(&mut rng) == Fate::Finish("immediate")).count();
        assert!((6000..7000).contains(&immediate), "{immediate}");
    }

    #[test]
    fn service_minutes_center_on_the_typical() {
        let mut rng = StdRng::seed_from_u64(5);
        let v: Vec<f64> = (0..10_000).map(|_| service_minutes(8.0, &mut rng)).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        assert!((7.0..9.0).contains(&mean), "{mean}");
    }
}
