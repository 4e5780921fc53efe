//! A Replicate- and OpenAI-compatible fake image provider, with fault injection.
//!
//! It serves the endpoints a Replicate client uses (create, get, cancel, the webhook
//! signing secret) and OpenAI's Responses endpoints (background `image_generation`:
//! create, get, cancel, webhooks to one project-level URL), runs each prediction through `starting -> processing ->
//! succeeded`, renders real PNGs that depend on the prompt and seed, and sends
//! Standard-Webhooks-signed webhooks. Faults (dropped, duplicated, delayed, reordered or
//! mis-signed webhooks, 5xx and 429 on create, failed predictions) are off by default.
//!
//! # Layout
//! - [`config`]: timings and fault probabilities.
//! - `routes`: the HTTP endpoints (`openai`: OpenAI's); `lifecycle`: a prediction's run;
//!   `delivery`: webhook sending; `render`: the images; `prediction`: the object.
//! - [`stats`]: counts of calls by kind, served at `GET /sim/stats`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
mod delivery;
mod lifecycle;
mod openai;
mod openai_objects;
mod prediction;
mod render;
mod routes;
mod state;
pub mod stats;

use std::sync::Arc;

pub use config::{Faults, FaultsError, SimulatorConfig};
pub use render::render_png;
pub use stats::StatsSnapshot;

/// A running simulator's state; clone it to read its stats.
#[derive(Clone)]
pub struct Simulator {
    state: Arc<state::SimState>,
}

impl Simulator {
    /// A simulator; `config.public_url` must be where its router is served.
    pub fn new(config: SimulatorConfig) -> Self {
        Self {
            state: Arc::new(state::SimState::new(config)),
        }
    }

    /// The HTTP endpoints.
    pub fn router(&self) -> axum::Router {
        routes::router(self.state.clone())
    }

    /// Where it is served (its `public_url`).
    pub fn public_url(&self) -> &str {
        &self.state.config.public_url
    }

    /// Counts of calls so far.
    pub fn stats(&self) -> StatsSnapshot {
        self.state.stats.snapshot()
    }

    /// Changes the faults from now on (tests turn a fault on or off mid-run).
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// Forgets every prediction, as a restarted in-memory simulator does: polls of
    /// them answer `404` from now on.
    pub fn forget_predictions(&self) {
        self.state.forget_predictions();
    }

    /// Serves the router on `listener` until `shutdown` is cancelled.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: tokio_util::sync::CancellationToken,
    ) -> std::io::Result<()> {
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
    }
}
