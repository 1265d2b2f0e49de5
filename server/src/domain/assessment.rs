//! The monthly assessment (R17): staff and windows are scored on attendance, discipline,
//! service, case handling, archives (归档, `domain::archive`) and citizen satisfaction; upheld complaints and overdue cases count
//! against them. Pure: the month's figures are arguments, the scheme comes from the hall's
//! configuration (`[assessment]`, documented defaults below).
//!
//! Each component is a score out of 100, or unknown (a window has no attendance; nobody rated
//! it): the total is the weighted mean of the known components, scaled to 100, less the
//! deductions, never below 0. A component that is unknown is shown as "—" and its weight is
//! shared by the others, never counted as a made-up zero.

use chrono::NaiveDate;

use crate::domain::report::OnTime;

str_enum!(
    /// What an assessment scores.
    Component {
        Attendance = "attendance",
        Discipline = "discipline",
        Service = "service",
        Cases = "cases",
        Archives = "archives",
        Satisfaction = "satisfaction",
    }
);

impl Component {
    /// The six, in the order a sheet shows them.
    pub const EACH: [Component; 6] = [
        Component::Attendance,
        Component::Discipline,
        Component::Service,
        Component::Cases,
        Component::Archives,
        Component::Satisfaction,
    ];
}

str_enum!(
    /// The grade a total earns (优秀 / 良好 / 合格 / 不合格).
    Grade { Excellent = "excellent", Good = "good", Pass = "pass", Fail = "fail" }
);

/// The weights of the six components (any non-negative numbers; shares of their sum).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub attendance: f64,
    pub discipline: f64,
    pub service: f64,
    pub cases: f64,
    pub archives: f64,
    pub satisfaction: f64,
}

impl Weights {
    pub fn of(&self, c: Component) -> f64 {
        match c {
            Component::Attendance => self.attendance,
            Component::Discipline => self.discipline,
            Component::Service => self.service,
            Component::Cases => self.cases,
            Component::Archives => self.archives,
            Component::Satisfaction => self.satisfaction,
        }
    }
}

/// Points taken off: within a component (attendance marks, inspection findings) or from the
/// total (R17: upheld complaints and overdue cases count against).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deductions {
    pub late: f64,
    pub early_leave: f64,
    pub absent: f64,
    pub finding: f64,
    pub complaint_upheld: f64,
    pub overdue_case: f64,
}

/// The lowest totals of 优秀, 良好 and 合格; below the last is 不合格.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grades {
    pub excellent: f64,
    pub good: f64,
    pub pass: f64,
}

/// How a hall assesses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheme {
    pub weights: Weights,
    pub deductions: Deductions,
    pub grades: Grades,
}

impl Default for Scheme {
    /// Satisfaction weighs most (the hall is judged by the citizens it serves), then service,
    /// attendance and case handling (the case's handling 15, its file's archiving 5);
    /// discipline 10, as inspections are rare.
    fn default() -> Self {
        Scheme {
            weights: Weights {
                attendance: 20.0,
                discipline: 10.0,
                service: 20.0,
                cases: 15.0,
                archives: 5.0,
                satisfaction: 30.0,
            },
            deductions: Deductions {
                late: 2.0,
                early_leave: 2.0,
                absent: 10.0,
                finding: 10.0,
                complaint_upheld: 5.0,
                overdue_case: 2.0,
            },
            grades: Grades { excellent: 90.0, good: 80.0, pass: 60.0 },
        }
    }
}

/// Why a scheme is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeProblem {
    /// A weight or a deduction is negative or not a number.
    Negative(&'static str),
    /// All weights are zero.
    NoWeight,
    /// Grade thresholds must fall, within 0–100: excellent ≥ good ≥ pass.
    Grades,
}

