//! Arbitrary bodies never panic the Replicate parser, and what it accepts has an id.
#![no_main]

use imagegen_webhooks::parse_prediction;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(update) = parse_prediction(body) {
        assert!(!update.external_id.as_str().trim().is_empty());
    }
});
