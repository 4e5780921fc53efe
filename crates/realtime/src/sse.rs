//! Events as server-sent events: `id:` the stream position, `event:` the event type,
//! `data:` the JSON envelope.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{Stream, StreamExt};

use crate::session::Delivery;

/// How often an idle stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a browser waits before reconnecting (`retry:`).
const RETRY: Duration = Duration::from_secs(2);

/// The SSE message for a delivery; presence joins and leaves are for WebSocket only.
fn to_sse(delivery: Delivery) -> Option<Event> {
    let event = match delivery {
        Delivery::Event(event) => event,
        Delivery::Resync { pruned_through } => {
            let data = serde_json::json!({ "pruned_through": pruned_through.0 });
            return Some(Event::default().event("resync").data(data.to_string()));
        }
        // The stream ends after it; a browser reconnects with its Last-Event-ID.
        Delivery::TooSlow { resume_after } => {
            let data = serde_json::json!({ "last_event_id": resume_after.0 });
            return Some(Event::default().event("too_slow").data(data.to_string()));
        }
        // No `id:`: a broadcast is not a stream position, and a browser keeps its last
        // event id when a message has none.
        Delivery::Ephemeral { shared, .. } => {
            let name = shared.ephemeral()?["event_type"].as_str()?.to_owned();
            return Some(Event::default().event(name).data(shared.text()));
        }
    };
    let sse = Event::default()
        .id(event.position.0.to_string())
        .event(event.envelope.event_type.clone());
    Some(match sse.json_data(&event.envelope) {
        Ok(sse) => sse,
        // An envelope is plain JSON; this cannot fail, but never drop the id.
        Err(_) => Event::default()
            .id(event.position.0.to_string())
            .comment("unserializable event"),
    })
}

/// The SSE response for a session's events: first the reconnection delay, then the
/// events; when the events end, `last_word` may name a final event: `reconnect` (the
/// server is shutting down: come back, to another instance, with `Last-Event-ID`) or
/// `token_expired` (come back with a fresh token).
pub fn sse_response(
    events: impl Stream<Item = Delivery> + Send + 'static,
    last_word: impl std::future::Future<Output = Option<&'static str>> + Send + 'static,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let first = futures::stream::once(async { Ok(Event::default().retry(RETRY)) });
    let last = futures::stream::once(last_word).filter_map(|word| async move {
        word.map(|name| Ok(Event::default().event(name).data("{}")))
    });
    Sse::new(
        first
            .chain(events.filter_map(|delivery| async move { to_sse(delivery).map(Ok) }))
            .chain(last),
    )
    .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}
