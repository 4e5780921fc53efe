//! `imagegen-loadgen`: benchmarks of imagegen's adapters. Each subcommand prints one
//! JSON line with its parameters and results, so runs can be collected and compared.
//!
//! - `store`: saves generations with their events (create, then a save of two moves).
//! - `replay`: reads "events after P" for one channel, page by page.
//! - `queue`: enqueues no-op jobs and runs them; latency is enqueue -> handler start.
//! - `idle`: holds idle SSE or WebSocket streams open; the server's memory per stream.
//! - `watch`: users watch their channels while generations run; delivery latency, lost
//!   and duplicated events, api CPU per delivered event.

use clap::{Parser, Subcommand};

mod idle;
mod queue;
mod replay;
mod stats;
mod store;
mod watch;
mod watch_clients;

#[derive(Parser)]
#[command(name = "imagegen-loadgen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Save generations with their events: rows/s and p50/p99 ms per save.
    Store {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long, default_value_t = 10_000)]
        generations: usize,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Spread the generations over this many users (channels to replay).
        #[arg(long, default_value_t = 100)]
        users: usize,
    },
    /// Read the busiest user channel after position 0, page by page: events/s, p99 ms.
    Replay {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long, default_value_t = 256)]
        page: usize,
        /// Read the channel this many times.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Enqueue no-op jobs and run them (Redis with --redis-url, else Postgres).
    Queue {
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
        #[arg(long, env = "REDIS_URL")]
        redis_url: Option<String>,
        #[arg(long, default_value_t = 20_000)]
        jobs: usize,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Enqueue at this many jobs per second instead of as fast as possible.
        #[arg(long)]
        paced: Option<u32>,
    },
    /// Hold idle event streams against a running server: its memory per connection.
    Idle {
        /// The server's address (`127.0.0.1:8080`).
        #[arg(long)]
        server: std::net::SocketAddr,
        #[arg(long, value_enum, default_value = "sse")]
        transport: idle::Transport,
        /// SSE: path and query; WebSocket: path.
        #[arg(long, default_value = "/v1/events")]
        path: String,
        #[arg(long, env = "IMAGEGEN_TOKEN", default_value = "")]
        token: String,
        /// The channel each WebSocket subscribes to.
        #[arg(long, default_value = "system")]
        channel: String,
        #[arg(long, default_value_t = 5_000)]
        connections: usize,
        /// Source addresses 127.0.0.1..=127.0.0.N.
        #[arg(long, default_value_t = 4)]
        sources: usize,
        /// The server's process id, for its memory.
        #[arg(long)]
        pid: u32,
        /// Seconds to wait after opening before measuring.
        #[arg(long, default_value_t = 3)]
        settle_secs: u64,
    },
    /// Users watch their channels while generations run through the api.
    Watch {
        #[arg(long)]
        server: std::net::SocketAddr,
        #[arg(long, value_enum, default_value = "sse")]
        transport: idle::Transport,
        /// The api's IMAGEGEN_JWT_SECRET, to mint a token per user.
        #[arg(long, env = "IMAGEGEN_JWT_SECRET")]
        jwt_secret: String,
        #[arg(long, default_value_t = 1_000)]
        users: usize,
        #[arg(long, default_value_t = 2_000)]
        generations: usize,
        /// Generations created per second.
        #[arg(long, default_value_t = 200)]
        rate: u32,
        #[arg(long, default_value_t = 4)]
        sources: usize,
        /// The api's process id, for its CPU time.
        #[arg(long)]
        pid: u32,
    },
}

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
        } => {
            let (database, redis) = (database_url.as_deref(), redis_url.as_deref());
            queue::run(database, redis, jobs, concurrency, paced).await
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
                server,
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
