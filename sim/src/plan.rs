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

/// Tickets of a busy town hall's day: its morning peak (09:00–11:00) is the busy morning the
/// multi-hall run plays by default.
pub const BUSY_DAY_TICKETS: usize = 600;

/// Citizens per hour at the morning peak of a day of `tickets` (the day's curve at 09:00–11:00):
/// about 106 for a busy day of 600.
pub fn peak_per_hour(tickets: usize) -> f64 {
    let total: f64 = DAY.iter().map(|(a, b, w)| (b - a) * w).sum();
    let peak = DAY.iter().map(|(_, _, w)| *w).fold(0.0, f64::max);
    tickets as f64 * peak / total * 60.0
}

/// Arrival minutes of a steady stream (a Poisson process) of `per_hour` citizens an hour over
/// `minutes`, sorted: a busy morning at one rate, for load on the county rather than a day's shape.
pub fn steady_arrivals(per_hour: f64, minutes: f64, rng: &mut StdRng) -> Vec<f64> {
    let mut out = Vec::new();
    if per_hour <= 0.0 || minutes <= 0.0 {
        return out;
    }
    let per_minute = per_hour / 60.0;
    let mut t = 0.0;
    loop {
        // Exponential gaps: -ln(U) / rate, U in (0, 1].
        let u: f64 = 1.0 - rng.random::<f64>();
        t += -u.ln() / per_minute;
        if t >= minutes {
            return out;
        }
        out.push(t);
    }
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

/// The rating a citizen gives at the window's evaluator after the finish, if any: 70% rate;
/// of those most are very satisfied, 5% dissatisfied (with a reason).
pub fn rating(rng: &mut StdRng) -> Option<(&'static str, Option<&'static str>)> {
    if rng.random::<f64>() >= 0.7 {
        return None;
    }
    const REASONS: [&str; 5] = ["attitude", "efficiency", "materials_repeated", "not_in_time", "other"];
    let reason = Some(REASONS[rng.random_range(0..REASONS.len())]);
    let r = rng.random::<f64>();
    Some(match r {
        r if r < 0.70 => ("very_satisfied", None),
        r if r < 0.88 => ("satisfied", None),
        r if r < 0.95 => ("basically_satisfied", None),
        r if r < 0.99 => ("dissatisfied", reason),
        _ => ("very_dissatisfied", reason),
    })
}

/// What the hall will do with a case over the following working days, drawn when the case is
/// registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CasePlan {
    /// A 补办件's missing materials come this many working days after acceptance; `None`: they
    /// never come, and the case expires at the hall's limit.
    pub materials_after: Option<u32>,
    /// The case is closed once at most this many working days are left before its deadline;
    /// negative: that many working days after it (late, overdue in between).
    pub close_at_left: i64,
    /// When the deadline is not known (its year's calendar is not loaded): closed after this
    /// many working days.
    pub close_after: u32,
    /// The director extends the deadline once, by this many working days, when at most one
    /// working day is left; the case is then closed within the extension.
    pub extend_by: Option<u32>,
    /// Nobody acts on it (it stays open, and overdue once its deadline passes).
    pub forgotten: bool,
    /// Closed as not approved (with a reason) instead of done or approved.
    pub not_approved: bool,
    /// A 联办件's director records a joint review meeting before it closes.
    pub meeting: bool,
}

