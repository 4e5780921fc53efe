//! Contract of `IdempotencyKeys`: the first claim of a user's key wins for 24 hours;
//! users and keys are apart; an expired key can be claimed again.

use chrono::Duration;
use imagegen_application::ports::{IdempotencyKeys, KeyClaim};
use imagegen_domain::{GenerationId, UserId};
use uuid::Uuid;

use crate::fixtures::now;

/// The rule: The first claim of a key wins within the window.
pub async fn the_first_claim_of_a_key_wins_within_the_window(keys: &impl IdempotencyKeys) {
    let (alice, bob) = (
        UserId::from_uuid(Uuid::new_v4()),
        UserId::from_uuid(Uuid::new_v4()),
    );
    let (first, second) = (GenerationId::new(), GenerationId::new());
    let now = now();
    assert_eq!(
        keys.claim(alice, "k1", "h1", first, now).await.unwrap(),
        KeyClaim::New
    );
    let again = keys
        .claim(alice, "k1", "h2", second, now + Duration::hours(23))
        .await
        .unwrap();
    assert_eq!(
        again,
        KeyClaim::Used {
            request_hash: "h1".into(),
            generation_id: first
        }
    );
    assert_eq!(
        keys.claim(bob, "k1", "h1", second, now).await.unwrap(),
        KeyClaim::New,
        "users apart"
    );
    assert_eq!(
        keys.claim(alice, "k2", "h1", second, now).await.unwrap(),
        KeyClaim::New,
        "keys apart"
    );
    let later = now + Duration::hours(25);
    assert_eq!(
        keys.claim(alice, "k1", "h3", second, later).await.unwrap(),
        KeyClaim::New,
        "expired"
    );
    let after = keys
        .claim(alice, "k1", "h4", GenerationId::new(), later)
        .await
        .unwrap();
    assert_eq!(
        after,
        KeyClaim::Used {
            request_hash: "h3".into(),
            generation_id: second
        }
    );
}
