//! Load, move, save: the one way handlers change a generation.

use imagegen_domain::{Generation, GenerationError, GenerationEvent, GenerationId};

use crate::ports::GenerationRepository;
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
    mut change: F,
) -> Result<(Generation, Option<GenerationEvent>)>
where
    F: FnMut(&mut Generation) -> Result<Option<GenerationEvent>, GenerationError> + Send,
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
        match repository.save(&generation, &events).await {
            Ok(()) => return Ok((generation, Some(event))),
            Err(Error::VersionConflict { .. }) if attempt < MAX_CONFLICT_RETRIES => {
                tracing::debug!(generation.id = %id, attempt, "version conflict; reloading");
            }
            Err(error) => return Err(error),
        }
    }
}
