//! Express delivery on the api's own sockets: a broadcast or presence message goes
//! straight from the hub onto a parked connection's socket, framed for its transport,
//! without waking the connection's task (see `imagegen_realtime::hub::Express`).

mod gate;
mod socket;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use imagegen_realtime::hub::{Express, Expressed, HubMessage};
use socket2::SockRef;
use tokio::net::TcpStream;

pub use gate::{Gate, Waiting};
pub use socket::SharedSocket;

/// A transport's framing of a shared message: the same bytes for every connection.
pub type Framing = for<'a> fn(&'a HubMessage) -> Option<&'a Bytes>;

/// A connection's socket, with its gate and framing: one allocation, since the hub
/// touches all three for every connection a broadcast goes to.
pub struct SocketExpress {
    stream: TcpStream,
    /// Who writes on the socket when: the task or the hub.
    pub gate: Gate,
    framing: Framing,
}

impl SharedSocket {
    /// The socket of a connection whose messages are framed by `framing`, for its task
    /// (the hub gets it when the task hands it to a session).
    pub fn new(stream: TcpStream, framing: Framing) -> Self {
        Self(Arc::new(SocketExpress {
            stream,
            gate: Gate::default(),
            framing,
        }))
    }
}

impl SocketExpress {
    fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// The socket back, when nothing else holds it (the connection never began).
    pub fn into_stream(self: Arc<Self>) -> Option<TcpStream> {
        Arc::into_inner(self).map(|express| express.stream)
    }
}

pin_project_lite::pin_project! {
    /// A connection's task under its socket's gate (see [`Gate`]): the hub may write
    /// on the socket while the task is parked waiting. One future that owns the task,
    /// not an `async` wrapper, whose arguments would be held twice.
    pub struct Guarded<F> {
        express: Option<Arc<SocketExpress>>,
        #[pin]
        task: F,
    }
}

/// Runs `task` under the gate of `express`; without one, as it is.
pub fn guarded<F: Future>(express: Option<Arc<SocketExpress>>, task: F) -> Guarded<F> {
    Guarded { express, task }
}

impl<F: Future> Future for Guarded<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let Some(express) = this.express.as_deref() else {
            return this.task.poll(cx);
        };
        if !express.gate.enter(cx.waker()) {
            // The hub is writing on the socket; the gate wakes the task when it is done.
            return Poll::Pending;
        }
        let polled = this.task.poll(cx);
        express.gate.polled(polled.is_ready());
        polled
    }
}

impl Express for SocketExpress {
    fn try_send(&self, message: &Arc<HubMessage>) -> Expressed {
        let Some(frame) = (self.framing)(message) else {
            return Expressed::Declined;
        };
        if !self.gate.try_express() {
            return Expressed::Declined;
        }
        // Past tokio's readiness bookkeeping: the task's next write learns afresh.
        match SockRef::from(&self.stream).send(frame) {
            Ok(written) if written == frame.len() => {
                self.gate.release();
                Expressed::Sent
            }
            Ok(written) if written > 0 => {
                self.gate.owe(frame.slice(written..));
                Expressed::Started
            }
            // Full, or failed: the task finds out when it tries.
            _ => {
                self.gate.release();
                Expressed::Declined
            }
        }
    }
}
