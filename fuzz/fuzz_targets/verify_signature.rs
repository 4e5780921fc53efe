//! Arbitrary headers and bodies never panic the verifier, and whatever it accepts was
//! really signed with the secret.
#![no_main]

use imagegen_webhooks::{SignedHeaders, Verifier, WebhookSecret, sign};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_700_000_000;

fuzz_target!(|input: (&str, &str, &str, &[u8])| {
    let (id, timestamp, signature, body) = input;
    let Ok(secret) = WebhookSecret::parse(SECRET) else { return };
    let verifier = Verifier::new(vec![secret.clone()]);
    let headers = SignedHeaders { id, timestamp, signature };
    if verifier.verify(headers, body, NOW).is_ok() {
        // Only a genuine signature may pass.
        let Ok(ts) = timestamp.trim().parse::<i64>() else { panic!("accepted a bad timestamp") };
        let genuine = sign(&secret, id, ts, body);
        assert!(signature.split(' ').any(|entry| entry == genuine), "accepted a forged signature");
    }
});
