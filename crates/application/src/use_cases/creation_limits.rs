//! The limits on creating generations: a rate per user, shared by every instance that
//! shares the limiter, and a number of generations in flight per user.

use std::sync::Arc;
use std::time::Duration;

use crate::ports::{Decision, GenerationRepository, Rate, RateLimiter};
use crate::{Caller, Error, Result};

/// How long a client over the in-flight limit is asked to wait.
const IN_FLIGHT_RETRY: Duration = Duration::from_secs(5);

/// The limits of [`CreateGeneration`](super::CreateGeneration).
#[derive(Clone)]
pub struct CreationLimits {
    /// Where the rate is counted.
    pub limiter: Arc<dyn RateLimiter>,
    /// Creations per user.
    pub rate: Rate,
    /// A user's generations that have not ended.
    pub max_in_flight: u64,
}

impl CreationLimits {
    /// Refuses the caller when over either limit. A limiter that cannot be reached
    /// lets the request through: its outage must not stop the service.
    ///
    /// # Errors
    /// `RateLimited` over a limit; the repository's `Unavailable`.
    pub(crate) async fn check(
        &self,
        caller: &Caller,
        repository: &dyn GenerationRepository,
    ) -> Result<()> {
        let key = format!("create:{}", caller.user_id);
        let (taken, in_flight) = tokio::join!(
            self.limiter.take(&key, self.rate),
            repository.count_in_flight(caller.user_id)
        );
        match taken {
            Ok(Decision::Allowed) => {}
            Ok(Decision::Limited { retry_after }) => {
                return Err(Error::RateLimited {
                    message: format!(
                        "at most {} generations per {} s; try again in {} s",
                        self.rate.limit,
                        self.rate.window.as_secs(),
                        retry_after.as_secs().max(1)
                    ),
                    retry_after,
                });
            }
            Err(error) => tracing::warn!(%error, "rate limiter unavailable; not limiting"),
        }
        let in_flight = in_flight?;
        if in_flight >= self.max_in_flight {
            return Err(Error::RateLimited {
                message: format!(
                    "{in_flight} generations are still running; at most {} at once",
                    self.max_in_flight
                ),
                retry_after: IN_FLIGHT_RETRY,
            });
        }
        Ok(())
    }
}
