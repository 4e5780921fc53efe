//! Image storage adapters.
//!
//! - [`local_disk`]: images as files in a directory (embedded mode, single host).
//! - [`fetcher`]: downloads provider outputs without letting a URL reach inside our
//!   network (SSRF), with size limits and validation by decoding.
//! - [`callback`]: signed notices to users' callback URLs, through the same guard.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod callback;
pub mod fetcher;
pub mod local_disk;
mod outbound;

pub use callback::CallbackSender;
pub use fetcher::{FetchPolicy, SafeImageFetcher};
pub use local_disk::LocalDiskImageStore;
pub use outbound::is_public;
