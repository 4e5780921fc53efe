//! `IMAGEGEN_CORS_ORIGINS`: the web origins whose pages may call the api (REST, event
//! streams, the poll page, images) and open its WebSocket. None by default: only the
//! api's own origin (the console at `/`) and clients that are not browsers.

use super::Vars;
use crate::BootstrapError;

/// Parses the allowlist: origins (`scheme://host[:port]`, no path) separated by commas
/// or spaces, kept lowercase in their serialized form (`https://app.example.com`).
pub(crate) fn parse_cors_origins(vars: &Vars) -> Result<Vec<String>, BootstrapError> {
    let Some(text) = vars.get("IMAGEGEN_CORS_ORIGINS") else {
        return Ok(Vec::new());
    };
    text.split([',', ' '])
        .filter(|origin| !origin.is_empty())
        .map(parse_origin)
        .collect()
}

fn parse_origin(text: &str) -> Result<String, BootstrapError> {
    let refuse = |why: &str| {
        BootstrapError::config(
            "IMAGEGEN_CORS_ORIGINS",
            format!("`{text}` is not an origin such as https://app.example.com: {why}"),
        )
    };
    let url: url::Url = text.parse().map_err(|_| refuse("not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("the scheme must be http or https"));
    }
    let bare = url.path() == "/" && !text.ends_with('/');
    if !bare || url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(refuse("an origin has no path, query or user"));
    }
    match url.origin() {
        url::Origin::Tuple(..) => Ok(url.origin().ascii_serialization()),
        url::Origin::Opaque(_) => Err(refuse("it has no host")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins(text: &str) -> Result<Vec<String>, BootstrapError> {
        let vars = Vars(
            [("IMAGEGEN_CORS_ORIGINS".to_owned(), text.to_owned())]
                .into_iter()
                .collect(),
        );
        parse_cors_origins(&vars)
    }

    #[test]
    fn origins_are_listed_and_normalized() {
        let parsed = origins("https://App.Example.com, http://127.0.0.1:5173").unwrap();
        assert_eq!(parsed, ["https://app.example.com", "http://127.0.0.1:5173"]);
        assert_eq!(
            origins("https://a.example:443").unwrap(),
            ["https://a.example"]
        );
    }

    #[test]
    fn anything_but_an_origin_is_refused_with_the_variable_named() {
        for bad in [
            "https://a.example/",
            "https://a.example/app",
            "ftp://a.example",
            "*",
            "a.example",
        ] {
            let error = origins(bad).unwrap_err().to_string();
            assert!(error.contains("IMAGEGEN_CORS_ORIGINS"), "{bad}: {error}");
        }
    }
}
