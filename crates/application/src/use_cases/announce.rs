//! System broadcasts (the admin api): a message to every connection watching `system`,
//! on every api instance, as an event of type `SystemBroadcast` whose payload carries
//! the message unchanged.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::ports::{Clock, EventBus};
use crate::{Caller, Error, Result};

/// The largest message, in bytes of JSON.
pub const MAX_ANNOUNCEMENT_BYTES: usize = 16 * 1024;

/// Sends system broadcasts.
pub struct Announce {
    bus: Arc<dyn EventBus>,
    clock: Arc<dyn Clock>,
}

impl Announce {
    /// Announces on `bus`, stamped by `clock`.
    pub fn new(bus: Arc<dyn EventBus>, clock: Arc<dyn Clock>) -> Self {
        Self { bus, clock }
    }

    /// Broadcasts `message`; returns the event sent.
    ///
    /// # Errors
    /// `Forbidden` for non-admins; `Invalid` for a message over 16 KiB; `Unavailable`
    /// when the bus cannot be reached.
    #[tracing::instrument(name = "announce", skip_all, fields(user.id = %caller.user_id))]
    pub async fn execute(&self, caller: &Caller, message: Value) -> Result<Value> {
        caller.admin_only("broadcasts")?;
        if message.to_string().len() > MAX_ANNOUNCEMENT_BYTES {
            return Err(Error::Invalid(format!(
                "the message is larger than {MAX_ANNOUNCEMENT_BYTES} bytes"
            )));
        }
        let event = json!({
            "event_id": uuid::Uuid::now_v7(),
            "event_type": "SystemBroadcast",
            "occurred_at": self.clock.now(),
            "payload": { "message": message },
        });
        self.bus.announce("system", &event).await?;
        metrics::counter!(crate::metric_names::BROADCASTS).increment(1);
        tracing::info!("system broadcast sent");
        Ok(event)
    }
}
