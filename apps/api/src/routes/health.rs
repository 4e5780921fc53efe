//! Liveness.

use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use imagegen_bootstrap::Services;
use serde_json::{Value, json};

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/healthz", get(healthz))
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}
