//! Express delivery: a connection parked with nothing to do may take a shared message
//! (a broadcast, a presence join or leave) straight from the hub, written on its socket
//! by the hub's own thread, so that one broadcast to 10,000 connections wakes none of
//! their tasks. The hub offers it only while the subscription waits for live messages
//! with nothing queued, so it can never overtake an earlier message; the connection
//! takes it only while its task is parked with nothing of its own half-written.

use std::sync::Arc;

use super::HubMessage;

/// What became of a message offered for express delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expressed {
    /// Sent whole: nothing is left to do.
    Sent,
    /// Begun: the connection finishes it (its express wakes it to; the hub does not).
    Started,
    /// Not taken (the connection is busy, or its socket is full): it goes to the queue.
    Declined,
}

/// A connection that can take a shared message at once, without waiting (an
/// api's socket, with its framing).
pub trait Express: Send + Sync {
    /// Sends `message` now if the connection is parked and its socket takes it
    /// without waiting. Called with the subscription's queue locked: never block.
    /// On [`Expressed::Started`] the implementation wakes the connection itself to
    /// finish the message (in `imagegen-streams`, its gate does).
    fn try_send(&self, message: &Arc<HubMessage>) -> Expressed;
}
