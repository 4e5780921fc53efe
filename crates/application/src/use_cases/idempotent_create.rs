//! `Idempotency-Key` for creation: the same key from the same user within 24 hours
//! gets the first request's generation and creates nothing; the same key with another
//! request is refused.

use imagegen_domain::{Generation, GenerationId};
use sha2::{Digest, Sha256};

use super::{CreateGeneration, CreateGenerationCommand};
use crate::ports::KeyClaim;
use crate::{Caller, Error, Result};

/// The longest key, in bytes.
const MAX_KEY_BYTES: usize = 255;

/// A stable digest of what was asked (prompt and settings as sent).
fn request_hash(command: &CreateGenerationCommand) -> Result<String> {
    let body = serde_json::to_vec(&(&command.prompt, &command.settings))
        .map_err(|e| Error::unexpected("hashing a request", e))?;
    Ok(format!("{:x}", Sha256::digest(body)))
}

/// What a key says about a creation.
pub(super) enum KeyOutcome {
    /// A new key: create the generation.
    Fresh,
    /// The first request's generation: answer with it.
    Replay(Box<Generation>),
    /// The first request claimed this id but its generation was never saved: create it
    /// under that id.
    Unsaved(GenerationId),
}

impl CreateGeneration {
    /// Claims `key` for a generation to be created as `id`.
    pub(super) async fn claim_key(
        &self,
        caller: &Caller,
        command: &CreateGenerationCommand,
        key: &str,
        id: GenerationId,
    ) -> Result<KeyOutcome> {
        if key.is_empty() || key.len() > MAX_KEY_BYTES || !key.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(Error::Invalid(format!(
                "Idempotency-Key must be 1 to {MAX_KEY_BYTES} visible ASCII characters"
            )));
        }
        let keys = &self.idempotency;
        let hash = request_hash(command)?;
        let now = self.clock.now();
        match keys.claim(caller.user_id, key, &hash, id, now).await? {
            KeyClaim::New => Ok(KeyOutcome::Fresh),
            KeyClaim::Used { request_hash, .. } if request_hash != hash => Err(Error::Invalid(
                "this Idempotency-Key was used for a different request".into(),
            )),
            KeyClaim::Used { generation_id, .. } => {
                // The first request's answer; if it never got saved, it is saved now.
                Ok(match self.repository.get(generation_id).await? {
                    Some(generation) => KeyOutcome::Replay(Box::new(generation)),
                    None => KeyOutcome::Unsaved(generation_id),
                })
            }
        }
    }
}
