//! The caps on event streams per api instance: a stream holds a permit for as long as
//! it is open. When the instance is full the request gets `503` with `Retry-After`
//! before any stream starts, so it sheds load to its peers behind the balancer; a user
//! beyond its share gets `429` with `Retry-After`.

use imagegen_application::Error;
use imagegen_bootstrap::Services;
use imagegen_bootstrap::stream_cap::{StreamPermit, StreamRefusal};
use imagegen_domain::UserId;

/// A permit for one more stream of `user`.
///
/// # Errors
/// `Unavailable` (503) when the instance is full, `RateLimited` (429) when the user
/// holds its share.
pub fn admit(services: &Services, user: UserId) -> Result<StreamPermit, Error> {
    services.streams.admit(user).map_err(|refusal| match refusal {
        StreamRefusal::Full => {
            tracing::warn!("event stream refused: the connection cap is reached");
            Error::unavailable("event streams", refusal)
        }
        StreamRefusal::UserFull(_) => {
            tracing::info!(user.id = %user, "event stream refused: the user's share is reached");
            Error::RateLimited {
                message: refusal.to_string(),
                retry_after: std::time::Duration::from_secs(5),
            }
        }
    })
}
