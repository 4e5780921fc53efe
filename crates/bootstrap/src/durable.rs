//! Postgres (`DATABASE_URL`): connecting and migrating at start, and where files go in
//! the modes that keep state.

use std::path::PathBuf;

use imagegen_postgres::{JobDestination, PgOptions, PgStore};
use secrecy::ExposeSecret;

use crate::{BootstrapError, Config, Mode};

/// Connects to `DATABASE_URL` and brings the schema up to date. With `outbox`, the jobs
/// saved with a move go to the job outbox (for the Redis queue) instead of the
/// Postgres queue.
///
/// # Errors
/// A `DATABASE_URL` configuration error when the URL is invalid, the server does not
/// answer or the migration fails.
pub async fn connect(config: &Config, outbox: bool) -> Result<PgStore, BootstrapError> {
    let url = config
        .database_url
        .as_ref()
        .ok_or_else(|| BootstrapError::config("DATABASE_URL", "is not set"))?;
    let options = PgOptions {
        max_connections: config.database_max_connections,
        job_destination: if outbox {
            JobDestination::Outbox
        } else {
            JobDestination::Queue
        },
        ..PgOptions::default()
    };
    let store = PgStore::connect(url.expose_secret(), options)
        .await
        .map_err(|e| BootstrapError::unusable("DATABASE_URL", "cannot open the database", e))?;
    store
        .migrate()
        .await
        .map_err(|e| BootstrapError::unusable("DATABASE_URL", "cannot migrate the database", e))?;
    Ok(store)
}

/// Where files go: `IMAGEGEN_DATA_DIR`; else a fresh temporary directory in the
/// embedded mode, and `./imagegen-data` in the durable mode, whose images must
/// outlive a restart as its rows do.
pub(crate) fn data_dir(config: &Config, mode: Mode) -> PathBuf {
    match (&config.data_dir, mode) {
        (Some(dir), _) => dir.clone(),
        (None, Mode::Durable | Mode::Distributed) => PathBuf::from("imagegen-data"),
        (None, Mode::Embedded) => {
            std::env::temp_dir().join(format!("imagegen-{}", uuid::Uuid::new_v4()))
        }
    }
}
