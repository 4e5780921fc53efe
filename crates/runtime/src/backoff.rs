//! Exponential backoff with jitter, capped.

use std::time::Duration;

use rand::Rng;

/// The first retry's delay.
pub const BASE: Duration = Duration::from_millis(500);
/// The longest delay.
pub const CAP: Duration = Duration::from_secs(60);

/// The delay before retry number `attempt` (1 after the first failure): BASE * 2^(n-1),
/// capped, then scaled by a random factor in [0.8, 1.2] so that retries spread out.
pub fn delay(attempt: u32) -> Duration {
    let exponential = BASE.saturating_mul(2_u32.saturating_pow(attempt.saturating_sub(1)));
    let capped = exponential.min(CAP);
    capped.mul_f64(rand::thread_rng().gen_range(0.8..=1.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_stop_at_the_cap() {
        let first = delay(1);
        assert!(first >= BASE.mul_f64(0.8) && first <= BASE.mul_f64(1.2));
        let fourth = delay(4);
        assert!(fourth >= Duration::from_millis(3200) && fourth <= Duration::from_millis(4800));
        assert!(delay(40) <= CAP.mul_f64(1.2));
    }
}
