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

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/v1/channels/{channel}/presence", get(presence))
}

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
