//! Connections that have not yet sent a whole first request: at most
//! [`MAX_PENDING`] in all and [`MAX_PENDING_PER_SOURCE`] from one address. A source
//! past its share has its new connections closed at once; when the instance is full,
//! the oldest pending connection is shed to make room, so idle sockets from one
//! client can neither fill the instance nor keep out a newer, real request (a health
//! check, a provider's webhook). Each is also cut off after the header timeout.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};

/// Pending connections, at most, on one instance.
pub const MAX_PENDING: usize = 1_024;
/// Pending connections from one address, at most.
pub const MAX_PENDING_PER_SOURCE: usize = 64;

#[derive(Default)]
struct Waiting {
    next_id: u64,
    /// Oldest first: the one to shed.
    by_age: BTreeMap<u64, (IpAddr, CancellationToken)>,
    per_source: HashMap<IpAddr, usize>,
}

impl Waiting {
    fn remove(&mut self, id: u64) -> Option<CancellationToken> {
        let (source, shed) = self.by_age.remove(&id)?;
        if let Some(count) = self.per_source.get_mut(&source) {
            *count -= 1;
            if *count == 0 {
                self.per_source.remove(&source);
            }
        }
        Some(shed)
    }
}

/// The instance's pending connections.
#[derive(Clone, Default)]
pub struct Pending {
    waiting: Arc<Mutex<Waiting>>,
}

/// One pending connection's place; given back when its request arrived or it ended.
pub struct PendingPlace {
    waiting: Arc<Mutex<Waiting>>,
    id: u64,
    shed: CancellationToken,
}

impl Pending {
    /// A place for a new connection from `source`, shedding the oldest when full;
    /// `None` when `source` holds its share already (unless it is `shared`: a load
    /// balancer, whose connections are many clients').
    pub fn admit(&self, source: IpAddr, shared: bool) -> Option<PendingPlace> {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let held = waiting.per_source.get(&source).copied().unwrap_or(0);
        if !shared && held >= MAX_PENDING_PER_SOURCE {
            return None;
        }
        if waiting.by_age.len() >= MAX_PENDING
            && let Some(oldest) = waiting.by_age.keys().next().copied()
            && let Some(shed) = waiting.remove(oldest)
        {
            shed.cancel();
        }
        let id = waiting.next_id;
        waiting.next_id += 1;
        let shed = CancellationToken::new();
        waiting.by_age.insert(id, (source, shed.clone()));
        *waiting.per_source.entry(source).or_default() += 1;
        Some(PendingPlace {
            waiting: self.waiting.clone(),
            id,
            shed,
        })
    }
}

impl PendingPlace {
    /// Ready when this connection was shed to make room for a newer one.
    pub fn shed(&self) -> WaitForCancellationFuture<'_> {
        self.shed.cancelled()
    }
}

impl Drop for PendingPlace {
    fn drop(&mut self) {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        waiting.remove(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(n: u32) -> IpAddr {
        IpAddr::V4(std::net::Ipv4Addr::from(0x7f00_0000 + n))
    }

    #[test]
    fn a_source_past_its_share_is_refused_and_others_are_not() {
        let pending = Pending::default();
        let held: Vec<_> = (0..MAX_PENDING_PER_SOURCE)
            .map(|_| pending.admit(address(2), false).unwrap())
            .collect();
        assert!(pending.admit(address(2), false).is_none());
        assert!(
            pending.admit(address(2), true).is_some(),
            "a load balancer has no share"
        );
        assert!(pending.admit(address(1), false).is_some());
        drop(held);
        assert!(
            pending.admit(address(2), false).is_some(),
            "places come back"
        );
    }

    #[test]
    fn a_full_instance_sheds_its_oldest_pending_connection() {
        let pending = Pending::default();
        let held: Vec<_> = (0..MAX_PENDING)
            .map(|n| {
                pending
                    .admit(address(2 + (n / MAX_PENDING_PER_SOURCE) as u32), false)
                    .unwrap()
            })
            .collect();
        let newest = pending.admit(address(1), false).unwrap();
        assert!(held[0].shed.is_cancelled(), "the oldest is shed");
        assert!(!held[1].shed.is_cancelled());
        assert!(!newest.shed.is_cancelled());
        drop(held);
        let waiting = pending.waiting.lock().unwrap();
        assert_eq!(waiting.by_age.len(), 1);
    }
}
