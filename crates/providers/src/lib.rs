//! HTTP clients for image providers, implementing the `ImageProvider` port.
//!
//! - [`replicate`]: Replicate's predictions API (also spoken by the simulator).
//! - [`openai`]: OpenAI's Responses API with the `image_generation` tool (the
//!   simulator speaks it too); [`openai_outputs`] resolves its base64 images.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bucket;
mod http;
pub mod openai;
pub mod openai_outputs;
mod output_ref;
pub mod replicate;
mod replicate_body;

pub use openai::{DEFAULT_OPENAI_MODEL, OpenAiClient, OpenAiConfig};
pub use openai_outputs::ProviderOutputs;
pub use output_ref::OutputRef;
pub use replicate::{REPLICATE_CREATES_PER_MINUTE, ReplicateClient, ReplicateConfig};
