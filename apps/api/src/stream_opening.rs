//! Opening an event stream, for every way one is asked for (SSE through hyper, SSE
//! on the socket directly, the poll page's channels): the channels (the caller's own
//! user channel when none is given, at most 32), their authorization, the stream
//! share, the resume point, and the session, all within one set-up deadline.

use std::sync::Arc;

use axum::http::{HeaderMap, Uri};
use futures::{Stream, StreamExt};
use imagegen_application::ports::StreamPosition;
use imagegen_application::{Channel, Error};
use imagegen_bootstrap::Services;
use imagegen_realtime::hub::Express;
use imagegen_realtime::{Framing, OpenedStream, SseFrame, sse_frames};

use crate::ApiError;
use crate::auth::CurrentSession;

/// The most channels one stream may watch (each costs an authorization check and
/// filtering work per event).
const MAX_CHANNELS: usize = 32;

pub fn query_values<'a>(uri: &'a Uri, key: &'a str) -> impl Iterator<Item = String> + 'a {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .filter(move |(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The `channel` parameters (at most 32), or the caller's own user channel.
///
/// # Errors
/// `Invalid` for too many channels or one that does not parse.
pub fn channels_of(
    uri: &Uri,
    caller: &imagegen_application::Caller,
) -> Result<Vec<Channel>, Error> {
    if query_values(uri, "channel").nth(MAX_CHANNELS).is_some() {
        return Err(Error::Invalid(format!(
            "at most {MAX_CHANNELS} channels per stream"
        )));
    }
    let mut channels = query_values(uri, "channel")
        .map(|raw| {
            raw.parse::<Channel>()
                .map_err(|e| Error::Invalid(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if channels.is_empty() {
        channels.push(Channel::User(caller.user_id));
    }
    Ok(channels)
}

/// Checks an event stream request and opens its session: the SSE text to send, which
/// ends at shutdown (`reconnect`) or when the token expires (`token_expired`). Shared
/// by hyper's route and the direct path on the socket, each with its `framing` (and
/// the direct path with its socket's `express`, for broadcasts).
///
/// # Errors
/// Bad channels or `Last-Event-ID` (422), a forbidden channel (403), a full instance
/// (503), an unreachable store.
pub async fn open_stream(
    services: &Arc<Services>,
    CurrentSession { caller, expires_at }: CurrentSession,
    headers: &HeaderMap,
    uri: &Uri,
    framing: Framing,
    express: Option<Arc<dyn Express>>,
) -> Result<impl Stream<Item = SseFrame> + Send + 'static, ApiError> {
    let channels = channels_of(uri, &caller)?;
    let last_event_id = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| query_values(uri, "last_event_id").next());
    let resume_after = last_event_id
        .map(|raw| raw.trim().parse::<u64>().map(StreamPosition))
        .transpose()
        .map_err(|_| Error::Invalid("Last-Event-ID must be a stream position".into()))?;
    tracing::debug!(
        channels = channels.len(),
        resume = resume_after.map(|p| p.0),
        "event stream opened"
    );
    let OpenedStream {
        session: stream,
        permit,
    } = services
        .open_stream
        .open(&caller, channels, resume_after)
        .await?;
    if let Some(express) = express {
        stream.express(express);
    }
    // The stream ends at shutdown or when the token expires, and says which.
    let left = (expires_at - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    let expires = tokio::time::Instant::now() + left;
    let frames = sse_frames(stream, services.hub.closing(), expires, framing);
    // The permit goes with the stream and returns when it is dropped.
    Ok(frames.map(move |frame| {
        let _held = &permit;
        frame
    }))
}
