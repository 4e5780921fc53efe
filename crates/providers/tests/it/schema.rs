//! The simulator's prediction objects carry every field Replicate's OpenAPI schema
//! requires, with the declared types, so that Replicate's own clients work against it.

use serde_json::Value;

use crate::harness;

fn schema() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/replicate-openapi.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("Replicate's OpenAPI document is expected at {path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["components"]["schemas"]["schemas_prediction_response"].clone()
}

fn type_matches(declared: &Value, value: &Value) -> bool {
    let nullable = declared["nullable"].as_bool().unwrap_or(false);
    match declared["type"].as_str() {
        _ if value.is_null() => nullable || declared.get("type").is_none(),
        Some("string") => value.is_string(),
        Some("boolean") => value.is_boolean(),
        Some("object") => value.is_object(),
        Some("number") => value.is_number(),
        _ => true,
    }
}

#[tokio::test]
async fn simulator_predictions_match_replicates_schema() {
    let h = harness(imagegen_simulator::Faults::default()).await;
    let body = serde_json::json!({ "version": "a/b", "input": { "prompt": "x" }, "webhook": h.webhook_url });
    let created: Value = reqwest::Client::new()
        .post(format!("{}/v1/predictions", h.sim_url))
        .bearer_auth("r8_test")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hooks = h.webhooks(1).await;
    let webhook: Value = serde_json::from_slice(&hooks[0].body).unwrap();

    let schema = schema();
    for object in [&created, &webhook] {
        for field in schema["required"].as_array().unwrap() {
            let field = field.as_str().unwrap();
            assert!(
                object.get(field).is_some(),
                "missing required field `{field}` in {object}"
            );
        }
        for (field, declared) in schema["properties"].as_object().unwrap() {
            if let Some(value) = object.get(field) {
                // Replicate sends null for not-yet-known times and logs, though the
                // schema does not mark them nullable.
                let lenient = value.is_null()
                    && ["started_at", "completed_at", "logs"].contains(&field.as_str());
                assert!(
                    lenient || type_matches(declared, value),
                    "`{field}` = {value} does not match {declared}"
                );
            }
        }
        let status = object["status"].as_str().unwrap();
        assert!(
            schema["properties"]["status"]["enum"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == status)
        );
        for url in ["get", "cancel", "web"] {
            assert!(object["urls"][url].is_string(), "urls.{url}");
        }
    }
}
