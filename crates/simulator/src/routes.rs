//! The HTTP endpoints: Replicate's prediction API, the output files and `/sim/stats`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::lifecycle;
use crate::prediction::{Prediction, Protocol, new_id};
use crate::state::SimState;
use crate::stats::Stats;

type Shared = State<Arc<SimState>>;

pub(crate) fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/v1/predictions", post(create_by_version))
        .route(
            "/v1/models/{owner}/{name}/predictions",
            post(create_for_model),
        )
        .route(
            "/v1/deployments/{owner}/{name}/predictions",
            post(create_for_deployment),
        )
        .route("/v1/predictions/{id}", get(get_prediction))
        .route("/v1/predictions/{id}/cancel", post(cancel))
        .route("/v1/webhooks/default/secret", get(secret))
        .route("/files/{id}/{name}", get(file))
        .route("/sim/stats", get(stats))
        .merge(crate::openai::router())
        .with_state(state)
}

/// Replicate answers errors as `{"detail": ...}` (and `title`, `status`).
fn problem(status: StatusCode, detail: &str) -> Response {
    (status, Json(json!({ "title": status.canonical_reason(), "detail": detail, "status": status.as_u16() })))
        .into_response()
}

pub(crate) fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| !token.trim().is_empty())
}

#[derive(Deserialize)]
struct CreateBody {
    version: Option<String>,
    input: Option<Value>,
    webhook: Option<String>,
    webhook_events_filter: Option<Vec<String>>,
}

/// The create body, or the 400 Replicate would answer.
#[allow(clippy::result_large_err)] // a Response is what an axum handler returns anyway
fn parse_create(body: &[u8]) -> Result<CreateBody, Response> {
    serde_json::from_slice(body).map_err(|_| {
        problem(
            StatusCode::BAD_REQUEST,
            "the body is not a prediction request",
        )
    })
}

async fn create_by_version(
    State(state): Shared,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let parsed = match parse_create(&body) {
        Ok(parsed) => parsed,
        Err(response) => return response,
    };
    let Some(version) = parsed.version.clone().filter(|v| !v.trim().is_empty()) else {
        return problem(StatusCode::UNPROCESSABLE_ENTITY, "version is required");
    };
    // `owner/name`, `owner/name:<hex>` or a bare version hash.
    let (model, version_id) = match version.split_once(':') {
        Some((model, id)) => (model.to_owned(), id.to_owned()),
        None if version.contains('/') => (version.clone(), "hidden".to_owned()),
        None => ("simulator/model".to_owned(), version.clone()),
    };
    create(state, &headers, parsed, model, version_id)
}

async fn create_for_model(
    State(state): Shared,
    Path((owner, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    create_named(state, &headers, &body, format!("{owner}/{name}"))
}

async fn create_for_deployment(
    State(state): Shared,
    Path((owner, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    create_named(
        state,
        &headers,
        &body,
        format!("deployments/{owner}/{name}"),
    )
}

/// A create whose model the route names (an official model, a deployment).
fn create_named(state: Arc<SimState>, headers: &HeaderMap, body: &[u8], model: String) -> Response {
    match parse_create(body) {
        Ok(parsed) => create(state, headers, parsed, model, "hidden".into()),
        Err(response) => response,
    }
}

fn create(
    state: Arc<SimState>,
    headers: &HeaderMap,
    body: CreateBody,
    model: String,
    version: String,
) -> Response {
    Stats::bump(&state.stats.creates);
    if !authorized(headers) {
        return problem(
            StatusCode::UNAUTHORIZED,
            "You did not pass an authentication token",
        );
    }
    match state.create_fault() {
        Some(StatusCode::TOO_MANY_REQUESTS) => {
            let mut response = problem(
                StatusCode::TOO_MANY_REQUESTS,
                "Request was throttled. Expected available in 1 second.",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            return response;
        }
        Some(status) => return problem(status, "simulated server error (fault injection)"),
        None => {}
    }
    let Some(input) = body.input.filter(Value::is_object) else {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "input is required and must be an object",
        );
    };
    if !input["prompt"].is_string() {
        return problem(StatusCode::UNPROCESSABLE_ENTITY, "input.prompt is required");
    }
    // Replicate's default filter: new outputs and the end.
    let filter = body
        .webhook_events_filter
        .unwrap_or_else(|| vec!["output".into(), "completed".into()]);
    let prediction = Prediction::starting(
        (Protocol::Replicate, new_id()),
        (model, version),
        input,
        (body.webhook, filter),
    );
    let json = prediction.to_json(&state.config.public_url);
    let id = prediction.id.clone();
    state.insert(prediction);
    let cancel_after = headers
        .get("cancel-after")
        .and_then(|v| v.to_str().ok())
        .and_then(lifecycle::parse_duration);
    lifecycle::spawn(state, id, cancel_after);
    (StatusCode::CREATED, Json(json)).into_response()
}

async fn get_prediction(
    State(state): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    Stats::bump(&state.stats.gets);
    if !authorized(&headers) {
        return problem(
            StatusCode::UNAUTHORIZED,
            "You did not pass an authentication token",
        );
    }
    match state.get(&id) {
        Some(prediction) => Json(prediction.to_json(&state.config.public_url)).into_response(),
        None => problem(StatusCode::NOT_FOUND, "Not found."),
    }
}

async fn cancel(State(state): Shared, headers: HeaderMap, Path(id): Path<String>) -> Response {
    Stats::bump(&state.stats.cancels);
    if !authorized(&headers) {
        return problem(
            StatusCode::UNAUTHORIZED,
            "You did not pass an authentication token",
        );
    }
    match lifecycle::cancel(&state, &id) {
        Some(prediction) => Json(prediction.to_json(&state.config.public_url)).into_response(),
        None => problem(StatusCode::NOT_FOUND, "Not found."),
    }
}

async fn secret(State(state): Shared, headers: HeaderMap) -> Response {
    Stats::bump(&state.stats.secret_reads);
    if !authorized(&headers) {
        return problem(
            StatusCode::UNAUTHORIZED,
            "You did not pass an authentication token",
        );
    }
    Json(json!({ "key": state.config.webhook_secret.expose() })).into_response()
}

async fn file(State(state): Shared, Path((id, name)): Path<(String, String)>) -> Response {
    Stats::bump(&state.stats.file_reads);
    match state.file(&format!("{id}/{name}")) {
        Some(bytes) => ([(header::CONTENT_TYPE, "image/png")], bytes).into_response(),
        None => problem(StatusCode::NOT_FOUND, "Not found."),
    }
}

async fn stats(State(state): Shared) -> Json<crate::StatsSnapshot> {
    Json(state.stats.snapshot())
}
