//! A prediction and its JSON form, shaped like Replicate's prediction object.

use chrono::{DateTime, SecondsFormat, Utc};
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde_json::{Value, json};

/// Whose API a prediction was made through; its JSON and webhooks follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// Replicate's predictions.
    Replicate,
    /// OpenAI's Responses in background mode, with the `image_generation` tool.
    OpenAi,
}

/// One prediction as the simulator keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Prediction {
    pub protocol: Protocol,
    pub id: String,
    pub model: String,
    pub version: String,
    pub input: Value,
    pub status: &'static str,
    pub output: Value,
    pub error: Option<String>,
    pub logs: String,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub webhook: Option<String>,
    pub webhook_events_filter: Vec<String>,
}

/// A new id: 26 lowercase alphanumerics, as Replicate's look.
pub(crate) fn new_id() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .map(|c| char::from(c).to_ascii_lowercase())
        .take(26)
        .collect()
}

fn time(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| {
        Value::String(t.to_rfc3339_opts(SecondsFormat::Micros, true))
    })
}

impl Prediction {
    /// A prediction just created: `starting`, nothing run, no output yet.
    pub fn starting(
        (protocol, id): (Protocol, String),
        (model, version): (String, String),
        input: Value,
        (webhook, webhook_events_filter): (Option<String>, Vec<String>),
    ) -> Self {
        Self {
            protocol,
            id,
            model,
            version,
            input,
            status: "starting",
            output: Value::Null,
            error: None,
            logs: String::new(),
            created_at: chrono::Utc::now(),
            started_at: None,
            completed_at: None,
            webhook,
            webhook_events_filter,
        }
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.status, "succeeded" | "failed" | "canceled" | "aborted")
    }

    /// Whether the client asked for webhooks of this kind.
    pub fn wants(&self, event: &str) -> bool {
        self.webhook.is_some() && self.webhook_events_filter.iter().any(|e| e == event)
    }

    /// The JSON object that GET answers and webhooks carry.
    pub fn to_json(&self, base: &str) -> Value {
        let mut metrics = json!({});
        if let (Some(started), Some(completed)) = (self.started_at, self.completed_at) {
            let predict = (completed - started).num_milliseconds() as f64 / 1000.0;
            let total = (completed - self.created_at).num_milliseconds() as f64 / 1000.0;
            metrics = json!({ "predict_time": predict, "total_time": total });
        }
        json!({
            "id": self.id,
            "model": self.model,
            "version": self.version,
            "input": self.input,
            "logs": self.logs,
            "output": self.output,
            "data_removed": false,
            "error": self.error,
            "status": self.status,
            "source": "api",
            "created_at": time(Some(self.created_at)),
            "started_at": time(self.started_at),
            "completed_at": time(self.completed_at),
            "webhook": self.webhook,
            "webhook_events_filter": self.webhook_events_filter,
            "metrics": metrics,
            "urls": {
                "get": format!("{base}/v1/predictions/{}", self.id),
                "cancel": format!("{base}/v1/predictions/{}/cancel", self.id),
                "web": format!("{base}/p/{}", self.id),
            },
        })
    }
}
