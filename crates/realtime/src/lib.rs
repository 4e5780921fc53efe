//! Realtime delivery: one bus subscription per api instance fanned out to every
//! connection, channel authorization, and SSE sessions that resume without gaps.
//!
//! - [`hub`]: the per-instance fan-out (with express delivery of shared messages onto
//!   a waiting connection's socket, [`hub::Express`]).
//! - [`closing`]: the instance's shutdown as each connection watches it.
//! - [`session`]: the event stream of one connection (backlog, then live, deduplicated).
//! - [`access`]: which channels a caller may watch.
//! - [`open_stream`]: the use case that opens a stream (authorize, cap, resume).
//! - [`stream_cap`]: the caps on streams per instance and per user.
//! - [`presence`]: who watches a generation or organization channel, on any instance.
//! - [`sse`]: the stream as server-sent events.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
pub mod closing;
pub mod hub;
pub mod open_stream;
pub mod presence;
pub mod session;
pub mod sse;
pub mod stream_cap;

pub use access::authorize_channels;
pub use closing::{Closing, ClosingWatch};
pub use hub::Hub;
pub use open_stream::{OpenStream, OpenedStream, PollPage, Transport};
pub use presence::{PRESENCE_LEASE, PresenceTracker, has_presence};
pub use session::{Delivery, Session, session_events};
pub use sse::{Framing, SseFrame, frame, sse_frames};
