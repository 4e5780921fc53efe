//! The address a request came from, for per-source limits: the peer's, or, when the
//! peer is a trusted load balancer (`IMAGEGEN_TRUSTED_PROXIES`), the client it names in
//! `X-Forwarded-For` (the right-most address that is not itself a trusted proxy, so a
//! sender cannot choose it by writing the header). A router called without a socket
//! (tests) has no peer: `unknown`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

/// The load balancers whose `X-Forwarded-For` is believed.
#[derive(Clone, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    pub fn new(proxies: Vec<IpNet>) -> Self {
        Self(proxies.into())
    }

    pub fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client behind `peer`: `peer` itself unless it is trusted.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let forwarded: Vec<&str> = (headers.get_all("x-forwarded-for").iter())
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in forwarded.iter().rev() {
            // A hop that does not parse ends the walk: what is left of it is unknown.
            let Ok(address) = hop.parse::<IpAddr>() else {
                break;
            };
            client = address;
            if !self.trusts(address) {
                break;
            }
        }
        client
    }
}

/// The client's IP address, or `unknown`.
pub struct PeerAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(Self("unknown".to_owned()));
        };
        let trusted = parts.extensions.get::<TrustedProxies>();
        let client = trusted.map_or(peer.ip(), |proxies| {
            proxies.client(peer.ip(), &parts.headers)
        });
        Ok(Self(client.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append("x-forwarded-for", value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_peer_is_believed_and_only_for_the_hop_it_added() {
        let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap()]);
        let spoofed = headers(&["1.2.3.4, 198.51.100.7"]);
        // Anyone else's header is ignored.
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &spoofed),
            ip("203.0.113.9")
        );
        // Through the balancer, the client is the hop it appended, not what the
        // client wrote before it.
        assert_eq!(proxies.client(ip("10.0.0.2"), &spoofed), ip("198.51.100.7"));
        // Two trusted hops are walked through; several headers are one list.
        let chained = headers(&["198.51.100.7", "10.0.0.5"]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &chained), ip("198.51.100.7"));
        // Garbage ends the walk at the last good hop; no header, the balancer itself.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &headers(&["junk, 10.0.0.5"])),
            ip("10.0.0.5")
        );
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &HeaderMap::new()),
            ip("10.0.0.2")
        );
    }
}
