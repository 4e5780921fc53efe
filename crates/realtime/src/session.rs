//! One connection's events: what it missed (from the store), then live events (from
//! the hub), with no gap and no duplicate.
//!
//! It subscribes to the hub before reading the store, so an event committed meanwhile
//! is seen at least once; positions already sent are skipped, so it is seen at most
//! once. When the connection falls behind the hub (its queue overflowed), it reads the
//! store again from the last position it sent; when it falls behind twice within
//! [`SLOW_WINDOW`] while live, the client is too slow: the session ends with `TooSlow`,
//! and the client resumes from its last position, so that a reader that cannot keep up
//! never costs a store read per burst.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use futures::Stream;
use imagegen_application::metric_names;
use imagegen_application::ports::{BusMessage, EventStore, StoredEvent, StreamPosition};
use imagegen_application::{Channel, Result};

use crate::Hub;
use crate::hub::{HubMessage, HubSubscription, Received};

/// Two overflows of a live session within this long make its client too slow.
pub const SLOW_WINDOW: Duration = Duration::from_secs(30);

/// What a connection is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// A stored event, with its position.
    Event(StoredEvent),
    /// A message that is not stored (a `SystemBroadcast` on `system`, a presence join
    /// or leave): no position, not resumable.
    Ephemeral {
        /// The channel it came on.
        channel: Channel,
        /// The message, shared by every session that gets it.
        shared: Arc<HubMessage>,
    },
    /// The client resumed from before what the store keeps (its retention): the events
    /// in between are gone, so it must re-fetch state over REST. The session ends.
    Resync {
        /// The store keeps nothing at or before this position.
        pruned_through: StreamPosition,
    },
    /// The client fell too far behind, twice: it is cut off and resumes after
    /// `resume_after` (its last position) on a new connection. The session ends.
    TooSlow {
        /// The last position it was sent.
        resume_after: StreamPosition,
    },
}

impl Delivery {
    /// The message of an ephemeral delivery.
    pub fn ephemeral_message(&self) -> Option<&serde_json::Value> {
        match self {
            Self::Ephemeral { shared, .. } => shared.ephemeral(),
            _ => None,
        }
    }

    /// The stored event, if this is one.
    pub fn into_event(self) -> Option<StoredEvent> {
        match self {
            Self::Event(event) => Some(event),
            Self::Ephemeral { .. } | Self::Resync { .. } | Self::TooSlow { .. } => None,
        }
    }
}

/// Events read from the store per round.
const PAGE: usize = 500;

type PageRead = Pin<Box<dyn Future<Output = Result<Vec<StoredEvent>>> + Send>>;

/// One connection's events, from [`session_events`]. Polled by hand rather than built
/// from `unfold`: a live delivery then moves nothing and allocates nothing, which
/// matters when one broadcast wakes 10,000 of these; a named type, so a connection can
/// hold its sessions in place rather than behind another pointer.
pub struct Session {
    live: HubSubscription,
    store: Arc<dyn EventStore>,
    channels: Arc<[Channel]>,
    /// The last position sent, or the client's starting point.
    last: StreamPosition,
    backlog: VecDeque<StoredEvent>,
    catching_up: bool,
    /// The store read in flight while catching up.
    reading: Option<PageRead>,
    /// Set when the resume position is older than the store keeps; sent, then the end.
    resync: Option<StreamPosition>,
    /// When the live session last overflowed.
    overflowed_at: Option<Instant>,
    /// A final delivery was sent: nothing follows.
    ended: bool,
}

impl Session {
    /// Lets the connection take shared messages by express while this session waits
    /// for live ones with nothing in hand (see [`crate::hub::Express`]).
    pub fn express(&self, express: Arc<dyn crate::hub::Express>) {
        self.live.express(express);
    }

    fn read_page(&self) -> PageRead {
        let (store, channels, after) = (self.store.clone(), self.channels.clone(), self.last);
        Box::pin(async move { store.read_after(after, &channels, PAGE).await })
    }

