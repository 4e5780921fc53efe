//! A JSON body extractor whose rejections share the app's problem shape: malformed
//! JSON is 400, well-formed JSON of the wrong shape is 422.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use imagegen_application::Error;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// `axum::Json`, with problem-details rejections.
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(JsonRejection::JsonDataError(e)) => Err(Error::Invalid(e.body_text()).into()),
            Err(JsonRejection::MissingJsonContentType(e)) => Err(ApiError::BadRequest {
                code: "unsupported_media_type",
                detail: e.body_text(),
            }),
            Err(e) => Err(ApiError::BadRequest {
                code: "malformed_json",
                detail: e.body_text(),
            }),
        }
    }
}
