//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: send it
//! traffic): not ready while draining at shutdown or when its store cannot be read
//! within two seconds. Before start-up completes nothing answers at all.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use imagegen_bootstrap::Services;
use serde::Serialize;

/// How long the readiness check waits for the store.
const STORE_CHECK: Duration = Duration::from_secs(2);

pub fn router() -> Router<Arc<Services>> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// `{"status": "ok" | "ready" | "not_ready", "reason"}`.
#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

const fn health(status: &'static str) -> Health {
    Health {
        status,
        reason: None,
    }
}

#[utoipa::path(get, path = "/healthz", tag = "health", security(()), responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(health("ok"))
}

#[utoipa::path(get, path = "/readyz", tag = "health", security(()),
    responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn readyz(
    State(services): State<Arc<Services>>,
    draining: Option<axum::Extension<crate::drain::Draining>>,
) -> (StatusCode, Json<Health>) {
    let not_ready = |reason: &'static str| {
        let body = Health {
            status: "not_ready",
            reason: Some(reason),
        };
        (StatusCode::SERVICE_UNAVAILABLE, Json(body))
    };
    let asked = draining.is_some_and(|axum::Extension(d)| d.0.is_cancelled());
    if asked || services.shutdown.is_cancelled() {
        return not_ready("draining");
    }
    let store = tokio::time::timeout(STORE_CHECK, services.open_stream.latest_position()).await;
    match store {
        Ok(Ok(_)) => (StatusCode::OK, Json(health("ready"))),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: the store cannot be read");
            not_ready("store unavailable")
        }
        Err(_) => not_ready("store unavailable"),
    }
}
