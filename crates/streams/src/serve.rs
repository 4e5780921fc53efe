//! The HTTP server loop: hyper with a header-read timeout (a client that trickles its
//! request headers, or sends nothing, is cut off instead of holding a socket forever),
//! caps on connections still awaiting their first request (`pending`), the peer's address on
//! every request (for per-source limits), upgrades (WebSocket), and a graceful
//! shutdown that waits for open connections to finish. (An upgraded connection leaves
//! hyper; its WebSocket task closes itself on shutdown.) Each connection's first
//! request head is read here: an event stream or a WebSocket that the [`Opener`]
//! opens is served on the socket directly, everything else by hyper.

use std::net::SocketAddr;
use std::sync::Arc;
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

use crate::event_stream::chunked_frame;
use crate::pending::Pending;
use crate::{Opener, Rewound, SharedSocket, event_stream, first_request};

/// How long a client may take to send its request headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish once shutdown begins.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown` is cancelled, then lets open
/// connections finish. Streams that `opener` opens on a connection's first request
/// are served on the socket directly.
pub async fn serve<O: Opener>(
    listener: TcpListener,
    app: Router,
    opener: Arc<O>,
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
        let Some(place) = pending.admit(peer.ip(), opener.carries_many_clients(peer.ip())) else {
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
        let (builder, shutdown, opener) = (builder.clone(), shutdown.clone(), opener.clone());
        open.spawn(async move {
            let mut stream = stream;
            let mut read = Vec::new();
            let head = tokio::select! {
                () = shutdown.cancelled() => None,
                () = place.shed() => None,
                head = tokio::time::timeout(HEADER_READ_TIMEOUT, first_request::read_head(&mut stream, &mut read)) => head.ok().and_then(Result::ok),
            };
            drop(place);
            // Silent, trickling, shed, or gone before a whole request: closed.
            let Some(direct) = head else { return };
            // A direct stream keeps neither the request nor the bytes read for its life.
            if let Some(request) = direct {
                if request.websocket {
                    match opener.open_websocket(&request, stream) {
                        Ok(websocket) => {
                            drop((read, request, opener));
                            websocket.await;
                            return;
                        }
                        Err(refused) => stream = refused,
                    }
                } else {
                    let socket = SharedSocket::new(stream, chunked_frame);
                    let opened = opener.open_events(&request, socket.0.clone()).await;
                    match opened {
                        Some(frames) => {
                            drop((read, request, opener));
                            event_stream::serve(socket, frames).await;
                            return;
                        }
                        // Refused before its session began, so nothing else holds the
                        // socket; if something does, the connection is closed.
                        None => match socket.0.into_stream() {
                            Some(refused) => stream = refused,
                            None => return,
                        },
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
