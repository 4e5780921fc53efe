//! Limits: per-user creation, webhook deliveries per source, event streams per instance.

use super::{Vars, parse};
use crate::BootstrapError;

/// The creation limits.
#[derive(Debug, Clone, Copy)]
pub struct LimitSettings {
    /// Generations a user may create per minute (`IMAGEGEN_CREATE_RATE_PER_MINUTE`).
    pub create_per_minute: u32,
    /// Generations of a user running at once (`IMAGEGEN_MAX_IN_FLIGHT`).
    pub max_in_flight: u64,
    /// Webhook deliveries per sending address per minute
    /// (`IMAGEGEN_WEBHOOK_RATE_PER_MINUTE`).
    pub webhooks_per_minute: u32,
    /// Event streams (SSE and WebSocket) one api instance holds at once
    /// (`IMAGEGEN_MAX_CONNECTIONS`); more are refused with 503 before they start.
    pub max_streams: usize,
    /// Event streams one user may hold on one instance
    /// (`IMAGEGEN_MAX_CONNECTIONS_PER_USER`, default 100); more are refused with 429.
    pub max_streams_per_user: usize,
    /// The longest a token may still be valid when it is presented
    /// (`IMAGEGEN_TOKEN_MAX_LIFETIME_SECS`, default 30 days): a token whose `exp` is
    /// further away is refused, so a leaked ten-year token is worth nothing.
    pub token_max_lifetime: chrono::Duration,
}

pub(super) fn parse_limits(vars: &Vars) -> Result<LimitSettings, BootstrapError> {
    let create_per_minute: u32 = parse(
        vars.get("IMAGEGEN_CREATE_RATE_PER_MINUTE").unwrap_or("60"),
        "IMAGEGEN_CREATE_RATE_PER_MINUTE",
        "a whole number from 1",
    )?;
    let max_in_flight: u64 = parse(
        vars.get("IMAGEGEN_MAX_IN_FLIGHT").unwrap_or("20"),
        "IMAGEGEN_MAX_IN_FLIGHT",
        "a whole number from 1",
    )?;
    let webhooks_per_minute: u32 = parse(
        vars.get("IMAGEGEN_WEBHOOK_RATE_PER_MINUTE")
            .unwrap_or("6000"),
        "IMAGEGEN_WEBHOOK_RATE_PER_MINUTE",
        "a whole number from 1",
    )?;
    let max_streams: usize = parse(
        vars.get("IMAGEGEN_MAX_CONNECTIONS").unwrap_or("20000"),
        "IMAGEGEN_MAX_CONNECTIONS",
        "a whole number from 1",
    )?;
    let max_streams_per_user: usize = parse(
        vars.get("IMAGEGEN_MAX_CONNECTIONS_PER_USER")
            .unwrap_or("100"),
        "IMAGEGEN_MAX_CONNECTIONS_PER_USER",
        "a whole number from 1",
    )?;
    let token_max_lifetime: u32 = parse(
        vars.get("IMAGEGEN_TOKEN_MAX_LIFETIME_SECS")
            .unwrap_or("2592000"),
        "IMAGEGEN_TOKEN_MAX_LIFETIME_SECS",
        "seconds, from 60",
    )?;
    if token_max_lifetime < 60 {
        return Err(BootstrapError::config(
            "IMAGEGEN_TOKEN_MAX_LIFETIME_SECS",
            "must be at least 60",
        ));
    }
    if max_streams_per_user == 0 {
        return Err(BootstrapError::config(
            "IMAGEGEN_MAX_CONNECTIONS_PER_USER",
            "must be at least 1",
        ));
    }
    if max_streams == 0 {
        return Err(BootstrapError::config(
            "IMAGEGEN_MAX_CONNECTIONS",
            "must be at least 1",
        ));
    }
    if webhooks_per_minute == 0 {
        return Err(BootstrapError::config(
            "IMAGEGEN_WEBHOOK_RATE_PER_MINUTE",
            "must be at least 1",
        ));
    }
    if create_per_minute == 0 {
        return Err(BootstrapError::config(
            "IMAGEGEN_CREATE_RATE_PER_MINUTE",
            "must be at least 1",
        ));
    }
    if max_in_flight == 0 {
        return Err(BootstrapError::config(
            "IMAGEGEN_MAX_IN_FLIGHT",
            "must be at least 1",
        ));
    }
    Ok(LimitSettings {
        create_per_minute,
        max_in_flight,
        webhooks_per_minute,
        max_streams,
        max_streams_per_user,
        token_max_lifetime: chrono::Duration::seconds(i64::from(token_max_lifetime)),
    })
}