    /// What a live message means for this session: `Some` to send, `None` to go on.
    fn live(&mut self, received: Received) -> Option<Delivery> {
        let message = match received {
            Received::Message(message) => message,
            Received::Overflowed => {
                let now = Instant::now();
                if self
                    .overflowed_at
                    .is_some_and(|at| now.duration_since(at) < SLOW_WINDOW)
                {
                    tracing::info!(last = self.last.0, "client too slow; cutting it off");
                    metrics::counter!(metric_names::STREAMS_TOO_SLOW).increment(1);
                    self.ended = true;
                    return Some(Delivery::TooSlow {
                        resume_after: self.last,
                    });
                }
                tracing::debug!("connection fell behind; catching up from the store");
                self.overflowed_at = Some(now);
                self.catching_up = true;
                return None;
            }
        };
        match &message.bus {
            // The hub sends only messages of our channels.
            BusMessage::Event(event) => self.backlog.push_back(event.clone()),
            BusMessage::Ephemeral { channel, .. } => {
                if let Ok(channel) = channel.parse::<Channel>() {
                    let shared = message.clone();
                    return Some(Delivery::Ephemeral { channel, shared });
                }
            }
            // The bus itself missed messages (a Redis reconnect): not the client's doing.
            BusMessage::Lagged => {
                tracing::debug!("the bus missed messages; catching up from the store");
                self.catching_up = true;
            }
        }
        None
    }
}

impl Stream for Session {
    type Item = Delivery;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Delivery>> {
        let session = &mut *self;
        if session.ended {
            return Poll::Ready(None);
        }
        if let Some(pruned_through) = session.resync {
            metrics::counter!(metric_names::STREAM_RESYNCS).increment(1);
            session.ended = true;
            return Poll::Ready(Some(Delivery::Resync { pruned_through }));
        }
        loop {
            if let Some(event) = session.backlog.pop_front() {
                if event.position > session.last {
                    session.last = event.position;
                    return Poll::Ready(Some(Delivery::Event(event)));
                }
                continue;
            }
            if session.catching_up {
                if session.reading.is_none() {
                    session.reading = Some(session.read_page());
                }
                let Some(reading) = session.reading.as_mut() else {
                    continue;
                };
                let page = ready!(reading.as_mut().poll(cx));
                session.reading = None;
                match page {
                    Ok(page) => {
                        // Overflows while catching up are expected; the next read
                        // covers what they missed.
                        session.catching_up = page.len() == PAGE || session.live.take_overflow();
                        session.backlog.extend(page);
                        continue;
                    }
                    Err(error) => {
                        // Ending the stream makes the client reconnect with Last-Event-ID.
                        tracing::warn!(%error, "cannot read missed events; closing the stream");
                        session.ended = true;
                        return Poll::Ready(None);
                    }
                }
            }
            let received = ready!(session.live.poll_recv(cx));
            if let Some(delivery) = session.live(received) {
                return Poll::Ready(Some(delivery));
            }
        }
    }
}

/// The events of `channels` for one connection, and announcements when `system` is
/// one of them. With `resume_after` (the client's
/// `Last-Event-ID`) it first sends every event after that position; without it, every
/// event committed from now on. Either way nothing is lost if it falls behind.
///
/// # Errors
/// The store's `Unavailable` when the current position cannot be read.
pub async fn session_events(
    hub: &Arc<Hub>,
    store: Arc<dyn EventStore>,
    channels: Vec<Channel>,
    resume_after: Option<StreamPosition>,
) -> Result<Session> {
    // Subscribe first: whatever commits after the position read below arrives live.
    let live = hub.subscribe(&channels);
    let last = match resume_after {
        Some(position) => position,
        None => store.latest_position().await?,
    };
    let pruned_through = match resume_after {
        Some(_) => store.pruned_through().await?,
        None => StreamPosition::START,
    };
    let session = Session {
        live,
        store,
        channels: channels.into(),
        last,
        backlog: VecDeque::new(),
        catching_up: resume_after.is_some(),
        reading: None,
        resync: (last < pruned_through).then_some(pruned_through),
        overflowed_at: None,
        ended: false,
    };
    Ok(session)
}
