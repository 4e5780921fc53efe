//! W3C trace context across the queue: a job queued inside a traced span carries the
//! span's `traceparent` in its payload, and the job's own span continues that trace,
//! in whichever process runs it. The application only passes the text on; the process
//! that exports traces installs how to read and adopt it (`imagegen-bootstrap`), and
//! without one nothing is added.

use std::sync::OnceLock;

/// Reads the current span's trace context and makes a span continue one.
pub trait Propagation: Send + Sync {
    /// The current span's `traceparent`, when it is traced.
    fn current(&self) -> Option<String>;
    /// Makes `span` a child of the span `traceparent` names.
    fn adopt(&self, span: &tracing::Span, traceparent: &str);
}

static PROPAGATION: OnceLock<Box<dyn Propagation>> = OnceLock::new();

/// The key a job payload carries the trace context under.
pub const PAYLOAD_KEY: &str = "traceparent";

/// Installs `propagation` for the process (the first call wins).
pub fn install(propagation: Box<dyn Propagation>) {
    let _ = PROPAGATION.set(propagation);
}

/// The current span's `traceparent`, when traces are exported.
pub fn current() -> Option<String> {
    PROPAGATION.get()?.current()
}

/// Makes `span` continue the trace `traceparent` names, when traces are exported.
pub fn adopt(span: &tracing::Span, traceparent: &str) {
    if let Some(propagation) = PROPAGATION.get() {
        propagation.adopt(span, traceparent);
    }
}
