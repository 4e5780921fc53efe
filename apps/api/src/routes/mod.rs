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

/// Parses an id from the path; an unparseable id is simply not found.
pub fn parse_id<T: std::str::FromStr>(raw: &str, what: &'static str) -> Result<T, Error> {
    raw.parse().map_err(|_| Error::NotFound { what })
}
