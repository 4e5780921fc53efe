//! The stream of a connection's SSE frames, polled by hand: one wake looks at the
//! instance's closing, the session, and one timer (keep-alive and token expiry both),
//! and moves nothing.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};
use tokio::time::{Instant, Sleep};

use super::{Framing, KEEP_ALIVE, RETRY, SseFrame, frame, message};
use crate::closing::ClosingWatch;
use crate::session::Delivery;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Start,
    Open,
    Over,
}

/// See [`sse_frames`].
pub struct SseFrames<S> {
    events: S,
    closing: ClosingWatch,
    /// The next keep-alive or the token's expiry, whichever comes first.
    alarm: Pin<Box<Sleep>>,
    expires: Instant,
    /// Whether anything was sent since the last keep-alive.
    sent: bool,
    stage: Stage,
    framing: Framing,
}

/// The SSE text of a session's events: first the reconnection delay, then the events,
/// with a comment after a [`KEEP_ALIVE`] period without one (of its own: what the hub
/// writes by express is not seen here). It ends with a last word
/// the client can act on: `reconnect` when the instance closes (come back, to another
/// instance, with `Last-Event-ID`) or `token_expired` at `expires` (come back with a
/// fresh token). When the events end first (a `resync` or `too_slow` said so), so
/// does the stream. Each frame is wrapped as `framing` says (the end of a chunked body
/// is the writer's to send).
pub fn sse_frames<S>(
    events: S,
    closing: ClosingWatch,
    expires: Instant,
    framing: Framing,
) -> SseFrames<S>
where
    S: Stream<Item = Delivery> + Unpin,
{
    SseFrames {
        events,
        closing,
        alarm: Box::pin(tokio::time::sleep_until(
            expires.min(Instant::now() + KEEP_ALIVE),
        )),
        expires,
        sent: false,
        stage: Stage::Start,
        framing,
    }
}

impl<S> SseFrames<S> {
    fn last_word(&mut self, word: &str) -> Poll<Option<SseFrame>> {
        self.stage = Stage::Over;
        let text = message(None, word, "{}");
        Poll::Ready(Some(SseFrame::Owned(self.framing.wrap(&text))))
    }
}

impl<S> Stream for SseFrames<S>
where
    S: Stream<Item = Delivery> + Unpin,
{
    type Item = SseFrame;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<SseFrame>> {
        let frames = &mut *self;
        match frames.stage {
            Stage::Over => return Poll::Ready(None),
            Stage::Start => {
                frames.stage = Stage::Open;
                let retry = format!("retry: {}\n\n", RETRY.as_millis());
                return Poll::Ready(Some(SseFrame::Owned(frames.framing.wrap(&retry))));
            }
            Stage::Open => {}
        }
        if Pin::new(&mut frames.closing).poll(cx).is_ready() {
            return frames.last_word("reconnect");
        }
        loop {
            match frames.events.poll_next_unpin(cx) {
                Poll::Ready(Some(delivery)) => {
                    if let Some(text) = frame(delivery, frames.framing) {
                        frames.sent = true;
                        return Poll::Ready(Some(text));
                    }
                }
                Poll::Ready(None) => {
                    frames.stage = Stage::Over;
                    return Poll::Ready(None);
                }
                Poll::Pending => break,
            }
        }
        while frames.alarm.as_mut().poll(cx).is_ready() {
            let rang = frames.alarm.deadline();
            if rang >= frames.expires {
                return frames.last_word("token_expired");
            }
            let next = frames.expires.min(rang + KEEP_ALIVE);
            frames.alarm.as_mut().reset(next);
            // A comment only after a whole period of silence.
            if !std::mem::take(&mut frames.sent) {
                return Poll::Ready(Some(SseFrame::Owned(frames.framing.wrap(":\n\n"))));
            }
        }
        Poll::Pending
    }
}
