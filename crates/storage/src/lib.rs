//! Image storage adapters.
//!
//! - [`local_disk`]: images as files in a directory (embedded mode, single host).
//! - [`fetcher`]: downloads provider outputs without letting a URL reach inside our
//!   network (SSRF), with size limits and validation by decoding.
#![forbid(unsafe_code)]

pub mod fetcher;
pub mod local_disk;

pub use fetcher::{FetchPolicy, SafeImageFetcher};
pub use local_disk::LocalDiskImageStore;
