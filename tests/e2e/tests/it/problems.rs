//! Bad input gets an RFC 9457 problem with the stable `code` the README promises, and
//! creates nothing.

use reqwest::header::HeaderMap;
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

/// Asserts a problem-details answer with `status` and `code`; its headers.
async fn expect_problem(response: reqwest::Response, status: u16, code: &str) -> HeaderMap {
    assert_eq!(response.status(), status, "{code}");
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-type"], "application/problem+json",
        "{code}"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["code"], code);
    assert_eq!(problem["status"], status);
    headers
}

#[tokio::test]
async fn refusals_below_the_routes_are_problems_too() {
    let api = start().await;
    let carol = user();
    let generations = format!("{}/v1/generations", api.base);
    let wrong_method = api.http.delete(&generations).send().await.unwrap();
    let headers = expect_problem(wrong_method, 405, "method_not_allowed").await;
    assert!(
        headers["allow"].to_str().unwrap().contains("POST"),
        "{headers:?}"
    );

    let long_uri = format!("{generations}?x={}", "a".repeat(9_000));
    let response = api
        .http
        .get(long_uri)
        .bearer_auth(&carol.token)
        .send()
        .await;
    expect_problem(response.unwrap(), 414, "uri_too_long").await;

    let big_header = api
        .http
        .get(&generations)
        .header("x-big", "a".repeat(17_000));
    expect_problem(big_header.send().await.unwrap(), 431, "headers_too_large").await;

    // JSON is UTF-8: a body that says otherwise is refused, never misread.
    let utf16 = (api.http.post(&generations))
        .bearer_auth(&carol.token)
        .header("content-type", "application/json; charset=utf-16")
        .body("{\"prompt\": \"x\"}");
    expect_problem(utf16.send().await.unwrap(), 415, "unsupported_media_type").await;
    let utf8 = (api.http.post(&generations))
        .bearer_auth(&carol.token)
        .header("content-type", "application/json; charset=UTF-8")
        .body("{\"prompt\": \"x\"}");
    assert_eq!(utf8.send().await.unwrap().status(), 202);

    let webhook = format!("{}/webhooks/simulator/{}", api.base, uuid::Uuid::now_v7());
    let too_big = api.http.post(webhook).body(vec![b'a'; 5 * 1024 * 1024]);
    expect_problem(too_big.send().await.unwrap(), 413, "body_too_large").await;

    let anonymous = api.http.get(&generations).send().await.unwrap();
    let headers = expect_problem(anonymous, 401, "unauthorized").await;
    assert_eq!(headers["www-authenticate"], "Bearer");
    api.stop().await;
}
