//! Every vector in `shared/reference/providers.md` must pass; the listed forgeries fail.

use imagegen_webhooks::{SignatureError, SignedHeaders, Verifier, WebhookSecret, sign};

struct Vector {
    secret: &'static str,
    id: &'static str,
    timestamp: i64,
    body: &'static str,
    signature: &'static str,
}

const VECTORS: [Vector; 4] = [
    Vector {
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp: 1_614_265_330,
        body: r#"{"test": 2432232314}"#,
        signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    },
    Vector {
        secret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        id: "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
        timestamp: 1_649_367_553,
        body: r#"{"email":"test@example.com","username":"test_user"}"#,
        signature: "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
    },
    Vector {
        secret: "whsec_c3ludGhldGljLXdlYmhvb2stc2VjcmV0",
        id: "evt_synthetic",
        timestamp: 1_750_000_000,
        body: "{\"synthetic\": \"caf\u{e9}\"}",
        signature: "v1,qzuLCtHIXTcfJr8yxIcKC07cOqyNSgdmZRut6AFa+RA=",
    },
    Vector {
        secret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        id: "test-webhook-123",
        timestamp: 1_700_000_000,
        body: r#"{"id":"test-prediction-456","status":"succeeded"}"#,
        signature: "v1,cKmuS640pptBuUa5e7Zav561OT98HiYZhn8ChBd1HXg=",
    },
];

fn verify(v: &Vector, signature: &str, secrets: &[&str], now: i64) -> Result<(), SignatureError> {
    let secrets = secrets
        .iter()
        .map(|s| WebhookSecret::parse(s).unwrap())
        .collect();
    let timestamp = v.timestamp.to_string();
    let headers = SignedHeaders {
        id: v.id,
        timestamp: &timestamp,
        signature,
    };
    Verifier::new(secrets).verify(headers, v.body.as_bytes(), now)
}

#[test]
fn every_published_vector_verifies() {
    for v in &VECTORS {
        assert_eq!(
            verify(v, v.signature, &[v.secret], v.timestamp),
            Ok(()),
            "{}",
            v.id
        );
    }
}

#[test]
fn signing_reproduces_every_published_vector() {
    for v in &VECTORS {
        let secret = WebhookSecret::parse(v.secret).unwrap();
        assert_eq!(
            sign(&secret, v.id, v.timestamp, v.body.as_bytes()),
            v.signature,
            "{}",
            v.id
        );
    }
}

#[test]
fn a_signature_with_one_changed_character_is_refused() {
    let v = &VECTORS[0];
    let forged = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=";
    assert_eq!(
        verify(v, forged, &[v.secret], v.timestamp),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn a_signature_keyed_by_the_base64_text_is_refused() {
    let v = &VECTORS[3];
    let wrong_key = "v1,Y5oSQ46fH3DfQ20cd43HM3cwDgXc6RTP2iVW/PeoRF0=";
    assert_eq!(
        verify(v, wrong_key, &[v.secret], v.timestamp),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn a_good_v1_among_bad_and_unknown_entries_is_accepted() {
    let v = &VECTORS[0];
    let list = format!("v1,bad v2,anything {} v1,AAAA", v.signature);
    assert_eq!(verify(v, &list, &[v.secret], v.timestamp), Ok(()));
}

#[test]
fn a_signature_is_only_read_from_v1_entries() {
    let v = &VECTORS[0];
    let as_v2 = v.signature.replacen("v1,", "v2,", 1);
    assert_eq!(
        verify(v, &as_v2, &[v.secret], v.timestamp),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn the_valid_secret_verifies_first_middle_or_last_during_a_rotation() {
    let v = &VECTORS[1];
    let (old, older) = (
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_c3ludGhldGljLXdlYmhvb2stc2VjcmV0",
    );
    for secrets in [
        [v.secret, old, older],
        [old, v.secret, older],
        [old, older, v.secret],
    ] {
        assert_eq!(
            verify(v, v.signature, &secrets, v.timestamp),
            Ok(()),
            "{secrets:?}"
        );
    }
    assert_eq!(
        verify(v, v.signature, &[old, older], v.timestamp),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn the_tolerance_is_300_seconds_both_ways_inclusive() {
    let v = &VECTORS[0];
    for now in [v.timestamp + 300, v.timestamp - 300] {
        assert_eq!(verify(v, v.signature, &[v.secret], now), Ok(()));
    }
    assert_eq!(
        verify(v, v.signature, &[v.secret], v.timestamp + 301),
        Err(SignatureError::Stale {
            skew_secs: 301,
            tolerance_secs: 300
        })
    );
    assert_eq!(
        verify(v, v.signature, &[v.secret], v.timestamp - 301),
        Err(SignatureError::Stale {
            skew_secs: -301,
            tolerance_secs: 300
        })
    );
}

#[test]
fn a_changed_body_does_not_verify() {
    let v = &VECTORS[3];
    let secret = WebhookSecret::parse(v.secret).unwrap();
    let timestamp = v.timestamp.to_string();
    let headers = SignedHeaders {
        id: v.id,
        timestamp: &timestamp,
        signature: v.signature,
    };
    let reserialized = br#"{"id": "test-prediction-456", "status": "succeeded"}"#;
    let result = Verifier::new(vec![secret]).verify(headers, reserialized, v.timestamp);
    assert_eq!(result, Err(SignatureError::NoMatch));
}

#[test]
fn a_non_numeric_timestamp_is_refused() {
    let v = &VECTORS[0];
    let secret = WebhookSecret::parse(v.secret).unwrap();
    let headers = SignedHeaders {
        id: v.id,
        timestamp: "yesterday",
        signature: v.signature,
    };
    let result = Verifier::new(vec![secret]).verify(headers, v.body.as_bytes(), v.timestamp);
    assert_eq!(result, Err(SignatureError::BadTimestamp));
}
