//! The durable mode's state: generations, events, the webhook inbox and the job queue
//! in Postgres (`DATABASE_URL`), migrated at start.

use std::path::PathBuf;
use std::sync::Arc;

use imagegen_application::ports::Clock;
use imagegen_postgres::{PgOptions, PgStore};
use secrecy::ExposeSecret;

use crate::system::StateAdapters;
use crate::{BootstrapError, Config, Mode};

/// Connects to `DATABASE_URL` and brings the schema up to date.
///
/// # Errors
/// A `DATABASE_URL` configuration error when the URL is invalid, the server does not
/// answer or the migration fails.
pub async fn connect(config: &Config) -> Result<PgStore, BootstrapError> {
    let url = config
        .database_url
        .as_ref()
        .ok_or_else(|| BootstrapError::config("DATABASE_URL", "is not set"))?;
    let options = PgOptions {
        max_connections: config.database_max_connections,
        ..PgOptions::default()
    };
    let store = PgStore::connect(url.expose_secret(), options)
        .await
        .map_err(|e| BootstrapError::config("DATABASE_URL", e.to_string()))?;
    store
        .migrate()
        .await
        .map_err(|e| BootstrapError::config("DATABASE_URL", e.to_string()))?;
    Ok(store)
}

/// One Postgres store behind every stateful port.
pub(crate) async fn postgres_state(
    config: &Config,
    clock: Arc<dyn Clock>,
) -> Result<StateAdapters, BootstrapError> {
    let store = Arc::new(connect(config).await?.with_clock(clock));
    Ok(StateAdapters {
        repository: store.clone(),
        events: store.clone(),
        queue: store.clone(),
        inbox: store,
    })
}

/// Where files go: `IMAGEGEN_DATA_DIR`; else a fresh temporary directory in the
/// embedded mode, and `./imagegen-data` in the durable mode, whose images must
/// outlive a restart as its rows do.
pub(crate) fn data_dir(config: &Config, mode: Mode) -> PathBuf {
    match (&config.data_dir, mode) {
        (Some(dir), _) => dir.clone(),
        (None, Mode::Durable) => PathBuf::from("imagegen-data"),
        (None, Mode::Embedded) => {
            std::env::temp_dir().join(format!("imagegen-{}", uuid::Uuid::new_v4()))
        }
    }
}
