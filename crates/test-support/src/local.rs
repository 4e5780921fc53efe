//! A throwaway PostgreSQL cluster from the server binaries: `initdb` into a temporary
//! directory, `pg_ctl` on a free port, as the `postgres` user when we are root
//! (Postgres refuses to run as root), removed when the process exits.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `IMAGEGEN_PG_BIN`, the newest `/usr/lib/postgresql/<version>/bin`, or `PATH`.
pub(crate) fn postgres_bin_dir() -> Option<PathBuf> {
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

/// A throwaway cluster of this process's own, stopped and removed when the process
/// exits.
#[derive(Debug)]
pub struct LocalCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl LocalCluster {
    /// Runs `initdb` and starts the cluster on a free port.
    pub(crate) fn create(bin: &Path) -> Result<Self, String> {
        let as_postgres = is_root();
        let dir =
            std::env::temp_dir().join(format!("imagegen-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        if as_postgres {
            let mut chown = Command::new("chown");
            chown.arg("postgres:").arg(&dir);
            run(chown, "chown of the test cluster's directory to postgres")?;
        }
        let mut initdb = tool(bin, "initdb", as_postgres);
        initdb.arg("-D").arg(dir.join("data")).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]);
        run(initdb, "initdb")?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("finding a free port: {e}"))?
            .port();
        let cluster = Self {
            bin: bin.to_owned(),
            dir,
            port,
            as_postgres,
        };
        cluster.start()?;
        stop_when_we_exit(bin, &cluster.dir, as_postgres);
        Ok(cluster)
    }

    /// Where it runs, for messages.
    pub fn describe(&self) -> String {
        format!(
            "local cluster 127.0.0.1:{} ({})",
            self.port,
            self.dir.display()
        )
    }

    /// A URL whose user may create databases.
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the (stopped) cluster and waits until it accepts connections.
    ///
    /// # Errors
    /// `pg_ctl`'s output when it fails.
    pub fn start(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=300",
            self.port,
            self.dir.display()
        );
        let mut pg_ctl = tool(&self.bin, "pg_ctl", self.as_postgres);
        pg_ctl
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.dir.join("postgres.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"]);
        run(pg_ctl, "pg_ctl start")
    }

    /// Stops the cluster (`-m fast`: every connection is closed at once). Not a crash:
    /// test clusters run with `synchronous_commit=off`, which a crash may cut short.
    ///
    /// # Errors
    /// `pg_ctl`'s output when it fails.
    pub fn stop(&self) -> Result<(), String> {
        let mut pg_ctl = tool(&self.bin, "pg_ctl", self.as_postgres);
        pg_ctl
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-w", "-m", "fast", "stop"]);
        run(pg_ctl, "pg_ctl stop")
    }
}

/// A cluster of the caller's own, for tests that stop and start their server.
///
/// # Errors
/// When no PostgreSQL binaries are found or the cluster does not start.
pub fn dedicated_cluster() -> Result<LocalCluster, String> {
    let bin = postgres_bin_dir()
        .ok_or_else(|| "no PostgreSQL server binaries (initdb, pg_ctl) were found".to_owned())?;
    LocalCluster::create(&bin)
}

/// A watchdog shell stops the cluster and removes its files once this process is gone.
fn stop_when_we_exit(bin: &Path, dir: &Path, as_postgres: bool) {
    let runner = if as_postgres {
        "runuser -u postgres -- "
    } else {
        ""
    };
    crate::when_we_exit(&format!(
        "{runner}'{pg_ctl}' -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        pg_ctl = bin.join("pg_ctl").display(),
        data = dir.join("data").display(),
        dir = dir.display(),
    ));
}
