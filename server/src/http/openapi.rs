//! `GET /api/openapi.json`, generated from the handlers and the wire types.

use axum::Json;
use hall_wire as wire;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{admin, director, events, kiosks, notice, public, sessions, ticket_stream, tickets, windows};

#[derive(OpenApi)]
#[openapi(
    info(title = "Bianmin Hall server", description = "Queues, tickets, windows and live events of a government service hall."),
    paths(
        public::health, public::hall, public::services, public::windows, public::queues, public::ticket, public::recent_calls, public::staff_photo, public::window_stats, public::ticket_view,
        tickets::issue_ticket, notice::set_notice, windows::stand_in, sessions::me, sessions::login, sessions::logout, tickets::requeue, windows::call_next, windows::recall,
        windows::start, windows::no_show, windows::transfer, windows::finish, windows::pause, windows::resume,
        events::events, ticket_stream::ticket_events, director::today, director::reopen_issuing, admin::get, admin::save, kiosks::report_fault, kiosks::list,
    ),
    components(schemas(
        admin::HallToml, wire::ErrorBody, wire::Health, wire::Issuing, wire::IssuingStop, wire::ReopenIssuing, wire::HallInfo, wire::Notice, wire::WindowStats, wire::StandIn, wire::Me, wire::DirectorToday, wire::QueueToday, wire::WindowToday, wire::StaffToday, wire::Service, wire::Material, wire::MaterialKind, wire::Window, wire::WindowStatus,
        wire::StaffOnDuty, wire::Queue, wire::Ticket, wire::TicketStatus, wire::Priority, wire::Outcome, wire::IssueTicket,
        wire::Login, wire::Session, wire::Role, wire::Transfer, wire::Finish, wire::Call, wire::TicketIssued,
        wire::TicketFinished, wire::TicketNoShow, wire::TicketTransferred, wire::TicketRequeued, wire::WindowStatusChanged,
        wire::PlanPoint, wire::TicketView, wire::KioskFaultKind, wire::KioskFaultReport, wire::KioskState,
    )),
    modifiers(&BearerAuth, &ErrorCodes)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every error code (`crate::error::Code`), with its status and meaning, in the document's
/// description: a client can tell each `error` it may meet.
struct ErrorCodes;

impl Modify for ErrorCodes {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let mut text = api.info.description.clone().unwrap_or_default();
        text.push_str(
            "\n\nError codes (`error` in every 4xx/5xx body):\n\n| status | error | meaning |\n|---|---|---|\n",
        );
        for c in crate::error::Code::ALL {
            text.push_str(&format!("| {} | `{}` | {} |\n", c.status().as_u16(), c.as_str(), c.meaning()));
        }
        text.push_str("| 500 | `internal` | a bug, logged; nothing is leaked |\n");
        api.info.description = Some(text);
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_lists_every_error_code() {
        let doc = <super::ApiDoc as utoipa::OpenApi>::openapi();
        let text = doc.info.description.unwrap_or_default();
        for c in crate::error::Code::ALL {
            assert!(text.contains(&format!("| {} | `{}` |", c.status().as_u16(), c.as_str())), "{c:?}");
        }
    }
}
