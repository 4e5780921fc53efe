//! Start-up errors.

/// Why the system could not start.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    /// A configuration variable is missing or invalid; the message names it.
    #[error("{variable}: {message}")]
    Config {
        variable: &'static str,
        message: String,
    },
    /// An environment variable that imagegen does not know (a typo, probably).
    #[error("{0}: unknown variable (see the configuration table in README.md)")]
    UnknownVariable(String),
    /// A mode this build cannot run yet.
    #[error("{0}")]
    Unsupported(String),
    /// A service or value named by a variable could not be used; the source says why.
    #[error("{variable}: {context}")]
    Unusable {
        variable: &'static str,
        context: &'static str,
        #[source]
        source: imagegen_application::error::BoxError,
    },
    #[error("cannot bind {what}")]
    Bind {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Adapter(#[from] imagegen_application::Error),
}

impl BootstrapError {
    /// A [`BootstrapError::Unusable`]: `variable` names what failed, `source` why.
    pub(crate) fn unusable(
        variable: &'static str,
        context: &'static str,
        source: impl Into<imagegen_application::error::BoxError>,
    ) -> Self {
        Self::Unusable {
            variable,
            context,
            source: source.into(),
        }
    }

    pub(crate) fn config(variable: &'static str, message: impl Into<String>) -> Self {
        Self::Config {
            variable,
            message: message.into(),
        }
    }
}
