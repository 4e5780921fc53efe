//! List the caller's generations, newest first, in cursor pages.

use std::sync::Arc;

use imagegen_domain::{Generation, GenerationId};

use crate::ports::GenerationRepository;
use crate::{Caller, Error, Result};

/// The largest page.
pub const MAX_PAGE_SIZE: usize = 100;

/// One page, with the cursor of the next one.
#[derive(Debug, Clone)]
pub struct GenerationPage {
    /// The generations, newest first.
    pub items: Vec<Generation>,
    /// Pass as `before` for the next page; `None` on the last page.
    pub next_cursor: Option<GenerationId>,
}

/// Lists generations.
pub struct ListGenerations {
    repository: Arc<dyn GenerationRepository>,
}

impl ListGenerations {
    /// Lists from `repository`.
    pub fn new(repository: Arc<dyn GenerationRepository>) -> Self {
        Self { repository }
    }

    /// The caller's generations created before the cursor.
    ///
    /// # Errors
    /// `Invalid` for a page size outside 1..=100; the repository's errors.
    pub async fn execute(
        &self,
        caller: &Caller,
        before: Option<GenerationId>,
        limit: usize,
    ) -> Result<GenerationPage> {
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(Error::Invalid(format!(
                "limit must be from 1 to {MAX_PAGE_SIZE}"
            )));
        }
        // One extra tells whether another page follows.
        let mut items = self
            .repository
            .list_for_user(caller.user_id, before, limit + 1)
            .await?;
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(Generation::id)
        } else {
            None
        };
        Ok(GenerationPage { items, next_cursor })
    }
}
