//! `/admin/queues...`: queue counts, pause and resume, concurrency, dead letters and
//! their retry.
//! Admins only (role `admin`); others get 403.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use imagegen_application::Error;
use imagegen_application::ports::{JobId, QueueName};
use imagegen_bootstrap::Services;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::parse_id;
use crate::ApiError;
use crate::auth::CurrentUser;
use crate::json::{AppJson, AppQuery};
use crate::openapi::Problem;

pub fn router() -> Router<Arc<Services>> {
    Router::new()
        .route("/admin/queues", get(overview))
        .route("/admin/queues/{name}/pause", post(pause))
        .route("/admin/queues/{name}/resume", post(resume))
        .route("/admin/queues/{name}/concurrency", put(set_concurrency))
        .route("/admin/queues/{name}/dead", get(dead))
        .route("/admin/queues/{name}/dead/{job_id}/retry", post(retry))
}

/// A queue named in the path (`image-processing`...); an unknown one is not found.
fn queue(name: &str) -> Result<QueueName, Error> {
    serde_json::from_value(Value::String(name.to_owned()))
        .map_err(|_| Error::NotFound { what: "queue" })
}

/// One queue in `GET /admin/queues`.
#[derive(Serialize, utoipa::ToSchema)]
struct QueueOut {
    name: &'static str,
    paused: bool,
    concurrency: Option<u32>,
    waiting: u64,
    active: u64,
    delayed: u64,
    dead: u64,
    completed: u64,
    throughput_per_sec: Option<f64>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct QueuesOut {
    queues: Vec<QueueOut>,
}

#[utoipa::path(get, path = "/admin/queues", tag = "admin", responses((status = 200, body = QueuesOut), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn overview(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<QueuesOut>, ApiError> {
    let queues = services.operate_queues.overview(&caller).await?;
    let queues = (queues.into_iter())
        .map(|q| QueueOut {
            name: q.queue.as_str(),
            paused: q.paused,
            concurrency: q.concurrency,
            waiting: q.stats.waiting,
            active: q.stats.active,
            delayed: q.stats.delayed,
            dead: q.stats.failed,
            completed: q.stats.completed,
            throughput_per_sec: q.throughput_per_sec,
        })
        .collect();
    Ok(Json(QueuesOut { queues }))
}

#[utoipa::path(post, path = "/admin/queues/{name}/pause", tag = "admin", params(("name" = String, Path, description = "provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks")), responses((status = 204), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn pause(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    services
        .operate_queues
        .set_paused(&caller, queue(&name)?, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/admin/queues/{name}/resume", tag = "admin", params(("name" = String, Path, description = "provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks")), responses((status = 204), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn resume(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    services
        .operate_queues
        .set_paused(&caller, queue(&name)?, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{"concurrency": 4}`, or `{"concurrency": null}` for the workers' own setting.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ConcurrencyBody {
    /// Jobs at once per worker process, or null for the workers' configuration.
    #[schema(minimum = 1, maximum = 1024)]
    concurrency: Option<u32>,
}

#[utoipa::path(put, path = "/admin/queues/{name}/concurrency", tag = "admin", params(("name" = String, Path, description = "provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks")),
    request_body = ConcurrencyBody, responses((status = 200, body = ConcurrencyOut), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn set_concurrency(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    Path(name): Path<String>,
    AppJson(body): AppJson<ConcurrencyBody>,
) -> Result<Json<ConcurrencyOut>, ApiError> {
    let queue = queue(&name)?;
    services
        .operate_queues
        .set_concurrency(&caller, queue, body.concurrency)
        .await?;
    Ok(Json(ConcurrencyOut {
        name: queue.as_str(),
        concurrency: body.concurrency,
    }))
}

/// A queue's concurrency as set.
#[derive(Serialize, utoipa::ToSchema)]
struct ConcurrencyOut {
    name: &'static str,
    concurrency: Option<u32>,
}

/// One dead letter in `GET /admin/queues/{name}/dead`.
#[derive(Serialize, utoipa::ToSchema)]
struct DeadLetterOut {
    id: String,
    attempts: u32,
    last_error: String,
    failed_at: DateTime<Utc>,
    #[schema(value_type = Object)]
    payload: Value,
}

#[derive(Serialize, utoipa::ToSchema)]
struct DeadLettersOut {
    dead: Vec<DeadLetterOut>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DeadQuery {
    /// 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<usize>,
}

#[utoipa::path(get, path = "/admin/queues/{name}/dead", tag = "admin", params(("name" = String, Path, description = "provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks"), DeadQuery),
    responses((status = 200, body = DeadLettersOut), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn dead(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    Path(name): Path<String>,
    AppQuery(query): AppQuery<DeadQuery>,
) -> Result<Json<DeadLettersOut>, ApiError> {
    let letters = services
        .operate_queues
        .dead(
            &caller,
            queue(&name)?,
            super::page_limit(query.limit, 50, 500)?,
        )
        .await?;
    let dead = (letters.into_iter())
        .map(|d| DeadLetterOut {
            id: d.id.to_string(),
            attempts: d.attempts,
            last_error: d.last_error,
            failed_at: d.failed_at,
            payload: d.payload,
        })
        .collect();
    Ok(Json(DeadLettersOut { dead }))
}

#[utoipa::path(post, path = "/admin/queues/{name}/dead/{job_id}/retry", tag = "admin",
    params(("name" = String, Path, description = "provider-submissions, generation-webhooks, image-processing, user-notifications or cleanup-tasks"), ("job_id" = String, Path)), responses((status = 202), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn retry(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    Path((name, job_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = JobId(parse_id(&job_id, "dead letter")?);
    services
        .operate_queues
        .retry(&caller, queue(&name)?, id)
        .await?;
    Ok(StatusCode::ACCEPTED)
}
