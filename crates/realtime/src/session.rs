//! One connection's events: what it missed (from the store), then live events (from
//! the hub), with no gap and no duplicate.
//!
//! It subscribes to the hub before reading the store, so an event committed meanwhile
//! is seen at least once; positions already sent are skipped, so it is seen at most
//! once. When the connection falls behind the hub, it reads the store again from the
//! last position it sent.

use std::collections::VecDeque;
use std::sync::Arc;

use futures::Stream;
use imagegen_application::Channel;
use imagegen_application::ports::{BusMessage, EventStore, StoredEvent, StreamPosition};
use tokio::sync::broadcast::{self, error::RecvError};

use crate::Hub;

/// Events read from the store per round.
const PAGE: usize = 500;

struct Session {
    live: broadcast::Receiver<Arc<BusMessage>>,
    store: Arc<dyn EventStore>,
    channels: Vec<Channel>,
    /// The last position sent; `None` until something was sent to a fresh client.
    last: Option<StreamPosition>,
    backlog: VecDeque<StoredEvent>,
    catching_up: bool,
}

impl Session {
    async fn next(&mut self) -> Option<StoredEvent> {
        loop {
            if let Some(event) = self.backlog.pop_front() {
                if self.last.is_none_or(|last| event.position > last) {
                    self.last = Some(event.position);
                    return Some(event);
                }
                continue;
            }
            if self.catching_up {
                let after = self.last.unwrap_or(StreamPosition::START);
                match self.store.read_after(after, &self.channels, PAGE).await {
                    Ok(page) => {
                        self.catching_up = page.len() == PAGE;
                        self.backlog.extend(page);
                        continue;
                    }
                    Err(error) => {
                        // Ending the stream makes the client reconnect with Last-Event-ID.
                        tracing::warn!(%error, "cannot read missed events; closing the stream");
                        return None;
                    }
                }
            }
            match self.live.recv().await {
                Ok(message) => match message.as_ref() {
                    BusMessage::Event(event)
                        if Channel::any_carries(&self.channels, &event.envelope) =>
                    {
                        self.backlog.push_back(event.clone());
                    }
                    BusMessage::Event(_) => {}
                    BusMessage::Lagged => self.catching_up = self.last.is_some(),
                },
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "connection fell behind; catching up from the store");
                    self.catching_up = self.last.is_some();
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// The events of `channels` for one connection. With `resume_after` (the client's
/// `Last-Event-ID`) it first sends every event after that position.
pub fn session_events(
    hub: &Hub,
    store: Arc<dyn EventStore>,
    channels: Vec<Channel>,
    resume_after: Option<StreamPosition>,
) -> impl Stream<Item = StoredEvent> + Send + use<> {
    let session = Session {
        live: hub.subscribe(),
        store,
        channels,
        last: resume_after,
        backlog: VecDeque::new(),
        catching_up: resume_after.is_some(),
    };
    futures::stream::unfold(session, |mut session| async move {
        session.next().await.map(|event| (event, session))
    })
}
