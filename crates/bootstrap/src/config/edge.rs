//! What stands between the api and its clients: `IMAGEGEN_CORS_ORIGINS`, the web
//! origins whose pages may call the api (REST, event streams, the poll page, images)
//! and open its WebSocket (none by default: only the api's own origin, the console at
//! `/`, and clients that are not browsers); and `IMAGEGEN_TRUSTED_PROXIES`, the load
//! balancers whose `X-Forwarded-For` names the client (none by default: no sender can
//! choose the address its limits are counted by).

use ipnet::IpNet;

use super::Vars;
use crate::BootstrapError;

/// Browsers of other origins, and proxies in front.
#[derive(Debug, Clone, Default)]
pub struct EdgeSettings {
    /// Origins whose pages may call the api, serialized (`https://app.example.com`).
    pub cors_origins: Vec<String>,
    /// Addresses whose connections carry other clients' requests, with the client's
    /// address in `X-Forwarded-For`.
    pub trusted_proxies: Vec<IpNet>,
    /// `IMAGEGEN_SHUTDOWN_DELAY_SECS`: after SIGTERM, how long the api answers `/readyz`
    /// not ready while still serving, before it stops accepting and drains.
    pub shutdown_delay: std::time::Duration,
}

pub(crate) fn parse_edge(vars: &Vars) -> Result<EdgeSettings, BootstrapError> {
    Ok(EdgeSettings {
        cors_origins: parse_cors_origins(vars)?,
        trusted_proxies: parse_trusted_proxies(vars)?,
        shutdown_delay: std::time::Duration::from_secs(super::parse(
            vars.get("IMAGEGEN_SHUTDOWN_DELAY_SECS").unwrap_or("0"),
            "IMAGEGEN_SHUTDOWN_DELAY_SECS",
            "a whole number of seconds",
        )?),
    })
}

/// Addresses (`10.0.0.7`, `::1`) or ranges (`10.0.0.0/8`), by commas or spaces.
fn parse_trusted_proxies(vars: &Vars) -> Result<Vec<IpNet>, BootstrapError> {
    let Some(text) = vars.get("IMAGEGEN_TRUSTED_PROXIES") else {
        return Ok(Vec::new());
    };
    (text.split([',', ' ']).filter(|item| !item.is_empty()))
        .map(|item| {
            (item.parse::<IpNet>())
                .or_else(|_| item.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    BootstrapError::config(
                        "IMAGEGEN_TRUSTED_PROXIES",
                        format!("`{item}` is not an address or a range such as 10.0.0.0/8"),
                    )
                })
        })
        .collect()
}

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
    fn trusted_proxies_are_addresses_or_ranges() {
        let vars = |text: &str| {
            Vars(
                [("IMAGEGEN_TRUSTED_PROXIES".to_owned(), text.to_owned())]
                    .into_iter()
                    .collect(),
            )
        };
        let parsed = parse_trusted_proxies(&vars("10.0.0.0/8, 127.0.0.1 ::1")).unwrap();
        let listed: Vec<String> = parsed.iter().map(ToString::to_string).collect();
        assert_eq!(listed, ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]);
        let error = parse_trusted_proxies(&vars("10.0.0.0/33")).unwrap_err();
        assert!(
            error.to_string().contains("IMAGEGEN_TRUSTED_PROXIES"),
            "{error}"
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
