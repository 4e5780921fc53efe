//! The providers a deployment has: which names a generation may ask for (and the
//! default), and the client that serves each, so every generation is submitted, polled
//! and cancelled at the provider stamped on it.

use std::sync::Arc;

use imagegen_domain::{ProviderName, SettingsError};

use crate::ports::{ImageProvider, ProviderError};
use crate::{Error, Result};

/// The provider names generations may ask for, and the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnabledProviders {
    default: ProviderName,
    others: Vec<ProviderName>,
}

impl EnabledProviders {
    /// Only `default`.
    pub fn only(default: ProviderName) -> Self {
        Self {
            default,
            others: Vec::new(),
        }
    }

    /// Enables `name` beside the default.
    #[must_use]
    pub fn and(mut self, name: ProviderName) -> Self {
        if name != self.default && !self.others.contains(&name) {
            self.others.push(name);
        }
        self
    }

    /// Every enabled name, the default first.
    pub fn names(&self) -> impl Iterator<Item = ProviderName> + '_ {
        std::iter::once(self.default).chain(self.others.iter().copied())
    }

    /// The provider `requested` names, or the default when it names none.
    ///
    /// # Errors
    /// `Settings(Provider)` for a name that is unknown or not enabled here.
    pub fn choose(&self, requested: Option<&str>) -> Result<ProviderName> {
        let Some(requested) = requested else {
            return Ok(self.default);
        };
        requested
            .parse::<ProviderName>()
            .ok()
            .filter(|name| self.names().any(|enabled| enabled == *name))
            .ok_or_else(|| {
                let enabled: Vec<&str> = self.names().map(ProviderName::as_str).collect();
                Error::Settings(SettingsError::Provider {
                    given: crate::capped(requested).to_string(),
                    enabled: enabled.join(", "),
                })
            })
    }
}

/// The client of each enabled provider.
#[derive(Clone)]
pub struct Providers {
    /// Serves every name not listed (a single-provider process, tests).
    any: Option<Arc<dyn ImageProvider>>,
    by_name: Vec<(ProviderName, Arc<dyn ImageProvider>)>,
}

impl Providers {
    /// One client for whatever provider a generation names.
    pub fn any(provider: Arc<dyn ImageProvider>) -> Self {
        Self {
            any: Some(provider),
            by_name: Vec::new(),
        }
    }

    /// No client yet; add them with [`Providers::with`].
    pub fn none() -> Self {
        Self {
            any: None,
            by_name: Vec::new(),
        }
    }

    /// Serves `name` with `provider`.
    #[must_use]
    pub fn with(mut self, name: ProviderName, provider: Arc<dyn ImageProvider>) -> Self {
        self.by_name.retain(|(known, _)| *known != name);
        self.by_name.push((name, provider));
        self
    }

    /// The client for `name`.
    ///
    /// # Errors
    /// `ProviderError::Rejected` when this process has no client for it (a generation made
    /// while a provider was enabled that no longer is).
    pub fn get(&self, name: ProviderName) -> Result<&Arc<dyn ImageProvider>> {
        self.by_name
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, provider)| provider)
            .or(self.any.as_ref())
            .ok_or_else(|| {
                Error::Provider(ProviderError::Rejected {
                    message: format!("provider `{name}` is not configured in this process"),
                })
            })
    }
}

impl From<Arc<dyn ImageProvider>> for Providers {
    fn from(provider: Arc<dyn ImageProvider>) -> Self {
        Self::any(provider)
    }
}

impl<P: ImageProvider + 'static> From<Arc<P>> for Providers {
    fn from(provider: Arc<P>) -> Self {
        Self::any(provider)
    }
}
