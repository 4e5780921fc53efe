//! Finding a Postgres server for the tests, or starting a throwaway one.

use std::path::Path;

use crate::local::{LocalCluster, postgres_bin_dir};

/// A server the tests may create databases on.
#[derive(Debug)]
pub(crate) struct Server {
    /// A URL whose user may create databases.
    pub admin_url: String,
    /// Where it is, for messages (no password).
    pub shown: String,
}

impl Server {
    fn from_url(raw: &str) -> Result<Self, String> {
        let url =
            url::Url::parse(raw).map_err(|e| format!("TEST_DATABASE_URL is not a URL: {e}"))?;
        let shown = format!(
            "{}:{}",
            url.host_str().unwrap_or("?"),
            url.port().unwrap_or(5432)
        );
        Ok(Self {
            admin_url: raw.to_owned(),
            shown,
        })
    }

    /// The URL of database `name` on this server.
    pub fn url_for(&self, name: &str) -> String {
        match url::Url::parse(&self.admin_url) {
            Ok(mut url) => {
                url.set_path(&format!("/{name}"));
                url.to_string()
            }
            Err(_) => self.admin_url.clone(),
        }
    }
}

/// `TEST_DATABASE_URL`, else a local cluster, else (with the feature) a container.
pub(crate) fn find_or_start() -> Result<Server, String> {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        return Server::from_url(&url);
    }
    if crate::prefer_containers()
        && let Ok(server) = container()
    {
        return Ok(server);
    }
    let local = match postgres_bin_dir() {
        Some(bin) => start_cluster(&bin),
        None => Err("no PostgreSQL server binaries (initdb, pg_ctl) were found".to_owned()),
    };
    match local {
        Ok(server) => Ok(server),
        Err(local_error) => container().map_err(|e| format!("{local_error}; {e}")),
    }
}

#[cfg(feature = "testcontainers")]
fn container() -> Result<Server, String> {
    use testcontainers_modules::postgres::Postgres;
    use testcontainers_modules::testcontainers::runners::SyncRunner;
    let node = Postgres::default()
        .start()
        .map_err(|e| format!("testcontainers could not start Postgres: {e}"))?;
    let port = node
        .get_host_port_ipv4(5432)
        .map_err(|e| format!("testcontainers: {e}"))?;
    // The container lives as long as the process.
    std::mem::forget(node);
    Server::from_url(&format!(
        "postgres://postgres:postgres@127.0.0.1:{port}/postgres"
    ))
}

#[cfg(not(feature = "testcontainers"))]
fn container() -> Result<Server, String> {
    Err("the `testcontainers` feature is off".to_owned())
}

fn start_cluster(bin: &Path) -> Result<Server, String> {
    let cluster = LocalCluster::create(bin)?;
    Ok(Server {
        admin_url: cluster.admin_url(),
        shown: cluster.describe(),
    })
}
