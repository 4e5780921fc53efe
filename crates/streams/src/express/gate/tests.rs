//! The gate's hand-offs, one at a time (`tests/gate_loom.rs` interleaves them).

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use futures::FutureExt;
use futures::task::{ArcWake, noop_waker_ref};

use super::*;

/// The task polled and parked, waiting for events.
fn park(gate: &Gate) {
    let waiting = gate.waiting();
    gate.polled(false);
    drop(waiting);
}

/// Counts its wakes.
#[derive(Default)]
struct Wakes(AtomicUsize);

impl ArcWake for Wakes {
    fn wake_by_ref(this: &Arc<Self>) {
        this.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
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
    assert!(gate.enter(noop_waker_ref()));
    assert!(!gate.try_express(), "the task runs");
}

#[test]
fn a_task_that_wakes_while_the_hub_writes_waits_to_be_woken_without_spinning() {
    let gate = Gate::default();
    park(&gate);
    assert!(gate.try_express());
    let wakes = Arc::new(Wakes::default());
    let waker = futures::task::waker(wakes.clone());
    assert!(!gate.enter(&waker), "the hub has the socket");
    assert!(!gate.enter(&waker), "still");
    assert_eq!(wakes.0.load(std::sync::atomic::Ordering::SeqCst), 0);
    gate.release();
    assert_eq!(
        wakes.0.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "woken once"
    );
    assert!(gate.enter(&waker));
    assert!(!gate.try_express(), "the task runs");
}

#[test]
fn a_half_written_message_wakes_the_task_which_finishes_it_before_anything_else() {
    let gate = Gate::default();
    park(&gate);
    let wakes = Arc::new(Wakes::default());
    let waker = futures::task::waker(wakes.clone());
    let mut owed = std::pin::pin!(Gate::owed(Some(&gate)));
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(owed.as_mut().poll(&mut cx).is_pending());
    assert!(gate.try_express());
    gate.owe(Bytes::from_static(b"rest"));
    assert_eq!(
        wakes.0.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the gate woke it"
    );
    assert!(gate.enter(&waker));
    assert!(!gate.try_express(), "nothing goes after half a message");
    assert!(owed.as_mut().poll(&mut cx).is_ready());
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
