//! One subscriber of the hub: a small bounded queue, and whether it missed messages.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures::task::AtomicWaker;

use super::HubMessage;

/// Messages a subscriber may have waiting before it must catch up from the store.
const QUEUE: usize = 64;

/// Queue room a subscriber keeps between bursts: enough for an event's few messages, so
/// a delivery costs no allocation, and little for an idle connection.
const KEPT_ROOM: usize = 4;

/// One subscriber's queue, and whether it missed messages. A plain queue and one
/// waker rather than a channel or a `Notify`: an idle subscriber then costs about a
/// hundred bytes, and a delivery takes no lock but the queue's (one connection reads
/// each subscription, so one waker is enough).
#[derive(Default)]
pub(super) struct Subscriber {
    queue: Mutex<VecDeque<Arc<HubMessage>>>,
    pub(super) ready: AtomicWaker,
    pub(super) lagged: AtomicBool,
}

impl Subscriber {
    pub(super) fn offer(&self, message: &Arc<HubMessage>) {
        {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            if queue.len() >= QUEUE {
                self.lagged.store(true, Ordering::Release);
            } else {
                queue.push_back(message.clone());
            }
        }
        self.ready.wake();
    }

    pub(super) fn take(&self) -> Option<Arc<HubMessage>> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let message = queue.pop_front();
        if queue.is_empty() && queue.capacity() > KEPT_ROOM {
            // Give back what a burst needed.
            queue.shrink_to(KEPT_ROOM);
        }
        message
    }
}
