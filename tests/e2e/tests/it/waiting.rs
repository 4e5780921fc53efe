//! Waiting for a condition instead of sleeping.

use std::time::Duration;

/// Waits until `probe` gives a value, trying every 100 ms for up to 60 s.
pub async fn eventually_async<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Receives messages until one has `event_type`, with a deadline.
pub async fn until(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<crate::support::Message>,
    event_type: &str,
) -> Vec<crate::support::Message> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let message = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("no {event_type} within 30 s; saw {seen:?}"))
            .expect("stream ended");
        let done = message.event == event_type;
        seen.push(message);
        if done {
            return seen;
        }
    }
}
