//! The imagegen HTTP API: routes, extractors, error mapping and wiring. Thin: each
//! handler turns HTTP into a use case call and back.
//!
//! - [`app`]: the router, callable without a socket (tests `oneshot` it).
//! - [`start`] then [`Server::serve`], or [`run`] for both: the system (embedded or
//!   durable, as configured) on a pre-bound listener.
#![forbid(unsafe_code)]

mod auth;
mod browser;
mod console;
mod drain;
mod dto;
mod error;
mod json;
mod metrics_route;
mod openapi;
mod opener;
mod peer;
mod refusals;
mod routes;
mod startup_log;
mod stream_opening;
mod websocket;

use std::sync::Arc;

use axum::Router;
use imagegen_bootstrap::Simulator;
use imagegen_bootstrap::{BootstrapError, Config, Services, System, start_system};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::LatencyUnit;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::ApiError;
pub use imagegen_streams::SEND_TIMEOUT;
pub use imagegen_streams::{HEADER_READ_TIMEOUT, MAX_PENDING, MAX_PENDING_PER_SOURCE};

/// The whole HTTP surface.
pub fn app(services: Arc<Services>) -> Router {
    Router::new()
        .merge(console::router())
        .merge(routes::health::router())
        .merge(routes::generations::router())
        .merge(routes::events::router())
        .merge(routes::ws::router())
        .merge(routes::long_poll::router())
        .merge(routes::presence::router())
        .merge(routes::images::router())
        .merge(routes::webhooks::router())
        .merge(routes::admin::router())
        .merge(routes::providers::router())
        .merge(routes::delivery::router())
        .merge(routes::broadcast::router())
        .fallback(json::not_found)
        .layer(axum::middleware::map_response(refusals::as_problem))
        .layer(axum::middleware::from_fn(refusals::limits))
        .layer(axum::middleware::from_fn(metrics_route::record_http))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    // The route's template (no ids, never the query: it may carry an
                    // access token), and a request id: the caller's, or a new one.
                    let route = request
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or("(unmatched)", axum::extract::MatchedPath::as_str);
                    let request_id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .map_or_else(|| uuid::Uuid::new_v4().to_string(), |id| imagegen_application::capped(id).to_string());
                    tracing::info_span!("request", method = %request.method(), route, request.id = %request_id)
                })
                // The access log: a line per request at info, with status and duration.
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros))
                // ApiError logs 5xx once, with the cause; the trace layer must not repeat it.
                .on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
        )
        .with_state(services)
}

/// How long in-flight requests and jobs get after SIGTERM.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(30);

/// A started api: the system is running; [`Server::serve`] answers requests.
pub struct Server {
    system: System,
    listener: TcpListener,
    /// `/metrics` on an address of its own (`IMAGEGEN_METRICS_LISTEN`), if set.
    metrics_listener: Option<TcpListener>,
    metrics_token: Option<secrecy::SecretString>,
    origins: browser::Origins,
    proxies: peer::TrustedProxies,
    draining: drain::Draining,
    shutdown: CancellationToken,
}

/// Starts the system for an api on `listener` and logs how to use it.
///
/// # Errors
/// Start-up errors: configuration, binding the simulator, building adapters.
pub async fn start(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<Server, BootstrapError> {
    let addr = listener
        .local_addr()
        .map_err(|source| BootstrapError::Bind {
            what: "the api",
            source,
        })?;
    startup_log::mode(&config);
    let draining = drain::Draining(shutdown.clone());
    let shutdown = drain::stop_after(&shutdown, config.edge.shutdown_delay);
    let system = start_system(&config, addr, shutdown.clone()).await?;
    let metrics_listener = match config.metrics.listen {
        Some(at) => {
            let bound = TcpListener::bind(at)
                .await
                .map_err(|source| BootstrapError::Bind {
                    what: "the metrics endpoint (IMAGEGEN_METRICS_LISTEN)",
                    source,
                })?;
            tracing::info!(listen = %at, "metrics at http://{at}/metrics");
            Some(bound)
        }
        None => None,
    };
    startup_log::ready(&system, addr);
    Ok(Server {
        system,
        listener,
        metrics_listener,
        metrics_token: config.metrics.token.clone(),
        origins: browser::Origins::new(config.edge.cors_origins.clone()),
        proxies: peer::TrustedProxies::new(config.edge.trusted_proxies.clone()),
        draining,
        shutdown,
    })
}

impl Server {
    /// The in-process simulator, when it is the provider (tests read its stats).
    pub fn simulator(&self) -> Option<&Simulator> {
        self.system
            .simulator
            .as_ref()
            .map(|(simulator, _)| simulator)
    }

    /// The wired services (tests read the queue's counts through it).
    pub fn services(&self) -> Arc<Services> {
        self.system.services.clone()
    }

    /// The event store, for maintenance by hand and tests.
    pub fn event_store(&self) -> Arc<dyn imagegen_application::ports::EventStore> {
        self.system.event_store.clone()
    }

    /// Serves until the shutdown token is cancelled, then drains requests and the
    /// worker loops.
    ///
    /// # Errors
    /// Serve errors from the listener.
    pub async fn serve(self) -> Result<(), BootstrapError> {
        let mut background = self.system.background;
        let services = self.system.services;
        let temporary = self.system.temporary_data_dir;
        let opener = Arc::new(opener::StreamOpener {
            services: services.clone(),
            origins: self.origins.clone(),
            proxies: self.proxies.clone(),
        });
        let metrics = metrics_route::router(self.metrics_token);
        let providers = services.create_generation.provider_names();
        let router = match self.metrics_listener {
            None => app(services)
                .merge(metrics)
                .merge(openapi::router(&providers)),
            Some(listener) => {
                let stop = self.shutdown.clone();
                tokio::spawn(async move {
                    let serving = axum::serve(listener, metrics)
                        .with_graceful_shutdown(async move { stop.cancelled().await });
                    if let Err(error) = serving.await {
                        tracing::error!(%error, "the metrics endpoint stopped");
                    }
                });
                app(services).merge(openapi::router(&providers))
            }
        };
        // Outermost: preflights are answered before routing, and every answer to an
        // allowed origin (problems too) carries its CORS headers.
        let router = router
            .layer(axum::Extension(self.origins.clone()))
            .layer(axum::Extension(self.proxies.clone()))
            .layer(axum::Extension(self.draining.clone()))
            .layer(self.origins.layer());
        imagegen_streams::serve(self.listener, router, opener, self.shutdown).await;
        tracing::info!("api stopped accepting requests; draining worker loops");
        let drained = tokio::time::timeout(DRAIN, async {
            while background.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("drain timeout passed; stopping anyway");
        }
        if let Some(dir) = &temporary {
            match std::fs::remove_dir_all(dir) {
                Ok(()) => tracing::info!(dir = %dir.display(), "removed this run's data directory"),
                Err(error) => {
                    tracing::warn!(%error, dir = %dir.display(), "could not remove this run's data directory")
                }
            }
        }
        tracing::info!("shutdown complete");
        Ok(())
    }
}

/// Starts, then serves until `shutdown` is cancelled.
///
/// # Errors
/// As [`start`] and [`Server::serve`].
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), BootstrapError> {
    start(config, listener, shutdown).await?.serve().await
}
