use super::*;
use crate::calendar_data::shipped_calendar;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn registration_of_each_kind() {
    let cal = shipped_calendar();
    let missing = strings(&["户口簿复印件"]);
    let departments = strings(&["民政局"]);
    let full = Particulars {
        reason: Some("主件缺失"),
        return_ground: Some(ReturnGround::MainMaterialMissing),
        missing: &missing,
        departments: &departments,
        authority: Some("县民政局"),
    };
    // Wednesday 2026-09-23, 5 promised working days: 24, (25–27 中秋 off), 28, 29, 30, (1–7
    // October 国庆 off), 8 October; 10 days: 9, 10 (a make-up Saturday), 12, 13, 14 October.
    let check = |kind, promised, expected: Result<(CaseState, Option<CaseResult>, Option<&str>), CaseProblem>| {
        // Departments belong to a joint case alone, missing materials to a supplement, a
        // ground to a returned case.
        let none: &[String] = &[];
        let p = Particulars {
            departments: if kind == Outcome::Joint { full.departments } else { none },
            missing: if kind == Outcome::Supplement { full.missing } else { none },
            return_ground: full.return_ground.filter(|_| kind == Outcome::Returned),
            ..full
        };
        let got = register(kind, d("2026-09-23"), promised, &p, &cal, Limits::default())
            .map(|r| (r.state, r.result, r.deadline.map(|d| d.to_string())));
        let expected = expected.map(|(s, r, dl)| (s, r, dl.map(str::to_string)));
        assert_eq!(got, expected, "{kind:?} {promised}");
    };
    check(Outcome::Immediate, 5, Ok((CaseState::Closed, Some(CaseResult::Done), None)));
    check(Outcome::Returned, 5, Ok((CaseState::Closed, Some(CaseResult::Returned), None)));
    check(Outcome::Supplement, 5, Ok((CaseState::AwaitingMaterials, None, None)));
    check(Outcome::Promised, 5, Ok((CaseState::Open, None, Some("2026-10-08"))));
    check(Outcome::Promised, 10, Ok((CaseState::Open, None, Some("2026-10-14"))));
    check(Outcome::Joint, 1, Ok((CaseState::Open, None, Some("2026-09-24"))));
    // A matter done on the spot (0 days) promises nothing: not due the day it came.
    for kind in [Outcome::Promised, Outcome::Joint, Outcome::Reported] {
        check(kind, 0, Err(CaseProblem::DoneOnTheSpot));
    }
    check(Outcome::Immediate, 0, Ok((CaseState::Closed, Some(CaseResult::Done), None)));
    check(Outcome::Supplement, 0, Ok((CaseState::AwaitingMaterials, None, None)));
    check(Outcome::Reported, 20, Ok((CaseState::Open, None, Some("2026-10-28"))));
    // Into 2027, whose calendar is not loaded: no deadline is guessed; it waits for that year.
    check(Outcome::Promised, 80, Ok((CaseState::Open, None, None)));
    let joint = Particulars { missing: &[], return_ground: None, ..full };
    let r = register(Outcome::Joint, d("2026-09-23"), 80, &joint, &cal, Limits::default()).unwrap();
    assert_eq!(r.pending_year, Some(2027));
    assert_eq!(settle_deadline(d("2026-09-23"), 80, &cal), None);
    assert_eq!(settle_deadline(d("2026-09-23"), 20, &cal), Some(d("2026-10-28")));
}

