//! The catalogue of the metrics imagegen exports, in the Prometheus text format at
//! `/metrics` of every api and worker: each name once, with its kind, its labels (from
//! closed sets only: never a user, generation, prediction or webhook id) and what it
//! counts. The code records through these names, the alert rules and the dashboard
//! name only these (a test checks), and `docs/operations.md` lists them.

/// What kind of series a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// Only goes up (`_total`).
    Counter,
    /// Goes up and down.
    Gauge,
    /// A distribution in buckets (`_seconds`).
    Histogram,
}

/// One exported metric.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    /// Its name, `imagegen_` first.
    pub name: &'static str,
    /// Counter, gauge or histogram.
    pub kind: MetricKind,
    /// Its labels.
    pub labels: &'static [&'static str],
    /// What it counts, for `# HELP`.
    pub help: &'static str,
}

macro_rules! catalogue {
    ($($konst:ident = $name:literal, $kind:ident, [$($label:literal),*], $help:literal;)+) => {
        $(
            #[doc = $help]
            pub const $konst: &str = $name;
        )+
        /// Every metric imagegen exports (beside the `process_*` ones).
        pub const CATALOGUE: &[Metric] = &[$(Metric {
            name: $name,
            kind: MetricKind::$kind,
            labels: &[$($label),*],
            help: $help,
        }),+];
    };
}

catalogue! {
    WEBHOOKS_RECEIVED = "imagegen_webhooks_received_total", Counter, ["provider", "outcome"],
        "Webhook deliveries received, by provider and outcome (accepted, duplicate, invalid_signature, malformed, rate_limited, unavailable, not_found).";
    WEBHOOK_TO_PUSH = "imagegen_webhook_to_push_seconds", Histogram, [],
        "From a webhook's receipt to the push of the event its move saved, on this api instance.";
    COMMIT_TO_PUSH = "imagegen_event_commit_to_push_seconds", Histogram, [],
        "From an event's commit to its push to the connections of this api instance.";
    JOB_WAIT = "imagegen_job_wait_seconds", Histogram, ["queue"],
        "From a job's due time (its enqueue, or its retry time) to the start of its handler.";
    JOB_RUN = "imagegen_job_run_seconds", Histogram, ["queue"],
        "How long a job's handler ran.";
    JOBS_COMPLETED = "imagegen_jobs_completed_total", Counter, ["queue"],
        "Jobs run to completion.";
    JOBS_RETRIED = "imagegen_jobs_retried_total", Counter, ["queue"],
        "Jobs that failed and were scheduled again.";
    JOBS_DEAD_LETTERED = "imagegen_jobs_dead_lettered_total", Counter, ["queue"],
        "Jobs out of attempts (or failed for good), dead-lettered.";
    QUEUE_JOBS = "imagegen_queue_jobs", Gauge, ["queue", "state"],
        "Jobs of the whole deployment by queue and state (waiting, active, delayed, dead; outbox: saved, not yet moved to the Redis queue by a worker): every process reports the same numbers, so aggregate with max, never sum.";
    WORKER_SLOTS = "imagegen_worker_slots", Gauge, ["queue"],
        "Handlers this process runs at once for a queue (0 or absent: it consumes none).";
    STREAM_CONNECTIONS = "imagegen_stream_connections", Gauge, ["transport"],
        "Open event streams on this api instance, by transport (sse, websocket, poll).";
    STREAM_CAPACITY = "imagegen_stream_capacity", Gauge, [],
        "The most event streams this api instance takes (IMAGEGEN_MAX_CONNECTIONS).";
    STREAMS_REFUSED = "imagegen_streams_refused_total", Counter, ["reason"],
        "Event streams refused at the caps (instance_full, user_full).";
    EVENTS_DELIVERED = "imagegen_events_delivered_total", Counter, [],
        "Messages handed to connections by this instance's hub (one per connection per message).";
    BROADCASTS = "imagegen_broadcasts_total", Counter, [],
        "System broadcasts published.";
    STREAMS_TOO_SLOW = "imagegen_streams_too_slow_total", Counter, [],
        "Connections ended because they fell too far behind (too_slow).";
    STREAM_RESUMES = "imagegen_stream_resumes_total", Counter, [],
        "Streams opened from a position (Last-Event-ID, since).";
    STREAM_RESYNCS = "imagegen_stream_resyncs_total", Counter, [],
        "Resumes from before the retention, told to resync.";
    PROVIDER_CALLS = "imagegen_provider_calls_total", Counter, ["provider", "reason"],
        "Calls to a provider's API, by reason (create, event, reconcile, cancel).";
    PROVIDER_ERRORS = "imagegen_provider_errors_total", Counter, ["provider", "reason", "class"],
        "Provider calls that failed, by class (unavailable, rejected, lost).";
    GENERATIONS_ENDED = "imagegen_generations_ended_total", Counter, ["provider", "status"],
        "Generations that reached an end, by provider and status (completed, failed, cancelled).";
    GENERATION_DURATION = "imagegen_generation_seconds", Histogram, ["provider"],
        "From a generation's creation to its completion.";
    FALLBACK_OPEN = "imagegen_fallback_open", Gauge, [],
        "1 while the automatic fallback has moved new generations to polling (open or probing), else 0.";
    ROLLOUT_PERCENTAGE = "imagegen_rollout_percentage", Gauge, [],
        "The delivery policy's rollout percentage.";
    DUAL_MISMATCHES = "imagegen_dual_mismatches_total", Counter, [],
        "Differences found between the webhook and the poll of dual generations.";
    HTTP_REQUESTS = "imagegen_http_requests_total", Counter, ["route", "status_class"],
        "HTTP requests answered by the api's routes, by route template and status class (2xx...).";
    HTTP_DURATION = "imagegen_http_request_seconds", Histogram, ["route"],
        "How long the api took to answer, by route template.";
}

/// The buckets of the `_seconds` histograms: from a millisecond to five minutes.
pub const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// Registers every metric's help text with the installed recorder.
pub fn describe() {
    for metric in CATALOGUE {
        match metric.kind {
            MetricKind::Counter => ::metrics::describe_counter!(metric.name, metric.help),
            MetricKind::Gauge => ::metrics::describe_gauge!(metric.name, metric.help),
            MetricKind::Histogram => ::metrics::describe_histogram!(metric.name, metric.help),
        }
    }
}

/// The status class of an HTTP status (`2xx`...), a closed set for labels.
pub fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}
