//! Who writes on a connection's socket: its task, or the hub by express. The task
//! holds the socket whenever it runs and while it has anything half-sent; it leaves it
//! to the hub only while parked waiting for something to happen. A message the hub
//! could write only in part is owed: the task finishes it before anything else.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::Poll;

use bytes::Bytes;

/// The task is parked: the hub may write.
const PARKED: u8 = 0;
/// The task runs or has something half-sent.
const TASK: u8 = 1;
/// The hub is writing.
const EXPRESS: u8 = 2;
/// The hub wrote part of a message: the task finishes it first.
const OWED: u8 = 3;
/// The connection is over (or closing): nobody else writes.
const CLOSED: u8 = 4;

/// A connection's turn to write, shared by its task and its express.
pub struct Gate {
    state: AtomicU8,
    /// The task waits for events only (nothing half-sent): parking leaves it open.
    waiting: AtomicBool,
    /// The rest of a message the hub could write only in part.
    owed: Mutex<Option<Bytes>>,
}

impl Default for Gate {
    fn default() -> Self {
        Self {
            state: AtomicU8::new(TASK),
            waiting: AtomicBool::new(false),
            owed: Mutex::new(None),
        }
    }
}

impl Gate {
    /// The task was polled: it ended (the gate closes), or it is parked; waiting for
    /// events only, it leaves the socket to express.
    pub(super) fn polled(&self, ended: bool) {
        if ended {
            self.state.store(CLOSED, Ordering::Release);
        } else if self.waiting.load(Ordering::Relaxed) {
            // Fails when owed: the task stays in charge of the socket.
            let _ =
                (self.state).compare_exchange(TASK, PARKED, Ordering::Release, Ordering::Relaxed);
        }
    }

    /// The task wakes: it takes the socket back, after any express write in progress
    /// (one non-blocking write: a spin is shorter than a wake).
    pub(super) fn enter(&self) {
        loop {
            match (self.state).compare_exchange_weak(
                PARKED,
                TASK,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Err(EXPRESS) => std::hint::spin_loop(),
                Err(PARKED) => {}
                Ok(_) | Err(_) => return,
            }
        }
    }

    /// Marks the task as waiting for events, with nothing half-sent, until the mark
    /// is dropped: only then may parking open the socket to express.
    pub fn waiting(&self) -> Waiting<'_> {
        self.waiting.store(true, Ordering::Relaxed);
        Waiting(self)
    }

    /// Ready when the hub left part of a message for the task to finish (the hub's
    /// `Started` wakes the task); never without a gate.
    pub fn owed(gate: Option<&Self>) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(
            move |_| match gate.map(|gate| gate.state.load(Ordering::Acquire)) {
                Some(OWED) => Poll::Ready(()),
                _ => Poll::Pending,
            },
        )
    }

    /// The rest of a message the hub left half-written, for the task to write; the
    /// task has the socket from here.
    pub fn take_owed(&self) -> Option<Bytes> {
        let owed = self
            .owed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let _ = (self.state).compare_exchange(OWED, TASK, Ordering::Acquire, Ordering::Relaxed);
        owed
    }

    /// The hub asks for the socket: `true` when the task is parked.
    pub fn try_express(&self) -> bool {
        (self.state)
            .compare_exchange(PARKED, EXPRESS, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// The hub is done with the socket.
    pub fn release(&self) {
        self.state.store(PARKED, Ordering::Release);
    }

    /// The hub wrote part of a message: `rest` is the task's.
    pub fn owe(&self, rest: Bytes) {
        *self.owed.lock().unwrap_or_else(PoisonError::into_inner) = Some(rest);
        self.state.store(OWED, Ordering::Release);
    }
}

/// The task waits for events; see [`Gate::waiting`].
pub struct Waiting<'a>(&'a Gate);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.store(false, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;

    /// The task polled and parked, waiting for events.
    fn park(gate: &Gate) {
        let waiting = gate.waiting();
        gate.polled(false);
        drop(waiting);
    }

    #[test]
    fn a_running_or_busy_task_keeps_the_socket() {
        let gate = Gate::default();
        assert!(!gate.try_express(), "before its first poll");
        // Parked inside a write, not waiting for events.
        gate.polled(false);
        assert!(!gate.try_express());
    }

    #[test]
    fn a_task_parked_waiting_lends_the_socket_until_it_wakes() {
        let gate = Gate::default();
        park(&gate);
        assert!(gate.try_express());
        assert!(!gate.try_express(), "one writer at a time");
        gate.release();
        assert!(gate.try_express());
        gate.release();
        gate.enter();
        assert!(!gate.try_express(), "the task runs");
    }

    #[test]
    fn a_half_written_message_is_finished_by_the_task_before_anything_else() {
        let gate = Gate::default();
        park(&gate);
        assert!(Gate::owed(Some(&gate)).now_or_never().is_none());
        assert!(gate.try_express());
        gate.owe(Bytes::from_static(b"rest"));
        gate.enter();
        assert!(!gate.try_express(), "nothing goes after half a message");
        assert!(Gate::owed(Some(&gate)).now_or_never().is_some());
        assert_eq!(gate.take_owed(), Some(Bytes::from_static(b"rest")));
        assert!(Gate::owed(Some(&gate)).now_or_never().is_none());
        assert!(!gate.try_express(), "the task has the socket");
        park(&gate);
        assert!(gate.try_express());
    }

    #[test]
    fn an_ended_task_closes_the_gate_for_good() {
        let gate = Gate::default();
        gate.polled(true);
        park(&gate);
        assert!(!gate.try_express());
        assert!(Gate::owed(None).now_or_never().is_none());
    }
}