#[test]
fn registration_needs_each_kinds_particulars() {
    let cal = shipped_calendar();
    let blank = strings(&[" "]);
    let check = |kind, p: Particulars, expected: CaseProblem| {
        assert_eq!(register(kind, d("2026-11-25"), 5, &p, &cal, Limits::default()), Err(expected), "{kind:?}");
    };
    let ground = Some(ReturnGround::AgainstPolicy);
    check(
        Outcome::Returned,
        Particulars { reason: Some("x"), ..Default::default() },
        CaseProblem::ReturnGroundRequired,
    );
    check(Outcome::Returned, Particulars { return_ground: ground, ..Default::default() }, CaseProblem::ReasonRequired);
    check(Outcome::Returned, Particulars::default(), CaseProblem::ReasonRequired);
    check(
        Outcome::Returned,
        Particulars { return_ground: ground, reason: Some("  "), ..Default::default() },
        CaseProblem::ReasonRequired,
    );
    check(
        Outcome::Supplement,
        Particulars { missing: &blank, ..Default::default() },
        CaseProblem::MissingMaterialsRequired,
    );
    check(Outcome::Joint, Particulars { departments: &blank, ..Default::default() }, CaseProblem::DepartmentsRequired);
    check(Outcome::Reported, Particulars { authority: Some(""), ..Default::default() }, CaseProblem::AuthorityRequired);
    // Departments on another kind would be parts no one may record: the case could never close.
    let canlian = strings(&["残联"]);
    for kind in [Outcome::Promised, Outcome::Immediate, Outcome::Reported] {
        let p = Particulars { departments: &canlian, authority: Some("县民政局"), ..Default::default() };
        check(kind, p, CaseProblem::DepartmentsOnlyForJoint);
    }
    // Missing materials or a ground for returning on another kind: notices that contradict
    // themselves (everything received, and some missing).
    let id_copy = strings(&["身份证复印件"]);
    for kind in [Outcome::Immediate, Outcome::Promised, Outcome::Returned] {
        let p = Particulars {
            missing: &id_copy,
            reason: Some("主件不全"),
            return_ground: Some(ReturnGround::MainMaterialMissing),
            ..Default::default()
        };
        check(kind, p, CaseProblem::MissingOnlyForSupplement);
    }
    for kind in [Outcome::Immediate, Outcome::Supplement, Outcome::Promised] {
        let p =
            Particulars { missing: &id_copy, return_ground: Some(ReturnGround::AgainstPolicy), ..Default::default() };
        let want = if kind == Outcome::Supplement {
            CaseProblem::GroundOnlyForReturned
        } else {
            CaseProblem::MissingOnlyForSupplement
        };
        check(kind, p, want);
    }
    let p = Particulars { return_ground: Some(ReturnGround::AgainstPolicy), ..Default::default() };
    check(Outcome::Immediate, p, CaseProblem::GroundOnlyForReturned);
}

fn facts(kind: Outcome, state: CaseState, deadline: Option<&str>) -> Facts<'static> {
    Facts {
        kind,
        state,
        deadline: deadline.map(d),
        extended: false,
        promised_days: 5,
        supplement_until: None,
        parts: &[],
        met: false,
        replied: false,
        upper_dated: false,
    }
}

#[test]
fn the_supplement_clock_starts_when_the_materials_are_complete() {
    let cal = shipped_calendar();
    let missing = strings(&["身份证复印件"]);
    let p = Particulars { missing: &missing, ..Default::default() };
    // Accepted Friday 2026-09-18: the 30-working-day wait (20 September a make-up Sunday, 中秋 and
    // 国庆 off) ends on 5 November.
    let r = register(Outcome::Supplement, d("2026-09-18"), 5, &p, &cal, Limits::default()).unwrap();
    assert_eq!((r.clock_from, r.deadline), (None, None), "no clock while materials are missing");
    assert_eq!(r.supplement_until, Some(d("2026-11-05")));
    let waiting = Facts { supplement_until: r.supplement_until, ..facts(Outcome::Supplement, r.state, None) };
    // Complete on Friday 2026-10-09: five working days from then, 10 October is a make-up Saturday.
    let m = apply(&waiting, &Action::MaterialsComplete, d("2026-10-09"), &cal, Limits::default()).unwrap();
    assert_eq!((m.state, m.clock_from, m.deadline), (CaseState::Open, Some(d("2026-10-09")), Some(d("2026-10-15"))));
    // Not completed: it expires the day after its limit, not before.
    let expire = |today| apply(&waiting, &Action::Expire, d(today), &cal, Limits::default()).map(|m| m.result);
    assert!(expire("2026-11-05").is_err());
    assert_eq!(expire("2026-11-06"), Ok(Some(CaseResult::Expired)));
    assert!(apply(
        &facts(Outcome::Promised, CaseState::Open, Some("2026-10-15")),
        &Action::Expire,
        d("2027-01-01"),
        &cal,
        Limits::default()
    )
    .is_err());
}

