//! One set of connections to Redis for every adapter of a process: the command pool
//! and the target that blocking reads and subscriptions open their own links to. Each
//! adapter's `new` makes a set of its own (for tests and single-adapter tools); a
//! process wires every adapter `on` one set, so its connections to Redis are counted
//! once.

use crate::pool::{Pool, pool};
use crate::target::Target;
use crate::{RedisError, RedisOptions};

/// The connections every Redis adapter of a process shares.
#[derive(Clone)]
pub struct RedisConnections {
    pub(crate) target: Target,
    pub(crate) pool: Pool,
    pub(crate) options: RedisOptions,
}

impl RedisConnections {
    /// Connections to `url` (one server, or a cluster's nodes) as `options` say.
    /// Nothing connects yet: the first command does.
    ///
    /// # Errors
    /// [`RedisError`] when the URL does not parse or the pool cannot be built.
    pub fn new(url: &str, options: &RedisOptions) -> Result<Self, RedisError> {
        let target = Target::parse(url, options.timeout)?;
        Ok(Self {
            pool: pool(&target, options)?,
            target,
            options: options.clone(),
        })
    }
}
