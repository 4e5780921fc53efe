//! One prediction's run: starting -> processing -> succeeded (or failed).

use std::sync::Arc;

use chrono::Utc;
use serde_json::Value;

use crate::delivery;
use crate::render::render_png;
use crate::state::SimState;

/// Runs a prediction in the background; cancelling it stops the run.
pub(crate) fn spawn(state: Arc<SimState>, id: String) {
    tokio::spawn(async move { run(&state, &id).await });
}

async fn run(state: &SimState, id: &str) {
    let reorder = state.roll(state.config.faults.reorder_webhooks);
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
    let fail = state.roll(state.config.faults.fail_prediction);
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
fn render_outputs(state: &SimState, prediction: &crate::prediction::Prediction) -> Vec<String> {
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