impl Scheme {
    pub fn check(&self) -> Result<(), SchemeProblem> {
        let w = &self.weights;
        let d = &self.deductions;
        for (name, v) in [
            ("attendance", w.attendance),
            ("discipline", w.discipline),
            ("service", w.service),
            ("cases", w.cases),
            ("archives", w.archives),
            ("satisfaction", w.satisfaction),
            ("late", d.late),
            ("early_leave", d.early_leave),
            ("absent", d.absent),
            ("finding", d.finding),
            ("complaint_upheld", d.complaint_upheld),
            ("overdue_case", d.overdue_case),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(SchemeProblem::Negative(name));
            }
        }
        if Component::EACH.iter().map(|c| w.of(*c)).sum::<f64>() <= 0.0 {
            return Err(SchemeProblem::NoWeight);
        }
        let g = &self.grades;
        if !(g.excellent <= 100.0 && g.excellent >= g.good && g.good >= g.pass && g.pass >= 0.0) {
            return Err(SchemeProblem::Grades);
        }
        Ok(())
    }

    pub fn grade(&self, total: f64) -> Grade {
        let g = &self.grades;
        match total {
            t if t >= g.excellent => Grade::Excellent,
            t if t >= g.good => Grade::Good,
            t if t >= g.pass => Grade::Pass,
            _ => Grade::Fail,
        }
    }
}

/// One staff member's or window's month, as the hall's records tell it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Attendance marks (late, early leave, absent); `None` for a window.
    pub attendance: Option<[u32; 3]>,
    /// Inspection findings that stand (not withdrawn).
    pub findings: u32,
    pub served: u32,
    /// A clerk's working days due at work (a half day of leave counts half, R16); `None` for a
    /// window, or while attendance cannot be judged.
    pub days_due: Option<f64>,
    /// Service minutes: mean and 90th percentile (shown, not scored).
    pub service_mean: Option<f64>,
    pub service_p90: Option<f64>,
    /// The cases due in the month (see [`case_standing`]): closed by their deadline, closed
    /// late within the month, and still open when it ended (or now, while it runs).
    pub closed_on_time: u32,
    pub closed_late: u32,
    pub overdue_open: u32,
    /// The case files due for the archive in the month (see [`case_standing`], by the archive
    /// date): archived by it, late within the month, still out when it ended.
    pub archived_on_time: u32,
    pub archived_late: u32,
    pub archive_overdue: u32,
    pub rated: u32,
    /// Share of satisfied ratings (0–1).
    pub satisfaction: Option<f64>,
    pub complaints_upheld: u32,
}

/// A component's score out of 100 (unknown: `None`) and its weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    pub component: Component,
    pub score: Option<f64>,
    pub weight: f64,
}

/// An assessed sheet: the parts, the deductions from the total, the total and its grade (both
/// unknown when no component is known), and the rank among its peers (1 = best).
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub parts: [Part; 6],
    pub deducted: f64,
    pub total: Option<f64>,
    pub grade: Option<Grade>,
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl Figures {
    /// What the service component measures: a clerk's tickets served per working day due, so
    /// that approved leave (R16) or joining in the month is not scored as idleness (R17); a
    /// window's (or, while attendance is unknown, a clerk's) tickets served. Unknown for a
    /// clerk due no day at all (on leave the whole month).
    pub fn service_rate(&self) -> Option<f64> {
        match self.days_due {
            Some(days) if days > 0.0 => Some(f64::from(self.served) / days),
            Some(_) => None,
            None => Some(f64::from(self.served)),
        }
    }
}

