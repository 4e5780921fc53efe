//! `IdempotencyKeys` in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use imagegen_application::Result;
use imagegen_application::ports::{IDEMPOTENCY_WINDOW_HOURS, IdempotencyKeys, KeyClaim};
use imagegen_domain::{GenerationId, UserId};

use crate::lock;

/// What a claimed key holds: the request hash, the generation, when it was claimed.
type Claimed = (String, GenerationId, DateTime<Utc>);

/// Keys by user and key.
#[derive(Default)]
pub struct MemoryIdempotencyKeys {
    keys: Mutex<HashMap<(UserId, String), Claimed>>,
}

#[async_trait]
impl IdempotencyKeys for MemoryIdempotencyKeys {
    async fn claim(
        &self,
        user: UserId,
        key: &str,
        request_hash: &str,
        generation_id: GenerationId,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim> {
        let mut keys = lock(&self.keys);
        let entry = (user, key.to_owned());
        if let Some((hash, id, at)) = keys.get(&entry)
            && *at > now - Duration::hours(IDEMPOTENCY_WINDOW_HOURS)
        {
            return Ok(KeyClaim::Used {
                request_hash: hash.clone(),
                generation_id: *id,
            });
        }
        keys.insert(entry, (request_hash.to_owned(), generation_id, now));
        Ok(KeyClaim::New)
    }
}
