//! The HTTP server loop: hyper with a header-read timeout (a client that trickles its
//! request headers, or sends nothing, is cut off instead of holding a socket forever),
//! the peer's address on every request (for per-source limits), upgrades (WebSocket),
//! and a graceful shutdown that waits for open connections to finish. (An upgraded
//! connection leaves hyper; its WebSocket task closes itself on shutdown.)

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// How long a client may take to send its request headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish once shutdown begins.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown` is cancelled, then lets open
/// connections finish.
pub async fn serve(listener: TcpListener, app: Router, shutdown: CancellationToken) {
    let open = TaskTracker::new();
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
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(request)
        });
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let shutdown = shutdown.clone();
        open.spawn(async move {
            tokio::pin!(connection);
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
