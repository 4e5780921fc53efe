//! Configuration: environment variables, read once into a typed struct. Every error
//! names its variable; an unknown `IMAGEGEN_*` variable is an error (likely a typo).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use imagegen_application::ports::QueueName;
use secrecy::SecretString;
use url::Url;

use crate::BootstrapError;

/// Every variable imagegen reads.
pub const VARIABLES: [&str; 20] = [
    "IMAGEGEN_LISTEN",
    "IMAGEGEN_JWT_SECRET",
    "IMAGEGEN_PUBLIC_BASE_URL",
    "IMAGEGEN_DATA_DIR",
    "IMAGEGEN_PROVIDER",
    "IMAGEGEN_WEBHOOK_SECRETS",
    "IMAGEGEN_REPLICATE_API_TOKEN",
    "IMAGEGEN_REPLICATE_BASE_URL",
    "IMAGEGEN_WORKER_CONCURRENCY",
    "IMAGEGEN_SIM_START_DELAY_MS",
    "IMAGEGEN_SIM_RUN_MS",
    "IMAGEGEN_SIM_FAULTS",
    "IMAGEGEN_FETCH_ALLOW_PRIVATE",
    "IMAGEGEN_DATABASE_MAX_CONNECTIONS",
    "IMAGEGEN_JOB_LEASE_SECS",
    "IMAGEGEN_WORKER_CONCURRENCY_PROVIDER_SUBMISSIONS",
    "IMAGEGEN_WORKER_CONCURRENCY_GENERATION_WEBHOOKS",
    "IMAGEGEN_WORKER_CONCURRENCY_IMAGE_PROCESSING",
    "IMAGEGEN_WORKER_CONCURRENCY_USER_NOTIFICATIONS",
    "IMAGEGEN_WORKER_CONCURRENCY_CLEANUP_TASKS",
];
/// The typed configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// HS256 secret; generated at start in embedded mode when unset.
    pub jwt_secret: Option<SecretString>,
    /// How providers reach our webhooks; from the listen address when unset.
    pub public_base_url: Option<Url>,
    /// Where images are stored; a fresh temporary directory when unset.
    pub data_dir: Option<PathBuf>,
    pub provider: ProviderChoice,
    /// Jobs of one queue run at once (`IMAGEGEN_WORKER_CONCURRENCY`).
    pub worker_concurrency: usize,
    /// Per-queue exceptions (`IMAGEGEN_WORKER_CONCURRENCY_<QUEUE>`, e.g.
    /// `..._IMAGE_PROCESSING`).
    pub worker_concurrency_per_queue: HashMap<QueueName, usize>,
    /// How long a job stays leased without a heartbeat (`IMAGEGEN_JOB_LEASE_SECS`):
    /// the longest a dead worker's job waits before another worker takes it.
    pub job_lease: std::time::Duration,
    /// `DATABASE_URL`: Postgres holds the state (the durable mode). A secret: it may
    /// carry a password.
    pub database_url: Option<SecretString>,
    /// `IMAGEGEN_DATABASE_MAX_CONNECTIONS`: the Postgres pool's size.
    pub database_max_connections: u32,
    /// `REDIS_URL`: the distributed mode (not in this build yet).
    pub redis_url: Option<SecretString>,
    /// Whether provider outputs may be fetched from private and loopback addresses;
    /// `None` lets the provider decide (the in-process simulator needs it).
    pub fetch_allow_private: Option<bool>,
}

/// Where the state lives, from the variables that are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing set: memory, worker loops in-process.
    Embedded,
    /// `DATABASE_URL`: Postgres holds state and jobs; worker loops in-process or in
    /// `imagegen-worker`.
    Durable,
}

