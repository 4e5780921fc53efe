//! `GET /admin/delivery`, `PUT /admin/delivery` (replace) and `PATCH /admin/delivery`
//! (merge): the delivery policy, which users'
//! new generations get webhooks, both paths (`dual`) or polling: `{"mode",
//! "percentage", "user_overrides": {user id: mode}, "global_override": mode | null}`.
//! Admins only; a bad policy is a 422 and changes nothing. `GET
//! /admin/delivery/mismatches`: where the two paths of `dual` generations disagreed.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use imagegen_application::ports::Mismatch;
use imagegen_bootstrap::Services;
use imagegen_domain::{Breaker, DeliveryPolicy, DeliveryPolicyPatch, Tally};
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::auth::CurrentUser;
use crate::json::{AppJson, AppQuery};
use crate::openapi::{DeliveryPatchDoc, DeliveryPolicyDoc, Problem};

pub fn router() -> Router<Arc<Services>> {
    Router::new()
        .route("/admin/delivery", get(current).put(replace).patch(patch))
        .route("/admin/delivery/mismatches", get(mismatches))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Page {
    /// 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<usize>,
}

/// `{"total": n, "mismatches": [{"generation_id", "kind": "status" | "outputs" |
/// "timing", "webhook": what it saw, "poll": what it saw, "recorded_at"}]}`, newest
/// first (`limit` 50, at most 500).
#[utoipa::path(get, path = "/admin/delivery/mismatches", tag = "admin", params(Page),
    responses((status = 200, description = "{\"total\", \"mismatches\": [...]}", body = Object), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn mismatches(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    AppQuery(page): AppQuery<Page>,
) -> Result<Json<MismatchesOut>, ApiError> {
    let (mismatches, total) = services
        .manage_delivery
        .mismatches(&caller, super::page_limit(page.limit, 50, 500)?)
        .await?;
    Ok(Json(MismatchesOut { total, mismatches }))
}

#[derive(Serialize)]
struct MismatchesOut {
    total: u64,
    mismatches: Vec<Mismatch>,
}

/// The policy with the automatic fallback's state beside it.
#[derive(Serialize)]
struct PolicyOut {
    #[serde(flatten)]
    policy: DeliveryPolicy,
    #[serde(skip_serializing_if = "Option::is_none")]
    automatic: Option<Breaker>,
    #[serde(skip_serializing_if = "Option::is_none")]
    health: Option<Tally>,
}

/// The policy, and beside it `automatic` (the fallback's breaker: `state` closed,
/// open or half_open, `since`) and `health` (webhooks delivered and failed in the
/// window it judges).
#[utoipa::path(get, path = "/admin/delivery", tag = "admin",
    responses((status = 200, description = "the policy, with `automatic` and `health`", body = Object), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn current(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<PolicyOut>, ApiError> {
    let policy = services.manage_delivery.current(&caller).await?;
    let automatic = services.manage_delivery.automatic(&caller).await?;
    let (automatic, health) = automatic.map_or((None, None), |(b, t)| (Some(b), Some(t)));
    Ok(Json(PolicyOut {
        policy,
        automatic,
        health,
    }))
}

#[utoipa::path(put, path = "/admin/delivery", tag = "admin",
    request_body = DeliveryPolicyDoc,
    responses((status = 200, description = "the policy in force", body = DeliveryPolicyDoc), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn replace(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    AppJson(policy): AppJson<DeliveryPolicy>,
) -> Result<Json<DeliveryPolicy>, ApiError> {
    Ok(Json(
        services.manage_delivery.replace(&caller, policy).await?,
    ))
}

/// Merges the body into the policy: what it leaves out stays (the runbook's steps and
/// rollback never erase pinned users).
#[utoipa::path(patch, path = "/admin/delivery", tag = "admin",
    request_body = DeliveryPatchDoc,
    responses((status = 200, description = "the policy in force", body = DeliveryPolicyDoc), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn patch(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    AppJson(patch): AppJson<DeliveryPolicyPatch>,
) -> Result<Json<DeliveryPolicy>, ApiError> {
    Ok(Json(services.manage_delivery.patch(&caller, patch).await?))
}
