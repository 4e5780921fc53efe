//! `GET /openapi.json` describes what the api serves: every documented operation is
//! routed (a request without a token reaches its route, never the "no such route"
//! answer or a 405), and the problem codes the README promises are in it.

use serde_json::Value;

use crate::support::start;

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let api = start().await;
    // No token needed: a bearer header that is not one is ignored here.
    let document: Value = api.get_json("/openapi.json", "").await;
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3."),
        "{document}"
    );
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 20, "{} paths", paths.len());
    let dummy = "0190a000-0000-7000-8000-000000000000";
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{channel}", &format!("generation:{dummy}"))
            .replace("{name}", "image-processing")
            .replace("{provider}", "simulator")
            .split('/')
            .map(|part| if part.starts_with('{') { dummy } else { part })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let response = (api
                .http
                .request(method.clone(), format!("{}{concrete}", api.base)))
            .send()
            .await
            .unwrap();
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            assert_ne!(status, 405, "{method} {path} is documented but not routed");
            assert!(
                !body.contains("no such route"),
                "{method} {path} is documented but not routed"
            );
            operations += 1;
        }
    }
    assert!(operations >= 25, "{operations} operations");
    let codes = document["components"]["schemas"]["ProblemCode"]["enum"].to_string();
    for code in [
        "invalid_prompt",
        "unauthorized",
        "rate_limited",
        "unavailable",
        "method_not_allowed",
    ] {
        assert!(codes.contains(code), "{code} missing from {codes}");
    }
    api.stop().await;
}
