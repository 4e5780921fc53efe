//! The hub: subscribes to the bus once and hands each message to the connections that
//! watch its channels, through an index from channel to subscribers, so one event costs
//! work in proportion to its watchers, not to every connection of the instance.
//!
//! Each subscriber has a small bounded queue. A subscriber whose queue is full misses
//! the message and is marked lagged; it then reads what it missed from the event store.
//! So a slow connection never slows the others and never grows memory without bound.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures::StreamExt;
use imagegen_application::ports::{BusMessage, EventBus};
use imagegen_application::{Channel, Result};
use imagegen_application::{metric_names, trace_context};

mod express;
mod message;
mod subscriber;
pub use express::{Express, Expressed};
pub use message::HubMessage;
use subscriber::Subscriber;
use tokio_util::sync::CancellationToken;

use crate::closing::{Closing, ClosingWatch};

type Subscribers = HashMap<u64, Arc<Subscriber>>;

#[derive(Default)]
struct Index {
    by_channel: HashMap<Channel, Subscribers>,
    all: Subscribers,
}

/// The per-instance fan-out.
pub struct Hub {
    index: Mutex<Index>,
    next_id: AtomicU64,
    closing: Arc<Closing>,
}

/// A subscription to some channels; leaves the index when dropped.
pub struct HubSubscription {
    hub: Arc<Hub>,
    id: u64,
    channels: Vec<Channel>,
    subscriber: Arc<Subscriber>,
}

use imagegen_application::lock;

impl Hub {
    /// Subscribes to `bus` and forwards until `shutdown` or the bus ends; at
    /// `shutdown`, every [`Hub::closing`] watch completes.
    ///
    /// # Errors
    /// The bus's `Unavailable` if it cannot be subscribed to.
    pub async fn start(bus: Arc<dyn EventBus>, shutdown: CancellationToken) -> Result<Arc<Self>> {
        let mut subscription = bus.subscribe().await?;
        let hub = Arc::new(Self {
            index: Mutex::default(),
            next_id: AtomicU64::new(0),
            closing: Arc::default(),
        });
        let forwarding = hub.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    message = subscription.next() => match message {
                        Some(message) => forwarding.deliver(Arc::new(HubMessage::new(message))),
                        None => {
                            tracing::warn!("realtime bus closed");
                            shutdown.cancelled().await;
                            break;
                        }
                    },
                }
            }
            forwarding.closing.close();
        });
        Ok(hub)
    }

    /// Hands `message` to the subscribers of the channels it belongs on. They are
    /// gathered under the index's lock and offered it outside, since an offer may
    /// write on a socket (see [`Express`]) and connections come and go meanwhile.
    fn deliver(&self, message: Arc<HubMessage>) {
        // The push continues the trace of the move that saved the event.
        let span = match &message.bus {
            BusMessage::Event(event) => event.trace.as_deref().map(|traceparent| {
                let span = tracing::info_span!("push", event.r#type = %event.envelope.event_type);
                trace_context::adopt(&span, traceparent);
                span
            }),
            _ => None,
        };
        let _pushing = span.as_ref().map(tracing::Span::enter);
        let watchers = self.watchers(&message.bus);
        for subscriber in &watchers {
            subscriber.offer(&message);
        }
        metrics::counter!(metric_names::EVENTS_DELIVERED).increment(watchers.len() as u64);
        if let BusMessage::Event(event) = &message.bus {
            // Commit to push: the move's time to its hand-over here (clocks of one
            // deployment, so a skew shows as a shift).
            let now = chrono::Utc::now();
            let since = |at: chrono::DateTime<chrono::Utc>| {
                (now - at).to_std().unwrap_or_default().as_secs_f64()
            };
            metrics::histogram!(metric_names::COMMIT_TO_PUSH)
                .record(since(event.envelope.occurred_at));
            if let Some(received) = event.webhook_received_at {
                metrics::histogram!(metric_names::WEBHOOK_TO_PUSH).record(since(received));
            }
        }
    }

    /// The subscribers a bus message goes to, each once.
    fn watchers(&self, bus: &BusMessage) -> Vec<Arc<Subscriber>> {
        let channels: Vec<Channel> = match bus {
            BusMessage::Event(event) => vec![
                Channel::User(event.envelope.user_id),
                Channel::Organization(event.envelope.organization_id),
                Channel::Generation(event.envelope.aggregate_id),
            ],
            BusMessage::Ephemeral { channel, .. } => channel.parse().into_iter().collect(),
            BusMessage::Lagged => return lock(&self.index).all.values().cloned().collect(),
        };
        let index = lock(&self.index);
        let mut watchers = Vec::new();
        for (n, channel) in channels.iter().enumerate() {
            for (id, subscriber) in index.by_channel.get(channel).into_iter().flatten() {
                // A subscriber of several of the event's channels gets it once: from
                // the first of them (a lookup per earlier channel, so a broadcast to
                // many watchers costs time in proportion to them, not its square).
                let told = channels[..n].iter().any(|earlier| {
                    index
                        .by_channel
                        .get(earlier)
                        .is_some_and(|watchers| watchers.contains_key(id))
                });
                if !told {
                    watchers.push(subscriber.clone());
                }
            }
        }
        watchers
    }

    /// A subscription to `channels`: every message for them from now on.
    pub fn subscribe(self: &Arc<Self>, channels: &[Channel]) -> HubSubscription {
        let subscriber = Arc::new(Subscriber::default());
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut index = lock(&self.index);
        for channel in channels {
            let watchers = index.by_channel.entry(*channel).or_default();
            watchers.insert(id, subscriber.clone());
        }
        index.all.insert(id, subscriber.clone());
        HubSubscription {
            hub: self.clone(),
            id,
            channels: channels.to_vec(),
            subscriber,
        }
    }

    /// Completes when the instance shuts down: connections end with it.
    pub fn closing(&self) -> ClosingWatch {
        self.closing.watch()
    }

    /// Connections currently subscribed.
    pub fn connections(&self) -> usize {
        lock(&self.index).all.len()
    }
}

