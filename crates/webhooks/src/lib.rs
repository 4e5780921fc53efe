//! Webhook verification and parsing, pure and fuzzable.
//!
//! - [`secret`]: Standard Webhooks secrets (`whsec_` + base64).
//! - [`signature`]: signing and verifying `webhook-signature` on the raw body.
//! - [`replicate`]: a Replicate prediction object parsed into a `ProviderUpdate`.
//! - [`openai`]: OpenAI's event envelope, which names a response to fetch.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod openai;
mod reader;
pub mod replicate;
pub mod secret;
pub mod signature;

pub use openai::{OpenAiEvent, parse_openai_event};
pub use reader::ProviderWebhooks;
pub use replicate::{ParseError, parse_prediction};
pub use secret::{SecretError, WebhookSecret};
pub use signature::{SignatureError, SignedHeaders, Verifier, sign};