/// Scores one sheet. `best`: the highest [`Figures::service_rate`] among its peers this month
/// (the service component is the share of it; unknown when nobody served).
pub fn score(f: &Figures, best: f64, scheme: &Scheme) -> Scored {
    let d = &scheme.deductions;
    let floor = |v: f64| round1(v.clamp(0.0, 100.0));
    let attendance = f.attendance.map(|[late, early, absent]| {
        floor(100.0 - f64::from(late) * d.late - f64::from(early) * d.early_leave - f64::from(absent) * d.absent)
    });
    let discipline = Some(floor(100.0 - f64::from(f.findings) * d.finding));
    let service = f.service_rate().filter(|_| best > 0.0).map(|rate| floor(100.0 * rate / best));
    let due = f.closed_on_time + f.closed_late + f.overdue_open;
    let cases = (due > 0).then(|| floor(100.0 * f64::from(f.closed_on_time) / f64::from(due)));
    let filed = f.archived_on_time + f.archived_late + f.archive_overdue;
    let archives = (filed > 0).then(|| floor(100.0 * f64::from(f.archived_on_time) / f64::from(filed)));
    let satisfaction = f.satisfaction.map(|s| floor(100.0 * s));
    let parts = Component::EACH.map(|component| Part {
        component,
        score: match component {
            Component::Attendance => attendance,
            Component::Discipline => discipline,
            Component::Service => service,
            Component::Cases => cases,
            Component::Archives => archives,
            Component::Satisfaction => satisfaction,
        },
        weight: scheme.weights.of(component),
    });
    let known: Vec<&Part> = parts.iter().filter(|p| p.score.is_some() && p.weight > 0.0).collect();
    let weight: f64 = known.iter().map(|p| p.weight).sum();
    let deducted =
        round1(f64::from(f.complaints_upheld) * d.complaint_upheld + f64::from(f.overdue_open) * d.overdue_case);
    let total = (weight > 0.0).then(|| {
        let mean = known.iter().map(|p| p.score.unwrap_or(0.0) * p.weight).sum::<f64>() / weight;
        floor(mean - deducted)
    });
    Scored { parts, deducted, total, grade: total.map(|t| scheme.grade(t)) }
}

/// Ranks by total, best first: equal totals share a rank (1, 2, 2, 4); unknown totals have no
/// rank. Returns each sheet's rank in the order given.
pub fn ranks(totals: &[Option<f64>]) -> Vec<Option<u32>> {
    totals.iter().map(|t| t.map(|t| 1 + totals.iter().filter(|o| o.is_some_and(|o| o > t)).count() as u32)).collect()
}

/// Where a case due in the month `..=last` stands for that month's sheet (R17): it counts
/// once, in the month its deadline falls, as it stood when that month ended (or `today`, while
/// the month runs). A close after the month is not seen: the case was open, and overdue, when
/// the month ended; nothing after the month changes its sheet, so a frozen month and the same
/// month read later agree, whatever the day the director closed it.
pub fn case_standing(deadline: NaiveDate, closed_on: Option<NaiveDate>, last: NaiveDate, today: NaiveDate) -> OnTime {
    let as_of = last.succ_opt().map_or(today, |after| after.min(today));
    crate::domain::report::on_time(Some(deadline), closed_on.filter(|c| *c <= last), as_of)
}

