//! `GET /v1/images/{id}`: our stored copies. Image ids are random (UUID v4) and act as
//! capability URLs, so `<img src>` works without a token.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use imagegen_bootstrap::Services;
use imagegen_domain::ImageId;

use super::parse_id;
use crate::ApiError;
use crate::openapi::Problem;

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/v1/images/{id}", get(image))
}

#[utoipa::path(get, path = "/v1/images/{id}", tag = "images", security(()), params(("id" = String, Path)),
    responses((status = 200, description = "the image (png, jpeg or webp)", content_type = "image/png", body = Vec<u8>), (status = "4XX", body = Problem, content_type = "application/problem+json")))]
async fn image(
    State(services): State<Arc<Services>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: ImageId = parse_id(&id, "image")?;
    let blob = services.get_image.execute(id).await?;
    let headers = [
        (header::CONTENT_TYPE, blob.content_type),
        (
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_owned(),
        ),
        // The stored type is what we checked; browsers must not guess another.
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ];
    Ok((headers, blob.bytes).into_response())
}
