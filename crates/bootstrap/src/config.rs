//! Configuration: environment variables, read once into a typed struct. Every error
//! names its variable; an unknown `IMAGEGEN_*` variable is an error (likely a typo).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::SecretString;
use url::Url;

use crate::BootstrapError;

/// Every variable imagegen reads.
pub const VARIABLES: [&str; 50] = [
    "IMAGEGEN_LISTEN",
    "IMAGEGEN_JWT_SECRET",
    "IMAGEGEN_PUBLIC_BASE_URL",
    "IMAGEGEN_DATA_DIR",
    "IMAGEGEN_PROVIDER",
    "IMAGEGEN_WEBHOOK_SECRETS",
    "IMAGEGEN_REPLICATE_API_TOKEN",
    "IMAGEGEN_REPLICATE_BASE_URL",
    "IMAGEGEN_REPLICATE_CREATES_PER_MINUTE",
    "IMAGEGEN_OPENAI_API_KEY",
    "IMAGEGEN_OPENAI_BASE_URL",
    "IMAGEGEN_OPENAI_WEBHOOK_SECRETS",
    "IMAGEGEN_OPENAI_MODEL",
    "IMAGEGEN_WORKER_CONCURRENCY",
    "IMAGEGEN_SIM_START_DELAY_MS",
    "IMAGEGEN_SIM_RUN_MS",
    "IMAGEGEN_SIM_FAULTS",
    "IMAGEGEN_FETCH_ALLOW_PRIVATE",
    "IMAGEGEN_DATABASE_MAX_CONNECTIONS",
    "IMAGEGEN_JOB_LEASE_SECS",
    "IMAGEGEN_API_RUN_WORKERS",
    "IMAGEGEN_REDIS_PREFIX",
    "IMAGEGEN_CREATE_RATE_PER_MINUTE",
    "IMAGEGEN_MAX_IN_FLIGHT",
    "IMAGEGEN_WEBHOOK_RATE_PER_MINUTE",
    "IMAGEGEN_INBOX_RETENTION_DAYS",
    "IMAGEGEN_WORKER_LISTEN",
    "IMAGEGEN_CALLBACK_SECRET",
    "IMAGEGEN_CALLBACK_ALLOW_PRIVATE",
    "IMAGEGEN_MAX_CONNECTIONS_PER_USER",
    "IMAGEGEN_TOKEN_MAX_LIFETIME_SECS",
    "IMAGEGEN_GENERATION_TIMEOUT_SECS",
    "IMAGEGEN_INSTANCE_ID",
    // Read by the test support (containers first), not by the api; allowed so that
    // tests which start the binaries can set it.
    "IMAGEGEN_TEST_CONTAINERS",
    "IMAGEGEN_MAX_CONNECTIONS",
    "IMAGEGEN_EVENT_RETENTION_DAYS",
    "IMAGEGEN_RECONCILE_AFTER_SECS",
    "IMAGEGEN_FALLBACK_COOL_DOWN_SECS",
    "IMAGEGEN_WORKER_READ_AHEAD",
    "IMAGEGEN_WORKER_CONCURRENCY_PROVIDER_SUBMISSIONS",
    "IMAGEGEN_WORKER_CONCURRENCY_GENERATION_WEBHOOKS",
    "IMAGEGEN_WORKER_CONCURRENCY_IMAGE_PROCESSING",
    "IMAGEGEN_WORKER_CONCURRENCY_USER_NOTIFICATIONS",
    "IMAGEGEN_WORKER_CONCURRENCY_CLEANUP_TASKS",
    "IMAGEGEN_METRICS",
    "IMAGEGEN_METRICS_LISTEN",
    "IMAGEGEN_METRICS_TOKEN",
    "IMAGEGEN_CORS_ORIGINS",
    "IMAGEGEN_TRUSTED_PROXIES",
    "IMAGEGEN_SHUTDOWN_DELAY_SECS",
];
/// The typed configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the api listens (`IMAGEGEN_LISTEN`).
    pub listen: SocketAddr,
    /// HS256 secret; generated at start in embedded mode when unset.
    pub jwt_secret: Option<SecretString>,
    /// How providers reach our webhooks; from the listen address when unset.
    pub public_base_url: Option<Url>,
    /// Where images are stored; a fresh temporary directory when unset.
    pub data_dir: Option<PathBuf>,
    /// The default provider (`IMAGEGEN_PROVIDER`).
    pub provider: ProviderChoice,
    /// The other providers configured (credentials set): generations may ask for
    /// them with `settings.provider`.
    pub other_providers: Vec<ProviderChoice>,
    /// The worker loops: concurrency, leases, where they run.
    pub workers: WorkerSettings,
    /// Per-user creation limits.
    pub limits: LimitSettings,
    /// Where `/metrics` answers, and whether it needs a token.
    pub metrics: MetricsSettings,
    /// Other origins' pages, and the proxies in front.
    pub edge: EdgeSettings,
    /// `DATABASE_URL`: Postgres holds the state (the durable mode). A secret: it may
    /// carry a password.
    pub database_url: Option<SecretString>,
    /// `IMAGEGEN_DATABASE_MAX_CONNECTIONS`: the Postgres pool's size.
    pub database_max_connections: u32,
    /// `REDIS_URL` (with `DATABASE_URL`): the distributed mode.
    pub redis_url: Option<SecretString>,
    /// `IMAGEGEN_REDIS_PREFIX`: prefixes every Redis key and channel (default
    /// `imagegen:`), so that deployments can share a server.
    pub redis_prefix: String,
    /// Whether provider outputs may be fetched from private and loopback addresses;
    /// `None` lets the provider decide (the in-process simulator needs it).
    pub fetch_allow_private: Option<bool>,
}

