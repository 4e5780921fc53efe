//! Fallbacks for clients that cannot stream. `GET /v1/generations/{id}?wait=S` with
//! `If-None-Match` answers as soon as the generation differs from the client's copy (its
//! `ETag`, which names the version), or `304` after `S` seconds (at most 60) with nothing
//! changed. `GET /v1/events/poll?channel=..&after=P&limit=N` returns the events after a
//! position as one JSON page with `next_position`, under the same access rule as SSE.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures::StreamExt;
use imagegen_application::ports::StreamPosition;
use imagegen_application::{Caller, Channel, Error};
use imagegen_bootstrap::Services;
use imagegen_domain::EventEnvelope;
use imagegen_domain::{Generation, GenerationId};
use imagegen_realtime::PollPage as EventPage;
use serde::Serialize;

use crate::ApiError;
use crate::auth::CurrentUser;
use crate::dto::GenerationOut;
use crate::openapi::Problem;
use crate::stream_opening::{channels_of, query_values};

/// The longest `wait`, in seconds.
const MAX_WAIT_SECS: u64 = 60;
/// Events per poll page by default, and at most.
const PAGE: (usize, usize) = (100, 500);

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/v1/events/poll", get(poll))
}

/// The generation's `ETag`: it changes with every move.
fn etag(generation: &Generation) -> String {
    format!("\"{}-{}\"", generation.id(), generation.version())
}

fn answer(services: &Services, generation: &Generation, tag: &str) -> Response {
    let out = GenerationOut::new(generation, &services.public_base_url);
    let mut response = Json(out).into_response();
    if let Ok(value) = HeaderValue::from_str(tag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// `GET /v1/generations/{id}`, waiting up to `wait` seconds for a change when the
/// client sent the current `ETag` in `If-None-Match`.
pub async fn show(
    services: &Services,
    caller: &Caller,
    id: GenerationId,
    headers: &HeaderMap,
    wait_secs: Option<u64>,
) -> Result<Response, ApiError> {
    let known = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let wait = match wait_secs.unwrap_or(0) {
        secs @ 0..=MAX_WAIT_SECS => Duration::from_secs(secs),
        _ => {
            let message = format!("wait is at most {MAX_WAIT_SECS} seconds");
            return Err(Error::Invalid(message).into());
        }
    };
    // Watch before reading, so a move committed in between is not missed.
    let mut moves = match (&known, wait.is_zero()) {
        (Some(_), false) => {
            let channels = vec![Channel::Generation(id)];
            let events = services.open_stream.session(channels, None).await?;
            Some(Box::pin(events))
        }
        _ => None,
    };
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let generation = services.get_generation.execute(caller, id).await?;
        let tag = etag(&generation);
        let unchanged = known.as_deref().is_some_and(|known| {
            known
                .split(',')
                .any(|k| k.trim().trim_start_matches("W/") == tag)
        });
        if !unchanged {
            return Ok(answer(services, &generation, &tag));
        }
        let moved = match moves.as_mut() {
            Some(moves) => tokio::select! {
                moved = tokio::time::timeout_at(deadline, moves.next()) => matches!(moved, Ok(Some(_))),
                () = services.shutdown.cancelled() => false,
            },
            None => false,
        };
        if !moved {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            if let Ok(value) = HeaderValue::from_str(&tag) {
                response.headers_mut().insert(header::ETAG, value);
            }
            return Ok(response);
        }
    }
}

#[utoipa::path(get, path = "/v1/events/poll", tag = "events",
    params(("channel" = Option<Vec<String>>, Query, pattern = r"^(user|organization|generation):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^system$"),
        ("after" = Option<u64>, Query, minimum = 0, maximum = 9223372036854775807_i64, description = "a stream position"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 500)),
    responses((status = 200, body = PollPage), (status = "4XX", body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn poll(
    State(services): State<Arc<Services>>,
    CurrentUser(caller): CurrentUser,
    uri: Uri,
) -> Result<Json<PollPage>, ApiError> {
    let channels = channels_of(&uri, &caller)?;
    services.open_stream.authorize(&caller, &channels).await?;
    // The same answers as the list's: a non-number is a malformed query (400).
    let number = |key: &str| -> Result<Option<u64>, ApiError> {
        query_values(&uri, key)
            .next()
            .map(|raw| raw.trim().parse::<u64>())
            .transpose()
            .map_err(|_| {
                ApiError::bad_request("malformed_query", format!("{key} must be a whole number"))
            })
    };
    let after = number("after")?.unwrap_or(0);
    if after > i64::MAX as u64 {
        return Err(Error::Invalid("after must be a stream position".into()).into());
    }
    let after = StreamPosition(after);
    // Out of range is refused (422), as the list does, never silently moved.
    let limit = match number("limit")? {
        None => PAGE.0,
        Some(n) if (1..=PAGE.1 as u64).contains(&n) => n as usize,
        Some(_) => {
            let message = format!("limit must be from 1 to {}", PAGE.1);
            return Err(Error::Invalid(message).into());
        }
    };
    let events = match services.open_stream.poll(&channels, after, limit).await? {
        EventPage::Events(events) => events,
        // What came after `after` is partly gone: re-fetch state, then poll from here.
        EventPage::Resync(latest) => {
            return Ok(Json(PollPage {
                events: Vec::new(),
                resync: true,
                next_position: latest.0,
            }));
        }
    };
    let next = events.last().map_or(after, |event| event.position);
    let events = (events.into_iter())
        .map(|event| PolledEvent {
            position: event.position.0,
            data: event.envelope,
        })
        .collect();
    Ok(Json(PollPage {
        events,
        resync: false,
        next_position: next.0,
    }))
}

/// A page of `GET /v1/events/poll`.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PollPage {
    events: Vec<PolledEvent>,
    /// Events after `after` were pruned: re-fetch state, then poll from `next_position`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    resync: bool,
    next_position: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
struct PolledEvent {
    position: u64,
    #[schema(value_type = Object)]
    data: EventEnvelope,
}
