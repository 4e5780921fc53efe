//! `Idempotency-Key` on `POST /v1/generations`: a repeat gets the first answer and
//! creates nothing; the key with another body is 422; keys are per user.

use serde_json::{Value, json};

use crate::support::{Api, User, start, user};

async fn create(api: &Api, who: &User, key: &str, body: &Value) -> reqwest::Response {
    api.http
        .post(format!("{}/v1/generations", api.base))
        .bearer_auth(&who.token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn count(api: &Api, who: &User) -> usize {
    let page: Value = api.get(who, "/v1/generations").await.json().await.unwrap();
    page["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_repeated_key_gets_the_first_answer_and_creates_nothing() {
    let api = start().await;
    let (alice, bob) = (user(), user());
    let body = json!({ "prompt": "once only", "settings": { "size": "64x64" } });
    let first = create(&api, &alice, "order-17", &body).await;
    assert_eq!(first.status(), 202);
    let first: Value = first.json().await.unwrap();
    let again = create(&api, &alice, "order-17", &body).await;
    assert_eq!(again.status(), 202);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"], "the first answer");
    assert_eq!(count(&api, &alice).await, 1, "nothing more created");

    let other = json!({ "prompt": "something else" });
    let refused = create(&api, &alice, "order-17", &other).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key"),
        "{problem}"
    );
    assert_eq!(count(&api, &alice).await, 1);

    let bobs = create(&api, &bob, "order-17", &body).await;
    assert_eq!(bobs.status(), 202);
    assert_ne!(
        bobs.json::<Value>().await.unwrap()["id"],
        first["id"],
        "keys are per user"
    );
    let bad = create(&api, &alice, "", &body).await;
    assert_eq!(bad.status(), 422, "an empty key");
}

/// In the durable mode, ten identical requests at once with one key make one
/// generation, whose one submission job makes one prediction at the provider.
#[tokio::test]
async fn identical_requests_at_once_in_the_durable_mode_make_one_generation_and_one_prediction() {
    let api = crate::modes::start_durable().await;
    let alice = user();
    let body = json!({ "prompt": "at once", "settings": { "size": "64x64" } });
    let answers =
        futures::future::join_all((0..10).map(|_| create(&api, &alice, "order-at-once", &body)))
            .await;
    let mut ids = std::collections::HashSet::new();
    for answer in answers {
        assert_eq!(answer.status(), 202);
        let created: Value = answer.json().await.unwrap();
        ids.insert(created["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "one generation: {ids:?}");
    assert_eq!(count(&api, &alice).await, 1);
    let id = ids.into_iter().next().unwrap();
    crate::support::eventually_async("the generation completed", || async {
        (api.generation(&alice, &id).await["status"] == "completed").then_some(())
    })
    .await;
    assert_eq!(
        api.sim().stats().creates,
        1,
        "one submission, one prediction"
    );
    let other = create(&api, &alice, "order-at-once", &json!({ "prompt": "else" })).await;
    assert_eq!(other.status(), 422);
}

#[tokio::test]
async fn a_key_that_is_not_visible_ascii_is_refused_and_nothing_is_created() {
    let api = start().await;
    let alice = user();
    for key in [&b"cl\xe9"[..], "clé".as_bytes(), b"two words"] {
        let refused = api
            .http
            .post(format!("{}/v1/generations", api.base))
            .bearer_auth(&alice.token)
            .header(
                "idempotency-key",
                reqwest::header::HeaderValue::from_bytes(key).unwrap(),
            )
            .json(&json!({ "prompt": "odd key" }))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 422, "{key:?}");
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(problem["code"], "invalid_request", "{problem}");
    }
    assert_eq!(count(&api, &alice).await, 0);
}
