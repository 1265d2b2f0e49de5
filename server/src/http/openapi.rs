//! `GET /api/openapi.json`: the document's frame (title, schemas no endpoint names, security,
//! error codes); the paths come from the routes themselves (`super::api`).

use axum::Json;
use hall_wire as wire;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::admin;

#[derive(OpenApi)]
#[openapi(
    info(title = "Bianmin Hall server", description = "Queues, tickets, windows and live events of a government service hall."),
    components(schemas(
        admin::HallToml, wire::ErrorBody, wire::Health, wire::Issuing, wire::IssuingStop, wire::ReopenIssuing, wire::HallInfo, wire::Notice, wire::WindowStats, wire::StandIn, wire::Me, wire::DirectorToday, wire::QueueToday, wire::WindowToday, wire::StaffToday, wire::Service, wire::Material, wire::MaterialKind, wire::Window, wire::WindowStatus,
        wire::StaffOnDuty, wire::Queue, wire::Ticket, wire::TicketStatus, wire::Priority, wire::Outcome, wire::IssueTicket,
        wire::Login, wire::Session, wire::Role, wire::Transfer, wire::Finish, wire::Call, wire::TicketIssued,
        wire::TicketFinished, wire::TicketNoShow, wire::TicketTransferred, wire::TicketRequeued, wire::WindowStatusChanged,
        wire::PlanPoint, wire::TicketView, wire::ServedWindow, wire::KioskFaultKind, wire::KioskFaultReport, wire::KioskState,
        wire::VillageChanged,
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

/// The handler of `GET /api/openapi.json`: the document assembled with the routes.
pub fn serve(doc: utoipa::openapi::OpenApi) -> impl Fn() -> std::future::Ready<Json<utoipa::openapi::OpenApi>> + Clone {
    move || std::future::ready(Json(doc.clone()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_lists_every_error_code() {
        let doc = crate::http::openapi_document();
        let text = doc.info.description.unwrap_or_default();
        for c in crate::error::Code::ALL {
            assert!(text.contains(&format!("| {} | `{}` |", c.status().as_u16(), c.as_str())), "{c:?}");
        }
    }
}
