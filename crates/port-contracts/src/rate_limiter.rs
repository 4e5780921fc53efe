//! Contract of `RateLimiter`: a key gets its limit at once, then waits as long as the
//! answer says; keys have budgets of their own; a refusal costs nothing.

use std::time::Duration;

use imagegen_application::ports::{Decision, ManualClock, Rate, RateLimiter};

const RATE: Rate = Rate {
    limit: 3,
    window: Duration::from_secs(60),
};

fn key() -> String {
    format!("user:{}", uuid::Uuid::new_v4())
}

/// The rule: A key gets its limit then waits as long as it is told.
pub async fn a_key_gets_its_limit_then_waits_as_long_as_it_is_told(
    limiter: &impl RateLimiter,
    clock: &ManualClock,
) {
    let key = key();
    for _ in 0..RATE.limit {
        assert_eq!(limiter.take(&key, RATE).await.unwrap(), Decision::Allowed);
    }
    let Decision::Limited { retry_after } = limiter.take(&key, RATE).await.unwrap() else {
        panic!("the fourth unit within the window was allowed");
    };
    assert!(
        retry_after > Duration::ZERO && retry_after <= Duration::from_secs(20),
        "{retry_after:?}"
    );
    clock.advance(retry_after - Duration::from_millis(1).min(retry_after));
    assert!(matches!(
        limiter.take(&key, RATE).await.unwrap(),
        Decision::Limited { .. }
    ));
    clock.advance(Duration::from_millis(1));
    assert_eq!(limiter.take(&key, RATE).await.unwrap(), Decision::Allowed);
}

/// The rule: Keys have budgets of their own.
pub async fn keys_have_budgets_of_their_own(limiter: &impl RateLimiter, _clock: &ManualClock) {
    let (busy, quiet) = (key(), key());
    for _ in 0..=RATE.limit {
        limiter.take(&busy, RATE).await.unwrap();
    }
    assert_eq!(limiter.take(&quiet, RATE).await.unwrap(), Decision::Allowed);
}

/// The rule: Refusals do not push the wait further.
pub async fn refusals_do_not_push_the_wait_further(
    limiter: &impl RateLimiter,
    clock: &ManualClock,
) {
    let key = key();
    for _ in 0..RATE.limit {
        limiter.take(&key, RATE).await.unwrap();
    }
    let Decision::Limited { retry_after } = limiter.take(&key, RATE).await.unwrap() else {
        panic!("allowed over the limit");
    };
    for _ in 0..10 {
        limiter.take(&key, RATE).await.unwrap();
    }
    clock.advance(retry_after);
    assert_eq!(limiter.take(&key, RATE).await.unwrap(), Decision::Allowed);
}
