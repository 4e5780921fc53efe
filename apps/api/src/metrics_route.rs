//! `GET /metrics` in the Prometheus text format, on the api's address or on
//! `IMAGEGEN_METRICS_LISTEN`, behind `IMAGEGEN_METRICS_TOKEN` when set; and the HTTP
//! metrics of every other route (requests by route template and status class, and
//! their latency).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use imagegen_application::metric_names;
use imagegen_bootstrap::metrics_export;
use secrecy::SecretString;

/// `/metrics`, asking for `token` as a bearer token when given.
pub fn router(token: Option<SecretString>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(Arc::new(token))
}

async fn metrics(State(token): State<Arc<Option<SecretString>>>, headers: HeaderMap) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !metrics_export::authorized(given, token.as_ref().as_ref()) {
        return crate::ApiError::Unauthorized("a metrics token is required".into()).into_response();
    }
    match metrics_export::render() {
        Some(text) => ([(header::CONTENT_TYPE, metrics_export::TEXT_FORMAT)], text).into_response(),
        // Another recorder was installed in this process: it has the metrics.
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Counts a request by its route's template (never its path: ids are unbounded) and
/// the class of its status, and times it.
pub async fn record_http(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let class = metric_names::status_class(response.status().as_u16());
    let labels = [("route", route.clone()), ("status_class", class.to_owned())];
    metrics::counter!(metric_names::HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(metric_names::HTTP_DURATION, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
