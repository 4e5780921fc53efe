//! `imagegen-loadgen`: benchmarks of imagegen's adapters. Each subcommand prints one
//! JSON line with its parameters and results, so runs can be collected and compared.
//!
//! - `store`: saves generations with their events (create, then a save of two moves).
//! - `replay`: reads "events after P" for one channel, page by page.
//! - `queue`: enqueues no-op jobs and runs them; latency is enqueue -> handler start.
//! - `idle`: holds idle SSE or WebSocket streams open; the server's memory per stream.
//! - `broadcast`: system broadcasts to N connections, against imagegen or the peer.
//! - `watch`: users watch their channels while generations run; delivery latency, lost
//!   and duplicated events, api CPU per delivered event.
//! - `delivery`: provider calls per generation in a delivery mode.

use clap::Parser;

use crate::cli::{Cli, Command};

mod broadcast;
mod broadcast_clients;
mod cli;
mod client;
mod delivery;
mod idle;
mod queue;
mod replay;
mod stats;
mod store;
mod watch;
mod watch_clients;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let result = match Cli::parse().command {
        Command::Store {
            database_url,
            generations,
            concurrency,
            users,
        } => store::run(&database_url, generations, concurrency, users).await,
        Command::Replay {
            database_url,
            page,
            rounds,
        } => replay::run(&database_url, page, rounds).await,
        Command::Queue {
            database_url,
            redis_url,
            jobs,
            concurrency,
            paced,
            read_ahead,
            producers,
            prefill,
            metrics,
        } => {
            if metrics {
                imagegen_bootstrap::metrics_export::install();
            }
            let (database, redis) = (database_url.as_deref(), redis_url.as_deref());
            let shape = queue::Shape {
                jobs,
                concurrency,
                paced,
                read_ahead,
                producers,
                prefill,
            };
            queue::run(database, redis, shape).await.map(|mut line| {
                line["metrics"] = metrics.into();
                line
            })
        }
        Command::Idle {
            server,
            transport,
            path,
            token,
            channel,
            connections,
            sources,
            pid,
            settle_secs,
        } => {
            idle::run(idle::Idle {
                server,
                transport,
                path,
                token,
                channel,
                connections,
                sources,
                pid,
                settle: std::time::Duration::from_secs(settle_secs),
            })
            .await
        }
        Command::Broadcast {
            server,
            transport,
            peer,
            jwt_secret,
            connections,
            messages,
            sources,
            pid,
            processes,
        } => {
            broadcast::run(broadcast::Broadcast {
                server,
                transport,
                peer,
                jwt_secret,
                connections,
                messages,
                sources,
                pid,
                processes,
            })
            .await
        }
        Command::BroadcastHelper {
            server,
            transport,
            peer,
            token,
            sources,
            from,
            to,
        } => {
            let clients = broadcast_clients::Clients {
                server,
                transport,
                peer,
                token,
                sources,
            };
            broadcast_clients::serve_as_helper(clients, from..to).await
        }
        Command::Delivery {
            server,
            mode,
            jwt_secret,
            generations,
            rate,
        } => {
            let run = delivery::Delivery {
                server,
                mode,
                jwt_secret,
                generations,
                rate,
            };
            delivery::run(run).await
        }
        Command::Watch {
            server,
            transport,
            jwt_secret,
            users,
            generations,
            rate,
            sources,
            pid,
        } => {
            watch::run(watch::Watch {
                servers: server,
                transport,
                jwt_secret,
                users,
                generations,
                rate,
                sources,
                pid,
            })
            .await
        }
    };
    match result {
        Ok(line) => {
            println!("{line}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("imagegen-loadgen: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Opens and migrates the store.
async fn open(
    database_url: &str,
    connections: usize,
) -> Result<imagegen_postgres::PgStore, String> {
    let options = imagegen_postgres::PgOptions {
        max_connections: u32::try_from(connections + 4).unwrap_or(u32::MAX),
        ..imagegen_postgres::PgOptions::default()
    };
    let store = imagegen_postgres::PgStore::connect(database_url, options)
        .await
        .map_err(|e| format!("DATABASE_URL: {e}"))?;
    store
        .migrate()
        .await
        .map_err(|e| format!("DATABASE_URL: {e}"))?;
    Ok(store)
}
