//! A connection's subscriptions: each channel's events, polled in turn. A plain list
//! rather than a `StreamMap` of chained streams: at most 32 entries, and a delivery
//! then costs no key copy (the names are shared, counted per connection) and no
//! layers of adapters.

use std::sync::Arc;
use std::task::{Context, Poll};

use futures::StreamExt;
use imagegen_realtime::{Delivery, Session};

/// A subscription's events, held in place (one pointer fewer to follow per wake).
pub type Events = Session;

#[derive(Default)]
pub struct Subscriptions {
    entries: Vec<(Arc<str>, Events)>,
    /// Where the next poll starts, so that one busy channel cannot starve the others.
    start: usize,
}

impl Subscriptions {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| &**n == name)
    }

    /// The subscribed channel names.
    pub fn names(&self) -> Vec<String> {
        self.entries.iter().map(|(n, _)| n.to_string()).collect()
    }

    /// Adds or replaces the subscription to `name`; `true` when it is new.
    pub fn insert(&mut self, name: &str, events: Events) -> bool {
        if let Some(entry) = self.entries.iter_mut().find(|(n, _)| &**n == name) {
            entry.1 = events;
            return false;
        }
        // Room for one more only: most connections watch one or two channels, and an
        // entry holds its session in place.
        self.entries.reserve_exact(1);
        self.entries.push((name.into(), events));
        true
    }

    /// Removes the subscription to `name`; `true` when there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|(n, _)| &**n != name);
        self.entries.len() != before
    }

    /// The next delivery of any subscription, with its channel; `None` as the
    /// delivery when that subscription's events ended (it is then removed).
    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<(Arc<str>, Option<Delivery>)> {
        let count = self.entries.len();
        for turn in 0..count {
            let index = (self.start + turn) % count;
            let (name, events) = &mut self.entries[index];
            match events.poll_next_unpin(cx) {
                Poll::Ready(Some(delivery)) => {
                    self.start = index + 1;
                    return Poll::Ready((name.clone(), Some(delivery)));
                }
                Poll::Ready(None) => {
                    let (name, _) = self.entries.remove(index);
                    return Poll::Ready((name, None));
                }
                Poll::Pending => {}
            }
        }
        Poll::Pending
    }
}
