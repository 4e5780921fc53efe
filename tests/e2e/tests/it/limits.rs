//! The creation limits where several processes share them: the rate, counted in Redis,
//! binds a user across api instances; the in-flight cap, counted in Postgres, binds in
//! the durable mode.

use serde_json::{Value, json};

use crate::support::{start_with, user};

#[tokio::test]
async fn the_creation_rate_is_shared_by_api_instances_on_one_redis() {
    let database = imagegen_test_support::postgres().await;
    let redis = imagegen_test_support::redis();
    let vars = [
        ("DATABASE_URL", database.url.as_str()),
        ("REDIS_URL", redis.url.as_str()),
        ("IMAGEGEN_REDIS_PREFIX", redis.prefix.as_str()),
        ("IMAGEGEN_WEBHOOK_SECRETS", crate::support::WEBHOOK_SECRET),
        ("IMAGEGEN_CREATE_RATE_PER_MINUTE", "3"),
    ];
    let first = start_with(&vars).await;
    let second = start_with(&vars).await;
    let alice = user();
    for (n, api) in [&first, &second, &first].into_iter().enumerate() {
        let created = api
            .create(&alice, json!({ "prompt": format!("shared {n}") }))
            .await;
        assert_eq!(created.status(), 202, "creation {n}");
    }
    let refused = second
        .create(&alice, json!({ "prompt": "one too many" }))
        .await;
    assert_eq!(
        refused.status(),
        429,
        "the third creation counted on the other instance"
    );
    assert!(refused.headers().contains_key("retry-after"));
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "rate_limited");
    // Another user is not held back by Alice's count.
    assert_eq!(
        second
            .create(&user(), json!({ "prompt": "bob" }))
            .await
            .status(),
        202
    );
}

#[tokio::test]
async fn the_in_flight_cap_holds_in_the_durable_mode() {
    let api = crate::modes::start_durable_with(&[
        ("IMAGEGEN_MAX_IN_FLIGHT", "2"),
        // Long runs: the first two are still running at the third request.
        ("IMAGEGEN_SIM_RUN_MS", "60000"),
    ])
    .await;
    let alice = user();
    for n in 0..2 {
        let created = api
            .create(&alice, json!({ "prompt": format!("running {n}") }))
            .await;
        assert_eq!(created.status(), 202);
    }
    let refused = api.create(&alice, json!({ "prompt": "a third" })).await;
    assert_eq!(refused.status(), 429);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "rate_limited");
    assert!(
        problem["detail"].as_str().unwrap_or("").contains('2'),
        "{problem}"
    );
}
