//! Signature vectors from providers.md, rotation, tolerance, an independent HMAC
//! oracle, and payload parsing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod oracle;
mod parsing;
mod vectors;
