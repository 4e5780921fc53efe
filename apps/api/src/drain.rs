//! Leaving a load balancer's rotation without failing a request: when shutdown is
//! asked for, `/readyz` says `draining` at once while the api goes on serving for
//! `IMAGEGEN_SHUTDOWN_DELAY_SECS` (long enough for the balancer's health checks to
//! notice), and only then stops accepting, tells its streams to reconnect (elsewhere)
//! and drains.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// Cancelled as soon as shutdown is asked for: readiness reads it.
#[derive(Clone)]
pub struct Draining(pub CancellationToken);

/// The token the system stops on: `asked` cancelled, then `delay` later.
pub fn stop_after(asked: &CancellationToken, delay: Duration) -> CancellationToken {
    let stopping = CancellationToken::new();
    let (asked, stop) = (asked.clone(), stopping.clone());
    tokio::spawn(async move {
        asked.cancelled().await;
        if !delay.is_zero() {
            tracing::info!(
                delay_secs = delay.as_secs(),
                "draining: /readyz answers not ready; still serving until the load balancer has noticed"
            );
            tokio::time::sleep(delay).await;
        }
        stop.cancel();
    });
    stopping
}
