//! The SSE stream's framing: headers that stop proxies from buffering it, the
//! reconnection delay first, and, when the server shuts down, a last `reconnect` event
//! before the end.

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
