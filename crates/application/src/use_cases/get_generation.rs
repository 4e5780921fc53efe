//! Read one generation.

use std::sync::Arc;

use imagegen_domain::{Generation, GenerationId};

use crate::ports::GenerationRepository;
use crate::{Caller, Error, Result};

/// Reads generations the caller may see.
pub struct GetGeneration {
    repository: Arc<dyn GenerationRepository>,
}

impl GetGeneration {
    /// Reads from `repository`.
    pub fn new(repository: Arc<dyn GenerationRepository>) -> Self {
        Self { repository }
    }

    /// The generation, if the caller may read it.
    ///
    /// # Errors
    /// `NotFound` when it does not exist or belongs to someone else (so ids of other
    /// users' generations are not confirmed); the repository's errors.
    pub async fn execute(&self, caller: &Caller, id: GenerationId) -> Result<Generation> {
        match self.repository.get(id).await? {
            Some(generation) if caller.can_read(&generation) => Ok(generation),
            _ => Err(Error::NotFound { what: "generation" }),
        }
    }
}
