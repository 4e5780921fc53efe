//! The event stream served on the socket itself (a connection whose first request is
//! `GET /v1/events`): a well-formed chunked SSE response, written as events happen;
//! a request that fails its checks gets hyper's problem answer, as ever; a head that
//! arrives in pieces is read whole.

use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Api, start, user};

async fn connect(api: &Api) -> TcpStream {
    TcpStream::connect(api.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until `received` holds `needle`.
async fn read_until(stream: &mut TcpStream, received: &mut Vec<u8>, needle: &str) {
    while !String::from_utf8_lossy(received).contains(needle) {
        let mut buf = [0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("no {needle:?}: {}", String::from_utf8_lossy(received)))
            .unwrap();
        assert!(n > 0, "closed before {needle:?}");
        received.extend_from_slice(&buf[..n]);
    }
}

/// The body of a chunked response (the part received so far, whole chunks only).
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size, 16) else {
            break;
        };
        if size == 0 || rest.len() < size + 2 {
            break;
        }
        out.push_str(&rest[..size]);
        assert_eq!(&rest[size..size + 2], "\r\n", "a chunk ends with CRLF");
        body = &rest[size + 2..];
    }
    out
}

#[tokio::test]
async fn a_first_request_for_the_stream_is_served_on_the_socket_as_chunked_sse() {
    let api = start().await;
    let alice = user();
    let mut stream = connect(&api).await;
    let head = format!(
        "GET /v1/events?channel=user:{} HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer {}\r\n\r\n",
        alice.id, alice.token
    );
    // The head in two pieces, as a slow network may deliver it.
    let (first, second) = head.split_at(20);
    stream.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stream.write_all(second.as_bytes()).await.unwrap();

    let mut received = Vec::new();
    read_until(&mut stream, &mut received, "retry: 2000").await;
    let text = String::from_utf8_lossy(&received).into_owned();
    let (response_head, _) = text.split_once("\r\n\r\n").unwrap();
    let response_head = response_head.to_ascii_lowercase();
    assert!(
        response_head.starts_with("http/1.1 200 ok"),
        "{response_head}"
    );
    for header in [
        "content-type: text/event-stream",
        "cache-control: no-cache",
        "x-accel-buffering: no",
        "transfer-encoding: chunked",
    ] {
        assert!(
            response_head.contains(header),
            "{header} in {response_head}"
        );
    }

    let created = api.create_ok(&alice, json!({ "prompt": "direct" })).await;
    read_until(&mut stream, &mut received, "event: GenerationCompleted").await;
    read_until(&mut stream, &mut received, "\n\n\r\n").await;
    let text = String::from_utf8_lossy(&received).into_owned();
    let body = dechunk(text.split_once("\r\n\r\n").unwrap().1);
    let events: Vec<&str> = body
        .split("\n\n")
        .filter(|m| m.starts_with("id: "))
        .collect();
    assert!(events.len() >= 3, "{body}");
    for (n, message) in events.iter().enumerate() {
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(lines.len(), 3, "id, event, data: {message}");
        assert!(lines[1].starts_with("event: "), "{message}");
        let data: serde_json::Value =
            serde_json::from_str(lines[2].strip_prefix("data: ").unwrap()).unwrap();
        assert_eq!(data["aggregate_id"], created["id"]);
        assert_eq!(data["sequence"], n as u64 + 1, "in order, once each");
    }
}

#[tokio::test]
async fn a_first_request_that_fails_its_checks_gets_the_problem_answer() {
    let api = start().await;
    let (alice, bob) = (user(), user());
    for (query, token, status) in [
        (
            format!("channel=user:{}", alice.id),
            "not-a-token".to_owned(),
            401,
        ),
        (format!("channel=user:{}", bob.id), alice.token.clone(), 403),
        ("channel=nowhere:1".to_owned(), alice.token.clone(), 422),
    ] {
        let mut stream = connect(&api).await;
        let head = format!(
            "GET /v1/events?{query} HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = String::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut answer))
            .await
            .unwrap()
            .unwrap();
        let lower = answer.to_ascii_lowercase();
        assert!(lower.starts_with(&format!("http/1.1 {status}")), "{answer}");
        assert!(lower.contains("application/problem+json"), "{answer}");
    }
}
