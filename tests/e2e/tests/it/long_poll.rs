//! The fallbacks for clients that cannot stream: a generation read that waits for a
//! change (`ETag`, `If-None-Match`, `?wait=`, `304`), and event pages after a position.

use serde_json::{Value, json};

use crate::support::{Api, User, start, user};

async fn get(api: &Api, who: &User, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = api
        .http
        .get(format!("{}{path}", api.base))
        .bearer_auth(&who.token);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.unwrap()
}

fn etag_of(response: &reqwest::Response) -> String {
    response.headers()["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_waiting_read_returns_on_change_and_304_when_nothing_changed() {
    let api = start().await;
    let alice = user();
    let created = api
        .create_ok(&alice, json!({ "prompt": "a quiet bay" }))
        .await;
    let path = format!("/v1/generations/{}", created["id"].as_str().unwrap());
    let first = get(&api, &alice, &path, None).await;
    assert_eq!(first.status(), 200);
    let mut etag = etag_of(&first);
    let mut status = first.json::<Value>().await.unwrap()["status"].clone();

    // Follow the generation to its end by waiting reads alone.
    let mut seen = vec![status.clone()];
    while status != "completed" {
        let changed = get(&api, &alice, &format!("{path}?wait=30"), Some(&etag)).await;
        assert_eq!(changed.status(), 200, "the wait ended without a change");
        assert_ne!(etag_of(&changed), etag);
        etag = etag_of(&changed);
        status = changed.json::<Value>().await.unwrap()["status"].clone();
        seen.push(status.clone());
    }
    assert!(seen.len() >= 3, "{seen:?}");
    let unchanged = get(&api, &alice, &path, Some(&etag)).await;
    assert_eq!(unchanged.status(), 304, "no wait: at once");
    let idle = get(&api, &alice, &format!("{path}?wait=1"), Some(&etag)).await;
    assert_eq!(idle.status(), 304, "nothing changes after the end");
    assert_eq!(etag_of(&idle), etag);
    let other = get(&api, &user(), &format!("{path}?wait=1"), Some(&etag)).await;
    assert_eq!(
        other.status(),
        404,
        "the access rule holds for waiting reads"
    );
}

#[tokio::test]
async fn event_pages_after_a_position_end_where_the_next_page_starts() {
    let api = start().await;
    let (alice, bob) = (user(), user());
    let mut events = api.watch_user(&alice).await;
    api.create_ok(&alice, json!({ "prompt": "gulls" })).await;
    let streamed = crate::support::until(&mut events, "GenerationCompleted").await;
    let channel = format!("user:{}", alice.id);

    let page: Value = get(
        &api,
        &alice,
        &format!("/v1/events/poll?channel={channel}&after=0"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let positions: Vec<String> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["position"].to_string())
        .collect();
    let ids: Vec<String> = streamed.iter().map(|m| m.id.clone()).collect();
    assert_eq!(
        positions, ids,
        "the same events, positions and order as SSE"
    );
    let next = page["next_position"].as_u64().unwrap();

    let one: Value = get(
        &api,
        &alice,
        &format!("/v1/events/poll?channel={channel}&after=0&limit=1"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(one["events"].as_array().unwrap().len(), 1);
    assert_eq!(one["next_position"].to_string(), positions[0]);

    let rest: Value = get(
        &api,
        &alice,
        &format!("/v1/events/poll?channel={channel}&after={next}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (
            rest["events"].as_array().unwrap().len() as u64,
            rest["next_position"].as_u64()
        ),
        (0, Some(next))
    );

    let refused = get(
        &api,
        &bob,
        &format!("/v1/events/poll?channel={channel}&after=0"),
        None,
    )
    .await;
    assert_eq!(refused.status(), 403);
}
