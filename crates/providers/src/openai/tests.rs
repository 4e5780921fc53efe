//! References and statuses of OpenAI's responses.

use super::*;

#[test]
fn statuses_map_and_a_completed_response_without_an_image_fails() {
    let at =
        |status: &str, output: Value| json!({ "id": "resp_1", "status": status, "output": output });
    let image = json!([{ "type": "image_generation_call", "result": "aGk=" }]);
    let done = parse_response(&at("completed", image)).unwrap();
    assert_eq!(
        (done.status, done.output_urls),
        (
            ProviderStatus::Succeeded,
            vec!["openai:resp_1/images/0".to_owned()]
        )
    );
    let empty = parse_response(&at("completed", json!([]))).unwrap();
    assert_eq!(empty.status, ProviderStatus::Failed);
    assert_eq!(
        parse_response(&at("queued", json!([]))).unwrap().status,
        ProviderStatus::Starting
    );
    assert_eq!(
        parse_response(&at("cancelled", json!([]))).unwrap().status,
        ProviderStatus::Canceled
    );
    assert!(parse_response(&at("exploded", json!([]))).is_err());
}
