//! HTTP clients for image providers, implementing the `ImageProvider` port.
//!
//! - [`replicate`]: Replicate's predictions API (also spoken by the simulator).
#![forbid(unsafe_code)]

pub mod replicate;

pub use replicate::{ReplicateClient, ReplicateConfig};
