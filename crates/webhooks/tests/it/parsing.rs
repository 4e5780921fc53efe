//! Replicate prediction objects parse into normalized updates; garbage never panics.

use imagegen_domain::ProviderStatus;
use imagegen_webhooks::{ParseError, parse_prediction};
use proptest::prelude::*;

#[test]
fn a_succeeded_prediction_with_an_array_output_lists_every_url() {
    let body = br#"{"id":"abc","status":"succeeded","output":["https://a/1.png","https://a/2.png"],"error":null,"extra":{"x":1}}"#;
    let update = parse_prediction(body).unwrap();
    assert_eq!(update.status, ProviderStatus::Succeeded);
    assert_eq!(update.output_urls, ["https://a/1.png", "https://a/2.png"]);
}

#[test]
fn a_single_url_output_is_one_url() {
    let body = br#"{"id":"abc","status":"succeeded","output":"https://a/1.webp"}"#;
    assert_eq!(
        parse_prediction(body).unwrap().output_urls,
        ["https://a/1.webp"]
    );
}

#[test]
fn outputs_before_success_are_not_taken() {
    let body = br#"{"id":"abc","status":"processing","output":["https://a/partial.png"]}"#;
    assert!(parse_prediction(body).unwrap().output_urls.is_empty());
}

#[test]
fn a_failure_keeps_the_error_text() {
    let body = br#"{"id":"abc","status":"failed","error":"CUDA out of memory"}"#;
    assert_eq!(
        parse_prediction(body).unwrap().error.as_deref(),
        Some("CUDA out of memory")
    );
}

#[test]
fn an_unknown_status_is_refused() {
    let body = br#"{"id":"abc","status":"exploded"}"#;
    assert_eq!(
        parse_prediction(body),
        Err(ParseError::UnknownStatus("exploded".into()))
    );
}

#[test]
fn a_missing_id_is_refused() {
    assert_eq!(
        parse_prediction(br#"{"status":"starting"}"#),
        Err(ParseError::MissingId)
    );
}

#[test]
fn a_body_that_is_not_json_is_malformed() {
    assert!(matches!(
        parse_prediction(b"<html>"),
        Err(ParseError::Malformed(_))
    ));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_prediction(&body);
    }

    #[test]
    fn arbitrary_headers_never_panic(
        id in ".{0,40}",
        ts in prop_oneof![".{0,20}", (-400_i64..=400).prop_map(|d| (1_700_000_000 + d).to_string())],
        sig in ".{0,120}",
        genuine in any::<bool>(),
        body in ".{0,200}",
    ) {
        // Timestamps near now reach the signature check; half the time a genuine entry
        // sits among arbitrary ones, so the accepting path runs too.
        let secret = imagegen_webhooks::WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let sig = match (genuine, ts.parse::<i64>()) {
            (true, Ok(at)) => format!("{sig} {}", imagegen_webhooks::sign(&secret, &id, at, body.as_bytes())),
            _ => sig,
        };
        let headers = imagegen_webhooks::SignedHeaders { id: &id, timestamp: &ts, signature: &sig };
        let _ = imagegen_webhooks::Verifier::new(vec![secret]).verify(headers, body.as_bytes(), 1_700_000_000);
    }
}
