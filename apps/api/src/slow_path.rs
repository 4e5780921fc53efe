//! Waits that only a slow client causes (a full socket), boxed: a connection's state
//! is as large as the largest thing it may wait on, and 10,000 resting connections
//! should not each carry room for a timer they rarely use.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::time::Timeout;

/// `work` within `limit`, its state on the heap for as long as it runs.
pub fn within<F: Future>(limit: Duration, work: F) -> Pin<Box<Timeout<F>>> {
    Box::pin(tokio::time::timeout(limit, work))
}