impl HubSubscription {
    /// Whether messages were missed since the last `recv` (its queue was full).
    pub fn has_lagged(&self) -> bool {
        self.subscriber.lagged.load(Ordering::Acquire)
    }

    /// Whether messages were missed since the last look, clearing the mark: a session
    /// that read the store after this call has every message that was missed.
    pub fn take_overflow(&self) -> bool {
        self.subscriber.lagged.swap(false, Ordering::AcqRel)
    }

    /// The next message, or `Overflowed` when some were missed (the queue was full).
    pub async fn recv(&mut self) -> Option<Received> {
        Some(std::future::poll_fn(|cx| self.poll_recv(cx)).await)
    }

    /// Lets the subscription's connection take shared messages by express while it
    /// waits with nothing queued (see [`Express`]); set once.
    pub fn express(&self, express: Arc<dyn Express>) {
        self.subscriber.express(express);
    }

    /// Polls for the next message, or `Overflowed` when some were missed.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Received> {
        if let Some(received) = self.try_recv() {
            return Poll::Ready(received);
        }
        self.subscriber.ready.register(cx.waker());
        // A message offered between the look and the registration woke no one: look again.
        self.try_recv().map_or(Poll::Pending, Poll::Ready)
    }

    fn try_recv(&mut self) -> Option<Received> {
        if self.take_overflow() {
            // Catching up from the store: what comes meanwhile must wait behind it.
            self.subscriber.disarm();
            return Some(Received::Overflowed);
        }
        self.subscriber.take().map(Received::Message)
    }
}

/// What a subscription receives.
#[derive(Debug)]
pub enum Received {
    /// The next message on one of its channels.
    Message(Arc<HubMessage>),
    /// Its queue was full: messages were missed, to be read from the store.
    Overflowed,
}

impl Drop for HubSubscription {
    fn drop(&mut self) {
        let mut index = lock(&self.hub.index);
        for channel in &self.channels {
            if let Some(watchers) = index.by_channel.get_mut(channel) {
                watchers.remove(&self.id);
                if watchers.is_empty() {
                    index.by_channel.remove(channel);
                }
            }
        }
        index.all.remove(&self.id);
    }
}
