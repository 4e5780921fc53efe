//! Reading a client's next message without asking tungstenite on every wake. Each look
//! for input through tungstenite registers two wakers, counts a waker proxy up and
//! down, and clears part of its read buffer; a connection woken to send an event has
//! nothing to read almost always. So the socket's readiness is asked first, and
//! tungstenite only when there is input, or may be (it read more than one message).

use std::io;
use std::task::{Context, Poll, ready};

use futures::StreamExt;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::{Error, Message};

/// A socket that can tell whether it has input without reading it.
pub trait ReadReady {
    /// Ready when a read may find input; a socket that cannot tell is always ready.
    fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
}

impl ReadReady for TcpStream {
    fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Self::poll_read_ready(self, cx)
    }
}

impl ReadReady for TokioIo<Upgraded> {
    fn poll_read_ready(&self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Reads the client's messages, looking at the socket before tungstenite.
#[derive(Default)]
pub struct Reader {
    /// tungstenite may hold another whole message: ask it before the socket.
    maybe_buffered: bool,
}

impl Reader {
    /// The client's next message, or `None` when the connection is over.
    pub fn poll_next<S>(
        &mut self,
        socket: &mut WebSocketStream<S>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Message, Error>>>
    where
        S: ReadReady + AsyncRead + AsyncWrite + Unpin,
    {
        if !self.maybe_buffered {
            // An error is tungstenite's to report, on the read below.
            let _ = ready!(socket.get_ref().poll_read_ready(cx));
        }
        let next = socket.poll_next_unpin(cx);
        self.maybe_buffered = next.is_ready();
        next
    }
}
