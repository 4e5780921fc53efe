//! `GET /admin/providers`: the calls imagegen made to each provider, by reason
//! (`create`, `reconcile`: the polling fallback, `cancel`, `event`: a read a webhook
//! event asked for); `POST
//! /admin/providers/{name}/test`: a webhook round trip through it. Admins only.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use imagegen_application::Error;
use imagegen_application::ports::CallReason;
use imagegen_application::use_cases::WebhookTestReport;
use imagegen_bootstrap::Services;
use imagegen_domain::ProviderName;
use serde::Serialize;

use crate::ApiError;
use crate::auth::CurrentUser;
use crate::openapi::Problem;

pub fn router() -> Router<Arc<Services>> {
    Router::new()
        .route("/admin/providers", get(usage))
        .route("/admin/providers/{name}/test", post(test))
}

/// A webhook round trip through the provider `name`: a small generation in webhook
/// mode, and the wait (30 s at most) for the provider's webhook to move it. `200` with
/// `{"provider", "ok", "generation_id", "round_trip_ms", "status", "detail"}` either
/// way; `404` for a provider not in use.
#[utoipa::path(post, path = "/admin/providers/{name}/test", tag = "admin", params(("name" = String, Path)),
    responses((status = 200, description = "{\"provider\", \"ok\", \"generation_id\", \"round_trip_ms\", \"status\", \"detail\"}", body = Object), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn test(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    Path(name): Path<String>,
) -> Result<Json<WebhookTestReport>, ApiError> {
    let provider: ProviderName = name.parse().map_err(|_| Error::NotFound {
        what: "provider in use",
    })?;
    let report = (services.test_provider)
        .run(&caller, provider, &services.create_generation)
        .await?;
    Ok(Json(report))
}

#[utoipa::path(get, path = "/admin/providers", tag = "admin", responses((status = 200, body = ProvidersOut), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn usage(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<ProvidersOut>, ApiError> {
    let counts = services.provider_usage.counts(&caller).await?;
    // Every reason of a provider that was called, zeros included.
    let mut providers: BTreeMap<&'static str, BTreeMap<&'static str, u64>> = BTreeMap::new();
    for count in counts {
        let calls = providers
            .entry(count.provider.as_str())
            .or_insert_with(|| CallReason::ALL.iter().map(|r| (r.as_str(), 0)).collect());
        calls.insert(count.reason.as_str(), count.calls);
    }
    let providers = (providers.into_iter())
        .map(|(name, calls)| ProviderCallsOut { name, calls })
        .collect();
    Ok(Json(ProvidersOut { providers }))
}

/// One provider in `GET /admin/providers`: its calls by reason.
#[derive(Serialize, utoipa::ToSchema)]
struct ProviderCallsOut {
    name: &'static str,
    calls: BTreeMap<&'static str, u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ProvidersOut {
    providers: Vec<ProviderCallsOut>,
}
