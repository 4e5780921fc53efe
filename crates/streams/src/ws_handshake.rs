//! The WebSocket opening handshake (RFC 6455, section 4.2), shared by hyper's route and
//! the direct path on the socket: which requests may upgrade, the answer, and the
//! settings of the connection that follows.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Bytes read from the socket at a time. Small: a client sends short JSON commands
/// (a longer one is read in several pieces), and tungstenite zeroes this much of its
/// buffer each time it looks for input, which is on every wake of the connection.
const READ_BUFFER: usize = 256;
/// Bytes written before a flush.
const WRITE_BUFFER: usize = 2 * 1024;
/// Bytes a connection may have waiting to be written before sends fail.
const MAX_WRITE_BUFFER: usize = 256 * 1024;
/// The largest message a client may send (they are small JSON commands).
const MAX_MESSAGE: usize = 16 * 1024;

/// The `Sec-WebSocket-Accept` answer to a request that asks to become a WebSocket
/// (`Connection: upgrade`, `Upgrade: websocket`, version 13, a key); `None` for any
/// other request.
pub fn accept_key(headers: &HeaderMap) -> Option<String> {
    let lists = |name: header::HeaderName, token: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|item| item.trim().eq_ignore_ascii_case(token))
    };
    let version = headers.get(header::SEC_WEBSOCKET_VERSION)?;
    let key = headers.get(header::SEC_WEBSOCKET_KEY)?;
    (lists(header::CONNECTION, "upgrade")
        && lists(header::UPGRADE, "websocket")
        && version.as_bytes() == b"13")
        .then(|| derive_accept_key(key.as_bytes()))
}

/// The headers of the `101 Switching Protocols` answer that accepts the upgrade.
fn answer(accept: &str) -> [(header::HeaderName, &str); 3] {
    [
        (header::CONNECTION, "upgrade"),
        (header::UPGRADE, "websocket"),
        (header::SEC_WEBSOCKET_ACCEPT, accept),
    ]
}

/// The answer as written on the socket.
pub fn switching_protocols(accept: &str) -> String {
    let mut head = String::from("HTTP/1.1 101 Switching Protocols\r\n");
    for (name, value) in answer(accept) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head + "\r\n"
}

/// The answer as hyper's response.
pub fn switching_protocols_response(accept: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    for (name, value) in answer(accept) {
        if let Ok(value) = HeaderValue::from_str(value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// A WebSocket over `io`, whose upgrade was answered, with [`config`].
pub async fn accept<S: AsyncRead + AsyncWrite + Unpin>(io: S) -> WebSocketStream<S> {
    WebSocketStream::from_raw_socket(io, Role::Server, Some(config())).await
}

/// Buffers sized for many idle connections (a few hundred bytes, not 128 KiB).
fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    header::HeaderName::from_static(name),
                    header::HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    const UPGRADE: [(&str, &str); 4] = [
        ("connection", "keep-alive, Upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    #[test]
    fn an_upgrade_request_gets_the_rfc_answer() {
        // RFC 6455, section 1.3: the sample nonce and its accept value.
        assert_eq!(
            accept_key(&headers(&UPGRADE)).as_deref(),
            Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        );
    }

    #[test]
    fn a_request_missing_any_part_of_the_upgrade_is_refused() {
        for missing in 0..UPGRADE.len() {
            let mut partial = UPGRADE.to_vec();
            partial.remove(missing);
            assert_eq!(accept_key(&headers(&partial)), None, "without {missing}");
        }
        let mut old = UPGRADE.to_vec();
        old[2] = ("sec-websocket-version", "8");
        assert_eq!(accept_key(&headers(&old)), None);
    }
}
