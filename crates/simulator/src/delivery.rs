//! Sends signed webhooks, as Replicate and OpenAI do: only the terminal one is retried.

use std::time::Duration;

use chrono::Utc;
use imagegen_webhooks::{WebhookSecret, sign};

use crate::prediction::{Prediction, Protocol, new_id};
use crate::state::SimState;
use crate::stats::Stats;

/// Attempts for a terminal webhook (Replicate retries it for about a minute; this is
/// shortened so that tests see the behaviour quickly).
const TERMINAL_ATTEMPTS: u32 = 4;

/// Sends one webhook message for `prediction`, applying the configured faults.
pub(crate) async fn send(state: &SimState, prediction: &Prediction, terminal: bool) {
    let Some(url) = prediction.webhook.clone() else {
        return;
    };
    let faults = state.faults();
    if state.roll(faults.drop_webhook) {
        Stats::bump(&state.stats.webhooks_dropped);
        tracing::info!(prediction.id = %prediction.id, "fault: webhook dropped");
        return;
    }
    if state.roll(faults.delay_webhook) {
        tokio::time::sleep(faults.delay).await;
    }
    // Replicate's webhook carries the prediction; OpenAI's only names the response.
    let json = match prediction.protocol {
        Protocol::Replicate => prediction.to_json(&state.config.public_url),
        Protocol::OpenAi => crate::openai_objects::event_json(prediction),
    };
    let body = match serde_json::to_vec(&json) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "cannot serialize a prediction");
            return;
        }
    };
    let message_id = format!("msg_{}", new_id());
    let mis_signed = state.roll(faults.mis_sign_webhook);
    let copies = if state.roll(faults.duplicate_webhook) {
        Stats::bump(&state.stats.webhooks_duplicated);
        2
    } else {
        1
    };
    for _ in 0..copies {
        deliver(state, &url, &message_id, &body, terminal, mis_signed).await;
    }
}

async fn deliver(
    state: &SimState,
    url: &str,
    message_id: &str,
    body: &[u8],
    terminal: bool,
    mis_signed: bool,
) {
    let attempts = if terminal { TERMINAL_ATTEMPTS } else { 1 };
    for attempt in 1..=attempts {
        // Each attempt has its own timestamp and signature; the id stays the same.
        let timestamp = Utc::now().timestamp();
        let signature = if mis_signed {
            match WebhookSecret::from_key(vec![7; 32]) {
                Ok(wrong) => sign(&wrong, message_id, timestamp, body),
                Err(_) => String::new(),
            }
        } else {
            sign(&state.config.webhook_secret, message_id, timestamp, body)
        };
        let sent = state
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.to_vec())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {
                Stats::bump(&state.stats.webhooks_sent);
                return;
            }
            Ok(response) => {
                Stats::bump(&state.stats.webhooks_failed);
                tracing::info!(status = %response.status(), attempt, "webhook refused");
            }
            Err(error) => {
                Stats::bump(&state.stats.webhooks_failed);
                tracing::info!(%error, attempt, "webhook not delivered");
            }
        }
        if attempt < attempts {
            tokio::time::sleep(Duration::from_millis(250 * 2_u64.pow(attempt - 1))).await;
        }
    }
}
