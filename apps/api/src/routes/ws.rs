//! `GET /v1/ws` through hyper: a WebSocket asked for by a later request on a
//! kept-alive connection is upgraded here; one asked for by a connection's first
//! request is upgraded on the socket directly (`crate::opener`). Either way the same
//! connection loop runs (`crate::websocket`).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::get;
use hyper_util::rt::TokioIo;
use imagegen_bootstrap::Services;
use imagegen_streams::ws_handshake as handshake;

use crate::ApiError;
use crate::auth::CurrentSession;
use crate::browser::Origins;
use crate::openapi::Problem;
use crate::websocket::connection;

pub fn router() -> Router<Arc<Services>> {
    Router::new().route("/v1/ws", get(upgrade))
}

#[utoipa::path(get, path = "/v1/ws", tag = "events",
    responses((status = 101, description = "the WebSocket (see the README for its messages)"),
        (status = "4XX", body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn upgrade(
    State(services): State<Arc<Services>>,
    session: CurrentSession,
    origins: Option<axum::Extension<Origins>>,
    mut request: Request,
) -> Result<Response, ApiError> {
    let origins = origins
        .map(|axum::Extension(origins)| origins)
        .unwrap_or_default();
    if !origins.admits_websocket(request.headers()) {
        return Err(ApiError::Request {
            status: axum::http::StatusCode::FORBIDDEN,
            code: "forbidden_origin",
            detail: "this page's origin is not in IMAGEGEN_CORS_ORIGINS".into(),
        });
    }
    let Some(accept) = handshake::accept_key(request.headers()) else {
        return Err(ApiError::bad_request(
            "not_a_websocket_upgrade",
            "expected a WebSocket upgrade (Connection: upgrade, Upgrade: websocket, \
             Sec-WebSocket-Version: 13, Sec-WebSocket-Key)",
        ));
    };
    let permit = services.open_stream.admit(
        session.caller.user_id,
        imagegen_realtime::Transport::WebSocket,
    )?;
    let upgraded = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        match upgraded.await {
            Ok(upgraded) => {
                let socket = handshake::accept(TokioIo::new(upgraded)).await;
                connection::run(socket, services, session, None).await;
            }
            Err(error) => tracing::debug!(%error, "websocket upgrade failed"),
        }
        drop(permit);
    });
    Ok(handshake::switching_protocols_response(&accept))
}
