//! Traces over OTLP: when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the standard variable;
//! HTTP with protobuf), every span is exported with the process's service name, and
//! W3C trace context crosses the queue in job payloads, so one trace follows a webhook
//! from the api's receipt to the worker's job and the state change. Unset, nothing is
//! exported and nothing is added to payloads.

use std::collections::HashMap;
use std::sync::OnceLock;

use imagegen_application::trace_context::{self, Propagation};
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{SdkTracerProvider, Tracer};
use tracing::Subscriber;
use tracing_opentelemetry::{OpenTelemetryLayer, OpenTelemetrySpanExt};
use tracing_subscriber::registry::LookupSpan;

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// The layer that exports spans as `service`, when an OTLP endpoint is configured.
pub(crate) fn layer<S>(service: &'static str) -> Option<OpenTelemetryLayer<S, Tracer>>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    let endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT").ok()?;
    if endpoint.trim().is_empty() {
        return None;
    }
    let exporter = match opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()
    {
        Ok(exporter) => exporter,
        Err(error) => {
            // The subscriber is not up yet: say it where the operator looks.
            eprintln!("OTEL_EXPORTER_OTLP_ENDPOINT: traces are not exported: {error}");
            return None;
        }
    };
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(service)
        .build();
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build();
    let tracer = provider.tracer("imagegen");
    let _ = PROVIDER.set(provider);
    trace_context::install(Box::new(W3cTraceContext));
    Some(tracing_opentelemetry::layer().with_tracer(tracer))
}

/// Exports what is still buffered; call it before the process ends.
pub fn flush() {
    if let Some(provider) = PROVIDER.get() {
        let _ = provider.force_flush();
    }
}

/// The `traceparent` header's format, read from and written to tracing's spans.
struct W3cTraceContext;

impl Propagation for W3cTraceContext {
    fn current(&self) -> Option<String> {
        let context = tracing::Span::current().context();
        let mut carrier: HashMap<String, String> = HashMap::new();
        TraceContextPropagator::new().inject_context(&context, &mut carrier);
        carrier.remove("traceparent")
    }

    fn adopt(&self, span: &tracing::Span, traceparent: &str) {
        let carrier = HashMap::from([("traceparent".to_owned(), traceparent.to_owned())]);
        let context = TraceContextPropagator::new().extract(&carrier);
        let _ = span.set_parent(context);
    }
}
