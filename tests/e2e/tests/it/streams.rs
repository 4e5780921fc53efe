//! The SSE stream's framing: headers that stop proxies from buffering it, the
//! reconnection delay first, and, when the server shuts down, a last `reconnect` event
//! before the end (`token_expired` when the token runs out).

use futures::StreamExt;

use crate::support::{start, user};

#[tokio::test]
async fn a_stream_says_how_to_reconnect_and_asks_for_it_at_shutdown() {
    let api = start().await;
    let alice = user();
    let response = api
        .http
        .get(format!(
            "{}/v1/events?access_token={}",
            api.base, alice.token
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let mut body = response.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(
        String::from_utf8_lossy(&first).starts_with("retry: 2000"),
        "{first:?}"
    );

    api.stop().await;
    let mut rest = String::new();
    while let Some(chunk) = body.next().await {
        rest.push_str(&String::from_utf8_lossy(
            &chunk.expect("the stream broke instead of ending"),
        ));
    }
    assert!(rest.contains("event: reconnect"), "{rest}");
}

/// Reads until the server closes the connection; what it said, if anything.
async fn until_closed(mut socket: tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut said = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        socket.read_to_end(&mut said),
    )
    .await;
    assert!(
        read.is_ok(),
        "the server kept a slow client's connection open"
    );
    String::from_utf8_lossy(&said).into_owned()
}

#[tokio::test]
async fn clients_that_trickle_their_headers_or_send_nothing_are_cut_off() {
    use tokio::io::AsyncWriteExt;
    let api = start().await;
    let addr = api.base.trim_start_matches("http://").to_owned();
    let mut trickling = tokio::net::TcpStream::connect(&addr).await.unwrap();
    trickling
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let silent = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (a, b) = tokio::join!(until_closed(trickling), until_closed(silent));
    assert!(!a.contains("200 OK") && !b.contains("200 OK"), "{a} {b}");
    // A well-behaved client is still served.
    let ok = api
        .http
        .get(format!("{}/healthz", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    api.stop().await;
}

#[tokio::test]
async fn a_stream_ends_with_token_expired_when_its_token_expires() {
    let api = start().await;
    let short = crate::tokens::expiring_token(&user(), 1);
    let response = api
        .http
        .get(format!("{}/v1/events?access_token={short}", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = tokio::time::timeout(std::time::Duration::from_secs(30), response.text())
        .await
        .expect("the stream outlived its token")
        .unwrap();
    assert!(body.contains("event: token_expired"), "{body}");
}

/// A connection to `addr` from the loopback address `127.0.0.{source}`.
async fn connect_from(source: u8, addr: &str) -> tokio::net::TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(std::net::SocketAddr::from(([127, 0, 0, source], 0)))
        .unwrap();
    socket.connect(addr.parse().unwrap()).await.unwrap()
}

/// Whether the server closed `stream` within half the header timeout.
async fn closed_soon(stream: &mut tokio::net::TcpStream) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buffer = [0u8; 16];
    let wait = imagegen_api::HEADER_READ_TIMEOUT / 2;
    let read = tokio::time::timeout(wait, stream.read(&mut buffer)).await;
    matches!(read, Ok(Ok(0) | Err(_)))
}

async fn healthz(api: &crate::support::Api) -> u16 {
    let response = api.http.get(format!("{}/healthz", api.base)).send().await;
    response.unwrap().status().as_u16()
}

#[tokio::test]
async fn one_source_past_its_share_of_silent_connections_is_closed_and_nobody_else_is() {
    let api = start().await;
    let addr = api.base.trim_start_matches("http://").to_owned();
    let mut silent = Vec::new();
    for _ in 0..imagegen_api::MAX_PENDING_PER_SOURCE {
        silent.push(connect_from(2, &addr).await);
    }
    let mut late = connect_from(2, &addr).await;
    assert!(
        closed_soon(&mut late).await,
        "over its share: closed at once"
    );
    assert_eq!(healthz(&api).await, 200, "another source is served");
    drop(silent);
}

#[tokio::test]
async fn a_full_instance_sheds_its_oldest_silent_connection_for_a_new_request() {
    let api = start().await;
    let addr = api.base.trim_start_matches("http://").to_owned();
    let mut silent = Vec::new();
    let per_source = imagegen_api::MAX_PENDING_PER_SOURCE;
    for n in 0..imagegen_api::MAX_PENDING {
        let source = u8::try_from(2 + n / per_source).unwrap();
        silent.push(connect_from(source, &addr).await);
    }
    // Every place is taken by idle sockets; a real request still gets in.
    assert_eq!(healthz(&api).await, 200);
    assert!(closed_soon(&mut silent[0]).await, "the oldest was shed");
    drop(silent);
}
