//! Writing to a client that may be slow: at once when the socket takes it, else
//! within [`SEND_TIMEOUT`]. The waits only a slow client causes (a full socket) are
//! boxed: a connection's state is as large as the largest thing it may wait on, and
//! 10,000 resting connections should not each carry room for a timer they rarely use.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::Timeout;

/// A client that takes longer than this to take one message is too slow: it is cut
/// off and resumes from its last position, rather than holding the server's memory.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// `work` within `limit`, its state on the heap for as long as it runs.
pub fn within<F: Future>(limit: Duration, work: F) -> Pin<Box<Timeout<F>>> {
    Box::pin(tokio::time::timeout(limit, work))
}

/// Writes `bytes` whole on `socket`: at once when they fit (no timer), else within
/// [`SEND_TIMEOUT`]; `false` when the write failed or the client (`who`) was too slow.
pub async fn write_whole<S: AsyncWrite + Unpin>(socket: &mut S, bytes: &[u8], who: &str) -> bool {
    let attempt = std::future::poll_fn(|cx| {
        Poll::Ready(std::pin::Pin::new(&mut *socket).poll_write(cx, bytes))
    });
    let written = match attempt.await {
        Poll::Ready(Ok(written)) => written,
        Poll::Ready(Err(_)) => return false,
        Poll::Pending => 0,
    };
    if written == bytes.len() {
        return true;
    }
    match within(SEND_TIMEOUT, socket.write_all(&bytes[written..])).await {
        Ok(written) => written.is_ok(),
        Err(_) => {
            tracing::info!("{who} client too slow; closing");
            false
        }
    }
}
