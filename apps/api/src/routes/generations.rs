//! `POST /v1/generations`, `GET /v1/generations/{id}` (with `?wait=`, see `long_poll`),
//! `GET /v1/generations`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use imagegen_application::use_cases::CreateGenerationCommand;
use imagegen_bootstrap::Services;
use imagegen_domain::GenerationId;
use serde::Deserialize;

use super::parse_id;
use crate::ApiError;
use crate::auth::CurrentUser;
use crate::dto::{GenerationIn, GenerationOut, GenerationPageOut};
use crate::json::{AppJson, AppQuery};
use crate::openapi::Problem;

pub fn router() -> Router<Arc<Services>> {
    Router::new()
        .route("/v1/generations", get(list).post(create))
        .route("/v1/generations/{id}", get(show))
        .route("/v1/generations/{id}/cancel", post(cancel))
}

#[utoipa::path(post, path = "/v1/generations", tag = "generations", request_body = GenerationIn,
    params(("Idempotency-Key" = Option<String>, Header, pattern = r"^[\x21-\x7e]{1,255}$", description = "1-255 visible ASCII characters: the same key within 24 h answers with the first generation")),
    responses((status = 202, body = GenerationOut, headers(("Location" = String))),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn create(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    headers: HeaderMap,
    AppJson(body): AppJson<GenerationIn>,
) -> Result<Response, ApiError> {
    let mut keys = headers.get_all("idempotency-key").iter();
    let idempotency_key = match (keys.next(), keys.next()) {
        (Some(_), Some(_)) => {
            let message = "send one Idempotency-Key header, not several";
            return Err(imagegen_application::Error::Invalid(message.into()).into());
        }
        // The use case checks what a key may be, once; bytes that are not text are
        // kept as replacement characters, which it refuses.
        (Some(value), None) => Some(String::from_utf8_lossy(value.as_bytes()).into_owned()),
        (None, _) => None,
    };
    let command = CreateGenerationCommand {
        prompt: body.prompt,
        settings: body.settings.into(),
        idempotency_key,
    };
    let generation = services.create_generation.execute(&caller, command).await?;
    let location = format!("/v1/generations/{}", generation.id());
    let out = GenerationOut::new(&generation, &services.public_base_url);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(out),
    )
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ShowQuery {
    /// Seconds to wait for a change from the client's `If-None-Match`, at most 60.
    #[param(minimum = 0, maximum = 60)]
    wait: Option<u64>,
}

#[utoipa::path(get, path = "/v1/generations/{id}", tag = "generations",
    params(("id" = String, Path, description = "the generation's id"), ShowQuery,
        ("If-None-Match" = Option<String>, Header, description = "an ETag: answer when the generation differs from it")),
    responses((status = 200, body = GenerationOut, headers(("ETag" = String))), (status = 304),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn show(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    AppQuery(query): AppQuery<ShowQuery>,
) -> Result<Response, ApiError> {
    let id: GenerationId = parse_id(&id, "generation")?;
    super::long_poll::show(&services, &caller, id, &headers, query.wait).await
}

/// `POST /v1/generations/{id}/cancel`: the owner or an admin; again is a no-op.
#[utoipa::path(post, path = "/v1/generations/{id}/cancel", tag = "generations",
    params(("id" = String, Path)),
    responses((status = 200, body = GenerationOut),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn cancel(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<GenerationOut>, ApiError> {
    let id: GenerationId = parse_id(&id, "generation")?;
    let generation = services.cancel_generation.execute(&caller, id).await?;
    Ok(Json(GenerationOut::new(
        &generation,
        &services.public_base_url,
    )))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<usize>,
    /// `next_cursor` of the page before.
    #[param(value_type = Option<uuid::Uuid>)]
    before: Option<String>,
}

#[utoipa::path(get, path = "/v1/generations", tag = "generations", params(ListQuery),
    responses((status = 200, body = GenerationPageOut),
        (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    AppQuery(query): AppQuery<ListQuery>,
) -> Result<Json<GenerationPageOut>, ApiError> {
    let before = query
        .before
        .map(|b| b.parse::<GenerationId>())
        .transpose()
        .map_err(|_| {
            imagegen_application::Error::Invalid("before must be a generation id".into())
        })?;
    let page = services
        .list_generations
        .execute(&caller, before, query.limit.unwrap_or(20))
        .await?;
    Ok(Json(GenerationPageOut {
        items: page
            .items
            .iter()
            .map(|g| GenerationOut::new(g, &services.public_base_url))
            .collect(),
        next_cursor: page.next_cursor.map(|c| c.to_string()),
    }))
}
