//! Where `/metrics` answers: on the api's own address by default (loopback unless
//! `IMAGEGEN_LISTEN` says otherwise), or on an address of its own
//! (`IMAGEGEN_METRICS_LISTEN`), and with a bearer token when `IMAGEGEN_METRICS_TOKEN` is
//! set.

use std::net::SocketAddr;

use secrecy::SecretString;

use super::{Vars, parse};
use crate::BootstrapError;

/// How the metrics are served.
#[derive(Debug, Clone)]
pub struct MetricsSettings {
    /// `IMAGEGEN_METRICS` (`on`, the default, or `off`): whether the process keeps
    /// metrics at all (off, `/metrics` answers `404` and recording costs nothing).
    pub enabled: bool,
    /// `IMAGEGEN_METRICS_LISTEN`: serve `/metrics` there instead of on the api's address.
    pub listen: Option<SocketAddr>,
    /// `IMAGEGEN_METRICS_TOKEN`: scrapers must send `Authorization: Bearer <token>`.
    pub token: Option<SecretString>,
}

pub(crate) fn parse_metrics(vars: &Vars) -> Result<MetricsSettings, BootstrapError> {
    let listen = vars
        .get("IMAGEGEN_METRICS_LISTEN")
        .map(|text| {
            parse(
                text,
                "IMAGEGEN_METRICS_LISTEN",
                "an address such as 127.0.0.1:9464",
            )
        })
        .transpose()?;
    let token = match vars.get("IMAGEGEN_METRICS_TOKEN") {
        Some(token) if token.len() < 16 => {
            return Err(BootstrapError::config(
                "IMAGEGEN_METRICS_TOKEN",
                "must be at least 16 characters",
            ));
        }
        other => other.map(|t| SecretString::from(t.to_owned())),
    };
    let enabled = match vars.get("IMAGEGEN_METRICS") {
        None | Some("on") => true,
        Some("off") => false,
        Some(other) => {
            return Err(BootstrapError::config(
                "IMAGEGEN_METRICS",
                format!("`{other}` is not on or off"),
            ));
        }
    };
    Ok(MetricsSettings {
        enabled,
        listen,
        token,
    })
}
