//! Who writes on a connection's socket: its task, or the hub by express. The task
//! holds the socket whenever it runs and while it has anything half-sent; it leaves it
//! to the hub only while parked waiting for something to happen. A message the hub
//! could write only in part is owed: the task finishes it before anything else.
//!
//! Every wait here is on the gate's own waker: a task that finds the hub writing
//! yields until the hub releases the socket (no spin), and one the hub leaves
//! something owed is woken by the gate itself (no reliance on anyone else's wake).
//! `tests/gate_loom.rs` checks both hand-offs under every interleaving (`loom`).

use std::task::{Poll, Waker};

use bytes::Bytes;

use crate::sync::{AtomicBool, AtomicU8, AtomicWaker, Mutex, Ordering};

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
/// The hub is writing and the task waits to be woken when it is done.
const CONTENDED: u8 = 5;

/// A connection's turn to write, shared by its task and its express.
pub struct Gate {
    state: AtomicU8,
    /// The task waits for events only (nothing half-sent): parking leaves it open.
    waiting: AtomicBool,
    /// The rest of a message the hub could write only in part.
    owed: Mutex<Option<Bytes>>,
    /// The task, when it waits on the gate: for the hub's release, or for what it owes.
    task: AtomicWaker,
}

impl Default for Gate {
    fn default() -> Self {
        Self {
            state: AtomicU8::new(TASK),
            waiting: AtomicBool::new(false),
            owed: Mutex::new(None),
            task: AtomicWaker::new(),
        }
    }
}

impl Gate {
    /// The task was polled: it ended (the gate closes), or it is parked; waiting for
    /// events only, it leaves the socket to express.
    pub fn polled(&self, ended: bool) {
        if ended {
            self.state.store(CLOSED, Ordering::Release);
        } else if self.waiting.load(Ordering::Relaxed) {
            // Fails when owed: the task stays in charge of the socket.
            let _ =
                (self.state).compare_exchange(TASK, PARKED, Ordering::Release, Ordering::Relaxed);
        }
    }

    /// The task wakes and takes the socket back: `true` when it has it; `false` while
    /// the hub is writing, and then `waker` is woken once the hub is done.
    pub fn enter(&self, waker: &Waker) -> bool {
        if (self.state)
            .compare_exchange(PARKED, TASK, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return true;
        }
        // Registered before the mark below, so the hub's release cannot miss it. The
        // decision is an update (which reads the latest state), never a failed
        // exchange, which may read an older one.
        crate::sync::register(&self.task, waker);
        let before = (self.state).fetch_update(Ordering::AcqRel, Ordering::Acquire, |state| {
            Some(match state {
                PARKED => TASK,
                EXPRESS | CONTENDED => CONTENDED,
                // TASK, OWED, CLOSED: the socket is the task's already.
                other => other,
            })
        });
        !matches!(before, Ok(EXPRESS | CONTENDED))
    }

    /// Marks the task as waiting for events, with nothing half-sent, until the mark
    /// is dropped: only then may parking open the socket to express.
    pub fn waiting(&self) -> Waiting<'_> {
        self.waiting.store(true, Ordering::Relaxed);
        Waiting(self)
    }

    /// Ready when the hub left part of a message for the task to finish (the gate
    /// wakes the task when it does); never without a gate.
    pub fn owed(gate: Option<&Self>) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(move |cx| {
            let Some(gate) = gate else {
                return Poll::Pending;
            };
            crate::sync::register(&gate.task, cx.waker());
            match gate.state.load(Ordering::Acquire) {
                OWED => Poll::Ready(()),
                _ => Poll::Pending,
            }
        })
    }

    /// The rest of a message the hub left half-written, for the task to write; the
    /// task has the socket from here.
    pub fn take_owed(&self) -> Option<Bytes> {
        let owed = self
            .owed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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

    /// The hub is done with the socket; a task that waited for it is woken.
    pub fn release(&self) {
        if self.state.swap(PARKED, Ordering::AcqRel) == CONTENDED {
            self.task.wake();
        }
    }

    /// The hub wrote part of a message: `rest` is the task's, and the task is woken
    /// to write it.
    pub fn owe(&self, rest: Bytes) {
        *self
            .owed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(rest);
        // An update, not a store, so it follows the task's mark in every order.
        self.state.swap(OWED, Ordering::AcqRel);
        self.task.wake();
    }
}

/// The task waits for events; see [`Gate::waiting`].
pub struct Waiting<'a>(&'a Gate);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.store(false, Ordering::Relaxed);
    }
}
#[cfg(all(test, not(feature = "loom")))]
mod tests;
