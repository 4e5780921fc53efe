//! `POST /webhooks/{provider}/{generation_id}` (`replicate`, or `simulator` for the
//! built-in one; both speak Replicate's protocol): limit per sending address, verify
//! the signature on the raw bytes with that provider's secrets only, parse, record
//! once, queue, answer at once. The slow work happens in the worker. A provider this
//! api does not take webhooks for is not found.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use imagegen_application::Error;
use imagegen_application::ports::{Decision, WebhookOutcome};
use imagegen_application::use_cases::WebhookReceipt;
use imagegen_bootstrap::Services;
use imagegen_domain::GenerationId;
use imagegen_webhooks::{SignedHeaders, parse_prediction};
use serde_json::{Value, json};

use super::parse_id;
use crate::ApiError;
use crate::source::Source;

/// Replicate bodies carry inputs and logs; allow well over its 2 MB.
const MAX_BODY: usize = 4 * 1024 * 1024;

pub fn router() -> Router<Arc<Services>> {
    Router::new()
        .route("/webhooks/{provider}/{generation_id}", post(replicate))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Counts a webhook's outcome for the automatic fallback; never fails the request.
async fn count(services: &Services, outcome: WebhookOutcome) {
    let now = services.clock.now();
    if let Err(error) = services.webhook_health.record(outcome, now).await {
        tracing::warn!(%error, "a webhook outcome was not counted");
    }
}

async fn replicate(
    State(services): State<Arc<Services>>,
    Source(source): Source,
    Path((provider, generation_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (name, verifier) = &services.webhook_provider;
    if provider != name.as_str() {
        return Err(Error::NotFound {
            what: "webhook provider",
        }
        .into());
    }
    // Before the signature check, which is the expensive part of a flood.
    let (limiter, rate) = &services.webhook_limits;
    match limiter.take(&format!("webhook:{source}"), *rate).await {
        Ok(Decision::Limited { retry_after }) => {
            return Err(Error::RateLimited {
                message: format!("too many webhook deliveries from {source}"),
                retry_after,
            }
            .into());
        }
        Ok(Decision::Allowed) => {}
        Err(error) => tracing::warn!(%error, "rate limiter unavailable; not limiting"),
    }
    let generation_id: GenerationId = parse_id(&generation_id, "generation")?;
    let signed = SignedHeaders {
        id: header(&headers, "webhook-id"),
        timestamp: header(&headers, "webhook-timestamp"),
        signature: header(&headers, "webhook-signature"),
    };
    let now = services.clock.now().timestamp();
    if let Err(error) = verifier.verify(signed, &body, now) {
        let id = imagegen_application::logged(signed.id);
        tracing::warn!(%error, webhook.id = %id, "webhook refused");
        count(&services, WebhookOutcome::Failed).await;
        return Err(ApiError::BadSignature(error.to_string()));
    }
    let update = parse_prediction(&body)
        .map_err(|e| ApiError::bad_request("malformed_webhook", e.to_string()))?;
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let receipt = services
        .receive_webhook
        .execute(*name, signed.id.to_owned(), generation_id, update, value)
        .await?;
    count(&services, WebhookOutcome::Delivered).await;
    let status = match receipt {
        WebhookReceipt::Queued => "queued",
        WebhookReceipt::Duplicate => "duplicate",
    };
    Ok(Json(json!({ "status": status })))
}
