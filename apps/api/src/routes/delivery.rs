//! `GET /admin/delivery` and `PUT /admin/delivery`: the delivery policy, which users'
//! new generations get webhooks, both paths (`dual`) or polling: `{"mode",
//! "percentage", "user_overrides": {user id: mode}, "global_override": mode | null}`.
//! Admins only; a bad policy is a 422 and changes nothing.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use imagegen_bootstrap::Services;
use imagegen_domain::DeliveryPolicy;

use crate::ApiError;
use crate::auth::CurrentUser;
use crate::json::AppJson;

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/admin/delivery", get(current).put(replace))
}

async fn current(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<DeliveryPolicy>, ApiError> {
    Ok(Json(services.manage_delivery.current(&caller).await?))
}

async fn replace(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    AppJson(policy): AppJson<DeliveryPolicy>,
) -> Result<Json<DeliveryPolicy>, ApiError> {
    Ok(Json(
        services.manage_delivery.replace(&caller, policy).await?,
    ))
}
