//! Cancel a generation (its owner, or an admin): the move to `cancelled` is saved with
//! a job that stops the prediction at the provider. Cancelling again is a no-op.

use std::sync::Arc;

use imagegen_domain::{Generation, GenerationId, GenerationStatus};

use crate::job_payloads::{CancelPrediction, JobPayload};
use crate::ports::{Clock, GenerationRepository};
use crate::unit_of_work::change_generation_with_jobs;
use crate::{Caller, Error, Result, Role};

/// Cancels generations.
pub struct CancelGeneration {
    repository: Arc<dyn GenerationRepository>,
    clock: Arc<dyn Clock>,
}

impl CancelGeneration {
    /// Cancels generations in `repository`, stamped by `clock`.
    pub fn new(repository: Arc<dyn GenerationRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repository, clock }
    }

    /// Cancels `id`; returns it as it is now.
    ///
    /// # Errors
    /// `NotFound` when the caller may not read it; `Forbidden` when it may read it but
    /// is neither its owner nor an admin; `Domain` when it already completed or failed;
    /// the repository's errors.
    #[tracing::instrument(name = "cancel_generation", skip_all, fields(generation.id = %id))]
    pub async fn execute(&self, caller: &Caller, id: GenerationId) -> Result<Generation> {
        let generation = match self.repository.get(id).await? {
            Some(generation) if caller.can_read(&generation) => generation,
            _ => return Err(Error::NotFound { what: "generation" }),
        };
        if generation.user_id() != caller.user_id && caller.role != Role::Admin {
            return Err(Error::Forbidden(
                "only its owner or an admin may cancel a generation".into(),
            ));
        }
        let now = self.clock.now();
        let (generation, moved) = change_generation_with_jobs(
            self.repository.as_ref(),
            id,
            |g| match g.status() {
                GenerationStatus::Cancelled => Ok(None),
                _ => g.cancel(now).map(Some),
            },
            |g| match g.external_id() {
                Some(_) => Ok(vec![
                    CancelPrediction {
                        generation_id: g.id(),
                    }
                    .to_job()?,
                ]),
                None => Ok(Vec::new()),
            },
        )
        .await?;
        if moved.is_some() {
            tracing::info!("generation cancelled");
        }
        Ok(generation)
    }
}
