//! The worker's `/healthz` (the process answers), `/readyz` (from real checks:
//! Postgres and Redis answer, every loop runs, not draining) and `/metrics` (behind
//! `IMAGEGEN_METRICS_TOKEN` when set).

use axum::Router;
use axum::extract::State;
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use imagegen_bootstrap::metrics_export;
use imagegen_bootstrap::readiness::Readiness;
use secrecy::SecretString;
use serde_json::{Value, json};

pub fn router(readiness: Readiness, metrics_token: Option<SecretString>) -> Router {
    let metrics_token = Arc::new(metrics_token);
    Router::new()
        .route(
            "/healthz",
            get(|| async { axum::Json(json!({ "status": "ok" })) }),
        )
        .route("/readyz", get(readyz))
        .with_state(readiness)
        .route(
            "/metrics",
            get(move |headers: HeaderMap| metrics(headers, metrics_token.clone())),
        )
}

async fn metrics(headers: HeaderMap, token: Arc<Option<SecretString>>) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !metrics_export::authorized(given, token.as_ref().as_ref()) {
        let challenge = [(header::WWW_AUTHENTICATE, "Bearer")];
        return (StatusCode::UNAUTHORIZED, challenge).into_response();
    }
    match metrics_export::render() {
        Some(text) => ([(header::CONTENT_TYPE, metrics_export::TEXT_FORMAT)], text).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
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
