//! What the transport asks of the application: to open the stream that a
//! connection's first request asks for, or to refuse it. A refused request goes to
//! hyper with the bytes already read, and the application's router answers it (with
//! the problem), so a check is written once, in the application.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures::stream::BoxStream;
use imagegen_realtime::SseFrame;
use imagegen_realtime::hub::Express;
use tokio::net::TcpStream;

use crate::FirstRequest;

/// A boxed future the transport runs to its end.
pub type Connection = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Opens authorized streams for the transport (the api implements it).
pub trait Opener: Send + Sync + 'static {
    /// The frames of an event stream for `request`, already HTTP/1.1 chunks, whose
    /// broadcasts `express` may write straight onto the socket; `None` when refused.
    fn open_events<'a>(
        &'a self,
        request: &'a FirstRequest,
        express: Arc<dyn Express>,
    ) -> Pin<Box<dyn Future<Output = Option<BoxStream<'static, SseFrame>>> + Send + 'a>>;

    /// A WebSocket for `request` on `stream`, to run to its end (it answers the
    /// upgrade itself); the stream back when refused.
    ///
    /// # Errors
    /// The stream, when refused.
    fn open_websocket(
        &self,
        request: &FirstRequest,
        stream: TcpStream,
    ) -> Result<Connection, TcpStream>;

    /// Whether connections from `peer` carry many clients' requests (a trusted load
    /// balancer): they are not held to one source's share of pending connections.
    fn carries_many_clients(&self, _peer: std::net::IpAddr) -> bool {
        false
    }
}
