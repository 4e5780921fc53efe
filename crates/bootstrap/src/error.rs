//! Start-up errors.

/// Why the system could not start.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    /// A configuration variable is missing or invalid; the message names it.
    #[error("{variable}: {message}")]
    Config {
        /// The variable, as named in the README's table.
        variable: &'static str,
        /// What is wrong with it.
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
        /// The variable that names it.
        variable: &'static str,
        /// What could not be done with it.
        context: &'static str,
        /// Why.
        #[source]
        source: imagegen_application::error::BoxError,
    },
    /// An address could not be listened on.
    #[error("cannot bind {what}")]
    Bind {
        /// Whose address (`the api`, `the simulator`).
        what: &'static str,
        /// The operating system's refusal.
        #[source]
        source: std::io::Error,
    },
    /// An adapter could not be built or reached.
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
