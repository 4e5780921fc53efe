//! `imagegen-provider-sim`: the simulator as a standalone server. It speaks Replicate's
//! HTTP API, so any Replicate client can point its base URL at it, and OpenAI's
//! Responses endpoints (background `image_generation`), with webhooks to
//! `SIM_OPENAI_WEBHOOK_URL`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use imagegen_simulator::{Faults, Simulator, SimulatorConfig};
use imagegen_webhooks::WebhookSecret;
use tokio_util::sync::CancellationToken;

/// A Replicate-compatible fake image provider with fault injection.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "SIM_LISTEN", default_value = "127.0.0.1:9000")]
    listen: SocketAddr,
    /// Base URL clients use to reach the simulator (defaults to http://{listen}).
    #[arg(long, env = "SIM_PUBLIC_URL")]
    public_url: Option<String>,
    /// Webhook signing secret (`whsec_...`); generated when unset. Served at
    /// GET /v1/webhooks/default/secret.
    #[arg(long, env = "SIM_WEBHOOK_SECRET")]
    webhook_secret: Option<String>,
    /// Milliseconds from create to processing.
    #[arg(long, env = "SIM_START_DELAY_MS", default_value_t = 300)]
    start_delay_ms: u64,
    /// Milliseconds from processing to the end.
    #[arg(long, env = "SIM_RUN_MS", default_value_t = 1200)]
    run_ms: u64,
    /// Probability (0..1) of dropping a webhook.
    #[arg(long, env = "SIM_DROP_WEBHOOK", default_value_t = 0.0)]
    drop_webhook: f64,
    /// Probability of sending a webhook twice.
    #[arg(long, env = "SIM_DUPLICATE_WEBHOOK", default_value_t = 0.0)]
    duplicate_webhook: f64,
    /// Probability of sending the start webhook after the completed one.
    #[arg(long, env = "SIM_REORDER_WEBHOOKS", default_value_t = 0.0)]
    reorder_webhooks: f64,
    /// Probability of signing a webhook with a wrong secret.
    #[arg(long, env = "SIM_MIS_SIGN_WEBHOOK", default_value_t = 0.0)]
    mis_sign_webhook: f64,
    /// Probability of answering a create with 500.
    #[arg(long, env = "SIM_CREATE_5XX", default_value_t = 0.0)]
    create_server_error: f64,
    /// Probability of answering a create with 429.
    #[arg(long, env = "SIM_CREATE_429", default_value_t = 0.0)]
    create_rate_limited: f64,
    /// Where OpenAI's webhooks go (one project-level endpoint, for example
    /// http://127.0.0.1:8080/webhooks/openai); none are sent when unset.
    #[arg(long, env = "SIM_OPENAI_WEBHOOK_URL")]
    openai_webhook_url: Option<String>,
    /// Probability of a prediction failing.
    #[arg(long, env = "SIM_FAIL_PREDICTION", default_value_t = 0.0)]
    fail_prediction: f64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    imagegen_bootstrap::telemetry::init();
    let args = Args::parse();
    let secret = match args.webhook_secret.as_deref().map(WebhookSecret::parse) {
        Some(Ok(secret)) => secret,
        Some(Err(error)) => {
            tracing::error!("SIM_WEBHOOK_SECRET: {error}");
            return std::process::ExitCode::from(2);
        }
        None => match WebhookSecret::from_key(rand_key()) {
            Ok(secret) => secret,
            Err(error) => {
                tracing::error!("cannot generate a webhook secret: {error}");
                return std::process::ExitCode::FAILURE;
            }
        },
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!("SIM_LISTEN: cannot bind {}: {error}", args.listen);
            return std::process::ExitCode::from(2);
        }
    };
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.listen));
    let mut config = SimulatorConfig::new(public_url, secret);
    config.start_delay = Duration::from_millis(args.start_delay_ms);
    config.run_time = Duration::from_millis(args.run_ms);
    config.openai_webhook_url = args.openai_webhook_url.clone();
    config.faults = Faults {
        drop_webhook: args.drop_webhook,
        duplicate_webhook: args.duplicate_webhook,
        reorder_webhooks: args.reorder_webhooks,
        mis_sign_webhook: args.mis_sign_webhook,
        create_server_error: args.create_server_error,
        create_rate_limited: args.create_rate_limited,
        fail_prediction: args.fail_prediction,
        ..Faults::default()
    };
    tracing::info!(listen = %args.listen, "provider simulator listening; signing secret at GET /v1/webhooks/default/secret, stats at GET /sim/stats");
    let shutdown = CancellationToken::new();
    tokio::spawn(imagegen_bootstrap::shutdown::on_signal(shutdown.clone()));
    match Simulator::new(config).serve(listener, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("simulator stopped: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// 32 random bytes (two v4 UUIDs come from the system's randomness).
fn rand_key() -> Vec<u8> {
    [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()]
        .iter()
        .flat_map(|u| u.as_bytes().to_vec())
        .collect()
}
