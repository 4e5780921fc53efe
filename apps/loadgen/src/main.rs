//! `imagegen-loadgen`: benchmarks of imagegen's adapters. Each subcommand prints one
//! JSON line with its parameters and results, so runs can be collected and compared.
//!
//! - `store`: saves generations with their events (create, then a save of two moves).
//! - `replay`: reads "events after P" for one channel, page by page.
//! - `queue`: enqueues no-op jobs and runs them; latency is enqueue -> handler start.

use clap::{Parser, Subcommand};

mod queue;
mod replay;
mod stats;
mod store;

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
