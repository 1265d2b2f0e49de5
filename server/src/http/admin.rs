//! The administrator's hall editor: the configuration as TOML, validated and saved without a
//! restart (`GET`/`POST /api/admin/hall`).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::extract::{json, Body, Caller, RetryKey};
use super::AppState;
use crate::error::{ApiError, ApiResult, Code};
use crate::hall::StaffRole;
use crate::ops::access::{self, Need};
use crate::ops::{Answer, Op};

/// The largest hall configuration the page may save: a county centre's hundreds of matters,
/// each with its materials (the sample's 29 matters are 47 KB).
pub const MAX_HALL_BODY: usize = 2 * 1024 * 1024;

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct HallToml {
    /// The whole hall configuration, in the format of `halls/sample-town.toml`.
    pub toml: String,
}

#[utoipa::path(
    get, path = "/api/admin/hall", security(("bearer" = [])),
    responses((status = 200, body = HallToml), (status = 401, body = hall_wire::ErrorBody), (status = 403, body = hall_wire::ErrorBody))
)]
pub async fn get(State(s): State<AppState>, Caller(actor): Caller) -> ApiResult<Json<HallToml>> {
    access::allow(&actor, Need::Admin)?;
    Ok(Json(HallToml { toml: s.hall().source.clone() }))
}

#[utoipa::path(
    post, path = "/api/admin/hall", request_body = HallToml, security(("bearer" = [])),
    responses((status = 200, description = "saved and in force"), (status = 400, body = hall_wire::ErrorBody),
        (status = 401, body = hall_wire::ErrorBody), (status = 403, body = hall_wire::ErrorBody), (status = 422, body = hall_wire::ErrorBody))
)]
pub async fn save(
    State(s): State<AppState>,
    Caller(actor): Caller,
    key: RetryKey,
    Body(body): Body,
) -> ApiResult<Answer> {
    // Checked before the (costly) validation; the writer checks the op again.
    access::allow(&actor, Need::Admin)?;
    let req: HallToml = json(&body)?;
    let folder = s.hall().folder.clone();
    let hall = crate::config::parse_in(&req.toml, "hall", folder.as_deref())
        .map_err(|e| ApiError::new(Code::InvalidConfig, e.to_string()))?;
    // A hall no administrator can sign in to is changed only by editing the file on the server.
    let admin_can_sign_in = hall.staff.iter().any(|p| p.role == StaffRole::Admin && (!p.demo || s.demo()));
    if !admin_can_sign_in {
        return Err(ApiError::new(
            Code::InvalidConfig,
            "the hall must keep an administrator account that can sign in (not a demo account without --demo): \
             saving it would lock every administrator out",
        ));
    }
    // The writer puts the hall in force itself, right after its commit.
    super::submit(&s, actor, Op::ReplaceHall { hall: Box::new(s.adapt_hall(hall)) }, key, &body).await
}