impl Config {
    /// The mode the variables ask for.
    pub fn mode(&self) -> Mode {
        if self.database_url.is_some() {
            Mode::Durable
        } else {
            Mode::Embedded
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
        let worker_concurrency: usize = parse(
            get("IMAGEGEN_WORKER_CONCURRENCY").unwrap_or("8"),
            "IMAGEGEN_WORKER_CONCURRENCY",
            "a whole number from 1",
        )?;
        if worker_concurrency == 0 {
            return Err(BootstrapError::config(
                "IMAGEGEN_WORKER_CONCURRENCY",
                "must be at least 1",
            ));
        }
        let mut worker_concurrency_per_queue = HashMap::new();
        for queue in QueueName::ALL {
            let name = queue_variable(queue);
            if let Some(text) = vars.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                let n: usize = parse(text, name, "a whole number from 1")?;
                if n == 0 {
                    return Err(BootstrapError::config(name, "must be at least 1"));
                }
                worker_concurrency_per_queue.insert(queue, n);
            }
        }
        let job_lease_secs: u64 = parse(
            get("IMAGEGEN_JOB_LEASE_SECS").unwrap_or("30"),
            "IMAGEGEN_JOB_LEASE_SECS",
            "a whole number of seconds from 1",
        )?;
        if job_lease_secs == 0 {
            return Err(BootstrapError::config(
                "IMAGEGEN_JOB_LEASE_SECS",
                "must be at least 1",
            ));
        }
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
        let provider = match get("IMAGEGEN_PROVIDER").unwrap_or("simulator") {
            "simulator" => provider::simulator(&vars)?,
            "replicate" => provider::replicate(&vars)?,
            other => {
                return Err(BootstrapError::config(
                    "IMAGEGEN_PROVIDER",
                    format!("`{other}` is not simulator or replicate"),
                ));
            }
        };
        Ok(Self {
            listen,
            jwt_secret,
            public_base_url,
            data_dir: get("IMAGEGEN_DATA_DIR").map(PathBuf::from),
            provider,
            worker_concurrency,
            worker_concurrency_per_queue,
            job_lease: std::time::Duration::from_secs(job_lease_secs),
            database_url: get("DATABASE_URL").map(|u| SecretString::from(u.to_owned())),
            database_max_connections,
            redis_url: get("REDIS_URL").map(|u| SecretString::from(u.to_owned())),
            fetch_allow_private: get("IMAGEGEN_FETCH_ALLOW_PRIVATE")
                .map(|v| parse(v, "IMAGEGEN_FETCH_ALLOW_PRIVATE", "true or false"))
                .transpose()?,
        })
    }
}

/// `IMAGEGEN_WORKER_CONCURRENCY_<QUEUE>` for `queue`.
fn queue_variable(queue: QueueName) -> &'static str {
    match queue {
        QueueName::ProviderSubmissions => "IMAGEGEN_WORKER_CONCURRENCY_PROVIDER_SUBMISSIONS",
        QueueName::GenerationWebhooks => "IMAGEGEN_WORKER_CONCURRENCY_GENERATION_WEBHOOKS",
        QueueName::ImageProcessing => "IMAGEGEN_WORKER_CONCURRENCY_IMAGE_PROCESSING",
        QueueName::UserNotifications => "IMAGEGEN_WORKER_CONCURRENCY_USER_NOTIFICATIONS",
        QueueName::CleanupTasks => "IMAGEGEN_WORKER_CONCURRENCY_CLEANUP_TASKS",
    }
}

/// The variables, with blank values treated as unset.
struct Vars(HashMap<String, String>);

impl Vars {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

fn parse<T: std::str::FromStr>(
    text: &str,
    variable: &'static str,
    expected: &str,
) -> Result<T, BootstrapError> {
    text.parse()
        .map_err(|_| BootstrapError::config(variable, format!("`{text}` is not {expected}")))
}

fn parse_url(text: &str, variable: &'static str) -> Result<Url, BootstrapError> {
    let url: Url = parse(text, variable, "a URL")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(BootstrapError::config(
            variable,
            "must be an http or https URL",
        ));
    }
    Ok(url)
}

mod provider;
#[cfg(test)]
mod tests;

pub use provider::ProviderChoice;