#[test]
fn a_deadline_is_extended_once_by_the_director_within_the_cap() {
    let cal = shipped_calendar();
    let open = facts(Outcome::Promised, CaseState::Open, Some("2026-09-30"));
    let limits = Limits { extension_cap: 10, supplement_days: 30, archive_days: 5 };
    let check = |f: &Facts, days, expected: Result<&str, CaseProblem>| {
        let got =
            apply(f, &Action::Extend { days }, d("2026-09-25"), &cal, limits).map(|m| m.deadline.unwrap().to_string());
        assert_eq!(got, expected.map(str::to_string), "{days}");
    };
    check(&open, 1, Ok("2026-10-08"));
    check(&open, 10, Ok("2026-10-20"));
    check(&open, 0, Err(CaseProblem::ExtensionTooLong { cap: 10 }));
    check(&open, 11, Err(CaseProblem::ExtensionTooLong { cap: 10 }));
    check(&Facts { extended: true, ..open.clone() }, 1, Err(CaseProblem::ExtensionUsed));
    // On its last day still; the day after, it is overdue and stays so.
    let on = |today: &str| apply(&open, &Action::Extend { days: 1 }, d(today), &cal, limits).map(|m| m.deadline);
    assert_eq!(on("2026-09-30"), Ok(Some(d("2026-10-08"))));
    assert_eq!(on("2026-10-08"), Err(CaseProblem::DeadlinePassed));
    let waiting = facts(Outcome::Supplement, CaseState::AwaitingMaterials, None);
    assert!(matches!(
        apply(&waiting, &Action::Extend { days: 1 }, d("2026-09-25"), &cal, limits),
        Err(CaseProblem::NotForThisCase(_))
    ));
}

#[test]
fn closing_and_the_kinds_own_steps() {
    let cal = shipped_calendar();
    let today = d("2026-11-25");
    let parts = [("民政局".to_string(), true), ("残联".to_string(), false)];
    let joint = Facts { parts: &parts, ..facts(Outcome::Joint, CaseState::Open, Some("2026-12-01")) };
    let promised = facts(Outcome::Promised, CaseState::Open, Some("2026-12-01"));
    let reported = facts(Outcome::Reported, CaseState::Open, Some("2026-12-01"));
    let closed = facts(Outcome::Promised, CaseState::Closed, None);
    let done = |f: &Facts, a: Action| apply(f, &a, today, &cal, Limits::default()).map(|m| (m.state, m.result));
    let close = |result, reason| Action::Close { result, reason };
    assert_eq!(done(&promised, close(CaseResult::Approved, None)), Ok((CaseState::Closed, Some(CaseResult::Approved))));
    assert_eq!(done(&promised, close(CaseResult::NotApproved, None)), Err(CaseProblem::ReasonRequired));
    assert_eq!(
        done(&promised, close(CaseResult::NotApproved, Some("不符合条件"))),
        Ok((CaseState::Closed, Some(CaseResult::NotApproved)))
    );
    assert!(done(&promised, close(CaseResult::Expired, None)).is_err());
    assert_eq!(done(&joint, close(CaseResult::Done, None)), Err(CaseProblem::PartsNotDone("残联".into())));
    // Every part done: closed once the joint review meeting is recorded (R13), not before.
    let all_done = [("民政局".to_string(), true), ("残联".to_string(), true)];
    let ready = Facts { parts: &all_done, ..joint.clone() };
    assert_eq!(done(&ready, close(CaseResult::Done, None)), Err(CaseProblem::MeetingRequired));
    let met = Facts { met: true, ..ready.clone() };
    assert_eq!(done(&met, close(CaseResult::Done, None)), Ok((CaseState::Closed, Some(CaseResult::Done))));
    assert_eq!(done(&joint, Action::RecordPart { department: "残联" }), Ok((CaseState::Open, None)));
    assert!(done(&joint, Action::RecordPart { department: "税务局" }).is_err());
    assert!(done(&promised, Action::RecordPart { department: "民政局" }).is_err());
    // A meeting is recorded once held: from the acceptance to today.
    let meeting = |date: &str| Action::RecordMeeting {
        date: d(date),
        accepted_on: d("2026-09-21"),
        attendees: 2,
        concluded: true,
    };
    let held = |date: &str| apply(&joint, &meeting(date), today, &cal, Limits::default()).map(|m| m.state);
    for (date, want) in [
        ("2026-09-21", Ok(CaseState::Open)),
        (&today.to_string(), Ok(CaseState::Open)),
        ("2026-09-20", Err(CaseProblem::MeetingDate { accepted_on: d("2026-09-21") })),
        (&today.succ_opt().unwrap().to_string(), Err(CaseProblem::MeetingDate { accepted_on: d("2026-09-21") })),
    ] {
        assert_eq!(held(date), want, "{date}");
    }
    // Who met and what they concluded, both (an empty record could never be mended).
    for (attendees, concluded) in [(0, true), (2, false), (0, false)] {
        let empty = Action::RecordMeeting { date: d("2026-09-21"), accepted_on: d("2026-09-21"), attendees, concluded };
        assert_eq!(done(&joint, empty), Err(CaseProblem::MeetingIncomplete), "{attendees} {concluded}");
    }
    assert!(done(&promised, meeting("2026-09-21")).is_err());
    let met_already = Facts { met: true, ..joint.clone() };
    assert!(matches!(done(&met_already, meeting("2026-09-21")), Err(CaseProblem::NotForThisCase(_))), "recorded once");
    assert!(done(&reported, Action::Progress).is_ok());
    // Once the upper hall gave its date, the deadline is theirs: not extended here.
    let dated = Facts { upper_dated: true, ..reported.clone() };
    assert!(matches!(done(&dated, Action::Extend { days: 3 }), Err(CaseProblem::NotForThisCase(_))));
    assert!(done(&reported, Action::Extend { days: 3 }).is_ok());
    // A reported case closes on the upper level's answer (R14), not before.
    let answered = Facts { replied: true, ..reported.clone() };
    for (f, result, want) in [
        (&reported, CaseResult::Approved, Err(CaseProblem::ReplyRequired)),
        (&reported, CaseResult::NotApproved, Err(CaseProblem::ReasonRequired)),
        (&answered, CaseResult::Approved, Ok((CaseState::Closed, Some(CaseResult::Approved)))),
        (&promised, CaseResult::Approved, Ok((CaseState::Closed, Some(CaseResult::Approved)))),
    ] {
        assert_eq!(done(f, close(result, None)), want, "{:?} {result:?}", f.kind);
    }
    assert!(done(&joint, Action::Progress).is_err());
    assert_eq!(done(&closed, close(CaseResult::Done, None)), Err(CaseProblem::Closed));
    assert_eq!(done(&closed, Action::MaterialsComplete), Err(CaseProblem::Closed));
}

