//! `GET /v1/ws`: the WebSocket transport beside SSE. One connection subscribes to and
//! unsubscribes from channels as it goes; each subscription is a realtime session
//! (backlog after `since`, then live, no gap, no duplicate), authorized from the token
//! at each subscribe. Buffers are small (a few KiB, not tungstenite's 128 KiB), since
//! most connections idle.

mod connection;
mod presence;
mod protocol;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;
use axum::routing::get;
use imagegen_bootstrap::Services;

use crate::auth::CurrentSession;

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

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/v1/ws", get(upgrade))
}

async fn upgrade(
    State(services): State<Arc<Services>>,
    session: CurrentSession,
    upgrade: WebSocketUpgrade,
) -> Result<Response, crate::ApiError> {
    let permit = crate::stream_cap::admit(&services)?;
    Ok(upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            connection::run(socket, services, session).await;
            drop(permit);
        }))
}
