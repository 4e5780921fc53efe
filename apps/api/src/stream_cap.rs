//! The cap on event streams per api instance: a stream holds a permit for as long as it
//! is open; when none is left the request gets `503` with `Retry-After` before any
//! stream starts, so a full instance sheds load to its peers behind the balancer.

use std::sync::Arc;

use imagegen_application::Error;
use imagegen_bootstrap::Services;
use tokio::sync::OwnedSemaphorePermit;

/// Why a stream was refused.
#[derive(Debug, thiserror::Error)]
#[error("this instance holds its most event streams (IMAGEGEN_MAX_CONNECTIONS)")]
struct Full;

/// A permit for one more stream.
///
/// # Errors
/// `Unavailable` (503, `Retry-After`) when the instance is full.
pub fn admit(services: &Services) -> Result<OwnedSemaphorePermit, Error> {
    Arc::clone(&services.streams)
        .try_acquire_owned()
        .map_err(|_| {
            tracing::warn!("event stream refused: the connection cap is reached");
            Error::unavailable("event streams", Full)
        })
}
