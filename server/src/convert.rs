//! Wire ↔ domain conversions, all of them here, as `From` impls: the domain's enums and the
//! contract's have the same variants, and the compiler checks every arm.

use hall_wire as wire;

use crate::domain::archive::ArchiveProblem;
use crate::domain::assessment::{Component, Grade, Part, Scheme};
use crate::domain::attendance::MarkKind;
use crate::domain::case::{CaseProblem, CaseResult, CaseState, Due, ReturnGround};
use crate::domain::complaint::{
    About as ComplaintAbout, Channel as ComplaintChannel, Complexity, Finding, State as ComplaintState,
};
use crate::domain::hours::Stop;
use crate::domain::inspection::{FindingKind, InspectionProblem};
use crate::domain::leave::{LeaveKind, LeaveState};
use crate::domain::petition::{Channel as PetitionChannel, Gender, PetitionProblem, PetitionState};
use crate::domain::rating::{
    Channel as RatingChannel, FollowUpState, Level as RatingLevel, RatingProblem, Reason as RatingReason,
};
use crate::domain::report::By;
use crate::domain::{KioskFaultKind, MaterialKind, Outcome, Priority, TicketStatus};
use crate::hall::StaffRole;

/// `From<domain> for wire` (and, with `both`, back) for enums with the same variants.
macro_rules! same_variants {
    ($domain:ident => $wire:ident { $($v:ident),+ $(,)? }) => {
        impl From<$domain> for wire::$wire {
            fn from(x: $domain) -> Self {
                match x { $($domain::$v => wire::$wire::$v),+ }
            }
        }
    };
    (both $domain:ident <=> $wire:ident { $($v:ident),+ $(,)? }) => {
        same_variants!($domain => $wire { $($v),+ });
        impl From<wire::$wire> for $domain {
            fn from(x: wire::$wire) -> Self {
                match x { $(wire::$wire::$v => $domain::$v),+ }
            }
        }
    };
}

same_variants!(both Priority <=> Priority { Elderly, Disabled, Military, Pregnant });
same_variants!(both Outcome <=> Outcome { Immediate, Promised, Supplement, Returned, Joint, Reported });
same_variants!(both KioskFaultKind <=> KioskFaultKind {
    PrinterUnreachable, PrinterOffline, CoverOpen, PaperOut, PrintFailed, Recovered
});
same_variants!(TicketStatus => TicketStatus { Waiting, Called, Serving, Done, NoShow, Transferred });
same_variants!(MaterialKind => MaterialKind { Main, Aux });
same_variants!(StaffRole => Role { Clerk, Director, Leader, Admin, Village });
same_variants!(CaseState => CaseState { Open, AwaitingMaterials, Closed });
same_variants!(both CaseResult <=> CaseResult { Done, Approved, NotApproved, Returned, Expired });
same_variants!(both ReturnGround <=> ReturnGround { MainMaterialMissing, AgainstPolicy, ConditionsUnmet });
same_variants!(both ComplaintChannel <=> ComplaintChannel { Oral, Phone, Written, Online });
same_variants!(both ComplaintAbout <=> ComplaintAbout { Window, Staff, Hall });
same_variants!(both Complexity <=> Complexity { Simple, Complex });
same_variants!(ComplaintState => ComplaintState { Received, Investigating, Answered, Closed });
same_variants!(both Finding <=> Finding { Upheld, PartlyUpheld, NotUpheld });
same_variants!(Due => Due { None, OnTime, Soon, Overdue });
same_variants!(both PetitionChannel <=> PetitionChannel { Letter, Visit, Call, Online });
same_variants!(both Gender <=> Gender { Male, Female, Unstated });
same_variants!(PetitionState => PetitionState { Received, Transferred, Answered, Closed });
same_variants!(Stop => IssuingStop { NotOpenYet, LunchBreak, CutOff, ClosedToday, QuotaReached });