/// The best service rate of the peers: the service component's yardstick.
pub fn best_service<'a>(figures: impl IntoIterator<Item = &'a Figures>) -> f64 {
    figures.into_iter().filter_map(Figures::service_rate).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_counts_in_the_month_its_deadline_falls_as_it_stood_when_the_month_ended() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let nov = d("2026-11-30");
        // (deadline, closed, the month's last day, read on, standing)
        for (deadline, closed, last, today, want) in [
            ("2026-11-27", Some("2026-11-26"), nov, "2026-12-01", OnTime::ClosedOnTime),
            ("2026-11-27", Some("2026-11-27"), nov, "2026-12-01", OnTime::ClosedOnTime),
            ("2026-11-27", Some("2026-11-30"), nov, "2026-12-01", OnTime::ClosedLate),
            // Closed after the month: it was open and overdue when November ended, and stays so.
            ("2026-11-27", Some("2026-12-04"), nov, "2026-12-01", OnTime::OverdueOpen),
            ("2026-11-27", Some("2026-12-04"), nov, "2027-01-10", OnTime::OverdueOpen),
            ("2026-11-27", None, nov, "2027-01-10", OnTime::OverdueOpen),
            // Due on the month's last day, read that day: not due yet; from the next, overdue.
            ("2026-11-30", None, nov, "2026-11-30", OnTime::NotDue),
            ("2026-11-30", None, nov, "2026-12-01", OnTime::OverdueOpen),
            ("2026-11-30", Some("2026-11-30"), nov, "2026-12-09", OnTime::ClosedOnTime),
            // While the month runs: as of today.
            ("2026-11-20", None, nov, "2026-11-25", OnTime::OverdueOpen),
            ("2026-11-26", None, nov, "2026-11-25", OnTime::NotDue),
        ] {
            let got = case_standing(d(deadline), closed.map(d), last, d(today));
            assert_eq!(got, want, "due {deadline}, closed {closed:?}, read {today}");
        }
    }

    fn clerk() -> Figures {
        Figures {
            attendance: Some([0, 0, 0]),
            findings: 0,
            served: 100,
            days_due: None,
            service_mean: Some(6.0),
            service_p90: Some(12.0),
            closed_on_time: 10,
            closed_late: 0,
            overdue_open: 0,
            archived_on_time: 10,
            archived_late: 0,
            archive_overdue: 0,
            rated: 50,
            satisfaction: Some(1.0),
            complaints_upheld: 0,
        }
    }

    /// (what, figures changed from a perfect month, most served, total, grade)
    #[test]
    fn totals_and_grades() {
        let check = |what: &str, f: Figures, most: u32, total: Option<f64>, grade: Option<Grade>| {
            let s = score(&f, f64::from(most), &Scheme::default());
            assert_eq!((s.total, s.grade), (total, grade), "{what}: {s:?}");
        };
        check("a perfect month", clerk(), 100, Some(100.0), Some(Grade::Excellent));
        // Two late mornings: attendance 96 × 20% = −0.8.
        check(
            "late twice",
            Figures { attendance: Some([2, 0, 0]), ..clerk() },
            100,
            Some(99.2),
            Some(Grade::Excellent),
        );
        // An absence: attendance 90 → −2.
        check(
            "absent once",
            Figures { attendance: Some([0, 0, 1]), ..clerk() },
            100,
            Some(98.0),
            Some(Grade::Excellent),
        );
        // Eleven absences: attendance floors at 0, never negative → −20.
        check(
            "absent all month",
            Figures { attendance: Some([0, 0, 11]), ..clerk() },
            100,
            Some(80.0),
            Some(Grade::Good),
        );
        // A finding: discipline 90 × 10% = −1.
        check("one finding", Figures { findings: 1, ..clerk() }, 100, Some(99.0), Some(Grade::Excellent));
        // Served half of the most: service 50 × 20% = −10.
        check("served half", clerk(), 200, Some(90.0), Some(Grade::Excellent));
        // Cases 8 of 10 on time (cases 80 × 15% → −3), and an overdue one costs 2 more.
        check(
            "late and overdue cases",
            Figures { closed_on_time: 8, closed_late: 1, overdue_open: 1, ..clerk() },
            100,
            Some(95.0),
            Some(Grade::Excellent),
        );
        // Files: 6 of 10 archived by their date (archives 60 × 5% → −2); no deduction beyond.
        check(
            "files archived late or not at all",
            Figures { archived_on_time: 6, archived_late: 2, archive_overdue: 2, ..clerk() },
            100,
            Some(98.0),
            Some(Grade::Excellent),
        );
        // Satisfaction 70% → −9; an upheld complaint −5.
        check(
            "unhappy citizens and a complaint",
            Figures { satisfaction: Some(0.7), complaints_upheld: 1, ..clerk() },
            100,
            Some(86.0),
            Some(Grade::Good),
        );
        check(
            "a bad month",
            Figures {
                attendance: Some([3, 2, 2]),
                findings: 2,
                satisfaction: Some(0.5),
                complaints_upheld: 2,
                ..clerk()
            },
            200,
            Some(57.0),
            Some(Grade::Fail),
        );
        // Complaints cannot push below zero.
        check("many complaints", Figures { complaints_upheld: 40, ..clerk() }, 100, Some(0.0), Some(Grade::Fail));
    }

    #[test]
    fn unknown_components_share_their_weight_and_never_count_as_zero() {
        // A window: no attendance; nobody rated; no case due. Discipline 100 and service 100
        // are all that is known: 100, not 30 + 20 + ... of zeros.
        let window = Figures {
            attendance: None,
            served: 40,
            rated: 0,
            satisfaction: None,
            closed_on_time: 0,
            archived_on_time: 0,
            ..clerk()
        };
        let s = score(&window, 40.0, &Scheme::default());
        assert_eq!(s.total, Some(100.0));
        let unknown: Vec<Component> = s.parts.iter().filter(|p| p.score.is_none()).map(|p| p.component).collect();
        assert_eq!(
            unknown,
            vec![Component::Attendance, Component::Cases, Component::Archives, Component::Satisfaction]
        );
        // Nobody served anything, on a hall with discipline weighted 0: nothing known at all.
        let scheme = Scheme { weights: Weights { discipline: 0.0, ..Scheme::default().weights }, ..Scheme::default() };
        let idle = Figures { served: 0, ..window };
        let s = score(&idle, 0.0, &scheme);
        assert_eq!((s.total, s.grade), (None, None));
    }

    /// R16 against R17: approved leave is no idleness. Service compares tickets per working
    /// day due; a clerk away the whole month has no service score (its weight moves on).
    #[test]
    fn service_counts_per_working_day_due() {
        let peers = [
            ("at work all month", Figures { served: 420, days_due: Some(21.0), ..clerk() }),
            ("two weeks of sick leave", Figures { served: 210, days_due: Some(10.5), ..clerk() }),
            ("slower, all month", Figures { served: 210, days_due: Some(21.0), ..clerk() }),
            ("on maternity leave all month", Figures { served: 0, days_due: Some(0.0), ..clerk() }),
        ];
        let best = best_service(peers.iter().map(|p| &p.1));
        assert_eq!(best, 20.0);
        let service = |f: &Figures| score(f, best, &Scheme::default()).parts[2].score;
        for ((what, f), want) in peers.iter().zip([Some(100.0), Some(100.0), Some(50.0), None]) {
            assert_eq!(service(f), want, "{what}");
        }
        // Away all month: attendance 100 and discipline 100 are what is known, not a 0 for service.
        let away = score(&peers[3].1, best, &Scheme::default());
        assert_eq!((away.total, away.grade), (Some(100.0), Some(Grade::Excellent)), "{away:?}");
        // A window (no days due) or a month whose attendance is unknown: tickets served.
        let windows = [Figures { served: 30, days_due: None, ..clerk() }, Figures { served: 15, ..clerk() }];
        assert_eq!(best_service(&windows), 30.0);
        assert_eq!(score(&windows[1], 30.0, &Scheme::default()).parts[2].score, Some(50.0));
    }

    #[test]
    fn ranks_share_ties_and_skip_unknowns() {
        assert_eq!(
            ranks(&[Some(90.0), Some(95.0), None, Some(90.0), Some(80.0)]),
            vec![Some(2), Some(1), None, Some(2), Some(4)]
        );
        assert_eq!(ranks(&[]), Vec::<Option<u32>>::new());
    }

    #[test]
    fn schemes_that_make_no_sense_are_refused() {
        let base = Scheme::default();
        let check = |what: &str, s: Scheme, want: Result<(), SchemeProblem>| assert_eq!(s.check(), want, "{what}");
        check("the defaults", base, Ok(()));
        check(
            "a negative weight",
            Scheme { weights: Weights { service: -1.0, ..base.weights }, ..base },
            Err(SchemeProblem::Negative("service")),
        );
        check(
            "no weight at all",
            Scheme {
                weights: Weights {
                    attendance: 0.0,
                    discipline: 0.0,
                    service: 0.0,
                    cases: 0.0,
                    archives: 0.0,
                    satisfaction: 0.0,
                },
                ..base
            },
            Err(SchemeProblem::NoWeight),
        );
        check(
            "a negative deduction",
            Scheme { deductions: Deductions { absent: -5.0, ..base.deductions }, ..base },
            Err(SchemeProblem::Negative("absent")),
        );
        check(
            "grades out of order",
            Scheme { grades: Grades { excellent: 80.0, good: 90.0, pass: 60.0 }, ..base },
            Err(SchemeProblem::Grades),
        );
        check(
            "grades over 100",
            Scheme { grades: Grades { excellent: 101.0, ..base.grades }, ..base },
            Err(SchemeProblem::Grades),
        );
    }
}
