//! `imagegen-worker`: the queue consumers, outbox dispatcher and relay as their own
//! process, for the distributed mode (`DATABASE_URL` and `REDIS_URL`). Scale it out:
//! workers share the Redis queue. In the embedded and durable modes the api runs the
//! same loops (`imagegen-runtime`) in-process, so this binary is not needed.
//!
//! SIGTERM: stop reserving, let jobs in flight finish (30 s), hand back the ones cut
//! off (their leases end at once), exit 0.

use std::time::Duration;

mod health;

use imagegen_application::error::chain;
use imagegen_bootstrap::shutdown::on_signal;
use imagegen_bootstrap::{Config, telemetry};
use tokio_util::sync::CancellationToken;

/// How long the loops get to finish after SIGTERM.
const DRAIN: Duration = Duration::from_secs(35);

fn main() -> std::process::ExitCode {
    telemetry::init_for("imagegen-worker");
    let code = telemetry::run("worker", work());
    imagegen_bootstrap::traces::flush();
    code
}

async fn work() -> std::process::ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!("configuration error: {}", chain(&error));
            return std::process::ExitCode::from(2);
        }
    };
    tracing::info!("imagegen worker starting (distributed mode: Postgres and Redis)");
    let shutdown = CancellationToken::new();
    tokio::spawn(on_signal(shutdown.clone()));
    let worker = match imagegen_bootstrap::worker::start_worker(&config, shutdown.clone()).await {
        Ok(worker) => worker,
        Err(error) => {
            tracing::error!("{}", chain(&error));
            return std::process::ExitCode::from(2);
        }
    };
    if let Some(addr) = config.workers.listen {
        match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => {
                let health = health::router(worker.readiness.clone(), config.metrics.token.clone());
                let stop = shutdown.clone();
                tokio::spawn(async move {
                    let served = axum::serve(listener, health)
                        .with_graceful_shutdown(stop.cancelled_owned())
                        .await;
                    if let Err(error) = served {
                        tracing::warn!(%error, "health endpoint stopped");
                    }
                });
                tracing::info!(listen = %addr, "health at /healthz and /readyz, metrics at /metrics");
            }
            Err(error) => {
                tracing::error!("IMAGEGEN_WORKER_LISTEN: cannot bind {addr}: {error}");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let mut loops = worker.loops;
    // A loop that ends before shutdown is a fault: say so, and stop being ready.
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            ended = loops.join_next() => {
                if ended.is_none() {
                    shutdown.cancelled().await;
                    break;
                }
                tracing::error!("a worker loop stopped before shutdown; /readyz now says so");
                worker.readiness.loop_stopped();
            }
        }
    }
    let drained =
        tokio::time::timeout(DRAIN, async { while loops.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!("drain timeout passed; stopping anyway");
    }
    tracing::info!("worker stopped");
    std::process::ExitCode::SUCCESS
}
