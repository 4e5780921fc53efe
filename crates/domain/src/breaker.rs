//! The automatic fallback: a circuit breaker over webhook health. When too many of the
//! recent webhook outcomes are failures (overdue webhooks: what an outsider cannot
//! forge; refused signatures are counted apart and never judged), new
//! generations poll instead (`open`); after a cool-down a share of users gets webhooks
//! again (`half_open`, probing); healthy probes close it, failing ones open it again.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::{DeliveryMode, DeliveryPolicy, UserId, rollout_bucket};

/// Where the automatic fallback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Webhooks as the policy says.
    Closed,
    /// Webhooks failing: new generations poll.
    Open,
    /// Probing: a share of users gets webhooks again.
    HalfOpen,
}

/// The breaker and since when it is in its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breaker {
    /// Where it stands.
    pub state: BreakerState,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// Webhook outcomes counted over some time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Verified deliveries.
    pub delivered: u64,
    /// Webhooks overdue: the reconciler had to poll a `webhook` generation.
    pub failed: u64,
    /// Deliveries refused for their signature: anyone can send those, so they are
    /// shown for alerts but never judged.
    #[serde(default)]
    pub refused: u64,
}

impl Tally {
    fn failure_rate(self) -> Option<f64> {
        let all = self.delivered + self.failed;
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        (all > 0).then(|| self.failed as f64 / all as f64)
    }
}

/// When the breaker moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerRules {
    /// Failure share at or above which it opens.
    pub threshold: f64,
    /// Outcomes needed before it judges.
    pub min_samples: u64,
    /// How far back a closed breaker looks.
    pub window: TimeDelta,
    /// How long it stays open before probing.
    pub cool_down: TimeDelta,
    /// Users, out of 100, given webhooks while probing.
    pub probe_percent: u64,
}

impl Default for BreakerRules {
    fn default() -> Self {
        Self {
            threshold: 0.5,
            min_samples: 10,
            window: TimeDelta::minutes(5),
            cool_down: TimeDelta::minutes(1),
            probe_percent: 10,
        }
    }
}

impl Breaker {
    /// A closed breaker (webhooks in use) since `at`.
    pub fn closed(at: DateTime<Utc>) -> Self {
        Self {
            state: BreakerState::Closed,
            since: at,
        }
    }

    /// Where the tally is counted from, for [`Breaker::next`]: the window, but never
    /// before the breaker's last move (what tripped it, or what a probe saw, is not
    /// judged twice).
    pub fn tally_from(&self, now: DateTime<Utc>, rules: &BreakerRules) -> DateTime<Utc> {
        (now - rules.window).max(self.since)
    }

    /// The breaker's next state at `now`, given the tally since [`Breaker::tally_from`];
    /// `None` when it stays.
    pub fn next(&self, tally: Tally, now: DateTime<Utc>, rules: &BreakerRules) -> Option<Self> {
        let judged = tally.delivered + tally.failed >= rules.min_samples;
        let failing = judged && tally.failure_rate().is_some_and(|r| r >= rules.threshold);
        let state = match self.state {
            BreakerState::Closed if failing => BreakerState::Open,
            BreakerState::Open if now - self.since >= rules.cool_down => BreakerState::HalfOpen,
            BreakerState::HalfOpen if failing => BreakerState::Open,
            BreakerState::HalfOpen if judged => BreakerState::Closed,
            _ => return None,
        };
        Some(Self { state, since: now })
    }

    /// The mode of a new generation of `user`: the policy's, unless the breaker took
    /// webhooks away. An operator's override (a user's, or the global one) wins.
    pub fn mode_for(
        &self,
        policy: &DeliveryPolicy,
        user: UserId,
        rules: &BreakerRules,
    ) -> DeliveryMode {
        let chosen = policy.mode_for(user);
        let overridden =
            policy.user_overrides.contains_key(&user) || policy.global_override.is_some();
        if overridden || chosen == DeliveryMode::Polling {
            return chosen;
        }
        match self.state {
            BreakerState::Closed => chosen,
            BreakerState::HalfOpen if rollout_bucket(user) < rules.probe_percent => chosen,
            _ => DeliveryMode::Polling,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(delivered: u64, failed: u64) -> Tally {
        Tally {
            delivered,
            failed,
            refused: 0,
        }
    }

    #[test]
    fn it_opens_on_failures_probes_after_the_cool_down_and_closes_when_healthy() {
        let rules = BreakerRules::default();
        let t0 = Utc::now();
        let closed = Breaker::closed(t0);
        assert_eq!(
            closed.next(tally(2, 5), t0, &rules),
            None,
            "too few to judge"
        );
        assert_eq!(
            closed.next(tally(8, 4), t0, &rules),
            None,
            "a third failing"
        );
        let open = closed.next(tally(4, 8), t0, &rules).unwrap();
        assert_eq!(open.state, BreakerState::Open);
        assert_eq!(
            open.next(tally(0, 0), t0 + TimeDelta::seconds(30), &rules),
            None
        );
        let probing = open
            .next(tally(0, 0), t0 + TimeDelta::minutes(1), &rules)
            .unwrap();
        assert_eq!(probing.state, BreakerState::HalfOpen);
        assert_eq!(probing.next(tally(3, 0), t0, &rules), None, "still probing");
        let again = probing.next(tally(2, 9), t0, &rules).unwrap();
        assert_eq!(again.state, BreakerState::Open);
        let healthy = probing.next(tally(10, 1), t0, &rules).unwrap();
        assert_eq!(healthy.state, BreakerState::Closed);
    }

    #[test]
    fn an_open_breaker_polls_everyone_but_overrides_win() {
        let rules = BreakerRules::default();
        let open = Breaker {
            state: BreakerState::Open,
            since: Utc::now(),
        };
        let user = UserId::from_uuid(uuid::Uuid::new_v4());
        let mut policy = DeliveryPolicy::default();
        assert_eq!(open.mode_for(&policy, user, &rules), DeliveryMode::Polling);
        policy.user_overrides.insert(user, DeliveryMode::Webhook);
        assert_eq!(open.mode_for(&policy, user, &rules), DeliveryMode::Webhook);
        let closed = Breaker::closed(Utc::now());
        let other = UserId::from_uuid(uuid::Uuid::new_v4());
        assert_eq!(
            closed.mode_for(&policy, other, &rules),
            DeliveryMode::Webhook
        );
    }
}
