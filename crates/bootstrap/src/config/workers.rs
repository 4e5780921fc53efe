//! The worker loops' settings: concurrency (per queue), leases, and where they run.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use imagegen_application::ports::QueueName;

use imagegen_webhooks::WebhookSecret;

use super::{Vars, parse};
use crate::BootstrapError;

/// How the worker loops run.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Jobs of one queue run at once (`IMAGEGEN_WORKER_CONCURRENCY`).
    pub concurrency: usize,
    /// Per-queue exceptions (`IMAGEGEN_WORKER_CONCURRENCY_<QUEUE>`).
    pub per_queue: HashMap<QueueName, usize>,
    /// How long a job stays leased without a heartbeat (`IMAGEGEN_JOB_LEASE_SECS`).
    pub job_lease: Duration,
    /// Jobs a queue's runner leases ahead of its slots while handlers are fast
    /// (`IMAGEGEN_WORKER_READ_AHEAD`, 0: off).
    pub read_ahead: usize,
    /// The api runs the loops in the distributed mode too (`IMAGEGEN_API_RUN_WORKERS`).
    pub api_run_workers: bool,
    /// Where `imagegen-worker` serves `/healthz` and `/readyz`
    /// (`IMAGEGEN_WORKER_LISTEN`; none when unset).
    pub listen: Option<SocketAddr>,
    /// Processed webhook deliveries are forgotten after this many days
    /// (`IMAGEGEN_INBOX_RETENTION_DAYS`).
    pub inbox_retention_days: u32,
    /// Domain events are deleted after this many days (`IMAGEGEN_EVENT_RETENTION_DAYS`);
    /// a client resuming from before what is kept is told to resync.
    pub event_retention_days: u32,
    /// A generation that has not moved for this long is polled at its provider
    /// (`IMAGEGEN_RECONCILE_AFTER_SECS`): the webhook is overdue.
    pub reconcile_after: Duration,
    /// `IMAGEGEN_GENERATION_TIMEOUT_SECS` (3600): a generation still waiting on its
    /// provider this long after creation is cancelled there and ends `failed`
    /// (`timeout`), longer than any provider's own limit.
    pub generation_timeout: Duration,
    /// How long the automatic fallback polls before it probes webhooks again
    /// (`IMAGEGEN_FALLBACK_COOL_DOWN_SECS`).
    pub fallback_cool_down: Duration,
    /// Signs the notices sent to users' callback URLs (`IMAGEGEN_CALLBACK_SECRET`,
    /// `whsec_<base64>`); notices go unsigned without it.
    pub callback_secret: Option<WebhookSecret>,
    /// `IMAGEGEN_CALLBACK_ALLOW_PRIVATE` (default false, in every mode): callback URLs
    /// may name loopback and private addresses. Only to test a receiver on one's own
    /// machine; `IMAGEGEN_FETCH_ALLOW_PRIVATE` never opens callbacks.
    pub callback_allow_private: bool,
}

/// `IMAGEGEN_WORKER_CONCURRENCY_<QUEUE>` for `queue`.
pub(crate) fn queue_variable(queue: QueueName) -> &'static str {
    match queue {
        QueueName::ProviderSubmissions => "IMAGEGEN_WORKER_CONCURRENCY_PROVIDER_SUBMISSIONS",
        QueueName::GenerationWebhooks => "IMAGEGEN_WORKER_CONCURRENCY_GENERATION_WEBHOOKS",
        QueueName::ImageProcessing => "IMAGEGEN_WORKER_CONCURRENCY_IMAGE_PROCESSING",
        QueueName::UserNotifications => "IMAGEGEN_WORKER_CONCURRENCY_USER_NOTIFICATIONS",
        QueueName::CleanupTasks => "IMAGEGEN_WORKER_CONCURRENCY_CLEANUP_TASKS",
    }
}

/// A whole number from 1.
fn positive(vars: &Vars, name: &'static str, default: &str) -> Result<usize, BootstrapError> {
    let n: usize = parse(
        vars.get(name).unwrap_or(default),
        name,
        "a whole number from 1",
    )?;
    if n == 0 {
        return Err(BootstrapError::config(name, "must be at least 1"));
    }
    Ok(n)
}

pub(super) fn parse_settings(vars: &Vars) -> Result<WorkerSettings, BootstrapError> {
    let mut per_queue = HashMap::new();
    for queue in QueueName::ALL {
        let name = queue_variable(queue);
        if vars.get(name).is_some() {
            per_queue.insert(queue, positive(vars, name, "1")?);
        }
    }
    let lease_secs = positive(vars, "IMAGEGEN_JOB_LEASE_SECS", "30")?;
    let retention = positive(vars, "IMAGEGEN_INBOX_RETENTION_DAYS", "7")?;
    let event_retention = positive(vars, "IMAGEGEN_EVENT_RETENTION_DAYS", "30")?;
    Ok(WorkerSettings {
        concurrency: positive(vars, "IMAGEGEN_WORKER_CONCURRENCY", "8")?,
        per_queue,
        job_lease: Duration::from_secs(lease_secs as u64),
        read_ahead: parse(
            vars.get("IMAGEGEN_WORKER_READ_AHEAD").unwrap_or("0"),
            "IMAGEGEN_WORKER_READ_AHEAD",
            "a whole number",
        )?,
        api_run_workers: vars
            .get("IMAGEGEN_API_RUN_WORKERS")
            .map(|v| parse(v, "IMAGEGEN_API_RUN_WORKERS", "true or false"))
            .transpose()?
            .unwrap_or(false),
        inbox_retention_days: u32::try_from(retention).unwrap_or(u32::MAX),
        event_retention_days: u32::try_from(event_retention).unwrap_or(u32::MAX),
        reconcile_after: Duration::from_secs(
            positive(vars, "IMAGEGEN_RECONCILE_AFTER_SECS", "120")? as u64,
        ),
        generation_timeout: Duration::from_secs(positive(
            vars,
            "IMAGEGEN_GENERATION_TIMEOUT_SECS",
            "3600",
        )? as u64),
        fallback_cool_down: Duration::from_secs(positive(
            vars,
            "IMAGEGEN_FALLBACK_COOL_DOWN_SECS",
            "60",
        )? as u64),
        listen: vars
            .get("IMAGEGEN_WORKER_LISTEN")
            .map(|v| {
                parse(
                    v,
                    "IMAGEGEN_WORKER_LISTEN",
                    "an address such as 127.0.0.1:9090",
                )
            })
            .transpose()?,
        callback_secret: vars
            .get("IMAGEGEN_CALLBACK_SECRET")
            .map(|v| {
                WebhookSecret::parse(v)
                    .map_err(|e| BootstrapError::config("IMAGEGEN_CALLBACK_SECRET", e.to_string()))
            })
            .transpose()?,
        callback_allow_private: vars
            .get("IMAGEGEN_CALLBACK_ALLOW_PRIVATE")
            .map(|v| super::parse(v, "IMAGEGEN_CALLBACK_ALLOW_PRIVATE", "true or false"))
            .transpose()?
            .unwrap_or(false),
    })
}
