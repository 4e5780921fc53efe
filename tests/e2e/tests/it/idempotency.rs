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
