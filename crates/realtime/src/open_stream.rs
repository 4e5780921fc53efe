//! The `OpenStream` use case: everything between an authenticated request for events
//! and the session a transport serves, for SSE, the WebSocket and the poll page alike:
//! which channels the caller may watch, a place under the instance's stream caps, the
//! resume point, and the session itself, all within one set-up deadline.

use std::sync::Arc;
use std::time::Duration;

use imagegen_application::ports::{EventStore, GenerationRepository, StoredEvent, StreamPosition};
use imagegen_application::{Caller, Channel, Error, Result, metric_names};
use imagegen_domain::UserId;

use crate::stream_cap::{StreamCap, StreamPermit, StreamRefusal};
use crate::{Hub, Session, authorize_channels, session_events};

/// How long opening a stream may take in all (the store's own wait for a connection).
pub const SETUP_DEADLINE: Duration = Duration::from_secs(3);

/// How a stream is carried, for its place under the caps and the open-streams gauge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Server-sent events.
    Sse,
    /// A WebSocket.
    WebSocket,
}

impl Transport {
    /// The metrics label (`sse`, `websocket`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sse => "sse",
            Self::WebSocket => "websocket",
        }
    }
}

/// How long a user beyond its share of streams is told to wait.
const USER_FULL_RETRY: Duration = Duration::from_secs(5);

/// An opened stream: its session, and its place under the caps (given back when the
/// permit is dropped, so keep it as long as the stream).
pub struct OpenedStream {
    /// The events to send: the backlog after the resume point, then live.
    pub session: Session,
    /// The stream's place under the instance's caps.
    pub permit: StreamPermit,
}

/// A page of the poll fallback, `GET /v1/events/poll`.
#[derive(Debug)]
pub enum PollPage {
    /// The events after the position asked for, oldest first.
    Events(Vec<StoredEvent>),
    /// Events after the position asked for were pruned: re-fetch state, then poll from
    /// this position.
    Resync(StreamPosition),
}

/// Opens event streams for authenticated callers.
pub struct OpenStream {
    repository: Arc<dyn GenerationRepository>,
    events: Arc<dyn EventStore>,
    hub: Arc<Hub>,
    cap: StreamCap,
}

impl OpenStream {
    /// Streams from `hub` and `events`, channels authorized by `repository`, at most
    /// as many at once as `cap` allows.
    pub fn new(
        repository: Arc<dyn GenerationRepository>,
        events: Arc<dyn EventStore>,
        hub: Arc<Hub>,
        cap: StreamCap,
    ) -> Self {
        metrics::gauge!(metric_names::STREAM_CAPACITY).set(cap.available() as f64);
        Self {
            repository,
            events,
            hub,
            cap,
        }
    }

    /// Authorizes `channels`, takes a place for one more stream of the caller, and
    /// opens its session after `resume_after` (or from now).
    ///
    /// # Errors
    /// `Forbidden` for a channel the caller may not watch; `Unavailable` (503) when the
    /// instance is full or the store does not answer within [`SETUP_DEADLINE`];
    /// `RateLimited` (429) when the caller holds its share of streams.
    pub async fn open(
        &self,
        caller: &Caller,
        channels: Vec<Channel>,
        resume_after: Option<StreamPosition>,
    ) -> Result<OpenedStream> {
        // One deadline for the whole set-up, however many store calls it makes: during
        // an outage the answer is 503 after SETUP_DEADLINE, as REST's.
        let deadline = tokio::time::Instant::now() + SETUP_DEADLINE;
        by(deadline, self.authorize(caller, &channels)).await??;
        let permit = self.admit(caller.user_id, Transport::Sse)?;
        let session = by(deadline, self.session(channels, resume_after)).await??;
        Ok(OpenedStream { session, permit })
    }

    /// Checks that `caller` may watch every one of `channels`.
    ///
    /// # Errors
    /// `Forbidden` naming the first channel it may not watch; the store's errors.
    pub async fn authorize(&self, caller: &Caller, channels: &[Channel]) -> Result<()> {
        authorize_channels(caller, channels, self.repository.as_ref()).await
    }

    /// A place for one more stream of `user` over `transport` on this instance.
    ///
    /// # Errors
    /// `Unavailable` (503) when the instance is full, `RateLimited` (429) when the user
    /// holds its share.
    pub fn admit(&self, user: UserId, transport: Transport) -> Result<StreamPermit> {
        let admitted = self.cap.admit(user, transport.as_str());
        if let Err(refusal) = &admitted {
            let reason = match refusal {
                StreamRefusal::Full => "instance_full",
                StreamRefusal::UserFull(_) => "user_full",
            };
            metrics::counter!(metric_names::STREAMS_REFUSED, "reason" => reason).increment(1);
        }
        admitted.map_err(|refusal| match refusal {
            StreamRefusal::Full => {
                tracing::warn!("event stream refused: the connection cap is reached");
                Error::unavailable("event streams", refusal)
            }
            StreamRefusal::UserFull(_) => {
                tracing::info!(user.id = %user, "event stream refused: the user's share is reached");
                Error::RateLimited {
                    message: refusal.to_string(),
                    retry_after: USER_FULL_RETRY,
                }
            }
        })
    }

    /// The session of channels already authorized (a WebSocket's subscription, under
    /// the permit its connection holds), after `resume_after` or from now.
    ///
    /// # Errors
    /// The store's `Unavailable`.
    pub async fn session(
        &self,
        channels: Vec<Channel>,
        resume_after: Option<StreamPosition>,
    ) -> Result<Session> {
        if resume_after.is_some() {
            metrics::counter!(metric_names::STREAM_RESUMES).increment(1);
        }
        session_events(&self.hub, self.events.clone(), channels, resume_after).await
    }

    /// Up to `limit` events of `channels` after `after`, for a caller already
    /// authorized; or a resync when some of them were pruned.
    ///
    /// # Errors
    /// The store's `Unavailable`.
    pub async fn poll(
        &self,
        channels: &[Channel],
        after: StreamPosition,
        limit: usize,
    ) -> Result<PollPage> {
        if after < self.events.pruned_through().await? {
            return Ok(PollPage::Resync(self.events.latest_position().await?));
        }
        let events = self.events.read_after(after, channels, limit).await?;
        Ok(PollPage::Events(events))
    }

    /// The position of the newest event: reading it shows the store answers.
    ///
    /// # Errors
    /// The store's `Unavailable`.
    pub async fn latest_position(&self) -> Result<StreamPosition> {
        self.events.latest_position().await
    }

    /// How many more streams this instance takes.
    pub fn available(&self) -> usize {
        self.cap.available()
    }
}

/// `future`'s output, or `Unavailable` when `deadline` passes first.
async fn by<T>(deadline: tokio::time::Instant, future: impl Future<Output = T>) -> Result<T> {
    tokio::time::timeout_at(deadline, future)
        .await
        .map_err(|elapsed| Error::unavailable("event store", elapsed))
}
