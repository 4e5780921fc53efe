//! The caps on event streams of one api instance: all of them
//! (`IMAGEGEN_MAX_CONNECTIONS`), and each user's share
//! (`IMAGEGEN_MAX_CONNECTIONS_PER_USER`), so one token cannot hold every slot. A
//! stream holds its [`StreamPermit`] for as long as it is open.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use imagegen_application::metric_names;
use imagegen_domain::UserId;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Why a stream was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StreamRefusal {
    /// The instance holds its most streams: another instance may take it.
    #[error("this instance holds its most event streams (IMAGEGEN_MAX_CONNECTIONS)")]
    Full,
    /// The user holds its share of this instance's streams.
    #[error("you hold {0} event streams on this instance, the most one user may")]
    UserFull(usize),
}

/// Counts open streams, in all and per user.
#[derive(Debug)]
pub struct StreamCap {
    all: Arc<Semaphore>,
    per_user: usize,
    users: Arc<Mutex<HashMap<UserId, usize>>>,
}

/// One open stream's place; given back when dropped.
#[derive(Debug)]
pub struct StreamPermit {
    _all: OwnedSemaphorePermit,
    user: UserId,
    /// `sse` or `websocket`: the open-streams gauge it counts in.
    transport: &'static str,
    users: Arc<Mutex<HashMap<UserId, usize>>>,
}

impl StreamCap {
    /// At most `max` streams on this instance and `per_user` for any one user.
    pub fn new(max: usize, per_user: usize) -> Self {
        Self {
            all: Arc::new(Semaphore::new(max)),
            per_user,
            users: Arc::default(),
        }
    }

    /// A place for one more stream of `user` over `transport` (`sse`, `websocket`).
    ///
    /// # Errors
    /// [`StreamRefusal`] when the user or the instance is full.
    pub fn admit(
        &self,
        user: UserId,
        transport: &'static str,
    ) -> Result<StreamPermit, StreamRefusal> {
        let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        let held = users.entry(user).or_default();
        if *held >= self.per_user {
            return Err(StreamRefusal::UserFull(self.per_user));
        }
        let all = Arc::clone(&self.all)
            .try_acquire_owned()
            .map_err(|_| StreamRefusal::Full)?;
        *held += 1;
        metrics::gauge!(metric_names::STREAM_CONNECTIONS, "transport" => transport).increment(1);
        Ok(StreamPermit {
            _all: all,
            user,
            transport,
            users: Arc::clone(&self.users),
        })
    }

    /// Streams that may still open on this instance.
    pub fn available(&self) -> usize {
        self.all.available_permits()
    }
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let transport = self.transport;
        metrics::gauge!(metric_names::STREAM_CONNECTIONS, "transport" => transport).decrement(1);
        let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(held) = users.get_mut(&self.user) {
            *held -= 1;
            if *held == 0 {
                users.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_beyond_its_share_is_refused_while_others_still_get_in() {
        let cap = StreamCap::new(3, 2);
        let (alice, bob) = (
            UserId::from_uuid(uuid::Uuid::new_v4()),
            UserId::from_uuid(uuid::Uuid::new_v4()),
        );
        let first = cap.admit(alice, "sse").unwrap();
        let _second = cap.admit(alice, "sse").unwrap();
        assert_eq!(
            cap.admit(alice, "sse").unwrap_err(),
            StreamRefusal::UserFull(2)
        );
        let _bob = cap.admit(bob, "sse").unwrap();
        assert_eq!(cap.admit(bob, "sse").unwrap_err(), StreamRefusal::Full);
        drop(first);
        assert!(
            cap.admit(alice, "sse").is_ok(),
            "a closed stream gives its place back"
        );
    }
}
