//! `imagegen-api`: reads the configuration, binds, serves until SIGTERM or Ctrl-C.
//! `imagegen-api migrate` applies the database migrations to `DATABASE_URL` and exits;
//! `imagegen-api token --user <uuid>` prints a bearer token.

mod token;

use clap::{Parser, Subcommand};
use imagegen_application::error::chain;
use imagegen_bootstrap::shutdown::on_signal;
use imagegen_bootstrap::{Config, telemetry};
use tokio_util::sync::CancellationToken;

/// The imagegen HTTP API. Configured by environment variables (see README.md).
#[derive(Parser)]
#[command(name = "imagegen-api", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply the database migrations to DATABASE_URL, then exit (serving also does).
    Migrate,
    /// Print a bearer token signed with IMAGEGEN_JWT_SECRET, then exit.
    Token(token::TokenArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Token(args)) = &cli.command {
        // Nothing but the token on standard output.
        return match token::mint(args) {
            Ok(token) => {
                println!("{token}");
                std::process::ExitCode::SUCCESS
            }
            Err(message) => {
                eprintln!("imagegen-api token: {message}");
                std::process::ExitCode::from(2)
            }
        };
    }
    telemetry::init_for("imagegen-api");
    let code = telemetry::run("api", serve(cli.command));
    imagegen_bootstrap::traces::flush();
    code
}

async fn serve(command: Option<Command>) -> std::process::ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!("configuration error: {}", chain(&error));
            return std::process::ExitCode::from(2);
        }
    };
    if let Some(Command::Migrate) = command {
        return match imagegen_bootstrap::durable::connect(&config, false).await {
            Ok(_) => {
                tracing::info!("migrations applied");
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                tracing::error!("{}", chain(&error));
                std::process::ExitCode::from(2)
            }
        };
    }
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
            tracing::error!("{}", chain(&error));
            std::process::ExitCode::FAILURE
        }
    }
}
