//! `IMAGEGEN_MAX_CONNECTIONS`: a full instance refuses new SSE and WebSocket streams
//! with 503 and `Retry-After` before they start, and admits again when one closes.

use crate::support::{start_with, user};

#[tokio::test]
async fn a_full_instance_sheds_new_streams_with_503_until_one_closes() {
    let api = start_with(&[("IMAGEGEN_MAX_CONNECTIONS", "1")]).await;
    let alice = user();
    let url = format!("{}/v1/events?access_token={}", api.base, alice.token);
    let held = api.http.get(&url).send().await.unwrap();
    assert_eq!(held.status(), 200);

    let refused = api.http.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    let ws_url = format!(
        "{}/v1/ws?access_token={}",
        api.base.replace("http://", "ws://"),
        alice.token
    );
    let ws = tokio_tungstenite::connect_async(&ws_url).await;
    match ws {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503);
        }
        other => panic!("the WebSocket was not refused: {other:?}"),
    }

    drop(held);
    crate::support::eventually_async("a stream admitted after one closed", || async {
        let response = api.http.get(&url).send().await.ok()?;
        (response.status() == 200).then_some(())
    })
    .await;
}
