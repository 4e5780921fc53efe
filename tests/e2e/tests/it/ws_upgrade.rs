//! The two ways a WebSocket opens: as a connection's first request (upgraded on the
//! socket directly) and as a later request on a kept-alive connection (through hyper's
//! upgrade). Both carry the same protocol, broadcasts included; a plain request to
//! `/v1/ws` gets a problem.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

use crate::admin::admin_token;
use crate::support::{Api, start, user};

/// Sends `GET /healthz` on `stream` and reads its whole answer, leaving the connection
/// open for a next request.
async fn health_on(stream: &mut TcpStream) {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: imagegen\r\n\r\n")
        .await
        .unwrap();
    let mut received = Vec::new();
    loop {
        let text = String::from_utf8_lossy(&received).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            let length = head
                .lines()
                .find_map(|line| {
                    line.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .and_then(|length| length.trim().parse::<usize>().ok())
                .expect("a content length");
            if body.len() >= length {
                return;
            }
        }
        let mut buf = [0u8; 1024];
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed after /healthz");
        received.extend_from_slice(&buf[..n]);
    }
}

async fn next_json(socket: &mut WebSocketStream<TcpStream>) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(30), socket.next())
            .await
            .expect("nothing within 30 s");
        match frame {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).unwrap(),
            Some(Ok(Message::Pong(payload))) => assert_eq!(&payload[..], b"hi"),
            Some(Ok(Message::Ping(_))) => {}
            other => panic!("expected JSON, got {other:?}"),
        }
    }
}

/// Opens `/v1/ws`, after a `GET /healthz` on the same connection when `later`.
async fn open(api: &Api, token: &str, later: bool) -> WebSocketStream<TcpStream> {
    let address = api.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    if later {
        health_on(&mut stream).await;
    }
    let url = format!("ws://{address}/v1/ws?access_token={token}");
    let (socket, answer) = tokio_tungstenite::client_async(url, stream).await.unwrap();
    assert_eq!(answer.status(), 101);
    socket
}

#[tokio::test]
async fn a_websocket_opened_first_or_after_another_request_gets_commands_and_broadcasts() {
    let api = start().await;
    let alice = user();
    let mut first = open(&api, &alice.token, false).await;
    let mut later = open(&api, &alice.token, true).await;
    for socket in [&mut first, &mut later] {
        let subscribe = json!({ "type": "subscribe", "channel": "system" });
        socket
            .send(Message::Text(subscribe.to_string().into()))
            .await
            .unwrap();
        assert_eq!(next_json(socket).await["type"], "subscribed");
    }
    // A ping of the protocol's own: its pong, then broadcasts, each frame whole.
    for socket in [&mut first, &mut later] {
        socket.send(Message::Ping("hi".into())).await.unwrap();
    }
    for n in 0..3 {
        let sent = api
            .http
            .post(format!("{}/admin/broadcast", api.base))
            .bearer_auth(admin_token())
            .json(&json!({ "message": { "n": n } }))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 202);
        for socket in [&mut first, &mut later] {
            let event = next_json(socket).await;
            assert_eq!(event["type"], "event", "{event}");
            assert_eq!(event["data"]["event_type"], "SystemBroadcast", "{event}");
            assert_eq!(event["data"]["payload"]["message"], json!({ "n": n }));
        }
    }
    // Two commands in one write: the second is answered though no more input follows.
    for socket in [&mut first, &mut later] {
        let ping = json!({ "type": "ping" }).to_string();
        socket
            .feed(Message::Text(ping.clone().into()))
            .await
            .unwrap();
        socket.feed(Message::Text(ping.into())).await.unwrap();
        socket.flush().await.unwrap();
        // Within 5 s: a server that missed the second would answer only when its ping
        // timer woke it, 15 s later.
        for _ in 0..2 {
            let pong = tokio::time::timeout(Duration::from_secs(5), next_json(socket)).await;
            assert_eq!(pong.ok(), Some(json!({ "type": "pong" })));
        }
    }
}

#[tokio::test]
async fn a_plain_request_to_the_websocket_path_gets_a_problem() {
    let api = start().await;
    let alice = user();
    let answer = api
        .http
        .get(format!("{}/v1/ws", api.base))
        .bearer_auth(&alice.token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let problem: Value = answer.json().await.unwrap();
    assert_eq!(problem["code"], "not_a_websocket_upgrade");
}
