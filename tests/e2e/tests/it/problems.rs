//! Bad input gets an RFC 9457 problem with the stable `code` the README promises, and
//! creates nothing.

use serde_json::json;

use crate::support::{start, user};

#[tokio::test]
async fn bad_input_gets_a_problem_and_creates_nothing() {
    let api = start().await;
    let carol = user();
    let empty = api.create(&carol, json!({ "prompt": "   " })).await;
    assert_eq!(empty.status(), 422);
    let problem: serde_json::Value = empty.json().await.unwrap();
    assert_eq!(problem["code"], "invalid_prompt");
    let long = api
        .create(&carol, json!({ "prompt": "x".repeat(2001) }))
        .await;
    assert_eq!(long.status(), 422);
    let malformed = api
        .http
        .post(format!("{}/v1/generations", api.base))
        .bearer_auth(&carol.token)
        .header("content-type", "application/json")
        .body("{\"prompt\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let problem: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(problem["code"], "malformed_json");
    let anonymous = api
        .http
        .post(format!("{}/v1/generations", api.base))
        .json(&json!({"prompt": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let problem: serde_json::Value = anonymous.json().await.unwrap();
    assert_eq!(problem["code"], "unauthorized");
    let wrong_type = api
        .http
        .post(format!("{}/v1/generations", api.base))
        .bearer_auth(&carol.token)
        .body("{\"prompt\": \"x\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);
    let problem: serde_json::Value = wrong_type.json().await.unwrap();
    assert_eq!(problem["code"], "unsupported_media_type");
    for (path, status, code) in [
        ("/v1/generations?limit=abc", 400, "malformed_query"),
        ("/v1/generations?limit=0", 422, "invalid_request"),
        ("/v1/nowhere", 404, "not_found"),
    ] {
        let response = api.get(&carol, path).await;
        assert_eq!(response.status(), status, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["code"], code, "{path}");
    }
    let list: serde_json::Value = api
        .get(&carol, "/v1/generations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    api.stop().await;
}
