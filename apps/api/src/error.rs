//! The one mapping from errors to HTTP: RFC 9457 problem details with a stable `code`
//! for 4xx; 5xx are logged once here and answered without internals.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use imagegen_application::Error;
use imagegen_application::ports::ProviderError;
use imagegen_application::use_cases::DeliveryRefused;

/// An error on its way to the client.
#[derive(Debug)]
pub enum ApiError {
    /// Errors from use cases and ports.
    App(Error),
    /// A request refused before any use case sees it (malformed JSON or query, wrong
    /// content type, body too large, unknown route).
    Request {
        status: StatusCode,
        code: &'static str,
        detail: String,
    },
    Unauthorized(String),
    /// A webhook with a bad signature.
    BadSignature(String),
}

impl ApiError {
    /// A 400 with `code`.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Request {
            status: StatusCode::BAD_REQUEST,
            code,
            detail: detail.into(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        Self::App(error)
    }
}

impl From<DeliveryRefused> for ApiError {
    fn from(refused: DeliveryRefused) -> Self {
        match refused {
            DeliveryRefused::NotFound { what } => Self::App(Error::NotFound { what }),
            DeliveryRefused::RateLimited {
                sender,
                retry_after,
            } => Self::App(Error::RateLimited {
                message: format!("too many webhook deliveries from {sender}"),
                retry_after,
            }),
            DeliveryRefused::BadSignature(detail) => Self::BadSignature(detail),
            DeliveryRefused::Malformed(detail) => Self::bad_request("malformed_webhook", detail),
            DeliveryRefused::Failed(error) => Self::App(error),
        }
    }
}

/// An RFC 9457 problem, with our stable `code` beside the standard members.
#[derive(serde::Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    code: &'a str,
    detail: &'a str,
}

pub(crate) fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    let body = Problem {
        kind: format!("https://imagegen.dev/problems/{code}"),
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        code,
        detail,
    };
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// `Retry-After` in whole seconds, rounded up: never invite a retry that is still early.
fn insert_retry_after(response: &mut Response, after: std::time::Duration) {
    let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
    if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = match self {
            Self::Request {
                status,
                code,
                detail,
            } => return problem(status, code, &detail),
            Self::Unauthorized(detail) => {
                // RFC 6750: say which scheme the credentials take.
                let mut response = problem(StatusCode::UNAUTHORIZED, "unauthorized", &detail);
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return response;
            }
            Self::BadSignature(detail) => {
                return problem(StatusCode::UNAUTHORIZED, "invalid_signature", &detail);
            }
            Self::App(error) => error,
        };
        let detail = error.to_string();
        match &error {
            Error::Prompt(_) => {
                problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_prompt", &detail)
            }
            Error::Settings(_) => problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_settings",
                &detail,
            ),
            Error::Invalid(_) => {
                problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", &detail)
            }
            Error::NotFound { .. } => problem(StatusCode::NOT_FOUND, "not_found", &detail),
            Error::Forbidden(_) => problem(StatusCode::FORBIDDEN, "forbidden", &detail),
            Error::Domain(_) => problem(StatusCode::CONFLICT, "invalid_state", &detail),
            Error::VersionConflict { .. } => {
                problem(StatusCode::CONFLICT, "concurrent_update", &detail)
            }
            Error::Unavailable { .. } | Error::Provider(ProviderError::Unavailable { .. }) => {
                tracing::warn!(error = %error, "answering 503");
                let mut response = problem(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "try again shortly",
                );
                // The provider's own Retry-After when it gave one; 5 s otherwise.
                let after = match &error {
                    Error::Provider(error) => error.retry_after(),
                    _ => None,
                };
                let after = after.unwrap_or(std::time::Duration::from_secs(5));
                insert_retry_after(&mut response, after);
                response
            }
            Error::RateLimited { retry_after, .. } => {
                let mut response = problem(StatusCode::TOO_MANY_REQUESTS, "rate_limited", &detail);
                insert_retry_after(&mut response, *retry_after);
                response
            }
            Error::Provider(_)
            | Error::Fetch { .. }
            | Error::Corrupt { .. }
            | Error::Unexpected { .. } => {
                tracing::error!(error = ?error, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(error: ApiError) -> (StatusCode, Option<String>, Option<String>) {
        let response = error.into_response();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        (
            response.status(),
            header(header::CONTENT_TYPE),
            header(header::RETRY_AFTER),
        )
    }

    #[test]
    fn an_unreachable_store_is_a_503_with_retry_after() {
        let (status, _, retry_after) = parts(Error::unavailable("job queue", "refused").into());
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry_after.as_deref(), Some("5"));
    }

    #[test]
    fn a_throttled_provider_is_a_503_with_the_providers_retry_after() {
        let error = Error::Provider(ProviderError::Unavailable {
            message: "throttled".into(),
            retry_after: Some(std::time::Duration::from_millis(30_200)),
        });
        let (status, _, retry_after) = parts(error.into());
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            retry_after.as_deref(),
            Some("31"),
            "rounded up, never early"
        );
    }

    #[test]
    fn a_corrupt_row_is_a_bare_500() {
        let (status, content_type, _) = parts(Error::corrupt("generation", "bad").into());
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(content_type, None);
    }

    #[test]
    fn client_errors_are_problem_details() {
        let cases = [
            (
                ApiError::from(Error::NotFound { what: "generation" }),
                StatusCode::NOT_FOUND,
            ),
            (Error::Forbidden("no".into()).into(), StatusCode::FORBIDDEN),
            (
                Error::Invalid("bad".into()).into(),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                ApiError::Unauthorized("who".into()),
                StatusCode::UNAUTHORIZED,
            ),
        ];
        for (error, expected) in cases {
            let (status, content_type, _) = parts(error);
            assert_eq!(status, expected);
            assert_eq!(content_type.as_deref(), Some("application/problem+json"));
        }
    }

    #[test]
    fn a_bug_is_a_bare_500_without_internals() {
        let (status, content_type, _) = parts(Error::bug("secret internals").into());
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(content_type, None);
    }
}
