//! The process's metrics: one Prometheus recorder per process, installed at start
//! (later calls reuse it, so several systems in one test process share it), with the
//! `_seconds` metrics as histograms in the buckets of
//! [`SECONDS_BUCKETS`](imagegen_application::metric_names::SECONDS_BUCKETS), and the
//! process's own `process_*` metrics read at every scrape.

use std::sync::OnceLock;

use imagegen_application::metric_names;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// The `process_*` metrics every scrape reads from the operating system.
pub const PROCESS_METRICS: &[&str] = &[
    "process_cpu_seconds_total",
    "process_open_fds",
    "process_max_fds",
    "process_resident_memory_bytes",
    "process_virtual_memory_bytes",
    "process_start_time_seconds",
    "process_threads",
];

struct Exporter {
    handle: PrometheusHandle,
    process: metrics_process::Collector,
}

static EXPORTER: OnceLock<Option<Exporter>> = OnceLock::new();

/// Installs the recorder, once per process; `false` when another recorder was
/// installed first (a library user's own), which then gets every metric instead.
pub fn install() -> bool {
    EXPORTER.get_or_init(build).is_some()
}

fn build() -> Option<Exporter> {
    let buckets = metric_names::SECONDS_BUCKETS;
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), buckets)
        .map_err(|error| tracing::warn!(%error, "metrics buckets refused"))
        .ok()?;
    let handle = builder
        .install_recorder()
        .map_err(|error| tracing::warn!(%error, "another metrics recorder is installed; /metrics stays empty"))
        .ok()?;
    metric_names::describe();
    let process = metrics_process::Collector::default();
    process.describe();
    Some(Exporter { handle, process })
}

/// Every metric in the Prometheus text format; `None` when this process's recorder is
/// not ours.
pub fn render() -> Option<String> {
    let exporter = EXPORTER.get()?.as_ref()?;
    exporter.process.collect();
    exporter.handle.run_upkeep();
    Some(exporter.handle.render())
}

/// The Prometheus text format's content type.
pub const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Whether a scrape whose `Authorization` header is `header` may read the metrics:
/// always without a `token`, else with `Bearer <token>` (compared in constant time).
pub fn authorized(header: Option<&str>, token: Option<&secrecy::SecretString>) -> bool {
    use secrecy::ExposeSecret;
    let Some(token) = token else {
        return true;
    };
    let given = header
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .as_bytes();
    let expected = token.expose_secret().as_bytes();
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
}
