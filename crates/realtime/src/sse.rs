//! Events as server-sent events: `id:` the stream position, `event:` the event type,
//! `data:` the JSON envelope.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{Stream, StreamExt};
use imagegen_application::ports::StoredEvent;

/// How often an idle stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

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

/// The SSE response for a session's events.
pub fn sse_response(
    events: impl Stream<Item = StoredEvent> + Send + 'static,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    Sse::new(events.map(|event| Ok(to_sse(event))))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}
