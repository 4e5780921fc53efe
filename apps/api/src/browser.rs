//! Browsers on other origins (`IMAGEGEN_CORS_ORIGINS`): the CORS layer for REST, event
//! streams, the poll page and images, and the `Origin` check of WebSocket upgrades
//! (which CORS does not cover: a page of any origin may open a WebSocket).

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The origins allowed besides the api's own, serialized (`https://app.example.com`).
#[derive(Clone, Default)]
pub struct Origins(Arc<[String]>);

impl Origins {
    /// The allowlist, as the configuration parsed it.
    pub fn new(origins: Vec<String>) -> Self {
        Self(origins.into())
    }

    /// Whether a request with these headers may open a WebSocket: no `Origin` (not a
    /// browser), the api's own origin (its `Host`), or one on the list.
    pub fn admits_websocket(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return true;
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = origin.to_ascii_lowercase();
        let own_host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let same_origin = own_host.is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
        });
        same_origin || self.0.contains(&origin)
    }

    /// The CORS layer: preflights answered, `Access-Control-Allow-Origin` on answers to
    /// allowed origins only. Tokens travel in `Authorization`, never cookies.
    pub fn layer(&self) -> CorsLayer {
        let allowed: Vec<HeaderValue> = (self.0.iter())
            .filter_map(|origin| HeaderValue::from_str(origin).ok())
            .collect();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(allowed))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_NONE_MATCH,
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static("last-event-id"),
                HeaderName::from_static("x-request-id"),
            ])
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                header::RETRY_AFTER,
                HeaderName::from_static("x-request-id"),
            ])
            .max_age(Duration::from_secs(600))
    }
}
