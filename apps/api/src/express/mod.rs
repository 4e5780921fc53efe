//! Express delivery on the api's own sockets: a broadcast or presence message goes
//! straight from the hub onto a parked connection's socket, framed for its transport,
//! without waking the connection's task (see `imagegen_realtime::hub::Express`).

mod gate;
mod socket;

use std::sync::Arc;

use bytes::Bytes;
use imagegen_realtime::hub::{Express, Expressed, HubMessage};

pub use gate::Gate;
pub use socket::SharedSocket;

/// A transport's framing of a shared message: the same bytes for every connection.
pub type Framing = for<'a> fn(&'a HubMessage) -> Option<&'a Bytes>;

/// A connection's socket and gate, as the hub writes on them.
pub struct SocketExpress {
    socket: SharedSocket,
    pub gate: Arc<Gate>,
    framing: Framing,
}

impl SocketExpress {
    pub fn new(socket: SharedSocket, framing: Framing) -> Arc<Self> {
        Arc::new(Self {
            socket,
            gate: Arc::default(),
            framing,
        })
    }

    /// The socket, for the connection's task.
    pub fn socket(&self) -> SharedSocket {
        self.socket.clone()
    }

    /// The socket back, when nothing else holds it (the connection never began).
    pub fn into_stream(self: Arc<Self>) -> Option<tokio::net::TcpStream> {
        let express = Arc::into_inner(self)?;
        Arc::into_inner(express.socket.0)
    }

    /// The rest of a message the hub left half-written, for the task to write; the
    /// task has the socket from here.
    pub fn take_owed(&self) -> Option<Bytes> {
        let (message, written) = self.gate.take_owed()?;
        let frame = (self.framing)(&message)?;
        Some(frame.slice(written.min(frame.len())..))
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
        match self.socket.0.try_write(frame) {
            Ok(written) if written == frame.len() => {
                self.gate.release();
                Expressed::Sent
            }
            Ok(written) if written > 0 => {
                self.gate.owe(message.clone(), written);
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
