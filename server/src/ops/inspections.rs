//! Spot inspections' two writes (R18): the director or a leader records an inspection; the
//! director withdraws a finding with a reason. Both audited; nothing is ever deleted.

use axum::http::StatusCode;
use hall_wire as wire;
use serde_json::json;
use sha2::Digest;

use super::{Answer, Ctx};
use crate::domain::inspection::{self, Draft, FindingDraft};
use crate::domain::numbering;
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::{Hall, StaffRole};
use crate::store::attendance::StaffNames;
use crate::store::{self, inspections::InspectionRow};

/// An inspection as the HTTP boundary made it (photos decoded from base64, not yet checked).
#[derive(Clone)]
pub struct InspectionInput {
    pub at: Option<String>,
    pub windows: Vec<String>,
    pub note: String,
    pub findings: Vec<FindingDraft>,
    pub photos: Vec<Vec<u8>>,
}

impl std::fmt::Debug for InspectionInput {
    // Never a photo's bytes in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InspectionInput")
            .field("at", &self.at)
            .field("windows", &self.windows)
            .field("findings", &self.findings.len())
            .field("photos", &self.photos.iter().map(Vec::len).collect::<Vec<_>>())
            .finish()
    }
}

/// When: now, or a time given as RFC 3339 or as the hall's local `YYYY-MM-DDTHH:MM[:SS]` (what a
/// date-time field sends).
fn at_ms(ctx: &Ctx, given: Option<&str>) -> ApiResult<i64> {
    let Some(text) = given.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(ctx.now_ms) };
    let bad = || ApiError::new(Code::InvalidInspectionTime, "at is RFC 3339 or the hall's local YYYY-MM-DDTHH:MM");
    let at = ctx.given_time(text).ok_or_else(bad)?;
    Ok(store::ms(at))
}

fn is_clerk(hall: &Hall, username: &str) -> bool {
    hall.staff(username).is_some_and(|p| p.role == StaffRole::Clerk)
}

/// Records an inspection with its windows, findings and photos.
pub(super) fn record(ctx: &mut Ctx, input: &InspectionInput) -> ApiResult<Answer> {
    let at = at_ms(ctx, input.at.as_deref())?;
    // Each window once, in the order given.
    let mut windows: Vec<String> = Vec::new();
    for w in input.windows.iter().map(|w| w.trim()) {
        if !windows.iter().any(|x| x == w) {
            windows.push(w.to_string());
        }
    }
    let hall = ctx.hall;
    let draft = Draft {
        at_ms: at,
        windows: &windows,
        note: input.note.trim(),
        findings: &input.findings,
        photos: &input.photos,
    };
    let types = inspection::check(draft, ctx.now_ms, |w| hall.window(w).is_some(), |u| is_clerk(hall, u))?;
    let day = numbering::local_day(store::from_ms(at), hall.timezone).to_string();
    let inspector = ctx.actor.name().to_string();
    let id = store::inspections::insert(ctx.tx, &day, at, &inspector, input.note.trim(), ctx.now_ms)?;
    for w in &windows {
        store::inspections::add_window(ctx.tx, id, w)?;
    }
    for f in &input.findings {
        let (w, u) = (f.window_id.as_deref(), f.username.as_deref());
        // About a window, no clerk named: the clerk who held it when it was seen ("" nobody).
        let held = match (w, u) {
            (Some(w), None) => Some(store::windows::clerk_at(ctx.tx, w, at)?.unwrap_or_default()),
            _ => None,
        };
        store::inspections::add_finding(ctx.tx, id, (w, u, held.as_deref()), f.kind.as_str(), f.note.trim())?;
    }
    let mut hashes = Vec::new();
    for (n, (bytes, kind)) in input.photos.iter().zip(&types).enumerate() {
        let sha = hex::encode(sha2::Sha256::digest(bytes));
        store::inspections::add_photo(ctx.tx, id, n as u32 + 1, kind.content_type(), &sha, bytes)?;
        hashes.push(sha);
    }
    let about: Vec<_> = input
        .findings
        .iter()
        .map(|f| json!({"window": f.window_id, "staff": f.username, "kind": f.kind.as_str()}))
        .collect();
    let detail = json!({ "day": day, "windows": windows, "findings": about, "photos_sha256": hashes });
    ctx.audit("inspection.recorded", None, Some(format!("inspection:{id}")), detail)?;
    let row = store::inspections::get(ctx.tx, id)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("inspection {id} not read back")))?;
    Answer::json(StatusCode::CREATED, &view(hall, &StaffNames::read(ctx.tx)?, &row))
}

