//! A queue's handler slots: a semaphore whose size an operator may change while jobs
//! run. Growing adds permits at once; shrinking forgets idle permits at once and owes
//! the rest, which busy handlers pay by giving up their slot after their current job.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The slots of one queue.
pub(crate) struct Slots {
    semaphore: Arc<Semaphore>,
    /// (the limit, permits still to forget as they come back)
    state: std::sync::Mutex<(usize, usize)>,
}

/// One held slot; returned (or forgotten, when owed) when dropped.
pub(crate) struct Slot {
    permit: Option<OwnedSemaphorePermit>,
    slots: Arc<Slots>,
}

impl Slots {
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        let limit = limit.max(1);
        Arc::new(Self {
            semaphore: Arc::new(Semaphore::new(limit)),
            state: std::sync::Mutex::new((limit, 0)),
        })
    }

    pub(crate) fn limit(&self) -> usize {
        crate::lock(&self.state).0
    }

    /// Waits for a free slot.
    pub(crate) async fn acquire(self: &Arc<Self>) -> Slot {
        let permit = self.semaphore.clone().acquire_owned().await.ok();
        Slot {
            permit,
            slots: self.clone(),
        }
    }

    /// Changes the limit (at least 1).
    pub(crate) fn set_limit(&self, limit: usize) {
        let limit = limit.max(1);
        let mut state = crate::lock(&self.state);
        let (old, owed) = *state;
        if limit > old {
            let grow = limit - old;
            let cancelled = grow.min(owed);
            state.1 -= cancelled;
            self.semaphore.add_permits(grow - cancelled);
        } else {
            let shrink = old - limit;
            let forgotten = self.semaphore.forget_permits(shrink);
            state.1 += shrink - forgotten;
        }
        state.0 = limit;
    }

    /// Whether a slot coming back must be forgotten (pays one owed permit if so).
    fn pay_owed(&self) -> bool {
        let mut state = crate::lock(&self.state);
        let owed = state.1 > 0;
        if owed {
            state.1 -= 1;
        }
        owed
    }
}

impl Slot {
    /// Whether the holder may take another job in this slot: `false` when the limit
    /// went down meanwhile, and the slot is gone.
    pub(crate) fn keep(&mut self) -> bool {
        if self.slots.pay_owed() {
            if let Some(permit) = self.permit.take() {
                permit.forget();
            }
            return false;
        }
        true
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(permit) = self.permit.take()
            && self.slots.pay_owed()
        {
            permit.forget();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn shrinking_takes_idle_slots_at_once_and_busy_ones_as_they_finish() {
        let slots = Slots::new(3);
        let (mut first, second) = (slots.acquire().await, slots.acquire().await);
        slots.set_limit(1);
        assert_eq!(
            slots.semaphore.available_permits(),
            0,
            "the idle one is gone"
        );
        assert!(!first.keep(), "a busy slot is given up after its job");
        drop(second);
        assert_eq!(slots.semaphore.available_permits(), 1, "one slot is left");
        slots.set_limit(4);
        assert_eq!(slots.semaphore.available_permits(), 4);
    }

    #[tokio::test]
    async fn growing_while_permits_are_owed_cancels_the_debt_first() {
        let slots = Slots::new(2);
        let (mut first, _second) = (slots.acquire().await, slots.acquire().await);
        slots.set_limit(1);
        slots.set_limit(2);
        assert!(first.keep(), "nothing is owed any more");
        assert_eq!(slots.limit(), 2);
    }
}
