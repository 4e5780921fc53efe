//! A plain axum SSE server, as people deploy one: `GET /events` streams what is posted
//! to `POST /publish` through one `tokio::sync::broadcast` channel, with a keep-alive
//! comment every 15 s. No auth, no resume, no per-channel routing: the baseline that
//! imagegen's realtime numbers are compared with.
//!
//! `sse-peer [address]` (default `127.0.0.1:8099`).

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use futures::Stream;
use futures::StreamExt;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

async fn events(
    State(sender): State<broadcast::Sender<String>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(sender.subscribe()).filter_map(|message| async move {
        message.ok().map(|data| Ok(Event::default().data(data)))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn publish(State(sender): State<broadcast::Sender<String>>, body: String) -> String {
    sender.send(body).unwrap_or(0).to_string()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".to_owned());
    let (sender, _) = broadcast::channel(1024);
    let app = Router::new()
        .route("/events", get(events))
        .route("/publish", post(publish))
        .with_state(sender);
    let listener = tokio::net::TcpListener::bind(&address).await?;
    eprintln!("sse-peer listening on {address}");
    axum::serve(listener, app).await
}
