//! The command line: one subcommand per benchmark.

use clap::{Parser, Subcommand};

use crate::idle;

#[derive(Parser)]
#[command(name = "imagegen-loadgen", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// Jobs the runner leases ahead of its slots while handlers are fast.
        #[arg(long, default_value_t = imagegen_runtime::RunnerConfig::default().read_ahead)]
        read_ahead: usize,
        /// Producer tasks (default: as many as `concurrency`); more producers than
        /// slots make the run consumer-bound.
        #[arg(long)]
        producers: Option<usize>,
        /// Enqueue every job before the runner starts and time the processing alone.
        #[arg(long)]
        prefill: bool,
        /// Keep the runner's metrics in the Prometheus recorder the worker installs
        /// (to measure what they cost; off, the metric calls do nothing).
        #[arg(long)]
        metrics: bool,
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
    /// Broadcast messages one at a time to N connections watching `system`.
    Broadcast {
        #[arg(long)]
        server: std::net::SocketAddr,
        #[arg(long, value_enum, default_value = "sse")]
        transport: idle::Transport,
        /// The server is `bench/sse-peer` (SSE only).
        #[arg(long)]
        peer: bool,
        #[arg(long, env = "IMAGEGEN_JWT_SECRET", default_value = "")]
        jwt_secret: String,
        #[arg(long, default_value_t = 1_000)]
        connections: usize,
        #[arg(long, default_value_t = 100)]
        messages: usize,
        #[arg(long, default_value_t = 4)]
        sources: usize,
        #[arg(long)]
        pid: u32,
        /// Processes holding the connections (this one and helpers).
        #[arg(long, default_value_t = 1)]
        processes: usize,
    },
    /// Part of a `broadcast --processes K` run: holds connections `from..to`.
    #[command(hide = true)]
    BroadcastHelper {
        #[arg(long)]
        server: std::net::SocketAddr,
        #[arg(long, value_enum)]
        transport: idle::Transport,
        #[arg(long)]
        peer: bool,
        #[arg(long)]
        token: String,
        #[arg(long)]
        sources: usize,
        #[arg(long)]
        from: usize,
        #[arg(long)]
        to: usize,
    },
    /// Users watch their channels while generations run through the api.
    Watch {
        /// An api's address; repeat it for several instances: users connect to them in
        /// turn, move to the next when a stream ends, and generations are created
        /// through the first.
        #[arg(long, required = true)]
        server: Vec<std::net::SocketAddr>,
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
        pid: Option<u32>,
    },
    /// Provider calls per generation in one delivery mode (sets the api's policy).
    Delivery {
        #[arg(long)]
        server: std::net::SocketAddr,
        /// `webhook`, `dual` or `polling`, for everyone.
        #[arg(long)]
        mode: String,
        #[arg(long, env = "IMAGEGEN_JWT_SECRET")]
        jwt_secret: String,
        #[arg(long, default_value_t = 100)]
        generations: usize,
        /// Generations created per second.
        #[arg(long, default_value_t = 10)]
        rate: u32,
    },
}
