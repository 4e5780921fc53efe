//! One module per resource, each exporting `router()`.

pub mod admin;
pub mod broadcast;
pub mod delivery;
pub mod events;
pub mod generations;
pub mod health;
pub mod images;
pub mod long_poll;
pub mod presence;
pub mod providers;
pub mod webhooks;
pub mod ws;

use imagegen_application::Error;

use crate::ApiError;

/// Parses an id from the path; an unparseable id is simply not found.
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &'static str) -> Result<T, Error> {
    raw.parse().map_err(|_| Error::NotFound { what })
}

/// A page's `limit`: `default` when absent, else from 1 to `max` (out of range is
/// refused, never moved).
pub(crate) fn page_limit(
    limit: Option<usize>,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(imagegen_application::Error::Invalid(format!(
            "limit must be from 1 to {max}"
        ))
        .into()),
    }
}
