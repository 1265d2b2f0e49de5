//! A kiosk reports its printer's state; staff see open faults and walk over.

use axum::http::StatusCode;
use hall_wire as wire;
use serde_json::json;

use super::{Answer, Ctx};
use crate::domain::KioskFaultKind;
use crate::error::{ApiError, ApiResult, Code};
use crate::store::{kiosks, reads};

/// Longest message kept with a report, in characters.
pub const MESSAGE_MAX: usize = 500;
/// Longest ticket number accepted with a report, in characters.
pub const TICKET_NUMBER_MAX: usize = 16;

pub(super) fn report_fault(
    ctx: &mut Ctx,
    kind: KioskFaultKind,
    message: &str,
    ticket_number: Option<&str>,
) -> ApiResult<Answer> {
    // A kiosk (checked by `access`).
    let id = ctx.actor.name();
    let message = message.trim();
    if message.chars().count() > MESSAGE_MAX {
        return Err(ApiError::new(Code::MessageTooLong, "the message is limited to 500 characters"));
    }
    let ticket_number = ticket_number.map(str::trim).filter(|n| !n.is_empty());
    if ticket_number.is_some_and(|n| n.chars().count() > TICKET_NUMBER_MAX) {
        return Err(ApiError::new(Code::TicketNumberTooLong, "a ticket number has at most 16 characters"));
    }
    let recovered = kind == KioskFaultKind::Recovered;
    let row = kiosks::KioskRow {
        kiosk_id: id.to_string(),
        fault: (!recovered).then_some(kind),
        message: message.to_string(),
        ticket_number: if recovered { None } else { ticket_number.map(str::to_string) },
        at_ms: ctx.now_ms,
    };
    kiosks::set(ctx.tx, &row)?;
    ctx.audit(
        "kiosk.fault",
        None,
        Some(format!("kiosk:{id}")),
        json!({ "kind": kind.as_str(), "message": row.message, "ticket_number": row.ticket_number }),
    )?;
    let state = reads::kiosk_state(ctx.hall, id, Some(&row));
    ctx.emit(wire::event_kind::KIOSK_FAULT, &state)?;
    Answer::json(StatusCode::OK, &state)
}
