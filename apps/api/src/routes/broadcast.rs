//! `POST /admin/broadcast` (role `admin`): `{"message": <any JSON>}` reaches every
//! connection watching `system`, on every api instance, as a `SystemBroadcast` event.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use imagegen_bootstrap::Services;
use serde::Deserialize;
use serde_json::Value;

use crate::ApiError;
use crate::auth::CurrentUser;
use crate::json::AppJson;
use crate::openapi::Problem;

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/admin/broadcast", post(broadcast))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BroadcastBody {
    /// Any JSON, at most 16 KiB: `payload.message` of the `SystemBroadcast` event.
    #[schema(value_type = serde_json::Value)]
    message: Value,
}

#[utoipa::path(post, path = "/admin/broadcast", tag = "admin", request_body = BroadcastBody,
    responses((status = 202, description = "the SystemBroadcast event sent", body = Object), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn broadcast(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    AppJson(body): AppJson<BroadcastBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let event = services.announce.execute(&caller, body.message).await?;
    Ok((StatusCode::ACCEPTED, Json(event)))
}