/// The director withdraws a finding with a reason: kept, shown as withdrawn, no longer counted.
pub(super) fn withdraw(ctx: &mut Ctx, id: i64, reason: &str) -> ApiResult<Answer> {
    let Some(finding) = store::inspections::get_finding(ctx.tx, id)? else {
        return Err(ApiError::new(Code::UnknownFinding, format!("no inspection finding {id}")));
    };
    if finding.withdrawn_at_ms.is_some() {
        return Err(ApiError::new(
            Code::FindingWithdrawn,
            "this finding was withdrawn already; the record stays as it is",
        ));
    }
    let reason = inspection::check_reason(reason).map_err(ApiError::from)?;
    let by = ctx.actor.name().to_string();
    store::inspections::withdraw(ctx.tx, id, ctx.now_ms, &by, reason)?;
    let detail = json!({ "inspection": finding.inspection_id, "reason": reason });
    ctx.audit(
        "inspection.finding_withdrawn",
        finding.window_id.as_deref(),
        Some(format!("inspection_finding:{id}")),
        detail,
    )?;
    let row = store::inspections::get(ctx.tx, finding.inspection_id)?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("inspection {} not read back", finding.inspection_id)))?;
    Answer::json(StatusCode::OK, &view(ctx.hall, &StaffNames::read(ctx.tx)?, &row))
}

/// A finding's kind as stored (the table's CHECK allows only these).
fn kind(s: &str) -> wire::FindingKind {
    inspection::FindingKind::parse(s).unwrap_or(inspection::FindingKind::Conduct).into()
}

/// A finding as the oversight sees it.
pub fn finding_view(hall: &Hall, names: &StaffNames, f: &store::inspections::FindingRow) -> wire::InspectionFinding {
    let fmt = |ms: i64| store::reads::fmt_time(hall, ms);
    wire::InspectionFinding {
        id: f.id,
        window_number: f.window_id.as_deref().and_then(|w| hall.window(w)).map(|w| w.number),
        window_id: f.window_id.clone(),
        name: f.username.as_deref().and_then(|u| names.known(hall, u)),
        username: f.username.clone(),
        kind: kind(&f.kind),
        note: f.note.clone(),
        withdrawn_at: f.withdrawn_at_ms.map(fmt),
        withdrawn_by: f.withdrawn_by.clone(),
        withdrawn_reason: f.withdrawn_reason.clone(),
    }
}

/// An inspection as the oversight sees it; its people named as `names` knows them (an account
/// removed since, as it was).
pub fn view(hall: &Hall, names: &StaffNames, row: &InspectionRow) -> wire::Inspection {
    let fmt = |ms: i64| store::reads::fmt_time(hall, ms);
    wire::Inspection {
        id: row.id,
        day: row.day.clone(),
        at: fmt(row.at_ms),
        inspector_name: names.of(hall, &row.inspector),
        inspector: row.inspector.clone(),
        note: row.note.clone(),
        windows: row.windows.clone(),
        findings: row.findings.iter().map(|f| finding_view(hall, names, f)).collect(),
        photos: row.photos,
        recorded_at: fmt(row.recorded_at_ms),
    }
}

/// A finding as the clerk it is about sees it: no photos, no inspector's note.
pub fn my_view(
    hall: &Hall,
    username: &str,
    (day, at_ms, f): &(String, i64, store::inspections::FindingRow),
) -> wire::MyInspectionFinding {
    wire::MyInspectionFinding {
        id: f.id,
        day: day.clone(),
        at: store::reads::fmt_time(hall, *at_ms),
        window_number: f.window_id.as_deref().and_then(|w| hall.window(w)).map(|w| w.number),
        window_id: f.window_id.clone(),
        about_me: f.username.as_deref() == Some(username),
        kind: kind(&f.kind),
        note: f.note.clone(),
        withdrawn_at: f.withdrawn_at_ms.map(|ms| store::reads::fmt_time(hall, ms)),
        withdrawn_reason: f.withdrawn_reason.clone(),
    }
}
