//! Broadcasts that the hub writes straight onto a waiting connection's socket
//! (express): whole frames, in order, on WebSocket and SSE, also when one is larger
//! than the socket takes at once (the connection then finishes it before anything
//! else, and what came meanwhile waits its turn).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;

use crate::admin::admin_token;
use crate::support::{Api, start, user};

/// Near the largest broadcast (16 KiB).
const LARGE: usize = 15_000;
/// How many broadcasts fill a socket whose client does not read, plus 30: the hub's
/// write of the next is cut short, and the rest wait in the connection's queue (64),
/// not overflowing it. The server's send buffer grows up to the host's `tcp_wmem`
/// limit; at Linux's default (4 MiB) about 190 of them fill it, so the count follows
/// the host's limit rather than assume it.
fn broadcasts() -> usize {
    const DEFAULT_LIMIT: f64 = 4_194_304.0;
    let limit = std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|text| text.split_whitespace().nth(2)?.parse::<f64>().ok())
        .unwrap_or(DEFAULT_LIMIT);
    (limit / DEFAULT_LIMIT * 190.0) as usize + 30
}

/// A connection to the api that takes little at a time: its receive buffer is small.
async fn narrow_connection(api: &Api) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let address = api.base.trim_start_matches("http://").parse().unwrap();
    socket.connect(address).await.unwrap()
}

async fn broadcast(api: &Api, n: usize) {
    let message = json!({ "n": n, "padding": "x".repeat(LARGE) });
    let sent = api
        .http
        .post(format!("{}/admin/broadcast", api.base))
        .bearer_auth(admin_token())
        .json(&json!({ "message": message }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 202);
}

/// The first whole chunk of a chunked body, and how many bytes it took.
fn first_chunk(body: &str) -> Option<(&str, usize)> {
    let (size, rest) = body.split_once("\r\n")?;
    let size = usize::from_str_radix(size, 16).ok()?;
    let chunk = rest.get(..size)?;
    assert_eq!(rest.get(size..size + 2)?, "\r\n", "a chunk ends with CRLF");
    Some((chunk, body.len() - rest.len() + size + 2))
}

fn assert_in_order(messages: &[Value]) {
    let numbers: Vec<_> = messages.iter().map(|m| m["n"].as_u64()).collect();
    let expected: Vec<_> = (0..broadcasts() as u64).map(Some).collect();
    assert_eq!(numbers, expected);
    for message in messages {
        assert_eq!(message["padding"].as_str().map(str::len), Some(LARGE));
    }
}

#[tokio::test]
async fn large_broadcasts_reach_a_slow_reader_whole_and_in_order_on_both_transports() {
    let broadcasts = broadcasts();
    let api = start().await;
    let alice = user();
    let address = api.base.trim_start_matches("http://").to_owned();
    let url = format!("ws://{address}/v1/ws?access_token={}", alice.token);
    let stream = narrow_connection(&api).await;
    let (mut websocket, _) = tokio_tungstenite::client_async(url, stream).await.unwrap();
    let subscribe = json!({ "type": "subscribe", "channel": "system" }).to_string();
    websocket
        .send(Message::Text(subscribe.into()))
        .await
        .unwrap();
    let mut sse = narrow_connection(&api).await;
    let head = format!(
        "GET /v1/events?channel=system HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer {}\r\n\r\n",
        alice.token
    );
    sse.write_all(head.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    while !String::from_utf8_lossy(&received).contains("retry: ") {
        let mut buf = [0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(10), sse.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "the stream closed at once");
        received.extend_from_slice(&buf[..n]);
    }
    let Some(Ok(Message::Text(subscribed))) = websocket.next().await else {
        panic!("no answer to subscribe");
    };
    assert!(subscribed.contains("subscribed"), "{subscribed}");

    // Neither client reads while the broadcasts go out.
    for n in 0..broadcasts {
        broadcast(&api, n).await;
    }
    let mut over_websocket = Vec::new();
    while over_websocket.len() < broadcasts {
        let frame = tokio::time::timeout(Duration::from_secs(10), websocket.next()).await;
        let Ok(Some(Ok(Message::Text(text)))) = frame else {
            panic!("expected a whole text frame, got {frame:?}");
        };
        let event: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(event["data"]["event_type"], "SystemBroadcast");
        over_websocket.push(event["data"]["payload"]["message"].clone());
    }
    assert_in_order(&over_websocket);

    let text = String::from_utf8_lossy(&received).into_owned();
    let mut chunked = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .to_owned();
    let mut over_sse = Vec::new();
    while over_sse.len() < broadcasts {
        // A whole chunk off the front: one SSE message.
        let Some((message, taken)) = first_chunk(&chunked) else {
            let mut buf = vec![0u8; 65_536];
            let read = tokio::time::timeout(Duration::from_secs(10), sse.read(&mut buf));
            let n = read.await.unwrap().unwrap();
            assert!(
                n > 0,
                "the stream closed after {} broadcasts",
                over_sse.len()
            );
            chunked.push_str(std::str::from_utf8(&buf[..n]).unwrap());
            continue;
        };
        let message = message.to_owned();
        chunked.drain(..taken);
        if let Some(data) = message.strip_prefix("event: SystemBroadcast\ndata: ") {
            over_sse.push(
                serde_json::from_str::<Value>(data.trim_end()).unwrap()["payload"]["message"]
                    .clone(),
            );
        }
    }
    assert_in_order(&over_sse);
}
