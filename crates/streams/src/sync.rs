//! The gate's synchronization types: the standard ones, or loom's for the model test.

#[cfg(not(feature = "loom"))]
pub use futures::task::AtomicWaker;
#[cfg(feature = "loom")]
pub use loom::future::AtomicWaker;
#[cfg(feature = "loom")]
pub use loom::sync::Mutex;
#[cfg(feature = "loom")]
pub use loom::sync::atomic::{AtomicBool, AtomicU8, Ordering};
#[cfg(not(feature = "loom"))]
pub use std::sync::Mutex;
#[cfg(not(feature = "loom"))]
pub use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// Registers `waker` in `cell` (loom's takes it by value, futures' by reference).
pub fn register(cell: &AtomicWaker, waker: &std::task::Waker) {
    #[cfg(feature = "loom")]
    cell.register_by_ref(waker);
    #[cfg(not(feature = "loom"))]
    cell.register(waker);
}