same_variants!(both RatingLevel <=> RatingLevel {
    VerySatisfied, Satisfied, BasicallySatisfied, Dissatisfied, VeryDissatisfied
});
same_variants!(both RatingReason <=> RatingReason { Attitude, Efficiency, MaterialsRepeated, NotInTime, Other });
same_variants!(RatingChannel => RatingChannel { Evaluator, Phone });
same_variants!(FollowUpState => FollowUpState { Open, Contacted, Closed });
same_variants!(By => ReportBy { Hall, Window, Staff, Matter, Queue, Hour });
same_variants!(both MarkKind <=> AttendanceMarkKind { Late, EarlyLeave, Absent });
same_variants!(both LeaveKind <=> LeaveKind { Annual, Sick, Personal, Marriage, Maternity, Bereavement, Official });
same_variants!(LeaveState => LeaveState { Pending, Approved, Refused, Cancelled });
same_variants!(Component => AssessmentComponent { Attendance, Discipline, Service, Cases, Archives, Satisfaction });
same_variants!(Grade => AssessmentGrade { Excellent, Good, Pass, Fail });

impl From<&Part> for wire::AssessmentPart {
    fn from(p: &Part) -> Self {
        wire::AssessmentPart { component: p.component.into(), score: p.score, weight: p.weight }
    }
}

impl From<&Scheme> for wire::AssessmentScheme {
    fn from(s: &Scheme) -> Self {
        let (d, g) = (&s.deductions, &s.grades);
        wire::AssessmentScheme {
            weights: Component::EACH
                .iter()
                .map(|c| wire::AssessmentPart { component: (*c).into(), score: None, weight: s.weights.of(*c) })
                .collect(),
            late: d.late,
            early_leave: d.early_leave,
            absent: d.absent,
            finding: d.finding,
            complaint_upheld: d.complaint_upheld,
            overdue_case: d.overdue_case,
            excellent: g.excellent,
            good: g.good,
            pass: g.pass,
        }
    }
}

impl From<&crate::store::assessment::Sheet> for wire::AssessmentSheet {
    fn from(s: &crate::store::assessment::Sheet) -> Self {
        let f = &s.figures;
        let round = |v: f64| (v * 10.0).round() / 10.0;
        wire::AssessmentSheet {
            key: s.key.clone(),
            label: s.label.clone(),
            rank: s.rank,
            total: s.scored.total,
            grade: s.scored.grade.map(Into::into),
            parts: s.scored.parts.iter().map(Into::into).collect(),
            deducted: s.scored.deducted,
            figures: wire::AssessmentFigures {
                late: f.attendance.map(|a| a[0]),
                early_leave: f.attendance.map(|a| a[1]),
                absent: f.attendance.map(|a| a[2]),
                findings: f.findings,
                served: f.served,
                days_due: f.days_due,
                service_mean: f.service_mean.map(round),
                service_p90: f.service_p90.map(round),
                closed_on_time: f.closed_on_time,
                closed_late: f.closed_late,
                overdue_open: f.overdue_open,
                archived_on_time: Some(f.archived_on_time),
                archived_late: Some(f.archived_late),
                archive_overdue: Some(f.archive_overdue),
                rated: f.rated,
                satisfaction: f.satisfaction.map(|v| (v * 1000.0).round() / 1000.0),
                complaints_upheld: f.complaints_upheld,
            },
        }
    }
}

same_variants!(both FindingKind <=> FindingKind { Discipline, Appearance, Conduct });

impl From<InspectionProblem> for crate::error::ApiError {
    fn from(p: InspectionProblem) -> Self {
        use crate::error::Code;
        use InspectionProblem as P;
        let code = match &p {
            P::InFuture | P::TooOld => Code::InvalidInspectionTime,
            P::UnknownWindow(_) => Code::UnknownTargetWindow,
            P::UnknownClerk(..) => Code::UnknownStaff,
            P::TooManyPhotos => Code::TooManyPhotos,
            P::NotAnImage(_) => Code::InvalidPhoto,
            P::PhotoTooLarge(_) => Code::PhotoTooLarge,
            P::ReasonRequired => Code::ReasonRequired,
            P::NoWindow
            | P::NoteTooLong
            | P::TooManyFindings
            | P::NoSubject(_)
            | P::WindowNotVisited(..)
            | P::FindingNote(_) => Code::InvalidInspection,
        };
        crate::error::ApiError::new(code, p.to_string())
    }
}

impl From<RatingProblem> for crate::error::ApiError {
    fn from(p: RatingProblem) -> Self {
        use crate::error::Code;
        let code = match &p {
            RatingProblem::ReasonRequired => Code::RatingReasonRequired,
            RatingProblem::TextTooLong => Code::TextTooLong,
            RatingProblem::InvalidPhone => Code::InvalidPhone,
            RatingProblem::NotNow(_) => Code::InvalidFollowUpAction,
        };
        crate::error::ApiError::new(code, p.to_string())
    }
}

