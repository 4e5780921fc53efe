//! A connection's first request head, read by the transport itself (with
//! `httparse`): hyper keeps an 8 KiB read buffer and an 8 KiB write buffer for the
//! life of every HTTP/1.1 connection, most of what an idle stream would cost, so a
//! first request that asks for a stream (`GET /v1/events`, or `GET /v1/ws` with an
//! upgrade) is served on the socket directly. Anything else goes to hyper with the
//! bytes already read.

use std::io;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Uri};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// The largest request head read here; a larger one is hyper's to refuse.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// A first request for a stream, as read from the socket.
pub struct FirstRequest {
    /// The request target: path and query.
    pub uri: Uri,
    /// The request's header fields.
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
) -> io::Result<Option<FirstRequest>> {
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
            Ok(httparse::Status::Partial) if read.len() < MAX_HEAD_BYTES => {}
            // Malformed, too many fields or too large: hyper answers it.
            _ => return Ok(None),
        }
    }
}

fn direct_request(head: &httparse::Request<'_, '_>) -> Option<FirstRequest> {
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
    (!has_body && upgrade == websocket).then_some(FirstRequest {
        uri,
        headers,
        websocket,
    })
}
