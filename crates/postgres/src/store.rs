//! Opening the store: a pool sized from config, statement and acquire timeouts, the
//! migrations, and the notification listener.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize};
use std::time::Duration;

use imagegen_application::ports::{Clock, SystemClock};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use tokio_util::sync::{CancellationToken, DropGuard};

use crate::outbox::JobDestination;
use crate::wakeups::{self, Wakeups};
use crate::{MIGRATOR, PostgresError};

/// How the store connects.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// The pool's size (`IMAGEGEN_DATABASE_MAX_CONNECTIONS`).
    pub max_connections: u32,
    /// How long a caller waits for a free connection before `Unavailable`.
    pub acquire_timeout: Duration,
    /// Every statement is cancelled after this long, so a stuck query never hangs a
    /// request.
    pub statement_timeout: Duration,
    /// The name under which the outbox relay keeps its checkpoint.
    pub relay_name: String,
    /// Where the jobs saved with a move go: the `jobs` table (Postgres is the queue) or
    /// the outbox (a dispatcher moves them to Redis).
    pub job_destination: JobDestination,
    /// The longest a waiting `reserve` or `wait_for_events` goes without reading again
    /// when no notification comes (delayed jobs and expired leases send none).
    pub poll_backstop: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(3),
            statement_timeout: Duration::from_secs(10),
            relay_name: "outbox-relay".to_owned(),
            job_destination: JobDestination::Queue,
            poll_backstop: Duration::from_millis(250),
        }
    }
}

/// One Postgres database: the pool and what every adapter over it shares. Each port
/// has a thin type of its own over it ([`PgStore::generations`], [`PgStore::inbox`],
/// [`PgStore::job_queue`]...), so a move, its events, its jobs and the delivery that
/// caused it still commit in one transaction.
#[derive(Clone)]
pub struct PgStore(Arc<PgShared>);

impl std::ops::Deref for PgStore {
    type Target = PgShared;
    fn deref(&self) -> &PgShared {
        &self.0
    }
}

/// What the adapters over one database share: the pool, the notification listener's
/// wake-ups, the clock and the options. Reached through [`PgStore`].
pub struct PgShared {
    pub(crate) pool: PgPool,
    pub(crate) wakeups: Arc<Wakeups>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) relay_name: String,
    pub(crate) poll_backstop: Duration,
    pub(crate) job_destination: JobDestination,
    /// Which of a worker's queues `reserve` tries first, in turn.
    pub(crate) rotation: AtomicUsize,
    /// When expired leases were last handed back (Unix ms).
    pub(crate) last_reclaim_ms: AtomicI64,
    /// Stops the notification listener when the store is dropped.
    _listener: DropGuard,
}

/// Where `connect` goes, for messages: the socket file, or host and port; and the
/// database and user.
fn target_of(connect: &PgConnectOptions) -> String {
    let (host, port) = (connect.get_host(), connect.get_port());
    let socket = connect.get_socket().map(|dir| dir.display().to_string());
    let place = match socket.or_else(|| host.starts_with('/').then(|| host.to_owned())) {
        Some(dir) => format!("the socket {dir}/.s.PGSQL.{port}"),
        None => format!("{host}:{port}"),
    };
    let database = connect.get_database().unwrap_or("(default)");
    format!(
        "{place}, database {database}, user {}",
        connect.get_username()
    )
}

impl PgStore {
    /// Connects (one connection is opened at once, so a wrong URL or an unreachable
    /// server fails here) and starts listening for notifications.
    ///
    /// # Errors
    /// [`PostgresError::InvalidUrl`] or [`PostgresError::Connect`].
    pub async fn connect(url: &str, options: PgOptions) -> Result<Self, PostgresError> {
        let connect = PgConnectOptions::from_str(url)
            .map_err(PostgresError::InvalidUrl)?
            .options([(
                "statement_timeout",
                format!("{}", options.statement_timeout.as_millis()),
            )]);
        let target = target_of(&connect);
        // One connection first: its error names the cause (refused, no such socket,
        // authentication), where the pool's would only say that it timed out.
        let first = tokio::time::timeout(options.acquire_timeout, async {
            use sqlx::Connection;
            sqlx::PgConnection::connect_with(&connect)
                .await?
                .close()
                .await
        })
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut));
        if let Err(source) = first {
            return Err(PostgresError::Connect { target, source });
        }
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(2))
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(|source| PostgresError::Connect { target, source })?;
        Ok(Self::from_pool(pool, options))
    }

    /// Wraps an existing pool (for services that share theirs); only the relay name
    /// and the poll backstop of `options` apply.
    pub fn from_pool(pool: PgPool, options: PgOptions) -> Self {
        let wakeups = Arc::new(Wakeups::default());
        let stop = CancellationToken::new();
        tokio::spawn(wakeups::listen(pool.clone(), wakeups.clone(), stop.clone()));
        Self(Arc::new(PgShared {
            pool,
            wakeups,
            clock: Arc::new(SystemClock),
            relay_name: options.relay_name,
            poll_backstop: options.poll_backstop,
            job_destination: options.job_destination,
            rotation: AtomicUsize::new(0),
            last_reclaim_ms: AtomicI64::new(0),
            _listener: stop.drop_guard(),
        }))
    }

    /// Takes times (leases, retries, receipt times) from `clock`. Call it before
    /// handing out any port: a store already shared keeps its clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        match Arc::get_mut(&mut self.0) {
            Some(shared) => shared.clock = clock,
            None => tracing::warn!("the store is shared already; its clock stays"),
        }
        self
    }

    /// Brings the schema up to date. Safe when several instances start at once: sqlx
    /// holds an advisory lock while it migrates.
    ///
    /// # Errors
    /// [`PostgresError::Migrate`].
    pub async fn migrate(&self) -> Result<(), PostgresError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// The pool, for health checks and tests.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}
