//! The crate's error (connecting) and the mapping of Redis errors to port errors.

use imagegen_application::Error;

/// Why a Redis adapter could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    /// The URL does not parse.
    #[error("not a valid Redis URL")]
    InvalidUrl(#[source] redis::RedisError),
    /// The pool could not be built.
    #[error("cannot build the Redis pool: {0}")]
    Pool(String),
}

/// A Redis failure as a port error: `Unavailable`, with its source.
pub(crate) fn unavailable(error: impl Into<imagegen_application::error::BoxError>) -> Error {
    Error::unavailable("redis", error)
}
