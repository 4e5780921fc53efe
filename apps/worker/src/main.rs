//! `imagegen-worker`: the queue consumers, outbox relay and reconciler as their own
//! process, for the distributed mode (Postgres + Redis). In the embedded and durable
//! modes the api runs the same loops (`imagegen-runtime`) in-process, so this binary
//! is not needed.

use imagegen_bootstrap::{Config, Mode, telemetry};

fn main() -> std::process::ExitCode {
    telemetry::init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!("configuration error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    match config.mode() {
        Mode::Embedded => tracing::error!(
            "DATABASE_URL and REDIS_URL: the worker needs the shared store and queue of the distributed mode; \
             in the embedded mode, `cargo run -p imagegen-api` runs the worker loops in-process"
        ),
        Mode::Durable => tracing::error!(
            "REDIS_URL: the separate worker comes with the distributed mode (not in this build yet); \
             with DATABASE_URL alone the api runs the worker loops in-process"
        ),
    }
    std::process::ExitCode::from(2)
}
