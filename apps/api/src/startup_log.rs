//! What the api says at start: its mode first, and last the address a person opens
//! (in the embedded mode, the console with the development token in the URL's
//! fragment, which a browser never sends to the server).

use std::net::SocketAddr;

use imagegen_application::{Caller, Role};
use imagegen_bootstrap::{Config, Mode, System};

/// The first line: which mode, and what it needs.
pub fn mode(config: &Config) {
    match config.mode() {
        Mode::Embedded => tracing::info!(
            "imagegen api starting in EMBEDDED mode: in-memory store and queue, worker loops in-process, no outside services"
        ),
        Mode::Durable => tracing::info!(
            "imagegen api starting in durable mode (Postgres): state and jobs in DATABASE_URL, worker loops in-process"
        ),
        Mode::Distributed => tracing::info!(
            run_workers = config.workers.api_run_workers,
            "imagegen api starting in DISTRIBUTED mode (Postgres and Redis): jobs through the Redis queue, events through the Redis bus; imagegen-worker runs the worker loops"
        ),
    }
}

/// Where things are, the development token if one was made, and last the console.
pub fn ready(system: &System, addr: SocketAddr) {
    tracing::info!(images = %system.images_dir.display(), "images stored on local disk");
    tracing::info!(listen = %addr, public_base_url = %system.services.public_base_url, "listening; API at http://{addr}");
    if let Some((_, sim_addr)) = &system.simulator {
        tracing::info!(simulator = %sim_addr, "provider: built-in simulator (Replicate protocol), stats at http://{sim_addr}/sim/stats");
    }
    let Some(token) = &system.dev_token else {
        tracing::info!(
            "console at http://{addr}/ (sign in with a token: imagegen-api token --user <uuid>)"
        );
        return;
    };
    tracing::info!("development token (IMAGEGEN_JWT_SECRET was unset; valid 7 days): {token}");
    if let Ok(caller) = system.services.tokens.verify(token) {
        tracing::info!(
            "its events: GET http://{addr}/v1/events?channel=user:{}&access_token={token}",
            caller.user_id
        );
        // The same user as an operator, for the console's admin dashboard.
        let admin = Caller {
            role: Role::Admin,
            ..caller
        };
        if let Ok(admin_token) = (system.services.tokens).issue(&admin, chrono::Duration::days(7)) {
            tracing::info!("the console as an admin: http://{addr}/#access_token={admin_token}");
        }
    }
    tracing::info!("open the console: http://{addr}/#access_token={token}");
}
