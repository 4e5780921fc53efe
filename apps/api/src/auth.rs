//! The authenticated caller, from `Authorization: Bearer` or, for EventSource (which
//! cannot send headers), the `access_token` query parameter. Tokens are never logged.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use imagegen_application::Caller;
use imagegen_bootstrap::Services;

use crate::ApiError;

/// The verified caller.
pub struct CurrentUser(pub Caller);

/// The verified caller and when its token expires: streams close then.
pub struct CurrentSession {
    pub caller: Caller,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

fn query_token(uri: &Uri) -> Option<String> {
    let query = uri.query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "access_token")
        .map(|(_, value)| value.into_owned())
}

/// The token of `Bearer <token>`; the scheme is case-insensitive (RFC 9110 11.1).
fn bearer(value: &axum::http::HeaderValue) -> Option<String> {
    let (scheme, token) = value.to_str().ok()?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

impl FromRequestParts<Arc<Services>> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        services: &Arc<Services>,
    ) -> Result<Self, Self::Rejection> {
        let session = CurrentSession::from_request_parts(parts, services).await?;
        Ok(Self(session.caller))
    }
}

impl FromRequestParts<Arc<Services>> for CurrentSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        services: &Arc<Services>,
    ) -> Result<Self, Self::Rejection> {
        Self::verify(&parts.headers, &parts.uri, services)
    }
}

impl CurrentSession {
    /// The caller whose token the request carries.
    ///
    /// # Errors
    /// `Unauthorized` without a token, or with one that is invalid or expired.
    pub fn verify(headers: &HeaderMap, uri: &Uri, services: &Services) -> Result<Self, ApiError> {
        // A header that is present decides: one that does not parse is a 401, never a
        // fall back to the query's token (which could be someone else's).
        let header = match headers.get(AUTHORIZATION) {
            Some(value) => Some(bearer(value).ok_or_else(|| {
                ApiError::Unauthorized("Authorization must be `Bearer <token>`".into())
            })?),
            None => None,
        };
        let token = header
            .or_else(|| query_token(uri))
            .ok_or_else(|| ApiError::Unauthorized("a bearer token is required".into()))?;
        services
            .tokens
            .verify_with_expiry(token.trim())
            .map(|(caller, expires_at)| Self { caller, expires_at })
            .map_err(|_| ApiError::Unauthorized("the token is invalid or expired".into()))
    }
}