impl From<CaseProblem> for crate::error::ApiError {
    fn from(p: CaseProblem) -> Self {
        use crate::error::Code;
        if let CaseProblem::ExtensionTooLong { cap } = p {
            return crate::error::ApiError::extension_too_long(p.to_string(), cap);
        }
        let code = match &p {
            CaseProblem::ReasonRequired => Code::ReasonRequired,
            CaseProblem::ReturnGroundRequired => Code::ReturnGroundRequired,
            CaseProblem::MissingMaterialsRequired => Code::MissingMaterialsRequired,
            CaseProblem::DepartmentsRequired => Code::DepartmentsRequired,
            CaseProblem::AuthorityRequired => Code::AuthorityRequired,
            CaseProblem::DepartmentsOnlyForJoint => Code::DepartmentsNotJoint,
            CaseProblem::MissingOnlyForSupplement => Code::MissingNotSupplement,
            CaseProblem::GroundOnlyForReturned => Code::GroundNotReturned,
            CaseProblem::DeadlinePassed => Code::DeadlinePassed,
            CaseProblem::CalendarYearMissing(_) => Code::CalendarYearMissing,
            CaseProblem::Closed => Code::CaseClosed,
            CaseProblem::DoneOnTheSpot => Code::MatterDoneOnTheSpot,
            CaseProblem::NotForThisCase(_) => Code::InvalidCaseAction,
            CaseProblem::ExtensionUsed => Code::ExtensionUsed,
            CaseProblem::ExtensionTooLong { .. } => Code::ExtensionTooLong,
            CaseProblem::PartsNotDone(_) => Code::PartsNotDone,
            CaseProblem::MeetingRequired => Code::MeetingRequired,
            CaseProblem::ReplyRequired => Code::ReplyRequired,
            CaseProblem::MeetingDate { .. } => Code::MeetingDateOutOfRange,
            CaseProblem::MeetingIncomplete => Code::MeetingIncomplete,
        };
        crate::error::ApiError::new(code, p.to_string())
    }
}

impl From<ArchiveProblem> for crate::error::ApiError {
    fn from(p: ArchiveProblem) -> Self {
        use crate::error::Code;
        let code = match p {
            ArchiveProblem::NotClosed => Code::CaseNotClosed,
            ArchiveProblem::Archived => Code::CaseArchived,
        };
        crate::error::ApiError::new(code, p.to_string())
    }
}

impl From<PetitionProblem> for crate::error::ApiError {
    fn from(p: PetitionProblem) -> Self {
        use crate::error::Code;
        let code = match &p {
            PetitionProblem::Action(_) => Code::InvalidPetitionAction,
            PetitionProblem::TransferDueOutside => Code::TransferDueOutside,
            PetitionProblem::TransferDueRequired => Code::TransferDueRequired,
            _ => Code::InvalidPetition,
        };
        crate::error::ApiError::new(code, p.to_string())
    }
}

impl From<crate::domain::village::VillageProblem> for crate::error::ApiError {
    fn from(p: crate::domain::village::VillageProblem) -> Self {
        crate::error::ApiError::new(crate::error::Code::InvalidVillageRequest, p.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_keep_the_contract_spelling() {
        for p in Priority::ALL {
            let w = wire::Priority::from(*p);
            assert_eq!(serde_json::to_value(w).unwrap(), p.as_str());
            assert_eq!(Priority::from(w), *p);
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::from(wire::Outcome::from(*o)), *o);
        }
        assert_eq!(serde_json::to_value(wire::Role::from(StaffRole::Director)).unwrap(), "director");
        assert_eq!(serde_json::to_value(wire::IssuingStop::from(Stop::CutOff)).unwrap(), "cut_off");
        for l in RatingLevel::ALL {
            assert_eq!(serde_json::to_value(wire::RatingLevel::from(*l)).unwrap(), l.as_str());
        }
        for r in RatingReason::ALL {
            assert_eq!(serde_json::to_value(wire::RatingReason::from(*r)).unwrap(), r.as_str());
        }
    }
}
