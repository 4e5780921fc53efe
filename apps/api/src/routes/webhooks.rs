//! `POST /webhooks/{provider}/{generation_id}` (`replicate`, or `simulator` for the
//! built-in one; both speak Replicate's protocol) and `POST /webhooks/openai` (one
//! project-level endpoint; events name a response). The delivery goes whole to
//! `ReceiveWebhook::receive`, which limits, verifies, reads, records and counts; this
//! only turns HTTP into a delivery and the receipt into an answer. The slow work
//! happens in the worker.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use imagegen_application::ports::SignatureHeaders;
use imagegen_application::use_cases::{RawDelivery, WebhookReceipt};
use imagegen_bootstrap::Services;
use serde::Serialize;

use crate::ApiError;
use crate::openapi::Problem;
use crate::peer::PeerAddress;

/// Replicate bodies carry inputs and logs; allow well over its 2 MB.
const MAX_BODY: usize = 4 * 1024 * 1024;

pub fn router() -> Router<Arc<Services>> {
    Router::new()
        .route("/webhooks/{provider}", post(project))
        .route("/webhooks/{provider}/{generation_id}", post(per_generation))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

/// What a delivery is answered with.
#[derive(Serialize, utoipa::ToSchema)]
struct Receipt {
    /// `queued`, `duplicate` or `ignored`.
    status: &'static str,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn receive(
    services: &Services,
    (sender, provider, generation): (&str, &str, Option<&str>),
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Json<Receipt>, ApiError> {
    let delivery = RawDelivery {
        provider,
        generation,
        sender,
        headers: SignatureHeaders {
            id: header(headers, "webhook-id"),
            timestamp: header(headers, "webhook-timestamp"),
            signature: header(headers, "webhook-signature"),
        },
        body,
    };
    let receipt = services.receive_webhook.receive(delivery).await?;
    let status = match receipt {
        WebhookReceipt::Queued => "queued",
        WebhookReceipt::Duplicate => "duplicate",
        WebhookReceipt::Ignored => "ignored",
    };
    Ok(Json(Receipt { status }))
}

/// Replicate's protocol: the body is the prediction, the path names the generation.
#[utoipa::path(post, path = "/webhooks/{provider}/{generation_id}", tag = "webhooks", security(()),
    params(("provider" = String, Path), ("generation_id" = String, Path),
        ("webhook-id" = String, Header), ("webhook-timestamp" = String, Header), ("webhook-signature" = String, Header)),
    request_body(content = Object, description = "the provider's prediction"),
    responses((status = 200, body = Receipt), (status = "4XX", body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn per_generation(
    State(services): State<Arc<Services>>,
    PeerAddress(source): PeerAddress,
    Path((provider, generation_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Receipt>, ApiError> {
    let route = (
        source.as_str(),
        provider.as_str(),
        Some(generation_id.as_str()),
    );
    receive(&services, route, &headers, &body).await
}

/// OpenAI's protocol: one route for the project; the event names a response, which
/// the worker reads. Events about anything but responses are acknowledged and ignored.
#[utoipa::path(post, path = "/webhooks/{provider}", tag = "webhooks", security(()),
    params(("provider" = String, Path, description = "openai"),
        ("webhook-id" = String, Header), ("webhook-timestamp" = String, Header), ("webhook-signature" = String, Header)),
    request_body(content = Object, description = "the provider's event"),
    responses((status = 200, body = Receipt), (status = "4XX", body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn project(
    State(services): State<Arc<Services>>,
    PeerAddress(source): PeerAddress,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Receipt>, ApiError> {
    receive(
        &services,
        (source.as_str(), provider.as_str(), None),
        &headers,
        &body,
    )
    .await
}
