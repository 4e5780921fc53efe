//! The delivery policy: how each new generation learns about its prediction
//! (`webhook`, `dual` or `polling`), for rolling webhooks out to a share of users and
//! back. A user's place in the rollout comes from a stable hash of their id, so the
//! same user stays on the same side as the share grows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{DeliveryMode, UserId};

/// Who gets which delivery mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryPolicy {
    /// The mode of the users inside the rollout.
    pub mode: DeliveryMode,
    /// The share of users, 0 to 100, inside the rollout; the others poll.
    pub percentage: u8,
    /// Modes for single users; they win over everything else.
    #[serde(default)]
    pub user_overrides: BTreeMap<UserId, DeliveryMode>,
    /// One mode for everyone else, over the rollout (an operator's switch).
    #[serde(default)]
    pub global_override: Option<DeliveryMode>,
}

impl Default for DeliveryPolicy {
    /// Webhooks for everyone: zero polling calls on the happy path.
    fn default() -> Self {
        Self {
            mode: DeliveryMode::Webhook,
            percentage: 100,
            user_overrides: BTreeMap::new(),
            global_override: None,
        }
    }
}

/// Why a policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryPolicyError {
    /// A rollout percentage above 100.
    #[error("percentage {0} is outside 0..=100")]
    Percentage(u8),
    /// More per-user overrides than a policy may hold.
    #[error("at most {MAX_USER_OVERRIDES} user overrides")]
    TooManyOverrides,
}

/// The most users a policy may name (it is read at every creation).
pub const MAX_USER_OVERRIDES: usize = 1_000;

impl DeliveryPolicy {
    /// Checks a policy an operator sent.
    ///
    /// # Errors
    /// A percentage over 100, or too many user overrides.
    pub fn check(self) -> Result<Self, DeliveryPolicyError> {
        if self.percentage > 100 {
            return Err(DeliveryPolicyError::Percentage(self.percentage));
        }
        if self.user_overrides.len() > MAX_USER_OVERRIDES {
            return Err(DeliveryPolicyError::TooManyOverrides);
        }
        Ok(self)
    }

    /// The mode of a new generation of `user`.
    pub fn mode_for(&self, user: UserId) -> DeliveryMode {
        if let Some(mode) = self.user_overrides.get(&user) {
            return *mode;
        }
        if let Some(mode) = self.global_override {
            return mode;
        }
        if rollout_bucket(user) < u64::from(self.percentage) {
            self.mode
        } else {
            DeliveryMode::Polling
        }
    }
}

/// A user's place in the rollout, 0 to 99: FNV-1a of the id's bytes, the same in every
/// process and every release (a std `Hasher` is seeded per process).
pub fn rollout_bucket(user: UserId) -> u64 {
    let hash = user
        .as_uuid()
        .as_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        });
    hash % 100
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` users, the same every run (ids spread by a fixed odd multiplier), so the
    /// share the test sees never changes from run to run.
    fn users(n: usize) -> Vec<UserId> {
        (1..=n as u128)
            .map(|i| {
                let id = i.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
                UserId::from_uuid(uuid::Uuid::from_u128(id))
            })
            .collect()
    }

    #[test]
    fn the_share_on_the_rollout_matches_the_percentage_and_stays_per_user() {
        let users = users(20_000);
        for percentage in [0, 10, 50, 100] {
            let policy = DeliveryPolicy {
                percentage,
                ..DeliveryPolicy::default()
            };
            let on_webhooks = users
                .iter()
                .filter(|u| policy.mode_for(**u) == DeliveryMode::Webhook)
                .count();
            let share = on_webhooks as f64 * 100.0 / users.len() as f64;
            assert!(
                (share - f64::from(percentage)).abs() <= 1.5,
                "{percentage}%: {share:.2}%"
            );
        }
        // Growing the share only moves users onto webhooks, never off.
        let (ten, fifty) = (
            DeliveryPolicy {
                percentage: 10,
                ..DeliveryPolicy::default()
            },
            DeliveryPolicy {
                percentage: 50,
                ..DeliveryPolicy::default()
            },
        );
        for user in &users {
            if ten.mode_for(*user) == DeliveryMode::Webhook {
                assert_eq!(fifty.mode_for(*user), DeliveryMode::Webhook);
            }
        }
    }

    #[test]
    fn a_user_override_wins_over_the_global_one_which_wins_over_the_rollout() {
        let [alice, bob] = [users(2)[0], users(2)[1]];
        let mut policy = DeliveryPolicy {
            global_override: Some(DeliveryMode::Polling),
            ..DeliveryPolicy::default()
        };
        policy.user_overrides.insert(alice, DeliveryMode::Dual);
        assert_eq!(policy.mode_for(alice), DeliveryMode::Dual);
        assert_eq!(policy.mode_for(bob), DeliveryMode::Polling);
        policy.global_override = None;
        assert_eq!(policy.mode_for(bob), DeliveryMode::Webhook);
    }

    /// Known answers, computed apart (FNV-1a 64 in Python over the UUID's 16 bytes):
    /// a change of hash would move users between modes silently; this fails first.
    #[test]
    fn the_rollout_bucket_of_known_users_never_changes() {
        for (user, bucket) in [
            ("00000000-0000-0000-0000-000000000000", 21),
            ("ffffffff-ffff-ffff-ffff-ffffffffffff", 33),
            ("0191b3a0-7c2e-7d4a-9f1e-2b6c8d0e4f17", 98),
            ("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", 93),
        ] {
            let id = UserId::from_uuid(uuid::Uuid::parse_str(user).unwrap());
            assert_eq!(rollout_bucket(id), bucket, "{user}");
        }
    }

    #[test]
    fn a_percentage_over_100_is_refused() {
        let policy = DeliveryPolicy {
            percentage: 101,
            ..DeliveryPolicy::default()
        };
        assert_eq!(policy.check(), Err(DeliveryPolicyError::Percentage(101)));
    }
}
