//! `GET /admin/providers`: the calls imagegen made to each provider, by reason
//! (`create`, `reconcile`: the polling fallback, `cancel`). Admins only.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use imagegen_application::ports::CallReason;
use imagegen_bootstrap::Services;
use serde_json::{Value, json};

use crate::ApiError;
use crate::auth::CurrentUser;

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/admin/providers", get(usage))
}

async fn usage(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<Value>, ApiError> {
    let counts = services.provider_usage.counts(&caller).await?;
    // Every reason of a provider that was called, zeros included.
    let mut providers: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for count in counts {
        let calls = providers
            .entry(count.provider.as_str())
            .or_insert_with(|| CallReason::ALL.iter().map(|r| (r.as_str(), 0)).collect());
        calls.insert(count.reason.as_str(), count.calls);
    }
    let providers: Vec<Value> = providers
        .into_iter()
        .map(|(name, calls)| json!({ "name": name, "calls": calls }))
        .collect();
    Ok(Json(json!({ "providers": providers })))
}