/// The plan of a case of `kind`: 80% of supplements' materials come within six working days,
/// 85% of running cases close on time, 4% are forgotten, 6% are extended by the director.
pub fn case_plan(kind: &str, rng: &mut StdRng) -> CasePlan {
    let materials_after = (kind == "supplement" && rng.random::<f64>() < 0.8).then(|| rng.random_range(1..=6));
    let close_at_left = if rng.random::<f64>() < 0.85 { rng.random_range(0..=4) } else { -rng.random_range(1..=4) };
    let extend_by = (rng.random::<f64>() < 0.06).then(|| rng.random_range(2..=5));
    CasePlan {
        materials_after,
        close_at_left,
        close_after: rng.random_range(5..=20),
        extend_by,
        forgotten: rng.random::<f64>() < 0.04,
        not_approved: rng.random::<f64>() < 0.06,
        // R13: every joint case is reviewed before it closes (the server refuses it otherwise).
        meeting: true,
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

/// A third of the citizens of a bookable matter come by appointment (预约).
pub fn books(rng: &mut StdRng) -> bool {
    rng.random::<f64>() < 1.0 / 3.0
}

/// The p-th percentile (0–100) of `values`, nearest rank; 0 when empty.
/// The `n`th made-up 居民身份证号 with a right GB 11643 check digit (an area code of the sample
/// county, a birth date from `n`, a sequence from `n`): walk-ins of matters that ask for one,
/// a different person each (no draw from the run's random numbers, so a seed's day stays the same).
pub fn id_number(n: u64) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let body = format!(
        "511{:03}{}{:02}{:02}{:03}",
        n / 1_000_000 % 100,
        1940 + n / 1000 % 60,
        1 + n / 100 % 12,
        1 + n / 10 % 28,
        n % 1000
    );
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    format!("{body}{}", CHECK[(sum % 11) as usize])
}

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
    fn made_up_identity_numbers_have_their_check_digit() {
        assert!(id_number(0).starts_with("51100019400101000"), "{}", id_number(0));
        let ids: std::collections::HashSet<String> = (0..5000).map(id_number).collect();
        assert_eq!(ids.len(), 5000, "a different person each");
        for id in ids.iter().take(50) {
            let sum: u32 = id[..17]
                .chars()
                .zip([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
                .map(|(c, w)| c.to_digit(10).unwrap() * w)
                .sum();
            assert_eq!(&id[17..], ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"][(sum % 11) as usize], "{id}");
        }
    }

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
    fn a_busy_morning_is_the_peak_of_a_busy_day() {
        let check = |tickets, lo, hi| {
            let r = peak_per_hour(tickets);
            assert!((lo..hi).contains(&r), "{tickets}: {r}");
        };
        check(BUSY_DAY_TICKETS, 105.0, 107.0);
        check(300, 52.0, 54.0);
        check(0, 0.0, 0.001);
    }

    #[test]
    fn steady_arrivals_keep_their_rate() {
        // (per hour, minutes, expected count)
        for (rate, minutes, expected) in [(106.0, 600.0, 1060.0), (6000.0, 10.0, 1000.0), (60.0, 60.0, 60.0)] {
            let a = steady_arrivals(rate, minutes, &mut StdRng::seed_from_u64(4));
            assert!(a.windows(2).all(|w| w[0] <= w[1]));
            assert!(a.iter().all(|t| (0.0..minutes).contains(t)));
            let n = a.len() as f64;
            assert!((n - expected).abs() <= 4.0 * expected.sqrt(), "{rate}/h over {minutes} min: {n}");
        }
        assert!(steady_arrivals(0.0, 60.0, &mut StdRng::seed_from_u64(1)).is_empty());
        assert!(steady_arrivals(100.0, 0.0, &mut StdRng::seed_from_u64(1)).is_empty());
        let again = |seed| steady_arrivals(106.0, 180.0, &mut StdRng::seed_from_u64(seed));
        assert_eq!(again(9), again(9));
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
    fn most_citizens_rate_and_bad_ratings_carry_a_reason() {
        let mut rng = StdRng::seed_from_u64(11);
        let given: Vec<_> = (0..10_000).filter_map(|_| rating(&mut rng)).collect();
        assert!((6700..7300).contains(&given.len()), "{}", given.len());
        let bad = given.iter().filter(|(l, _)| l.ends_with("dissatisfied")).count();
        assert!((200..500).contains(&bad), "{bad}");
        assert!(given.iter().all(|(l, r)| l.ends_with("dissatisfied") == r.is_some()));
    }

    #[test]
    fn service_minutes_center_on_the_typical() {
        let mut rng = StdRng::seed_from_u64(5);
        let v: Vec<f64> = (0..10_000).map(|_| service_minutes(8.0, &mut rng)).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        assert!((7.0..9.0).contains(&mean), "{mean}");
    }

    #[test]
    fn case_plans_are_mostly_on_time() {
        let mut rng = StdRng::seed_from_u64(9);
        let plans: Vec<CasePlan> = (0..10_000).map(|_| case_plan("supplement", &mut rng)).collect();
        let late = plans.iter().filter(|p| p.close_at_left < 0).count();
        let never = plans.iter().filter(|p| p.materials_after.is_none()).count();
        assert!((1200..1800).contains(&late), "{late}");
        assert!((1700..2300).contains(&never), "{never}");
        assert!(plans.iter().all(|p| p.extend_by.is_none_or(|d| (2..=5).contains(&d))));
        let promised = case_plan("promised", &mut rng);
        assert_eq!(promised.materials_after, None);
    }
}
