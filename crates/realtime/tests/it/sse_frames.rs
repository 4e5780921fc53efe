//! The SSE frames of a stream over time: `retry:` first, then events, a comment after
//! each whole keep-alive period of silence, and a last word the client can act on when
//! the token expires or the instance closes.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use imagegen_application::ports::StreamPosition;
use imagegen_realtime::sse::KEEP_ALIVE;
use imagegen_realtime::{Closing, Delivery, Framing, SseFrame, sse_frames};
use tokio::time::Instant;

fn text(frame: Option<SseFrame>) -> String {
    let frame = frame.expect("a frame");
    String::from_utf8_lossy(frame.as_ref()).into_owned()
}

/// The next frame within `within` of (paused) time, if any.
async fn next_within(
    frames: &mut (impl futures::Stream<Item = SseFrame> + Unpin),
    within: Duration,
) -> Option<String> {
    tokio::time::timeout(within, frames.next())
        .await
        .ok()
        .map(text)
}

#[tokio::test(start_paused = true)]
async fn silence_gets_a_comment_each_period_and_the_end_of_the_token_a_last_word() {
    let closing = Arc::new(Closing::default());
    let expires = Instant::now() + KEEP_ALIVE * 2 + Duration::from_secs(5);
    let mut frames = sse_frames(
        futures::stream::pending(),
        closing.watch(),
        expires,
        Framing::Plain,
    );
    assert_eq!(text(frames.next().await), "retry: 2000\n\n");
    let second = Duration::from_secs(1);
    assert_eq!(next_within(&mut frames, KEEP_ALIVE - second).await, None);
    assert_eq!(
        next_within(&mut frames, second * 2).await.as_deref(),
        Some(":\n\n")
    );
    assert_eq!(
        next_within(&mut frames, KEEP_ALIVE).await.as_deref(),
        Some(":\n\n")
    );
    let last = next_within(&mut frames, KEEP_ALIVE).await;
    assert_eq!(last.as_deref(), Some("event: token_expired\ndata: {}\n\n"));
    assert!(frames.next().await.is_none(), "nothing after the last word");
}

#[tokio::test(start_paused = true)]
async fn an_event_postpones_the_comment_and_closing_says_reconnect_chunked() {
    let closing = Arc::new(Closing::default());
    let resync = Delivery::Resync {
        pruned_through: StreamPosition(7),
    };
    let events = futures::stream::iter([resync]).chain(futures::stream::pending());
    let expires = Instant::now() + Duration::from_secs(3600);
    let mut frames = sse_frames(events, closing.watch(), expires, Framing::Chunked);
    assert_eq!(text(frames.next().await), "d\r\nretry: 2000\n\n\r\n");
    let resync = text(frames.next().await);
    assert!(
        resync.contains("event: resync\ndata: {\"pruned_through\":7}"),
        "{resync}"
    );
    // Something was sent in the first period: no comment at its end.
    let second = Duration::from_secs(1);
    assert_eq!(next_within(&mut frames, KEEP_ALIVE + second).await, None);
    closing.close();
    let last = next_within(&mut frames, second).await;
    assert_eq!(
        last.as_deref(),
        Some("1b\r\nevent: reconnect\ndata: {}\n\n\r\n")
    );
    assert!(frames.next().await.is_none());
}
