//! The web console at `/`: a page built from `clients/js/console` (its built files are
//! committed under `apps/api/console/` and embedded here, so running the api needs no
//! Node and no build step; `.ci/run` checks a fresh build reproduces them).

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use imagegen_bootstrap::Services;

const INDEX: &str = include_str!("../console/index.html");
const SCRIPT: &str = include_str!("../console/console.js");
const STYLE: &str = include_str!("../console/console.css");

/// The page never frames elsewhere and loads only its own files (images from
/// anywhere: their URLs start with the public base URL, which may differ).
const POLICY: &str = "default-src 'self'; img-src 'self' data: http: https:; \
     connect-src 'self' ws: wss: http: https:; frame-ancestors 'none'; base-uri 'none'";

pub fn router() -> Router<Arc<Services>> {
    Router::new()
        .route("/", get(|| file("text/html; charset=utf-8", INDEX)))
        .route(
            "/console/console.js",
            get(|| file("text/javascript; charset=utf-8", SCRIPT)),
        )
        .route(
            "/console/console.css",
            get(|| file("text/css; charset=utf-8", STYLE)),
        )
}

async fn file(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // Small, and new with every release: revalidate rather than go stale.
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
}
