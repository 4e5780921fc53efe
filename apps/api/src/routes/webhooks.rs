//! `POST /webhooks/{provider}/{generation_id}` (`replicate`, or `simulator` for the
//! built-in one; both speak Replicate's protocol) and `POST /webhooks/openai` (one
//! project-level endpoint; events name a response): limit per sending address, verify
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
use imagegen_domain::{GenerationId, ProviderName};
use imagegen_webhooks::{OpenAiEvent, SignedHeaders, parse_openai_event, parse_prediction};
use serde_json::{Value, json};

use super::parse_id;
use crate::ApiError;
use crate::source::Source;

/// Replicate bodies carry inputs and logs; allow well over its 2 MB.
const MAX_BODY: usize = 4 * 1024 * 1024;

pub fn router() -> Router<Arc<Services>> {
    Router::new()
        .route("/webhooks/openai", post(openai))
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

/// Checks a delivery to `provider`'s route: a provider this api takes webhooks
/// for, under the sender's rate limit, signed by one of that provider's secrets. The
/// provider and the delivery's `webhook-id`.
async fn admit(
    services: &Services,
    source: &str,
    provider: &str,
    (headers, body): (&HeaderMap, &[u8]),
) -> Result<(ProviderName, String), ApiError> {
    let not_found = || Error::NotFound {
        what: "webhook provider",
    };
    let (name, verifier) = (services.webhook_verifiers.iter())
        .find(|(name, _)| name.as_str() == provider)
        .ok_or_else(not_found)?;
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
    let signed = SignedHeaders {
        id: header(headers, "webhook-id"),
        timestamp: header(headers, "webhook-timestamp"),
        signature: header(headers, "webhook-signature"),
    };
    let now = services.clock.now().timestamp();
    if let Err(error) = verifier.verify(signed, body, now) {
        let id = imagegen_application::logged(signed.id);
        tracing::warn!(%error, webhook.id = %id, %provider, "webhook refused");
        // Anyone can send junk: counted apart, never against webhook health.
        count(services, WebhookOutcome::Refused).await;
        return Err(ApiError::BadSignature(error.to_string()));
    }
    Ok((*name, signed.id.to_owned()))
}

fn answer(receipt: WebhookReceipt) -> Json<Value> {
    let status = match receipt {
        WebhookReceipt::Queued => "queued",
        WebhookReceipt::Duplicate => "duplicate",
    };
    Json(json!({ "status": status }))
}

/// Replicate's protocol: the body is the prediction, the path names the generation.
async fn replicate(
    State(services): State<Arc<Services>>,
    Source(source): Source,
    Path((provider, generation_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    // OpenAI's events come to its one project-level route.
    if provider == ProviderName::OpenAi.as_str() {
        return Err(Error::NotFound {
            what: "webhook provider",
        }
        .into());
    }
    let (name, webhook_id) = admit(&services, &source, &provider, (&headers, &body)).await?;
    let generation_id: GenerationId = parse_id(&generation_id, "generation")?;
    let update = parse_prediction(&body)
        .map_err(|e| ApiError::bad_request("malformed_webhook", e.to_string()))?;
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let receipt = services
        .receive_webhook
        .execute(name, webhook_id, generation_id, update, value)
        .await?;
    count(&services, WebhookOutcome::Delivered).await;
    Ok(answer(receipt))
}

/// OpenAI's protocol: one route for the project; the event names a response, which
/// the worker reads. Events about anything but responses are acknowledged and ignored.
async fn openai(
    State(services): State<Arc<Services>>,
    Source(source): Source,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let provider = ProviderName::OpenAi.as_str();
    let (name, webhook_id) = admit(&services, &source, provider, (&headers, &body)).await?;
    let event = parse_openai_event(&body)
        .map_err(|e| ApiError::bad_request("malformed_webhook", e.to_string()))?;
    let (response_id, kind) = match event {
        OpenAiEvent::ResponseEnded { response_id, kind } => (response_id, kind),
        OpenAiEvent::Ignored { kind } => {
            tracing::debug!(event.r#type = %imagegen_application::logged(&kind), "OpenAI event ignored");
            return Ok(Json(json!({ "status": "ignored" })));
        }
    };
    tracing::debug!(event.r#type = %kind, "OpenAI response event");
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let receipt = services
        .receive_webhook
        .execute_event(name, webhook_id, response_id, value)
        .await?;
    count(&services, WebhookOutcome::Delivered).await;
    Ok(answer(receipt))
}
