//! The instance's shutdown as each connection watches it. A connection looks at it on
//! every wake; a `CancellationToken` (even a child token per connection) takes two
//! locks each time, on memory that, at 10,000 connections, is never in cache. Here a
//! look is one load of a flag that never changes until the end, and one waker's
//! registration.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use futures::task::AtomicWaker;

/// Whether the instance is closing, and who to wake when it does.
#[derive(Default)]
pub struct Closing {
    closed: AtomicBool,
    watchers: Mutex<HashMap<u64, Arc<AtomicWaker>>>,
    next_id: AtomicU64,
}

impl Closing {
    /// Closes: every watch completes, now and from now on.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let watchers = self.watchers.lock().unwrap_or_else(PoisonError::into_inner);
        watchers.values().for_each(|waker| waker.wake());
    }

    /// A future that completes when the instance closes.
    pub fn watch(self: &Arc<Self>) -> ClosingWatch {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let waker = Arc::new(AtomicWaker::new());
        self.watchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, waker.clone());
        ClosingWatch {
            closing: self.clone(),
            id,
            waker,
        }
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

/// Completes when the instance closes; leaves the watchers when dropped.
pub struct ClosingWatch {
    closing: Arc<Closing>,
    id: u64,
    waker: Arc<AtomicWaker>,
}

impl Future for ClosingWatch {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.closing.is_closed() {
            return Poll::Ready(());
        }
        self.waker.register(cx.waker());
        // Closed between the look and the registration: its wake found no waker.
        if self.closing.is_closed() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for ClosingWatch {
    fn drop(&mut self) {
        self.closing
            .watchers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;

    #[tokio::test]
    async fn every_watch_completes_when_the_instance_closes_and_not_before() {
        let closing = Arc::new(Closing::default());
        let mut first = closing.watch();
        let waiting = tokio::spawn(closing.watch());
        assert!((&mut first).now_or_never().is_none());
        closing.close();
        assert!(first.now_or_never().is_some());
        tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("a waiting watch wakes")
            .expect("the watch task");
        assert!(
            closing.watch().now_or_never().is_some(),
            "a later watch too"
        );
        assert!(
            closing.watchers.lock().unwrap().is_empty(),
            "dropped watches leave"
        );
    }
}
