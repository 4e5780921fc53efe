//! A slow SSE consumer is cut off without delaying others: a stream whose reader
//! stops reading falls behind; the first time it catches up unnoticed, the second time
//! it gets `event: too_slow` with its last position and ends, while a client reading
//! along gets every event at once.

use axum::body::{Body, BodyDataStream};
use axum::http::{Request, header};
use futures::StreamExt;
use serde_json::json;
use tower::ServiceExt;

use crate::support::{Api, Message, User, start, until, user};

/// Creates `n` generations and waits until the reading client saw each complete.
async fn burst(
    api: &Api,
    alice: &User,
    reader: &mut tokio::sync::mpsc::UnboundedReceiver<Message>,
    n: usize,
) -> Vec<Message> {
    for i in 0..n {
        api.create_ok(alice, json!({ "prompt": format!("burst {i}") }))
            .await;
    }
    let mut seen = Vec::new();
    while seen
        .iter()
        .filter(|m: &&Message| m.event == "GenerationCompleted")
        .count()
        < n
    {
        seen.extend(until(reader, "GenerationCompleted").await);
    }
    seen
}

/// Reads the unread stream until its text holds `needle`; returns the text.
async fn read_until(body: &mut BodyDataStream, needle: &str) -> String {
    let mut text = String::new();
    while !text.contains(needle) {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), body.next())
            .await
            .unwrap_or_else(|_| panic!("no {needle:?} within 10 s; read {text}"))
            .unwrap_or_else(|| panic!("the stream ended before {needle:?}; read {text}"))
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    text
}

#[tokio::test]
async fn a_slow_sse_reader_is_cut_off_with_its_position_and_others_are_not_delayed() {
    let api = start().await;
    let alice = user();
    let mut reader = api.watch_user(&alice).await;
    // The slow client: the stream is open (subscribed) but nobody reads its body.
    let request = Request::get("/v1/events")
        .header(header::AUTHORIZATION, format!("Bearer {}", alice.token))
        .body(Body::empty())
        .unwrap();
    let response = imagegen_api::app(api.services.clone())
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut slow = response.into_body().into_data_stream();

    // First burst (well over the 64 messages a connection may have waiting).
    let first = burst(&api, &alice, &mut reader, 20).await;
    let last_of_first = first.last().unwrap().id.clone();
    // Behind once: it catches up from the store, up to the reader's last event.
    let caught_up = read_until(&mut slow, &format!("id: {last_of_first}\n")).await;
    assert!(!caught_up.contains("too_slow"), "{caught_up}");

    // Behind again, within 30 s: cut off with the position to resume from.
    let second = burst(&api, &alice, &mut reader, 20).await;
    let cut = read_until(&mut slow, "event: too_slow").await;
    assert!(
        cut.contains(&format!("\"last_event_id\":{last_of_first}")),
        "resume where it stopped reading: {cut}"
    );
    assert!(
        slow.next().await.is_none(),
        "the stream ends after too_slow"
    );

    // The reader got every event of both bursts, once each, in order.
    let positions: Vec<u64> = first
        .iter()
        .chain(&second)
        .filter_map(|m| m.id.parse().ok())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    assert!(positions.len() >= 2 * 20 * 3, "{} events", positions.len());
}
