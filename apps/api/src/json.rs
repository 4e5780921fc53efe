//! Body and query extractors whose rejections share the app's problem shape: malformed
//! JSON is 400, well-formed JSON of the wrong shape is 422, a missing JSON content type
//! is 415, a body over the limit is 413, a malformed query is 400.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use imagegen_application::Error;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ApiError;

/// `axum::Json`, with problem-details rejections.
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(charset) = other_charset(request.headers()) {
            return Err(ApiError::Request {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "unsupported_media_type",
                detail: format!("JSON is read as UTF-8 only, not {charset}"),
            });
        }
        if !json_content_type(request.headers()) {
            return Err(ApiError::Request {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "unsupported_media_type",
                detail: "Expected request with `Content-Type: application/json`".into(),
            });
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::Request {
                    status: StatusCode::PAYLOAD_TOO_LARGE,
                    code: "body_too_large",
                    detail: e.body_text(),
                }
            } else {
                ApiError::bad_request("malformed_json", e.body_text())
            }
        })?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request("malformed_json", format!("not JSON: {e}")))?;
        // Every body is an object: serde would read a struct from an array, by position.
        let Value::Object(mut object) = value else {
            return Err(Error::Invalid("the body must be a JSON object".into()).into());
        };
        whole_numbers(&mut object);
        serde_json::from_value::<T>(Value::Object(object))
            .map(Self)
            .map_err(|e| Error::Invalid(without_type_names(&e.to_string())).into())
    }
}

/// Numbers with no fraction (`4.0`) as integers: JSON does not tell them apart, and
/// an integer field takes either.
fn whole_numbers(object: &mut serde_json::Map<String, Value>) {
    fn visit(value: &mut Value) {
        match value {
            Value::Number(n) if n.is_f64() => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    // Exact below 2^53: the conversion loses nothing.
                    *value = Value::from(f as i64);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(visit),
            Value::Object(fields) => fields.values_mut().for_each(visit),
            _ => {}
        }
    }
    object.values_mut().for_each(visit);
}

/// Whether the request says its body is JSON (`application/json`, `application/*+json`).
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = (headers.get(axum::http::header::CONTENT_TYPE)).and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The `charset` a JSON body declares when it is not UTF-8 (RFC 8259: JSON between
/// systems is UTF-8; a body read as UTF-8 that is not would be read wrong).
fn other_charset(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    let charset = (value.split(';').skip(1))
        .filter_map(|param| param.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())?;
    (!charset.eq_ignore_ascii_case("utf-8"))
        .then(|| imagegen_application::capped(&charset).to_string())
}

/// `axum::extract::Query`, with problem-details rejections.
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|e: QueryRejection| ApiError::bad_request("malformed_query", e.body_text()))
    }
}

/// serde's words with our internal type names taken out: `expected struct
/// BroadcastBody` becomes `expected a JSON object` (a client cannot act on our names).
fn without_type_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("struct ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "struct ".len()..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out.push_str("a JSON object");
        rest = &after[name_len..];
    }
    out.push_str(rest);
    out.replace(
        "Failed to deserialize the JSON body into the target type: ",
        "",
    )
}

/// Unknown routes answer with a problem too.
pub async fn not_found() -> impl IntoResponse {
    ApiError::Request {
        status: StatusCode::NOT_FOUND,
        code: "not_found",
        detail: "no such route".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_type_names_never_reach_a_client() {
        let said = "Failed to deserialize the JSON body into the target type: invalid type: \
                    string \"x\", expected struct BroadcastBody at line 1 column 3";
        assert_eq!(
            without_type_names(said),
            "invalid type: string \"x\", expected a JSON object at line 1 column 3"
        );
    }
}
