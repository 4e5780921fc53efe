//! Contract of `WebhookHealth`: outcomes count from a time on; the breaker is none
//! until set, then the last set.

use chrono::{Duration, DurationRound, TimeDelta};
use imagegen_application::ports::{WebhookHealth, WebhookOutcome};
use imagegen_domain::{Breaker, BreakerState, Tally};

use crate::fixtures::now;

/// The rule: Outcomes tally from a time and the breaker keeps its state.
pub async fn outcomes_tally_from_a_time_and_the_breaker_keeps_its_state(
    health: &impl WebhookHealth,
) {
    let now = now().duration_trunc(TimeDelta::seconds(1)).unwrap();
    let before = now - Duration::minutes(10);
    health.record(WebhookOutcome::Failed, before).await.unwrap();
    for _ in 0..3 {
        health.record(WebhookOutcome::Delivered, now).await.unwrap();
    }
    health.record(WebhookOutcome::Failed, now).await.unwrap();
    health.record(WebhookOutcome::Refused, now).await.unwrap();
    let recent = health.tally(now - Duration::minutes(5)).await.unwrap();
    assert_eq!(
        recent,
        Tally {
            delivered: 3,
            failed: 1,
            refused: 1,
        }
    );
    let all = health.tally(before).await.unwrap();
    assert_eq!(
        all,
        Tally {
            delivered: 3,
            failed: 2,
            refused: 1,
        }
    );

    assert_eq!(health.breaker().await.unwrap(), None);
    let open = Breaker {
        state: BreakerState::Open,
        since: now,
    };
    health.set_breaker(&open).await.unwrap();
    assert_eq!(health.breaker().await.unwrap(), Some(open));
}
