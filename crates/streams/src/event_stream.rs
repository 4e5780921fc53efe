//! An event stream written on the socket itself: the response head, then the frames
//! (HTTP/1.1 chunks already), holding no buffer between events; while the stream
//! waits, the hub may write broadcasts on the socket by express.

use std::io;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, header};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use imagegen_realtime::hub::HubMessage;
use imagegen_realtime::{Framing, SseFrame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::timed_write::{within, write_whole};
use crate::{Gate, SharedSocket, guarded};

/// The response headers of an event stream.
pub const STREAM_HEADERS: [(HeaderName, HeaderValue); 3] = [
    (
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    ),
    // Proxies (nginx) must not buffer a stream, nor caches keep it.
    (
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    ),
    (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
];

/// A broadcast's SSE frame as an HTTP/1.1 chunk, as the hub writes it by express.
pub fn chunked_frame(shared: &HubMessage) -> Option<&Bytes> {
    imagegen_realtime::sse::shared_frame(shared, Framing::Chunked)
}

/// What woke a stream.
enum Woke {
    /// The hub wrote part of a broadcast: the rest is ours to write.
    Owed,
    Frame(Option<SseFrame>),
    Read(io::Result<usize>),
}

/// Writes the response head and the stream's frames (HTTP/1.1 chunks already) until
/// the stream ends, the client goes away, or the client stops taking them; while it
/// waits, the hub may write broadcasts on the socket.
pub fn serve(
    socket: SharedSocket,
    frames: impl Stream<Item = SseFrame> + Send,
) -> impl Future<Output = ()> + Send {
    guarded(Some(socket.0.clone()), write_frames(socket, frames))
}

async fn write_frames(socket: SharedSocket, frames: impl Stream<Item = SseFrame> + Send) {
    let express = &socket.0;
    let mut head = String::from("HTTP/1.1 200 OK\r\n");
    for (name, value) in &STREAM_HEADERS {
        head.push_str(&format!(
            "{name}: {}\r\n",
            value.to_str().unwrap_or_default()
        ));
    }
    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT");
    head.push_str(&format!(
        "date: {date}\r\ntransfer-encoding: chunked\r\n\r\n"
    ));
    let (mut reader, mut writer) = (socket.clone(), socket.clone());
    if writer.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    drop(head);
    let mut frames = std::pin::pin!(frames);
    // The client sends nothing more; a read only tells when it has gone.
    let mut scratch = [0u8; 32];
    loop {
        let woke = {
            let _waiting = express.gate.waiting();
            tokio::select! {
                // What the hub left half-written goes before anything else.
                biased;
                () = Gate::owed(Some(&express.gate)) => Woke::Owed,
                frame = frames.next() => Woke::Frame(frame),
                read = reader.read(&mut scratch) => Woke::Read(read),
            }
        };
        let frame = match woke {
            Woke::Owed => match express.gate.take_owed() {
                Some(rest) => SseFrame::Owned(rest),
                None => continue,
            },
            Woke::Frame(Some(frame)) => frame,
            Woke::Frame(None) => {
                let _ = within(Duration::from_secs(1), writer.write_all(b"0\r\n\r\n")).await;
                return;
            }
            Woke::Read(Ok(0) | Err(_)) => return,
            Woke::Read(Ok(_)) => continue,
        };
        // Most frames fit in the socket's buffer: written at once, with no timer.
        if !write_whole(&mut writer, frame.as_ref(), "event stream").await {
            return;
        }
    }
}
