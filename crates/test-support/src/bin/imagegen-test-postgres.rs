//! A throwaway PostgreSQL for tests outside Rust (the JavaScript client's): starts a
//! cluster from the local server binaries, prints `DATABASE_URL=<url>` on standard
//! output, and stops it (removing its files) when standard input closes, which is when
//! the process that started it ends, however it ends.

use std::io::Read;

fn main() -> std::process::ExitCode {
    let cluster = match imagegen_test_support::dedicated_cluster() {
        Ok(cluster) => cluster,
        Err(message) => {
            eprintln!("imagegen-test-postgres: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    println!("DATABASE_URL={}", cluster.admin_url());
    eprintln!("imagegen-test-postgres: {}", cluster.describe());
    // Until the parent closes our standard input (or dies).
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    if let Err(message) = cluster.stop() {
        eprintln!("imagegen-test-postgres: {message}");
    }
    std::process::ExitCode::SUCCESS
}
