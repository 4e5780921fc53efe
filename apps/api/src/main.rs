//! `imagegen-api`: reads the configuration, binds, serves until SIGTERM or Ctrl-C.

use imagegen_bootstrap::shutdown::on_signal;
use imagegen_bootstrap::{Config, telemetry};
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    telemetry::init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!("configuration error: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!("IMAGEGEN_LISTEN: cannot bind {}: {error}", config.listen);
            return std::process::ExitCode::from(2);
        }
    };
    let shutdown = CancellationToken::new();
    tokio::spawn(on_signal(shutdown.clone()));
    match imagegen_api::run(config, listener, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            std::process::ExitCode::FAILURE
        }
    }
}
