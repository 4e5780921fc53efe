//! The gate's hand-offs between a connection's task and the hub under every
//! interleaving loom can find: the task never writes while the hub does, never waits
//! for ever for a hub that is done, and always finishes what the hub left half-sent.
//!
//! `cargo test -p imagegen-streams --features loom --test gate_loom --release`
//! (`.ci/run` runs it).

use std::sync::Arc;
use std::task::Poll;

use bytes::Bytes;
use imagegen_streams::Gate;
use loom::sync::atomic::{AtomicBool, Ordering};

/// The task polled and parked, waiting for events.
fn park(gate: &Gate) {
    let waiting = gate.waiting();
    gate.polled(false);
    drop(waiting);
}

/// The hub, once: it writes whole (`rest` is `None`) or leaves `rest` owed.
fn hub_once(gate: &Gate, writing: &AtomicBool, rest: Option<Bytes>) -> bool {
    if !gate.try_express() {
        return false;
    }
    assert!(!writing.swap(true, Ordering::SeqCst), "two writers at once");
    writing.store(false, Ordering::SeqCst);
    match rest {
        Some(rest) => gate.owe(rest),
        None => gate.release(),
    }
    true
}

#[test]
fn a_task_that_wakes_while_the_hub_writes_gets_the_socket_once_the_hub_is_done() {
    loom::model(|| {
        let gate = Arc::new(Gate::default());
        let writing = Arc::new(AtomicBool::new(false));
        park(&gate);
        let hub = {
            let (gate, writing) = (gate.clone(), writing.clone());
            loom::thread::spawn(move || hub_once(&gate, &writing, None))
        };
        // The task wakes (for an event of its own) and must get the socket.
        loom::future::block_on(std::future::poll_fn(|cx| {
            if gate.enter(cx.waker()) {
                assert!(!writing.load(Ordering::SeqCst), "the hub is still writing");
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        hub.join().unwrap();
        assert!(!gate.try_express(), "the task holds the socket");
    });
}

#[test]
fn what_the_hub_leaves_half_sent_wakes_the_task_and_is_finished_first() {
    loom::model(|| {
        let gate = Arc::new(Gate::default());
        let writing = Arc::new(AtomicBool::new(false));
        let hub = {
            let (gate, writing) = (gate.clone(), writing.clone());
            loom::thread::spawn(move || {
                while !hub_once(&gate, &writing, Some(Bytes::from_static(b"rest"))) {
                    loom::thread::yield_now();
                }
            })
        };
        // The task parks waiting for events; it is woken only by what it owes.
        let rest = loom::future::block_on(std::future::poll_fn(|cx| {
            if !gate.enter(cx.waker()) {
                return Poll::Pending;
            }
            let waiting = gate.waiting();
            let mut owed = std::pin::pin!(Gate::owed(Some(&gate)));
            if owed.as_mut().poll(cx).is_ready() {
                drop(waiting);
                return Poll::Ready(gate.take_owed());
            }
            gate.polled(false);
            drop(waiting);
            Poll::Pending
        }));
        hub.join().unwrap();
        assert_eq!(rest, Some(Bytes::from_static(b"rest")));
        assert!(!gate.try_express(), "the task holds the socket");
    });
}