#[test]
fn due_is_amber_within_one_working_day_and_red_past_it() {
    let cal = shipped_calendar();
    // Deadline Friday 2026-11-27; the following Monday is the 30th.
    let check = |today: &str, state, expected: (Due, Option<i64>)| {
        assert_eq!(due(state, Some(d("2026-11-27")), d(today), &cal), expected, "{today}");
    };
    check("2026-11-24", CaseState::Open, (Due::OnTime, Some(3)));
    check("2026-11-26", CaseState::Open, (Due::Soon, Some(1)));
    check("2026-11-27", CaseState::Open, (Due::Soon, Some(0)));
    check("2026-11-28", CaseState::Open, (Due::Overdue, Some(-1)));
    check("2026-11-29", CaseState::Open, (Due::Overdue, Some(-1)));
    check("2026-11-30", CaseState::Open, (Due::Overdue, Some(-1)));
    check("2026-12-01", CaseState::Open, (Due::Overdue, Some(-2)));
    // Due the day before a week's holiday (国庆 2026: 1–7 October): overdue all week, never "today".
    assert_eq!(due(CaseState::Open, Some(d("2026-09-30")), d("2026-10-05"), &cal), (Due::Overdue, Some(-1)));
    check("2026-11-24", CaseState::Closed, (Due::None, None));
    check("2026-11-24", CaseState::AwaitingMaterials, (Due::None, None));
    assert_eq!(soon_until(d("2026-11-27"), &cal), d("2026-11-30"));
    // 31 December, 2027 not loaded: no deadline can be in 2027; due soon is today's.
    assert_eq!(soon_until(d("2026-12-31"), &cal), d("2026-12-31"));
}

#[test]
fn numbers_and_words() {
    assert_eq!(number(d("2026-11-28"), 7), "20261128-0007");
    assert_eq!(number(d("2026-11-28"), 12345), "20261128-12345");
    for kind in Outcome::ALL {
        assert!(!kind_words(*kind).is_empty());
    }
    assert_eq!(status_words(CaseState::Closed, Some(CaseResult::Returned), Outcome::Returned), "已退回");
}

#[test]
fn a_supplement_limit_set_late_leaves_the_citizen_the_days_from_when_they_are_told() {
    let cal = shipped_calendar();
    let check = |accepted: &str, told: &str, expected: Option<(&str, bool)>| {
        let got = settle_supplement(d(accepted), 10, d(told), &cal);
        assert_eq!(got, expected.map(|(e, late)| (d(e), late)), "accepted {accepted}, told {told}");
    };
    // Monday 2 November + 10 working days: 16 November.
    check("2026-11-02", "2026-11-10", Some(("2026-11-16", false)));
    // Told on the day itself or after it: 10 working days from then.
    check("2026-11-02", "2026-11-16", Some(("2026-11-30", true)));
    check("2026-11-02", "2026-11-20", Some(("2026-12-04", true)));
    // From a day whose 10 working days run into a year not loaded: still waiting.
    check("2026-11-02", "2026-12-24", None);
}
