//! The stream transport on the api's own sockets, below the routes: what every
//! event stream and WebSocket needs whatever it carries.
//!
//! - [`express`]: the hub writes a broadcast straight onto a parked connection's
//!   socket, under the connection's [`Gate`] (who writes when).
//! - [`timed_write`]: a write at once when the socket takes it, else within
//!   [`SEND_TIMEOUT`].
//! - [`ws_handshake`] and [`ws_reading`]: the WebSocket opening handshake and a reader
//!   that asks the socket before tungstenite; [`ws_protocol`]: the messages a
//!   connection sends and takes; [`ws_sending`]: sending without a timer or a copy
//!   when the socket takes it at once.
//! - [`Rewound`]: a socket whose first bytes were read, handed back first.
//! - [`serve`]: the server loop (hyper, with caps on connections still awaiting
//!   their first request), which serves the streams an [`Opener`] opens on a
//!   connection's first request on the socket directly ([`event_stream`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod event_stream;
pub mod express;
mod first_request;
mod opener;
mod pending;
mod rewound;
mod serve;
mod sync;
pub mod timed_write;
pub mod ws_handshake;
pub mod ws_protocol;
pub mod ws_reading;
pub mod ws_sending;

pub use express::{Gate, SharedSocket, SocketExpress, guarded};
pub use first_request::FirstRequest;
pub use opener::{Connection, Opener};
pub use pending::{MAX_PENDING, MAX_PENDING_PER_SOURCE};
pub use rewound::Rewound;
pub use serve::{HEADER_READ_TIMEOUT, serve};
pub use timed_write::SEND_TIMEOUT;
pub use ws_reading::ReadReady;
