//! `imagegen-worker`'s system (distributed mode): the worker loops against Postgres and
//! Redis, with no HTTP api of its own.

use std::sync::Arc;

use imagegen_application::ports::{Clock, SystemClock};
use imagegen_storage::LocalDiskImageStore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::loops::start_loops;
use crate::readiness::Readiness;
use crate::{BootstrapError, Config, Mode};

/// A started worker: its loops and what its `/readyz` checks.
pub struct Worker {
    /// The loops; each ends at shutdown (or, a fault, before).
    pub loops: JoinSet<()>,
    /// Its readiness: Postgres, Redis, the loops, draining.
    pub readiness: Readiness,
}

/// Starts the worker loops; they stop when `shutdown` is cancelled (jobs in flight
/// finish within the drain timeout; the rest are handed back, their leases ended).
///
/// # Errors
/// `Unsupported` outside the distributed mode; `IMAGEGEN_PUBLIC_BASE_URL` when unset
/// (providers send webhooks to the api, not to a worker); adapter errors.
pub async fn start_worker(
    config: &Config,
    shutdown: CancellationToken,
) -> Result<Worker, BootstrapError> {
    if config.mode() != Mode::Distributed {
        return Err(BootstrapError::Unsupported(
            "DATABASE_URL and REDIS_URL: the worker needs the shared store and queue of the distributed mode; \
             in the embedded and durable modes the api runs the worker loops in-process"
                .into(),
        ));
    }
    if config.metrics.enabled {
        crate::metrics_export::install();
    }
    let public_base_url = config.public_base_url.clone().ok_or_else(|| {
        BootstrapError::config(
            "IMAGEGEN_PUBLIC_BASE_URL",
            "must be the api's address: providers send webhooks there",
        )
    })?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let state = crate::state::state_for(config, clock.clone()).await?;
    let images_dir = crate::durable::data_dir(config, Mode::Distributed).join("images");
    let images = Arc::new(LocalDiskImageStore::open(&images_dir)?);
    let mut background = JoinSet::new();
    start_loops(
        config,
        &state,
        &clock,
        images,
        &public_base_url,
        &shutdown,
        &mut background,
    )
    .await?;
    tracing::info!(images = %images_dir.display(), "worker loops started");
    Ok(Worker {
        readiness: Readiness::new(state.events.clone(), state.admin.clone(), shutdown),
        loops: background,
    })
}
