//! The tracing subscriber: human-readable lines, filtered by `RUST_LOG` (default
//! `info`, with Postgres's notices at `warn`). Every line names its process: the
//! runtime's threads are called `{process}-{instance}` (`api-3f9a1c`), and the
//! subscriber prints the thread's name, so the lines of several apis and workers
//! side by side tell whose they are. Split from initialisation so that tests can
//! build their own.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Installs the global subscriber once; later calls do nothing.
pub fn init() {
    init_for("imagegen");
}

/// Installs the global subscriber once for the process `service` (`imagegen-api`...),
/// exporting its spans over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
pub fn init_for(service: &'static str) {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx::postgres::notice=warn"));
    let lines = tracing_subscriber::fmt::layer()
        .with_target(false)
        .with_thread_names(true)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_span_events(FmtSpan::NONE);
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(crate::traces::layer(service))
        .try_init();
}

/// This process's instance id: `IMAGEGEN_INSTANCE_ID`, else six random hex digits.
pub fn instance_id() -> String {
    std::env::var("IMAGEGEN_INSTANCE_ID")
        .ok()
        .filter(|id| !id.trim().is_empty())
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()[..6].to_owned())
}

/// Runs `main` on a multi-threaded runtime whose threads are named
/// `{process}-{instance}`, as a task (so its own lines carry that name too).
///
/// # Panics
/// When the runtime cannot be built (no threads can be started), or `main` panics.
#[allow(clippy::expect_used)] // nothing can run without a runtime
pub fn run<F>(process: &str, main: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let name = format!("{process}-{}", instance_id());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name(name)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let main = runtime.spawn(main);
    runtime
        .block_on(main)
        .expect("the main task ran to its end")
}
