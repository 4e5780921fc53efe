//! The rate limiter in memory (one process): the generic cell rate algorithm, as the
//! Redis limiter runs it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use imagegen_application::Result;
use imagegen_application::ports::{Clock, Decision, Rate, RateLimiter, SystemClock};

use crate::lock;

/// Keys' theoretical arrival times.
pub struct MemoryRateLimiter {
    arrivals: Mutex<HashMap<String, DateTime<Utc>>>,
    clock: Arc<dyn Clock>,
}

impl Default for MemoryRateLimiter {
    fn default() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }
}

impl MemoryRateLimiter {
    /// A limiter with no counts yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A limiter on `clock`'s time.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            arrivals: Mutex::default(),
            clock,
        }
    }
}

#[async_trait]
impl RateLimiter for MemoryRateLimiter {
    async fn take(&self, key: &str, rate: Rate) -> Result<Decision> {
        let now = self.clock.now();
        let window = chrono::Duration::from_std(rate.window).unwrap_or(chrono::Duration::MAX);
        let interval = window / i32::try_from(rate.limit.max(1)).unwrap_or(i32::MAX);
        let mut arrivals = lock(&self.arrivals);
        let arrival = arrivals.get(key).copied().unwrap_or(now).max(now);
        let next = arrival + interval;
        let allowed_from = next - window;
        if allowed_from > now {
            let retry_after = (allowed_from - now).to_std().unwrap_or_default();
            return Ok(Decision::Limited { retry_after });
        }
        arrivals.insert(key.to_owned(), next);
        Ok(Decision::Allowed)
    }
}