/// Where the state lives, from the variables that are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing set: memory, worker loops in-process.
    Embedded,
    /// `DATABASE_URL`: Postgres holds state and jobs; worker loops in each api.
    Durable,
    /// `DATABASE_URL` and `REDIS_URL`: Postgres holds state, jobs go through a job
    /// outbox to the Redis queue, events through the Redis bus; `imagegen-worker`
    /// processes run the worker loops.
    Distributed,
}

impl Config {
    /// The mode the variables ask for.
    pub fn mode(&self) -> Mode {
        match (&self.database_url, &self.redis_url) {
            (Some(_), Some(_)) => Mode::Distributed,
            (Some(_), None) => Mode::Durable,
            _ => Mode::Embedded,
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, BootstrapError> {
        Self::from_vars(std::env::vars())
    }

    /// Reads the given variables (tests pass their own).
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, BootstrapError> {
        let vars: HashMap<String, String> = vars.into_iter().collect();
        if let Some(unknown) = vars
            .keys()
            .find(|k| k.starts_with("IMAGEGEN_") && !VARIABLES.contains(&k.as_str()))
        {
            return Err(BootstrapError::UnknownVariable(unknown.clone()));
        }
        let vars = Vars(vars);
        let get = |name: &str| vars.get(name);
        let listen = parse(
            get("IMAGEGEN_LISTEN").unwrap_or("127.0.0.1:8080"),
            "IMAGEGEN_LISTEN",
            "an address such as 127.0.0.1:8080",
        )?;
        let jwt_secret = match get("IMAGEGEN_JWT_SECRET") {
            Some(s) if s.len() < 32 => {
                return Err(BootstrapError::config(
                    "IMAGEGEN_JWT_SECRET",
                    "must be at least 32 characters",
                ));
            }
            other => other.map(|s| SecretString::from(s.to_owned())),
        };
        let public_base_url = get("IMAGEGEN_PUBLIC_BASE_URL")
            .map(|u| parse_url(u, "IMAGEGEN_PUBLIC_BASE_URL"))
            .transpose()?;
        let workers = workers::parse_settings(&vars)?;
        let limits = limits::parse_limits(&vars)?;
        let metrics = metrics::parse_metrics(&vars)?;
        let database_max_connections: u32 = parse(
            get("IMAGEGEN_DATABASE_MAX_CONNECTIONS").unwrap_or("16"),
            "IMAGEGEN_DATABASE_MAX_CONNECTIONS",
            "a whole number from 2",
        )?;
        if database_max_connections < 2 {
            return Err(BootstrapError::config(
                "IMAGEGEN_DATABASE_MAX_CONNECTIONS",
                "must be at least 2 (one connection listens for notifications)",
            ));
        }
        if get("REDIS_URL").is_some() && get("DATABASE_URL").is_none() {
            return Err(BootstrapError::config(
                "REDIS_URL",
                "needs DATABASE_URL too: the distributed mode keeps its state in Postgres",
            ));
        }
        let (provider, other_providers) = provider::providers(&vars)?;
        Ok(Self {
            listen,
            jwt_secret,
            public_base_url,
            data_dir: get("IMAGEGEN_DATA_DIR").map(PathBuf::from),
            provider,
            other_providers,
            workers,
            limits,
            metrics,
            edge: edge::parse_edge(&vars)?,
            database_url: get("DATABASE_URL").map(|u| SecretString::from(u.to_owned())),
            database_max_connections,
            redis_url: get("REDIS_URL").map(|u| SecretString::from(u.to_owned())),
            redis_prefix: get("IMAGEGEN_REDIS_PREFIX")
                .unwrap_or("imagegen:")
                .to_owned(),
            fetch_allow_private: get("IMAGEGEN_FETCH_ALLOW_PRIVATE")
                .map(|v| parse(v, "IMAGEGEN_FETCH_ALLOW_PRIVATE", "true or false"))
                .transpose()?,
        })
    }
}

mod edge;
mod limits;
mod metrics;
mod provider;
#[cfg(test)]
mod tests;
mod vars;
mod workers;

pub use edge::EdgeSettings;
pub use limits::LimitSettings;
pub use metrics::MetricsSettings;
pub use provider::ProviderChoice;
pub(crate) use vars::{Vars, parse, parse_url};
pub use workers::WorkerSettings;
