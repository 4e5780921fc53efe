//! A change to the delivery policy, merged into the current one (RFC 7396 merge patch
//! semantics): a field left out keeps its value, a user override set to `null` is
//! removed, `global_override: null` clears it. So a rollout step or a rollback never
//! erases the single users an operator pinned.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::{DeliveryMode, DeliveryPolicy, UserId};

/// What a `PATCH` changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryPolicyPatch {
    /// The new mode, if it changes.
    pub mode: Option<DeliveryMode>,
    /// The new rollout percentage, if it changes.
    pub percentage: Option<u8>,
    /// Overrides to set (a mode) or to remove (`null`); the others stay.
    #[serde(default)]
    pub user_overrides: BTreeMap<UserId, Option<DeliveryMode>>,
    /// Absent: kept; `null`: cleared; a mode: set.
    #[serde(default, deserialize_with = "present")]
    pub global_override: Option<Option<DeliveryMode>>,
}

/// A field that is present, even as `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<DeliveryMode>>, D::Error> {
    Option::<DeliveryMode>::deserialize(d).map(Some)
}

impl DeliveryPolicy {
    /// This policy with `patch` merged in (not checked: call [`DeliveryPolicy::check`]).
    #[must_use]
    pub fn patched(mut self, patch: DeliveryPolicyPatch) -> Self {
        if let Some(mode) = patch.mode {
            self.mode = mode;
        }
        if let Some(percentage) = patch.percentage {
            self.percentage = percentage;
        }
        for (user, mode) in patch.user_overrides {
            match mode {
                Some(mode) => self.user_overrides.insert(user, mode),
                None => self.user_overrides.remove(&user),
            };
        }
        if let Some(global) = patch.global_override {
            self.global_override = global;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(json: &str) -> DeliveryPolicyPatch {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_patch_keeps_what_it_leaves_out_and_merges_user_overrides() {
        let pinned = UserId::from_uuid(uuid::Uuid::new_v4());
        let other = UserId::from_uuid(uuid::Uuid::new_v4());
        let policy = DeliveryPolicy::default().patched(patch(&format!(
            r#"{{"user_overrides": {{"{pinned}": "polling", "{other}": "dual"}}}}"#
        )));
        let rolled_back = policy.patched(patch(r#"{"global_override": "polling"}"#));
        assert_eq!(rolled_back.global_override, Some(DeliveryMode::Polling));
        assert_eq!(rolled_back.user_overrides.len(), 2, "the pinned users stay");
        let step = rolled_back.patched(patch(&format!(
            r#"{{"mode": "webhook", "percentage": 10, "global_override": null,
                "user_overrides": {{"{other}": null}}}}"#
        )));
        assert_eq!((step.mode, step.percentage), (DeliveryMode::Webhook, 10));
        assert_eq!(step.global_override, None, "null clears it");
        assert_eq!(
            step.user_overrides.into_iter().collect::<Vec<_>>(),
            vec![(pinned, DeliveryMode::Polling)],
            "null removes one override"
        );
    }

    #[test]
    fn an_unknown_field_is_refused() {
        assert!(serde_json::from_str::<DeliveryPolicyPatch>(r#"{"percent": 5}"#).is_err());
    }
}
