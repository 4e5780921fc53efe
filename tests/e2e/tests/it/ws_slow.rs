//! A WebSocket reader that reads nothing for longer than the send timeout (10 s) is
//! closed; one that falls behind twice within 30 s is told `too_slow` and closed 4008. The client's socket takes 2 KiB at a time and a flood of large broadcasts
//! (5 MB, more than Linux lets a socket's send buffer grow to by default) fills the
//! server's side, so its writes block.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::{Api, User, start_with, until, user};

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Sends 400 broadcasts of 15 KiB on `system`.
async fn flood(api: &Api) {
    let body = json!({ "message": "x".repeat(15 * 1024) });
    let admin = crate::admin::admin_token();
    for _ in 0..350 {
        let sent = api
            .http
            .post(format!("{}/admin/broadcast", api.base))
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 202);
    }
}

/// A WebSocket over a socket with a tiny receive buffer, subscribed to `channel`.
async fn tight_socket(api: &Api, who: &User, channel: &str) -> Socket {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let addr = api.base.trim_start_matches("http://").parse().unwrap();
    let stream = socket.connect(addr).await.unwrap();
    let url = format!(
        "{}/v1/ws?access_token={}",
        api.base.replace("http://", "ws://"),
        who.token
    );
    let (mut ws, _) = tokio_tungstenite::client_async(url, stream).await.unwrap();
    let subscribe = json!({ "type": "subscribe", "channel": channel }).to_string();
    ws.send(Message::Text(subscribe.into())).await.unwrap();
    ws
}

/// The next JSON message, or the close code.
async fn next(ws: &mut Socket) -> Result<Value, Option<u16>> {
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(30), ws.next())
            .await
            .expect("nothing within 30 s");
        match frame {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Err(None),
        }
    }
}

/// Creates `n` generations; waits until a reading client saw each complete; the
/// position of the last event.
async fn burst(
    api: &Api,
    who: &User,
    reader: &mut tokio::sync::mpsc::UnboundedReceiver<crate::support::Message>,
    n: usize,
) -> u64 {
    for i in 0..n {
        api.create_ok(who, json!({ "prompt": format!("burst {i}") }))
            .await;
    }
    let mut completed = 0;
    let mut last = 0;
    while completed < n {
        let seen = until(reader, "GenerationCompleted").await;
        completed += 1;
        last = seen.last().unwrap().id.parse().unwrap();
    }
    last
}

/// An api that takes bursts, a user with a reading client, and the same user's tight
/// socket subscribed to `system` (where a broadcast-sized flood fills it at once).
async fn watched_on_a_tight_socket() -> (
    Api,
    User,
    tokio::sync::mpsc::UnboundedReceiver<crate::support::Message>,
    Socket,
) {
    let api = start_with(&[
        ("IMAGEGEN_MAX_IN_FLIGHT", "100"),
        ("IMAGEGEN_CREATE_RATE_PER_MINUTE", "1000"),
    ])
    .await;
    let alice = user();
    let reader = api.watch_user(&alice).await;
    let mut socket = tight_socket(&api, &alice, "system").await;
    assert_eq!(next(&mut socket).await.unwrap()["type"], "subscribed");
    (api, alice, reader, socket)
}

#[tokio::test]
async fn a_websocket_that_reads_nothing_past_the_send_timeout_is_closed() {
    let (api, alice, mut reader, mut silent) = watched_on_a_tight_socket().await;
    flood(&api).await;
    burst(&api, &alice, &mut reader, 1).await;
    // Read nothing for longer than the send timeout, then see the connection gone.
    tokio::time::sleep(imagegen_api::SEND_TIMEOUT + std::time::Duration::from_secs(3)).await;
    let mut ended = false;
    for _ in 0..200 {
        match tokio::time::timeout(std::time::Duration::from_secs(5), silent.next()).await {
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_)) | None) => {
                ended = true;
                break;
            }
            Err(_) => break,
        }
    }
    assert!(
        ended,
        "the server kept a client that read nothing past its send timeout"
    );
}

/// Reads `ws` until an event at `position` arrives; every message read, in order.
async fn read_through(ws: &mut Socket, position: u64) -> Vec<Value> {
    let mut read = Vec::new();
    loop {
        let message = next(ws).await.unwrap_or_else(|code| {
            panic!("closed ({code:?}) before position {position}; read {read:?}")
        });
        let at = message["position"].as_u64();
        if message["type"] == "event" && at.is_none() {
            continue; // a broadcast of the flood
        }
        read.push(message);
        if at.is_some_and(|at| at >= position) {
            return read;
        }
    }
}

#[tokio::test]
async fn a_websocket_behind_twice_within_30_s_is_told_too_slow_and_closed_4008() {
    let (api, alice, mut reader, mut slow) = watched_on_a_tight_socket().await;
    let channel = format!("user:{}", alice.id);
    let subscribe = json!({ "type": "subscribe", "channel": channel }).to_string();
    slow.send(Message::Text(subscribe.into())).await.unwrap();
    assert_eq!(next(&mut slow).await.unwrap()["type"], "subscribed");

    // Behind once: the socket is full, and far more than the 64 deliveries a
    // connection may have waiting arrive. Reading again, it catches up from the store.
    flood(&api).await;
    let first = burst(&api, &alice, &mut reader, 20).await;
    let caught_up = read_through(&mut slow, first).await;
    assert!(
        caught_up.iter().all(|m| m["type"] == "event"),
        "only events while catching up: {caught_up:?}"
    );
    let positions: Vec<u64> = caught_up
        .iter()
        .filter_map(|m| m["position"].as_u64())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "in order: {positions:?}"
    );

    // Behind again within 30 s: told where to resume, then closed with 4008.
    flood(&api).await;
    burst(&api, &alice, &mut reader, 20).await;
    let told = loop {
        match next(&mut slow).await {
            Ok(message) if message["type"] == "too_slow" => break message,
            Ok(message) if message["type"] == "event" => {}
            other => panic!("expected too_slow, got {other:?}"),
        }
    };
    // The flood's channel falls behind first (both did): it is the one named, with
    // the position to resubscribe from (broadcasts are not stored: 0).
    assert_eq!(told["channel"], "system", "{told}");
    assert!(told["since"].is_u64(), "{told}");
    assert_eq!(next(&mut slow).await.unwrap_err(), Some(4008));
}
