//! Locking a mutex in the adapters and loops: every critical section in imagegen
//! leaves its data consistent before anything in it can panic, so a poisoned mutex
//! is recovered, never a reason to fail.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, recovering the data if a panicking thread poisoned it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
