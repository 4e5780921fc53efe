//! Closing a WebSocket whose client sent what we refuse to read, so that it learns why
//! (1009, 1007) instead of seeing a reset. The rest of the refused message is still in
//! flight: closing a socket with unread input makes the kernel send a reset, which can
//! destroy our close frame on its way. So the close is sent, our side shut, and the
//! client's input drained until it closes too, all within a second.

use std::time::Duration;

use futures::SinkExt;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_tungstenite::WebSocketStream;

use imagegen_streams::ws_protocol as protocol;

/// Input drained at most, after a refusal.
const MAX_DRAINED: u64 = 1 << 20;

/// Sends close `code` with `reason`, then shuts our side and drains the client's.
pub async fn refuse<S>(socket: &mut WebSocketStream<S>, code: u16, reason: &'static str)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    tracing::debug!(code, reason, "websocket input refused");
    let closing = async {
        let _ = socket.send(protocol::close(code, reason)).await;
        let inner = socket.get_mut();
        let _ = inner.shutdown().await;
        let _ = tokio::io::copy(&mut inner.take(MAX_DRAINED), &mut tokio::io::sink()).await;
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), closing).await;
}
