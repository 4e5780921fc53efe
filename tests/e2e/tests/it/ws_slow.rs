//! A WebSocket reader that reads nothing for longer than the send timeout (10 s) is
//! closed. The client's socket takes 2 KiB at a time and a flood of large broadcasts
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

#[tokio::test]
async fn a_websocket_that_reads_nothing_past_the_send_timeout_is_closed() {
    let api = start_with(&[
        ("IMAGEGEN_MAX_IN_FLIGHT", "100"),
        ("IMAGEGEN_CREATE_RATE_PER_MINUTE", "1000"),
    ])
    .await;
    let alice = user();
    let mut reader = api.watch_user(&alice).await;
    // A broadcast-sized flood on `system` fills the tiny socket at once.
    let mut silent = tight_socket(&api, &alice, "system").await;
    assert_eq!(next(&mut silent).await.unwrap()["type"], "subscribed");
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
