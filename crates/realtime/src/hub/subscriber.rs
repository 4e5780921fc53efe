//! One subscriber of the hub: a small bounded queue, and whether it missed messages.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use futures::task::AtomicWaker;

use super::HubMessage;
use super::express::{Express, Expressed};

/// Messages a subscriber may have waiting before it must catch up from the store.
const QUEUE: usize = 64;

/// Queue room a subscriber keeps between bursts: enough for an event's few messages, so
/// a delivery costs no allocation, and little for an idle connection.
const KEPT_ROOM: usize = 4;

#[derive(Default)]
struct Waiting {
    messages: VecDeque<Arc<HubMessage>>,
    /// The session waits for live messages with nothing in hand: a shared message may
    /// go by express (see [`Express`]).
    armed: bool,
}

/// One subscriber's queue, and whether it missed messages. A plain queue and one
/// waker rather than a channel or a `Notify`: an idle subscriber costs less (measured
/// in docs/performance.md, "Idle event streams"), and a delivery takes no lock but the
/// queue's (one connection reads each subscription, so one waker is enough).
#[derive(Default)]
pub(super) struct Subscriber {
    queue: Mutex<Waiting>,
    pub(super) ready: AtomicWaker,
    pub(super) lagged: AtomicBool,
    express: OnceLock<Arc<dyn Express>>,
}

impl Subscriber {
    fn waiting(&self) -> MutexGuard<'_, Waiting> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn offer(&self, message: &Arc<HubMessage>) {
        {
            let mut waiting = self.waiting();
            if waiting.armed && waiting.messages.is_empty() && message.ephemeral().is_some() {
                match self.express.get().map(|express| express.try_send(message)) {
                    Some(Expressed::Sent | Expressed::Started) => return,
                    Some(Expressed::Declined) | None => {}
                }
            }
            if waiting.messages.len() >= QUEUE {
                self.lagged.store(true, Ordering::Release);
            } else {
                waiting.messages.push_back(message.clone());
            }
        }
        self.ready.wake();
    }

    /// The next message; when there is none, the subscriber is armed for express.
    pub(super) fn take(&self) -> Option<Arc<HubMessage>> {
        let mut waiting = self.waiting();
        let message = waiting.messages.pop_front();
        waiting.armed = message.is_none() && self.express.get().is_some();
        if waiting.messages.is_empty() && waiting.messages.capacity() > KEPT_ROOM {
            // Give back what a burst needed.
            waiting.messages.shrink_to(KEPT_ROOM);
        }
        message
    }

    /// The session has something in hand (it catches up from the store): no express.
    pub(super) fn disarm(&self) {
        self.waiting().armed = false;
    }

    /// Sets how the subscriber's connection takes messages by express; once.
    pub(super) fn express(&self, express: Arc<dyn Express>) {
        let _ = self.express.set(express);
    }
}
