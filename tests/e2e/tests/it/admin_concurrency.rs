//! `PUT /admin/queues/{name}/concurrency`: admins set how many jobs of a queue each
//! worker runs at once; the overview shows it; bad values change nothing.

use serde_json::{Value, json};

use crate::admin::admin_token;
use crate::support::{Api, start_with_secret, user};

async fn put(api: &Api, queue: &str, token: &str, body: &Value) -> reqwest::Response {
    api.http
        .put(format!("{}/admin/queues/{queue}/concurrency", api.base))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn concurrency_shown(api: &Api, token: &str, queue: &str) -> Value {
    shown(api, token, queue, "concurrency").await
}

/// One field of a queue in `GET /admin/queues`.
pub(crate) async fn shown(api: &Api, token: &str, queue: &str, field: &str) -> Value {
    let overview = api.get_json("/admin/queues", token).await;
    overview["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == queue)
        .unwrap()[field]
        .clone()
}

#[tokio::test]
async fn an_admin_sets_a_queues_concurrency_and_bad_values_change_nothing() {
    let api = start_with_secret().await;
    let token = admin_token();
    assert_eq!(
        concurrency_shown(&api, &token, "image-processing").await,
        Value::Null
    );

    let set = put(
        &api,
        "image-processing",
        &token,
        &json!({ "concurrency": 3 }),
    )
    .await;
    assert_eq!(set.status(), 200);
    assert_eq!(concurrency_shown(&api, &token, "image-processing").await, 3);

    for bad in [
        json!({ "concurrency": 0 }),
        json!({ "concurrency": 5000 }),
        json!({ "concurrency": "many" }),
        json!({ "workers": 2 }),
    ] {
        let refused = put(&api, "image-processing", &token, &bad).await;
        assert_eq!(refused.status(), 422, "{bad}");
        let problem: Value = refused.json().await.unwrap();
        assert!(problem["detail"].is_string(), "a problem body: {problem}");
        assert_eq!(
            concurrency_shown(&api, &token, "image-processing").await,
            3,
            "{bad} changed it"
        );
    }
    let forbidden = put(
        &api,
        "image-processing",
        &user().token,
        &json!({ "concurrency": 1 }),
    )
    .await;
    assert_eq!(forbidden.status(), 403);
    let unknown = put(&api, "no-such-queue", &token, &json!({ "concurrency": 1 })).await;
    assert_eq!(unknown.status(), 404);

    let cleared = put(
        &api,
        "image-processing",
        &token,
        &json!({ "concurrency": null }),
    )
    .await;
    assert_eq!(cleared.status(), 200);
    assert_eq!(
        concurrency_shown(&api, &token, "image-processing").await,
        Value::Null
    );
}
