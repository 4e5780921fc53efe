//! One WebSocket connection: reads the client's commands, forwards the events of its
//! subscriptions in order, pings while idle, and closes with a code the client can act
//! on when its token expires (4001), when it falls too far behind (4008), or when the
//! api shuts down (1012).

use std::sync::Arc;
use std::time::Duration;

use futures::SinkExt;
use imagegen_application::ports::PresenceMember;
use imagegen_bootstrap::Services;
use imagegen_realtime::Delivery;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use super::commands::Connection;
use super::presence::PresenceHandle;
use super::subscriptions::Subscriptions;
use crate::auth::CurrentSession;
use imagegen_streams::timed_write::within;
use imagegen_streams::ws_protocol as protocol;
use imagegen_streams::ws_reading::{ReadReady, Reader};
use imagegen_streams::ws_sending::{self as sending, Outgoing, send};
use imagegen_streams::{Gate, SocketExpress, guarded};

/// A ping this often keeps proxies from closing an idle connection.
const PING_EVERY: Duration = Duration::from_secs(15);

/// What woke the connection.
enum Woke {
    /// The hub wrote part of a message on the socket: the rest is ours to write.
    Owed,
    Shutdown,
    /// The client's next message; `None` when the connection failed or ended.
    Read(Option<Message>),
    /// The client sent what we refuse to read: closed with this code and reason.
    Refuse(u16, &'static str),
    Delivery(Arc<str>, Option<Delivery>),
    Alarm,
}

/// What a read brought: a message, the end, or input we refuse (a message over the
/// size limit: 1009; text that is not UTF-8: 1007), closed with a code, not a reset.
fn read_outcome(frame: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>) -> Woke {
    use tokio_tungstenite::tungstenite::Error;
    match frame {
        Some(Ok(message)) => Woke::Read(Some(message)),
        Some(Err(Error::Capacity(_))) => Woke::Refuse(1009, "message too big"),
        Some(Err(Error::Utf8(_))) => Woke::Refuse(1007, "text must be UTF-8"),
        Some(Err(_)) | None => Woke::Read(None),
    }
}

/// Serves one WebSocket, over the socket itself (with `express`, the hub may write
/// shared messages on it while the connection waits) or hyper's upgraded connection.
pub fn run<S>(
    socket: WebSocketStream<S>,
    services: Arc<Services>,
    session: CurrentSession,
    express: Option<Arc<SocketExpress>>,
) -> impl Future<Output = ()> + Send
where
    S: ReadReady + AsyncRead + AsyncWrite + Unpin + Send,
{
    guarded(express.clone(), serve(socket, services, session, express))
}

async fn serve<S>(
    // Used in place: an argument moved into a local would be held twice.
    mut socket: WebSocketStream<S>,
    services: Arc<Services>,
    session: CurrentSession,
    express: Option<Arc<SocketExpress>>,
) where
    S: ReadReady + AsyncRead + AsyncWrite + Unpin + Send,
{
    let gate = express.clone();
    let gate = gate.as_deref().map(|express| &express.gate);
    // Not split: sends happen between waits, so one half-lock per wake is saved.
    let mut reader = Reader::default();
    let left = (session.expires_at - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    let expires = tokio::time::Instant::now() + left;
    // One timer for both the next ping and the token's expiry, whichever comes first.
    let alarm = tokio::time::sleep_until(expires.min(tokio::time::Instant::now() + PING_EVERY));
    tokio::pin!(alarm);
    // Looked at on every wake: the hub's watch costs a load and a waker there.
    let shutdown = services.hub.closing();
    tokio::pin!(shutdown);
    let member = PresenceMember {
        connection_id: uuid::Uuid::new_v4(),
        user_id: session.caller.user_id,
    };
    let mut connection = Connection {
        presence: PresenceHandle::new(services.clone(), member),
        services,
        session,
        subscriptions: Subscriptions::default(),
        express,
    };
    tracing::debug!(user.id = %connection.session.caller.user_id, "websocket opened");
    // Each turn starts with nothing half-sent (a pong tungstenite owes goes first), so
    // the hub may write while the connection waits.
    while sending::flush(&mut socket).await {
        let woke = {
            let _waiting = gate.map(Gate::waiting);
            tokio::select! {
                // What the hub left half-written goes before anything else.
                biased;
                () = Gate::owed(gate) => Woke::Owed,
                () = &mut shutdown => Woke::Shutdown,
                frame = std::future::poll_fn(|cx| reader.poll_next(&mut socket, cx)) => read_outcome(frame),
                (channel, event) = std::future::poll_fn(|cx| connection.subscriptions.poll_next(cx)), if !connection.subscriptions.is_empty() => Woke::Delivery(channel, event),
                () = &mut alarm => Woke::Alarm,
            }
        };
        let outgoing = match woke {
            Woke::Owed => match gate.and_then(Gate::take_owed) {
                Some(rest) if !sending::write_frame(socket.get_mut(), &rest).await => break,
                _ => None,
            },
            Woke::Read(frame) => match frame {
                Some(Message::Text(text)) => Some(Box::pin(connection.command(&text)).await.into()),
                Some(Message::Binary(_)) => {
                    Some(protocol::error("invalid_message", "messages are JSON text", None).into())
                }
                Some(Message::Close(_)) | None => break,
                // A ping: tungstenite's pong goes at the next turn's flush.
                Some(_) => None,
            },
            Woke::Delivery(channel, event) => Some(match event {
                Some(resync @ Delivery::Resync { .. }) => {
                    // The subscription is over: the client re-fetches, then subscribes anew.
                    connection.subscriptions.remove(&channel);
                    Box::pin(connection.presence.leave(&channel)).await;
                    protocol::event(&channel, &resync).into()
                }
                Some(slow @ Delivery::TooSlow { .. }) => {
                    // Where to resume, then the close; neither may hold us long.
                    let word = protocol::event(&channel, &slow);
                    let _ = within(Duration::from_secs(1), socket.send(word)).await;
                    let close = protocol::close(
                        protocol::CLOSE_TOO_SLOW,
                        "too slow; resubscribe with since",
                    );
                    let _ = within(Duration::from_secs(1), socket.send(close)).await;
                    break;
                }
                // A broadcast or presence: the same frame for every connection.
                Some(Delivery::Ephemeral { shared, .. }) => Outgoing::Frame(shared),
                Some(event) => protocol::event(&channel, &event).into(),
                None => {
                    connection.subscriptions.remove(&channel);
                    protocol::error(
                        "unavailable",
                        "the events cannot be read now; subscribe again with since",
                        Some(&channel),
                    )
                    .into()
                }
            }),
            Woke::Refuse(code, reason) => {
                super::refusal::refuse(&mut socket, code, reason).await;
                break;
            }
            Woke::Shutdown => {
                let _ = socket
                    .send(protocol::close(
                        protocol::CLOSE_SERVICE_RESTART,
                        "service restart",
                    ))
                    .await;
                break;
            }
            Woke::Alarm => {
                if alarm.deadline() >= expires {
                    let _ = socket
                        .send(protocol::close(
                            protocol::CLOSE_TOKEN_EXPIRED,
                            "token expired",
                        ))
                        .await;
                    break;
                }
                let now = tokio::time::Instant::now();
                alarm.as_mut().reset(expires.min(now + PING_EVERY));
                Box::pin(connection.presence.renew(&connection.names())).await;
                Some(Message::Ping(Default::default()).into())
            }
        };
        if let Some(message) = outgoing
            && !send(&mut socket, message).await
        {
            break;
        }
    }
    Box::pin(connection.presence.leave_all(&connection.names())).await;
    tracing::debug!("websocket closed");
}
