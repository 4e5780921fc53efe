//! Signature vectors from providers.md, rotation, tolerance, and payload parsing.

mod parsing;
mod vectors;
