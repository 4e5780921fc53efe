//! Reading variables: blank means unset, and a value that does not parse names its
//! variable.

use std::collections::HashMap;

use url::Url;

use crate::BootstrapError;

/// The variables, with blank values treated as unset.
pub(crate) struct Vars(pub(crate) HashMap<String, String>);

impl Vars {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

pub(crate) fn parse<T: std::str::FromStr>(
    text: &str,
    variable: &'static str,
    expected: &str,
) -> Result<T, BootstrapError> {
    text.parse()
        .map_err(|_| BootstrapError::config(variable, format!("`{text}` is not {expected}")))
}

pub(crate) fn parse_url(text: &str, variable: &'static str) -> Result<Url, BootstrapError> {
    let url: Url = parse(text, variable, "a URL")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(BootstrapError::config(
            variable,
            "must be an http or https URL",
        ));
    }
    Ok(url)
}
