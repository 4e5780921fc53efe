//! One prediction's run: starting -> processing -> succeeded (or failed).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;

use crate::delivery;
use crate::prediction::Prediction;
use crate::render::render_png;
use crate::state::SimState;

/// Runs a prediction in the background; cancelling it stops the run. With a deadline
/// (the `Cancel-After` header), a prediction still running then is canceled.
pub(crate) fn spawn(state: Arc<SimState>, id: String, cancel_after: Option<Duration>) {
    if let Some(after) = cancel_after {
        let (state, id) = (state.clone(), id.clone());
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            cancel(&state, &id);
        });
    }
    tokio::spawn(async move { run(&state, &id).await });
}

/// Cancels a prediction that has not ended (and sends its terminal webhook); the
/// prediction as it is now, `None` for an unknown id.
pub(crate) fn cancel(state: &Arc<SimState>, id: &str) -> Option<Prediction> {
    let mut newly_canceled = false;
    let prediction = state.update(id, |p| {
        if !p.is_terminal() {
            p.status = "canceled";
            p.completed_at = Some(Utc::now());
            newly_canceled = true;
        }
    })?;
    if newly_canceled && prediction.wants("completed") {
        let (state, copy) = (state.clone(), prediction.clone());
        tokio::spawn(async move { delivery::send(&state, &copy, true).await });
    }
    Some(prediction)
}

/// A `Cancel-After` value: seconds (`90`), or amounts with units (`1h30m`, `5m`,
/// `30s`, `500ms`), as Replicate takes them.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let amount: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        total += match &rest[..unit_len] {
            "h" => Duration::from_secs(amount * 3600),
            "m" => Duration::from_secs(amount * 60),
            "s" => Duration::from_secs(amount),
            "ms" => Duration::from_millis(amount),
            _ => return None,
        };
        rest = &rest[unit_len..];
    }
    (total > Duration::ZERO).then_some(total)
}

async fn run(state: &SimState, id: &str) {
    let reorder = state.roll(state.faults().reorder_webhooks);
    tokio::time::sleep(state.config.start_delay).await;
    let Some(started) = state.update(id, |p| {
        if !p.is_terminal() {
            p.status = "processing";
            p.started_at = Some(Utc::now());
            p.logs.push_str("Loading model...\n");
        }
    }) else {
        return;
    };
    if started.is_terminal() {
        return;
    }
    // A reordered start webhook is held back and sent after the completed one.
    let held_start = started.wants("start").then_some(started.clone());
    if let Some(start) = held_start.as_ref().filter(|_| !reorder) {
        delivery::send(state, start, false).await;
    }
    tokio::time::sleep(state.config.run_time).await;
    let fail = state.roll(state.faults().fail_prediction);
    let outputs = if fail {
        Vec::new()
    } else {
        render_outputs(state, &started)
    };
    let Some(finished) = state.update(id, |p| {
        if p.is_terminal() {
            return;
        }
        p.completed_at = Some(Utc::now());
        if fail {
            p.status = "failed";
            p.error = Some("simulated failure (fault injection)".into());
        } else {
            p.status = "succeeded";
            p.output = Value::Array(outputs.into_iter().map(Value::String).collect());
            p.logs.push_str("Done.\n");
        }
    }) else {
        return;
    };
    if finished.status == "canceled" {
        return; // the cancel endpoint sent the terminal webhook
    }
    if finished.wants("output") && finished.status == "succeeded" {
        delivery::send(state, &finished, false).await;
    }
    if finished.wants("completed") {
        delivery::send(state, &finished, true).await;
    }
    if let Some(start) = held_start.as_ref().filter(|_| reorder) {
        crate::stats::Stats::bump(&state.stats.webhooks_reordered);
        delivery::send(state, start, false).await;
    }
}

/// Renders the outputs and returns their URLs.
fn render_outputs(state: &SimState, prediction: &Prediction) -> Vec<String> {
    let input = &prediction.input;
    let prompt = input["prompt"].as_str().unwrap_or_default();
    let dimension = |key: &str| {
        input[key]
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| (1..=4096).contains(v))
            .unwrap_or(512)
    };
    let (width, height) = (dimension("width"), dimension("height"));
    let count = input["num_outputs"].as_u64().unwrap_or(1).clamp(1, 4) as u32;
    // Without a seed the image still varies per prediction, as a random seed would.
    let seed = input["seed"].as_u64().unwrap_or_else(|| {
        prediction.id.bytes().fold(0_u64, |acc, b| {
            acc.wrapping_mul(31).wrapping_add(u64::from(b))
        })
    });
    (0..count)
        .map(|index| {
            let name = format!("out-{index}.png");
            state.put_file(
                format!("{}/{name}", prediction.id),
                render_png(prompt, seed, index, width, height),
            );
            format!("{}/files/{}/{name}", state.config.public_url, prediction.id)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_after_reads_seconds_and_units() {
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1500ms"), Some(Duration::from_millis(1500)));
        for bad in ["", "m", "5x", "-3s", "0s"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
