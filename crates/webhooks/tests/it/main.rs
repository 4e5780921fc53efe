//! Signature vectors from providers.md, rotation, tolerance, and payload parsing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod parsing;
mod vectors;
