//! HTTP clients for image providers, implementing the `ImageProvider` port.
//!
//! - [`replicate`]: Replicate's predictions API (also spoken by the simulator).
#![forbid(unsafe_code)]

mod bucket;
pub mod replicate;

pub use replicate::{REPLICATE_CREATES_PER_MINUTE, ReplicateClient, ReplicateConfig};
