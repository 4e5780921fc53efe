//! The worker's `/healthz` (the process answers) and `/readyz` (from real checks:
//! Postgres and Redis answer, every loop runs, not draining).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use imagegen_bootstrap::readiness::Readiness;
use serde_json::{Value, json};

pub fn router(readiness: Readiness) -> Router {
    Router::new()
        .route(
            "/healthz",
            get(|| async { axum::Json(json!({ "status": "ok" })) }),
        )
        .route("/readyz", get(readyz))
        .with_state(readiness)
}

async fn readyz(State(readiness): State<Readiness>) -> (StatusCode, axum::Json<Value>) {
    match readiness.check().await {
        Ok(()) => (StatusCode::OK, axum::Json(json!({ "status": "ready" }))),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({ "status": "not_ready", "reason": reason.to_string() })),
        ),
    }
}
