//! Events as server-sent events: `id:` the stream position, `event:` the event type,
//! `data:` the JSON envelope.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use imagegen_application::ports::StoredEvent;

/// How often an idle stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long a browser waits before reconnecting (`retry:`).
const RETRY: Duration = Duration::from_secs(2);

fn to_sse(event: StoredEvent) -> Event {
    let sse = Event::default()
        .id(event.position.0.to_string())
        .event(event.envelope.event_type.clone());
    match sse.json_data(&event.envelope) {
        Ok(sse) => sse,
        // An envelope is plain JSON; this cannot fail, but never drop the id.
        Err(_) => Event::default()
            .id(event.position.0.to_string())
            .comment("unserializable event"),
    }
}

/// The SSE response for a session's events: first the reconnection delay, then the
/// events; when `ends_with_reconnect` (the server is shutting down) a final
/// `event: reconnect` tells the client to come back, to another instance, with its
/// `Last-Event-ID`.
pub fn sse_response(
    events: impl Stream<Item = StoredEvent> + Send + 'static,
    ends_with_reconnect: impl std::future::Future<Output = bool> + Send + 'static,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let first = futures::stream::once(async { Ok(Event::default().retry(RETRY)) });
    let last = futures::stream::once(ends_with_reconnect).filter_map(|reconnect| async move {
        reconnect.then(|| Ok(Event::default().event("reconnect").data("{}")))
    });
    Sse::new(
        first
            .chain(events.map(|event| Ok(to_sse(event))))
            .chain(last),
    )
    .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}
