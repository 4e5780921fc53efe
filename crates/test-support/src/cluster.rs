//! Finding a Postgres server for the tests, or starting a throwaway one.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

/// `IMAGEGEN_PG_BIN`, the newest `/usr/lib/postgresql/<version>/bin`, or `PATH`.
fn postgres_bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("IMAGEGEN_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
}

/// Runs a Postgres tool, as the `postgres` user when we are root (Postgres refuses to
/// run as root).
fn tool(bin: &Path, name: &str, as_postgres: bool) -> Command {
    let program = bin.join(name);
    if as_postgres {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(mut command: Command, what: &str) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: cannot run: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn start_cluster(bin: &Path) -> Result<Server, String> {
    let as_postgres = is_root();
    let dir = std::env::temp_dir().join(format!("imagegen-pg-{}", uuid::Uuid::new_v4().simple()));
    let data = dir.join("data");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    if as_postgres {
        run(
            {
                let mut c = Command::new("chown");
                c.arg("postgres:").arg(&dir);
                c
            },
            "chown of the test cluster's directory to postgres",
        )?;
    }
    let mut initdb = tool(bin, "initdb", as_postgres);
    initdb
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
    run(initdb, "initdb")?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("finding a free port: {e}"))?
        .port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=300",
        dir.display()
    );
    let mut pg_ctl = tool(bin, "pg_ctl", as_postgres);
    pg_ctl
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(dir.join("postgres.log"))
        .args(["-w", "-t", "60", "-o", &options, "start"]);
    run(pg_ctl, "pg_ctl start")?;
    stop_when_we_exit(bin, &dir, as_postgres);
    Ok(Server {
        admin_url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
        shown: format!("local cluster 127.0.0.1:{port} ({})", dir.display()),
    })
}

/// A watchdog shell stops the cluster and removes its files once this process is gone.
fn stop_when_we_exit(bin: &Path, dir: &Path, as_postgres: bool) {
    let runner = if as_postgres {
        "runuser -u postgres -- "
    } else {
        ""
    };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
         {runner}'{pg_ctl}' -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = dir.join("data").display(),
        dir = dir.display(),
    );
    let _ = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}
