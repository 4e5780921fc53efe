//! `GET /v1/events`: server-sent events of the channels asked for (`channel` may
//! repeat; the caller's own user channel when none is given). `Last-Event-ID` (header,
//! or `last_event_id` in the query) resumes after that stream position.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::Uri;
use axum::response::IntoResponse;
use axum::routing::get;
use futures::StreamExt;
use imagegen_bootstrap::Services;
use imagegen_realtime::Framing;

use imagegen_streams::event_stream::STREAM_HEADERS;

use crate::ApiError;
use crate::auth::CurrentSession;
use crate::openapi::Problem;
use crate::stream_opening::open_stream;

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/v1/events", get(events))
}

#[utoipa::path(get, path = "/v1/events", tag = "events",
    params(("channel" = Option<Vec<String>>, Query, pattern = r"^(user|organization|generation):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^system$", description = "repeats: user:{id}, organization:{id}, generation:{id}, system; your user by default"),
        ("Last-Event-ID" = Option<String>, Header, description = "resume after this stream position")),
    responses((status = 200, description = "server-sent events", content_type = "text/event-stream", body = String),
        (status = "4XX", body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn events(
    State(services): State<Arc<Services>>,
    session: CurrentSession,
    headers: HeaderMap,
    uri: Uri,
) -> Result<impl IntoResponse, ApiError> {
    let frames = open_stream(&services, session, &headers, &uri, Framing::Plain, None).await?;
    let body = Body::from_stream(frames.map(|frame| Ok::<_, Infallible>(Bytes::from(frame))));
    Ok((STREAM_HEADERS, body))
}
