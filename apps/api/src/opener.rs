//! The api's side of the stream transport (`imagegen_streams::Opener`): a first
//! request for a stream is opened here when it passes every check; a refused one goes
//! to the router, which checks it again and answers with the problem.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use imagegen_bootstrap::Services;
use imagegen_realtime::hub::Express;
use imagegen_realtime::{Framing, SseFrame};
use imagegen_streams::{Connection, FirstRequest, Opener};
use tokio::net::TcpStream;

use crate::auth::CurrentSession;
use crate::stream_opening::open_stream;

/// Opens authorized event streams and WebSockets for the transport.
pub struct StreamOpener {
    pub services: Arc<Services>,
    pub origins: crate::browser::Origins,
    pub proxies: crate::peer::TrustedProxies,
}

impl Opener for StreamOpener {
    fn open_events<'a>(
        &'a self,
        request: &'a FirstRequest,
        express: Arc<dyn Express>,
    ) -> Pin<Box<dyn Future<Output = Option<BoxStream<'static, SseFrame>>> + Send + 'a>> {
        Box::pin(async move {
            // A page of another origin: the router answers, with its CORS headers.
            if request.headers.contains_key(axum::http::header::ORIGIN) {
                return None;
            }
            let services = &self.services;
            let session = CurrentSession::verify(&request.headers, &request.uri, services).ok()?;
            let opened = open_stream(
                services,
                session,
                &request.headers,
                &request.uri,
                Framing::Chunked,
                Some(express),
            )
            .await;
            opened.ok().map(StreamExt::boxed)
        })
    }

    fn open_websocket(
        &self,
        request: &FirstRequest,
        stream: TcpStream,
    ) -> Result<Connection, TcpStream> {
        if !self.origins.admits_websocket(&request.headers) {
            return Err(stream);
        }
        let websocket = crate::websocket::accept_direct(
            stream,
            &self.services,
            &request.headers,
            &request.uri,
        )?;
        Ok(Box::pin(websocket.serve()))
    }

    fn carries_many_clients(&self, peer: std::net::IpAddr) -> bool {
        self.proxies.trusts(peer)
    }
}
