//! Whether the server answering on a port is the one we started: a port that was free
//! a moment ago may have been taken by another process since, and "something answers"
//! must never be taken for "our server started".

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Whether the Redis on `port` says its process id is `pid` (`INFO server`); `false`
/// when nothing answers there, or another process does.
pub(crate) fn redis_is(port: u16, pid: u32) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"INFO server\r\n").is_err() {
        return false;
    }
    let mut reply = Vec::new();
    let mut chunk = [0u8; 4096];
    // The reply is a few hundred bytes; read until its process id line has come.
    while !String::from_utf8_lossy(&reply).contains("process_id:") || !reply.ends_with(b"\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => reply.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
        if reply.len() > 64 * 1024 {
            break;
        }
    }
    String::from_utf8_lossy(&reply)
        .lines()
        .find_map(|line| line.strip_prefix("process_id:"))
        .is_some_and(|id| id.trim() == pid.to_string())
}
