//! Load, move, save: the one way a generation changes, for use cases and job handlers alike.

use imagegen_domain::{
    Generation, GenerationError, GenerationEvent, GenerationId, GenerationStatus,
};

use crate::job_payloads::{JobPayload, NotifyUser};
use crate::metric_names;
use crate::ports::{DeliveryKey, GenerationRepository, NewJob, StoreError};
use crate::{Error, Result};

/// How often a move is retried when another writer saved first.
const MAX_CONFLICT_RETRIES: usize = 5;

/// Loads the generation, applies `change`, and saves it with its event. On a version
/// conflict it reloads and applies `change` again, so `change` must be a pure function
/// of the loaded state. Returns the saved generation and the event, if it moved.
///
/// # Errors
/// `NotFound` if there is no such generation; `Domain` if the move is refused; the
/// repository's errors; `VersionConflict` if it keeps losing races.
pub async fn change_generation<F>(
    repository: &dyn GenerationRepository,
    id: GenerationId,
    change: F,
) -> Result<(Generation, Option<GenerationEvent>)>
where
    F: FnMut(&mut Generation) -> Result<Option<GenerationEvent>, GenerationError> + Send,
{
    change_generation_with_jobs(repository, id, change, |_| Ok(Vec::new())).await
}

/// As [`change_generation`], and queues the jobs that `follow_up` asks for after the
/// move, in the same atomic save: a job exists if and only if its move was saved.
///
/// # Errors
/// As [`change_generation`], and `follow_up`'s errors.
pub async fn change_generation_with_jobs<F, J>(
    repository: &dyn GenerationRepository,
    id: GenerationId,
    change: F,
    follow_up: J,
) -> Result<(Generation, Option<GenerationEvent>)>
where
    F: FnMut(&mut Generation) -> Result<Option<GenerationEvent>, GenerationError> + Send,
    J: Fn(&Generation) -> Result<Vec<NewJob>> + Send,
{
    change_generation_for_delivery(repository, id, change, follow_up, None).await
}

/// As [`change_generation_with_jobs`], and, when the move is saved, marks `delivery`
/// (the webhook that caused it) processed in the same atomic save. When nothing moves,
/// the delivery is left for the caller to mark.
///
/// # Errors
/// As [`change_generation_with_jobs`].
pub async fn change_generation_for_delivery<F, J>(
    repository: &dyn GenerationRepository,
    id: GenerationId,
    mut change: F,
    follow_up: J,
    delivery: Option<&DeliveryKey>,
) -> Result<(Generation, Option<GenerationEvent>)>
where
    F: FnMut(&mut Generation) -> Result<Option<GenerationEvent>, GenerationError> + Send,
    J: Fn(&Generation) -> Result<Vec<NewJob>> + Send,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut generation = repository
            .get(id)
            .await?
            .ok_or(Error::NotFound { what: "generation" })?;
        let Some(event) = change(&mut generation)? else {
            return Ok((generation, None));
        };
        let events = generation.take_events();
        let mut jobs = follow_up(&generation)?;
        // A move to the end tells the user's callback URL, if it has one.
        if generation.status().is_terminal() && generation.settings().callback_url().is_some() {
            jobs.push(
                NotifyUser {
                    generation_id: generation.id(),
                }
                .to_job()?,
            );
        }
        let saved = match delivery {
            Some(delivery) => {
                repository
                    .save_processed(&generation, &events, &jobs, delivery)
                    .await
            }
            None => repository.save(&generation, &events, &jobs).await,
        };
        match saved {
            Ok(()) => {
                count_end(&generation);
                return Ok((generation, Some(event)));
            }
            Err(StoreError::Conflict { .. }) if attempt < MAX_CONFLICT_RETRIES => {
                tracing::debug!(generation.id = %id, attempt, "version conflict; reloading");
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// Counts a generation that reached an end, and how long a completed one took.
fn count_end(generation: &Generation) {
    let status = generation.status();
    if !status.is_terminal() {
        return;
    }
    let provider = generation.provider().as_str();
    let labels = [("provider", provider), ("status", status.as_str())];
    metrics::counter!(metric_names::GENERATIONS_ENDED, &labels).increment(1);
    if let (GenerationStatus::Completed, Some(ended)) = (status, generation.completed_at()) {
        let took = (ended - generation.created_at())
            .to_std()
            .unwrap_or_default();
        metrics::histogram!(metric_names::GENERATION_DURATION, "provider" => provider)
            .record(took.as_secs_f64());
    }
}
