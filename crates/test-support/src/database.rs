//! One fresh database per test, on the server the process shares.

use std::sync::OnceLock;

use sqlx::{Connection, Executor, PgConnection};

use crate::cluster::{self, Server};

/// The process's server, found or started on first use.
static SERVER: OnceLock<Result<Server, String>> = OnceLock::new();

/// A database created for one test; dropped (with its connections) when this is.
#[derive(Debug)]
pub struct TestDatabase {
    /// Connects to this test's database.
    pub url: String,
    name: String,
    admin_url: String,
}

/// Creates an empty database for one test.
///
/// # Panics
/// When no Postgres can be had, with a message that says how to get one.
pub async fn postgres() -> TestDatabase {
    let server = SERVER
        .get_or_init(|| {
            cluster::find_or_start().map_err(|e| format!("{e}\n{}", crate::HOW_TO_GET_ONE))
        })
        .as_ref()
        .unwrap_or_else(|message| panic!("{message}"));
    create(server).await
}

/// Creates an empty database on the cluster at `admin_url` (a [`LocalCluster`]'s).
///
/// # Panics
/// When the database cannot be created.
///
/// [`LocalCluster`]: crate::LocalCluster
pub async fn database_on(admin_url: &str) -> TestDatabase {
    let server = Server {
        admin_url: admin_url.to_owned(),
        shown: admin_url.to_owned(),
    };
    create(&server).await
}

async fn create(server: &Server) -> TestDatabase {
    let name = format!("imagegen_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&server.admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test server {}: {e}", server.shown));
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
    let _ = admin.close().await;
    TestDatabase {
        url: server.url_for(&name),
        name,
        admin_url: server.admin_url.clone(),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread
        // with a runtime of its own drops the database.
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                admin.execute(sql.as_str()).await.ok()?;
                admin.close().await.ok()
            })
        });
        let _ = dropped.join();
    }
}
