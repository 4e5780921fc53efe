//! A token bucket: the client-side limit under a provider's rate limit (Replicate
//! allows 600 prediction creates a minute), so a burst of submissions waits its turn
//! here instead of earning `429`s.

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) struct TokenBucket {
    capacity: f64,
    per_second: f64,
    /// Tokens left, and when they were counted.
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    /// Up to `per_minute` at once, refilled at `per_minute` a minute.
    pub(crate) fn per_minute(per_minute: u32) -> Self {
        let capacity = f64::from(per_minute.max(1));
        Self {
            capacity,
            per_second: capacity / 60.0,
            state: Mutex::new((capacity, Instant::now())),
        }
    }

    /// The most tokens held at once.
    pub(crate) fn capacity(&self) -> f64 {
        self.capacity
    }

    /// Takes a token at `now`, or says how long until one is free.
    pub(crate) fn take_at(&self, now: Instant) -> Result<(), Duration> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (tokens, counted) = *state;
        let tokens = (tokens
            + now.saturating_duration_since(counted).as_secs_f64() * self.per_second)
            .min(self.capacity);
        if tokens >= 1.0 {
            *state = (tokens - 1.0, now);
            Ok(())
        } else {
            *state = (tokens, now);
            Err(Duration::from_secs_f64((1.0 - tokens) / self.per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_takes_the_capacity_then_waits_for_the_refill() {
        let bucket = TokenBucket::per_minute(600);
        let start = Instant::now();
        for _ in 0..600 {
            assert!(bucket.take_at(start).is_ok());
        }
        let wait = bucket.take_at(start).unwrap_err();
        assert!(
            wait <= Duration::from_millis(101) && wait >= Duration::from_millis(99),
            "{wait:?}"
        );
        // Ten a second come back.
        let later = start + Duration::from_secs(1);
        for _ in 0..10 {
            assert!(bucket.take_at(later).is_ok());
        }
        assert!(bucket.take_at(later).is_err());
    }
}
