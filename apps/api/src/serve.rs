//! The HTTP server loop: hyper with a header-read timeout (a client that trickles its
//! request headers, or sends nothing, is cut off instead of holding a socket forever),
//! caps on connections still awaiting their first request (`pending`), the peer's address on
//! every request (for per-source limits), upgrades (WebSocket), and a graceful
//! shutdown that waits for open connections to finish. (An upgraded connection leaves
//! hyper; its WebSocket task closes itself on shutdown.) Each connection's first
//! request head is read here: an event stream or a WebSocket is served on the socket
//! directly (`direct_sse`, `routes::ws`), everything else by hyper.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use imagegen_bootstrap::Services;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

use crate::pending::Pending;
use crate::{direct_sse, routes};
use imagegen_streams::Rewound;

/// How long a client may take to send its request headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish once shutdown begins.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown` is cancelled, then lets open
/// connections finish. With `services`, event streams that open on a connection's
/// first request are served on the socket directly.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    services: Option<Arc<Services>>,
    shutdown: CancellationToken,
) {
    let open = TaskTracker::new();
    let pending = Pending::default();
    // HTTP/1.1 only: the server-sent events need nothing more, and a protocol sniffer
    // would wait, without a timeout, for the first byte of a silent client.
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    loop {
        let (stream, peer) = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(place) = pending.admit(peer.ip()) else {
            tracing::debug!(%peer, "this source has too many connections without a request; closing a new one");
            drop(stream);
            continue;
        };
        // Events are small writes that should leave at once: without this, a second
        // write waits for the first one's ACK, which a client may delay by 40 ms.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot turn off Nagle's algorithm on a connection");
        }
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(request)
        });
        let (builder, shutdown, services) = (builder.clone(), shutdown.clone(), services.clone());
        open.spawn(async move {
            let mut stream = stream;
            let mut read = Vec::new();
            let head = tokio::select! {
                () = shutdown.cancelled() => None,
                () = place.shed() => None,
                head = tokio::time::timeout(HEADER_READ_TIMEOUT, direct_sse::read_head(&mut stream, &mut read)) => head.ok().and_then(Result::ok),
            };
            drop(place);
            // Silent, trickling, shed, or gone before a whole request: closed.
            let Some(direct) = head else { return };
            // A direct stream keeps neither the request nor the bytes read for its life.
            // A WebSocket's state is boxed: the event streams' tasks carry no room for it.
            if let (Some(request), Some(services)) = (direct, services) {
                if request.websocket {
                    match routes::ws::accept_direct(stream, &services, &request.headers, &request.uri) {
                        Ok(websocket) => {
                            drop((read, request, services));
                            Box::pin(websocket.serve()).await;
                            return;
                        }
                        Err(refused) => stream = refused,
                    }
                } else {
                    match direct_sse::open(&services, &request, stream).await {
                        Ok((socket, frames)) => {
                            drop((read, request, services));
                            direct_sse::serve(socket, frames).await;
                            return;
                        }
                        Err(Some(refused)) => stream = refused,
                        Err(None) => return,
                    }
                }
            }
            // Boxed: its state is large, and the direct streams should not carry room
            // for it in their tasks.
            let mut connection = Box::pin(
                builder
                    .serve_connection(TokioIo::new(Rewound::new(read, stream)), service)
                    .with_upgrades(),
            );
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                () = shutdown.cancelled() => {
                    // Finish the request in flight, take no next one.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = ended {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    open.close();
    if tokio::time::timeout(CLOSE_TIMEOUT, open.wait())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the close timeout; stopping anyway");
    }
}
