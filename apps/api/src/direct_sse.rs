//! The event stream served on the socket itself. hyper keeps an 8 KiB read buffer and
//! an 8 KiB write buffer for the life of every HTTP/1.1 connection, most of what an
//! idle stream would cost; so the server reads each connection's first request head
//! itself (with `httparse`), and when it is a plain `GET /v1/events` that opens, it
//! writes the stream directly, chunk by chunk, holding no buffer between events (a
//! `GET /v1/ws` upgrade is likewise taken by `routes::ws::accept_direct`). Anything
//! else, including a request that fails its checks, goes to hyper with the bytes
//! already read, and gets the same answer it always did.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Uri};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use imagegen_bootstrap::Services;
use imagegen_realtime::hub::HubMessage;
use imagegen_realtime::{Framing, SseFrame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::auth::CurrentSession;
use crate::routes::events::{STREAM_HEADERS, open_stream};
use imagegen_streams::timed_write::{within, write_whole};
use imagegen_streams::{Gate, SharedSocket, guarded};

/// The largest request head read here; a larger one is hyper's to refuse.
const MOST_HEAD_BYTES: usize = 16 * 1024;

/// A request for a stream, as read from the socket.
pub struct DirectRequest {
    pub uri: Uri,
    pub headers: HeaderMap,
    /// `GET /v1/ws` with an upgrade; else `GET /v1/events` without one.
    pub websocket: bool,
}

/// Reads one request head into `read`. `Some` when it asks for a stream and nothing
/// else (HTTP/1.1 `GET /v1/events` without an upgrade, or `GET /v1/ws` with one; no
/// body, nothing after it); `None` for every other request, or bytes hyper should judge.
///
/// # Errors
/// The connection failed or closed before a whole head arrived.
pub async fn read_head(
    stream: &mut TcpStream,
    read: &mut Vec<u8>,
) -> io::Result<Option<DirectRequest>> {
    loop {
        read.reserve(1024);
        if stream.read_buf(read).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let mut fields = [httparse::EMPTY_HEADER; 48];
        let mut head = httparse::Request::new(&mut fields);
        match head.parse(read) {
            Ok(httparse::Status::Complete(length)) => {
                return Ok((length == read.len())
                    .then(|| direct_request(&head))
                    .flatten());
            }
            Ok(httparse::Status::Partial) if read.len() < MOST_HEAD_BYTES => {}
            // Malformed, too many fields or too large: hyper answers it.
            _ => return Ok(None),
        }
    }
}

fn direct_request(head: &httparse::Request<'_, '_>) -> Option<DirectRequest> {
    let uri: Uri = head.path?.parse().ok()?;
    if head.method != Some("GET") || head.version != Some(1) {
        return None;
    }
    let websocket = match uri.path() {
        "/v1/events" => false,
        "/v1/ws" => true,
        _ => return None,
    };
    let mut headers = HeaderMap::new();
    for field in head.headers.iter() {
        let name = HeaderName::from_bytes(field.name.as_bytes()).ok()?;
        headers.append(name, HeaderValue::from_bytes(field.value).ok()?);
    }
    let has_body = headers.contains_key("transfer-encoding")
        || headers
            .get("content-length")
            .is_some_and(|length| length.as_bytes() != b"0");
    let upgrade = headers.contains_key("upgrade");
    (!has_body && upgrade == websocket).then_some(DirectRequest {
        uri,
        headers,
        websocket,
    })
}

/// Opens the stream if the request passes every check, on the socket shared with the
/// hub's express (broadcasts go straight onto it while the stream waits). `Err` gives
/// the socket back for hyper, which checks the request again and answers with the
/// problem (`None` if it could not be taken back: the connection is closed).
pub async fn open(
    services: &Arc<Services>,
    request: &DirectRequest,
    stream: TcpStream,
) -> Result<(SharedSocket, impl Stream<Item = SseFrame> + Send + 'static), Option<TcpStream>> {
    let Ok(session) = CurrentSession::verify(&request.headers, &request.uri, services) else {
        return Err(Some(stream));
    };
    let socket = SharedSocket::new(stream, chunked_frame);
    let opened = open_stream(
        services,
        session,
        &request.headers,
        &request.uri,
        Framing::Chunked,
        Some(socket.0.clone()),
    )
    .await;
    match opened {
        Ok(frames) => Ok((socket, frames)),
        // Refused before its session began, so nothing else holds the socket.
        Err(_) => Err(socket.0.into_stream()),
    }
}

/// A broadcast's SSE frame as an HTTP/1.1 chunk, as the hub writes it by express.
fn chunked_frame(shared: &HubMessage) -> Option<&Bytes> {
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
