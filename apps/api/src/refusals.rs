//! Refusals made below the routes answer as problem details too: a method a route does
//! not take (405, with `Allow`), a body over a route's limit (413), a URI or headers too
//! long (414, 431), a media type a route does not read (415). The limits on the URI and
//! the headers are ours, checked before any route runs; hyper's own (64 KiB for a URI,
//! 400 KiB for a head) stay behind them.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::problem;

/// The longest URI a request may carry (path and query).
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most bytes a request's headers may take in all (names and values).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Refuses a URI or headers over the limits before any route reads them.
pub async fn limits(request: Request, next: Next) -> Response {
    if request.uri().to_string().len() > MAX_URI_BYTES {
        let detail = format!("the URI is longer than {MAX_URI_BYTES} bytes");
        return problem(StatusCode::URI_TOO_LONG, "uri_too_long", &detail);
    }
    let header_bytes: usize = (request.headers().iter())
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        let detail = format!("the headers take more than {MAX_HEADER_BYTES} bytes");
        return problem(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            &detail,
        );
    }
    next.run(request).await
}

/// Gives a framework's bare refusal (no body, or plain text) the problem shape, keeping
/// its headers (`Allow`...). Our own problems and 500s (which carry no body) pass.
pub async fn as_problem(response: Response) -> Response {
    let status = response.status();
    let (code, detail) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "this route does not take that method")
        }
        StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "the body is over this route's limit"),
        StatusCode::URI_TOO_LONG => ("uri_too_long", "the URI is too long"),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            ("headers_too_large", "the headers are too large")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "this route does not read that media type",
        ),
        _ => return response,
    };
    let problem_type = HeaderValue::from_static("application/problem+json");
    if response.headers().get(header::CONTENT_TYPE) == Some(&problem_type) {
        return response;
    }
    let mut answer = problem(status, code, detail);
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}
