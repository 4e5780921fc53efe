//! `GET /v1/channels/{channel}/presence`: who watches a generation or organization
//! channel now, on every api instance (distributed mode; per instance otherwise), under
//! the same access rule as subscribing to it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use imagegen_application::{Channel, Error};
use imagegen_bootstrap::Services;
use imagegen_realtime::has_presence;
use serde_json::Value;

use crate::ApiError;
use crate::auth::CurrentUser;
use crate::openapi::Problem;

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/v1/channels/{channel}/presence", get(presence))
}

#[utoipa::path(get, path = "/v1/channels/{channel}/presence", tag = "events",
    params(("channel" = String, Path, pattern = r"^(organization|generation):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", description = "generation:{id} or organization:{id}")),
    responses((status = 200, description = "{\"channel\", \"members\": [{\"user_id\", \"connections\"}]}", body = Object),
        (status = "4XX", body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn presence(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    Path(channel): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let channel: Channel = channel
        .parse()
        .map_err(|e: imagegen_application::ChannelParseError| Error::Invalid(e.to_string()))?;
    if !has_presence(&channel) {
        return Err(Error::Invalid(
            "presence is kept for generation and organization channels".into(),
        )
        .into());
    }
    services.open_stream.authorize(&caller, &[channel]).await?;
    Ok(Json(services.presence.members(&channel).await?))
}
