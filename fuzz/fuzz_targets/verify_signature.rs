//! The verifier never panics, and it accepts exactly what an independent oracle (HMAC
//! computed here with the `hmac` crate, not with imagegen's `sign`) calls genuine and
//! fresh. Each input starts from a genuine signature and may mutate the id, the
//! timestamp, the body, the key or one character of the signature, so the accepting
//! path is exercised as often as the refusals.
#![no_main]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use imagegen_webhooks::{SignedHeaders, Verifier, WebhookSecret};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;

const KEYS: [&str; 2] = ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "C2FVsBQIhrscChlQIMV+b5sSYspob7oD"];
const NOW: i64 = 1_700_000_000;

fn oracle(key: &str, id: &str, timestamp: &str, body: &[u8]) -> String {
    let Ok(key) = STANDARD.decode(key) else { return String::new() };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else { return String::new() };
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

fuzz_target!(|input: (u8, &str, i16, &[u8], &str, u8)| {
    let (selector, id, skew, body, noise, at) = input;
    // Mostly within the tolerance window, so the accepting path is reached.
    let timestamp = (NOW + i64::from(skew) % 400).to_string();
    let mut signature = oracle(KEYS[0], id, &timestamp, body);
    let (mut sent_id, mut sent_ts, mut sent_body) = (id.to_owned(), timestamp.clone(), body.to_vec());
    match selector % 6 {
        0 => {}
        1 => sent_id = noise.to_owned(),
        2 => sent_ts = noise.to_owned(),
        3 => sent_body = noise.as_bytes().to_vec(),
        4 => signature = oracle(KEYS[1], id, &timestamp, body),
        _ => {
            let mut bytes = signature.into_bytes();
            let index = usize::from(at) % bytes.len().max(1);
            if let Some(byte) = bytes.get_mut(index) {
                *byte = if *byte == b'A' { b'B' } else { b'A' };
            }
            signature = String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    let Ok(secret) = WebhookSecret::parse(&format!("whsec_{}", KEYS[0])) else { return };
    let header = format!("v1,{signature}");
    let headers = SignedHeaders { id: &sent_id, timestamp: &sent_ts, signature: &header };
    let accepted = Verifier::new(vec![secret]).verify(headers, &sent_body, NOW).is_ok();
    // The verifier reads the timestamp as a number and signs its canonical form.
    let parsed = sent_ts.trim().parse::<i64>().ok();
    let fresh = parsed.is_some_and(|ts| (ts - NOW).abs() <= 300);
    let canonical = parsed.map(|ts| ts.to_string()).unwrap_or_default();
    let genuine = !sent_id.trim().is_empty()
        && oracle(KEYS[0], &sent_id, &canonical, &sent_body) == signature;
    assert_eq!(accepted, fresh && genuine, "verifier and oracle disagree");
});
