//! The verifier against an independent oracle: the HMAC is computed here with the
//! `hmac` crate directly, not with the crate's own `sign`. Inputs start from a genuine
//! signature and are mutated (id, timestamp, body, secret, signature), so the accept
//! path is reached as often as the refusals: whatever the verifier accepts, the oracle
//! must call genuine and fresh, and the other way round.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use imagegen_webhooks::{SignedHeaders, Verifier, WebhookSecret};
use proptest::prelude::*;
use sha2::Sha256;

const NOW: i64 = 1_700_000_000;
const KEYS: [&str; 3] = [
    "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    "c3ludGhldGljLXdlYmhvb2stc2VjcmV0",
];

/// Standard Webhooks, from the specification: base64(HMAC-SHA256(key, "id.ts.body")).
fn oracle_signature(key_b64: &str, id: &str, timestamp: &str, body: &[u8]) -> String {
    let key = STANDARD.decode(key_b64).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[derive(Debug, Clone)]
enum Mutation {
    None,
    Id(String),
    Timestamp(i64),
    Body(Vec<u8>),
    SignedWithOtherKey(usize),
    FlipSignatureChar(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => Just(Mutation::None),
        1 => "[a-z0-9_]{0,12}".prop_map(Mutation::Id),
        2 => (-400_i64..=400).prop_map(Mutation::Timestamp),
        1 => prop::collection::vec(any::<u8>(), 0..32).prop_map(Mutation::Body),
        1 => (0..KEYS.len()).prop_map(Mutation::SignedWithOtherKey),
        1 => (0_usize..44).prop_map(Mutation::FlipSignatureChar),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]
    #[test]
    fn the_verifier_accepts_exactly_what_the_oracle_calls_genuine(
        id in "msg_[A-Za-z0-9]{1,20}",
        body in prop::collection::vec(any::<u8>(), 0..64),
        skew in -400_i64..=400,
        signing_key in 0..KEYS.len(),
        trusted in prop::collection::vec(0..KEYS.len(), 1..3),
        mutation in mutation(),
    ) {
        let timestamp = (NOW + skew).to_string();
        let mut signed_key = signing_key;
        let (mut sent_id, mut sent_ts, mut sent_body) = (id.clone(), timestamp.clone(), body.clone());
        let mut signature = oracle_signature(KEYS[signing_key], &id, &timestamp, &body);
        match mutation {
            Mutation::None => {}
            Mutation::Id(other) => sent_id = other,
            Mutation::Timestamp(delta) => sent_ts = (NOW + skew + delta).to_string(),
            Mutation::Body(other) => sent_body = other,
            Mutation::SignedWithOtherKey(k) => {
                signed_key = k;
                signature = oracle_signature(KEYS[k], &id, &timestamp, &body);
            }
            Mutation::FlipSignatureChar(at) => {
                let mut bytes = signature.into_bytes();
                let at = at % bytes.len();
                bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
                signature = String::from_utf8(bytes).unwrap();
            }
        }
        let header = format!("v1,{signature}");
        let secrets = trusted.iter().map(|k| WebhookSecret::parse(&format!("whsec_{}", KEYS[*k])).unwrap()).collect();
        let headers = SignedHeaders { id: &sent_id, timestamp: &sent_ts, signature: &header };
        let accepted = Verifier::new(secrets).verify(headers, &sent_body, NOW).is_ok();

        let fresh = sent_ts.parse::<i64>().is_ok_and(|ts| (ts - NOW).abs() <= 300);
        let genuine = trusted.iter().any(|k| oracle_signature(KEYS[*k], &sent_id, &sent_ts, &sent_body) == signature);
        prop_assert_eq!(accepted, fresh && genuine, "signed with key {}, mutation applied", signed_key);
    }
}
