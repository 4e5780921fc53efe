//! The WebSocket transport beside SSE (`GET /v1/ws`). One connection subscribes to and
//! unsubscribes from channels as it goes; each subscription is a realtime session
//! (backlog after `since`, then live, no gap, no duplicate), authorized from the token
//! at each subscribe. Buffers are small (a few hundred bytes, not tungstenite's
//! 128 KiB), since most connections idle. A connection's first request is upgraded on
//! the socket directly (`imagegen_streams` reads it); one that comes later on a kept-alive
//! connection through hyper's upgrade; either way the same connection loop runs.

mod commands;
pub(crate) mod connection;
mod presence;
mod refusal;
mod subscriptions;

use std::sync::Arc;

use axum::http::HeaderMap;
use imagegen_bootstrap::Services;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::auth::CurrentSession;
use imagegen_streams::SharedSocket;
use imagegen_streams::ws_handshake as handshake;

/// A WebSocket accepted on a connection's first request, upgraded on the socket
/// itself, without hyper's buffers or its upgrade's layers: its checks passed and it
/// holds its permit; [`DirectWebSocket::serve`] answers and runs it.
pub struct DirectWebSocket {
    stream: TcpStream,
    services: Arc<Services>,
    session: CurrentSession,
    accept: String,
    permit: imagegen_realtime::stream_cap::StreamPermit,
}

/// Checks a first request for `/v1/ws`; `Err` gives the socket back when it fails a
/// check (hyper then answers it, with the problem).
///
/// # Errors
/// The stream, when the caller may not open a WebSocket here.
pub fn accept_direct(
    stream: TcpStream,
    services: &Arc<Services>,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
) -> Result<DirectWebSocket, TcpStream> {
    let checked = (
        CurrentSession::verify(headers, uri, services),
        handshake::accept_key(headers),
    );
    let (Ok(session), Some(accept)) = checked else {
        return Err(stream);
    };
    let Ok(permit) = services.open_stream.admit(
        session.caller.user_id,
        imagegen_realtime::Transport::WebSocket,
    ) else {
        return Err(stream);
    };
    Ok(DirectWebSocket {
        stream,
        services: services.clone(),
        session,
        accept,
        permit,
    })
}

impl DirectWebSocket {
    /// Answers `101 Switching Protocols`, then runs the connection to its end.
    pub async fn serve(self) {
        let Self {
            mut stream,
            services,
            session,
            accept,
            permit,
        } = self;
        let head = handshake::switching_protocols(&accept);
        let answered = stream.write_all(head.as_bytes()).await.is_ok();
        // Nothing of the handshake stays for the connection's life.
        drop((head, accept));
        if answered {
            // Shared with the hub, which may write broadcasts on it by express.
            let shared = SharedSocket::new(stream, imagegen_streams::ws_protocol::shared_frame);
            let express = shared.0.clone();
            let socket = handshake::accept(shared).await;
            connection::run(socket, services, session, Some(express)).await;
        }
        drop(permit);
    }
}
