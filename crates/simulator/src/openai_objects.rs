//! OpenAI's objects as the simulator serves them: the response (its image as base64)
//! and the thin webhook event that only names it.

use base64::Engine;
use chrono::Utc;
use serde_json::{Value, json};

use crate::prediction::{Prediction, new_id};
use crate::state::SimState;

/// OpenAI's status for the simulator's.
fn status(prediction: &Prediction) -> &'static str {
    match prediction.status {
        "starting" => "queued",
        "processing" => "in_progress",
        "succeeded" => "completed",
        "canceled" => "cancelled",
        _ => "failed",
    }
}

/// The response object: on completion, one `image_generation_call` per image, its
/// `result` the base64 PNG.
pub(crate) fn response_json(state: &SimState, prediction: &Prediction) -> Value {
    let images = (0..)
        .map_while(|index| state.file(&format!("{}/out-{index}.png", prediction.id)))
        .enumerate();
    let output: Vec<Value> = if prediction.status == "succeeded" {
        images
            .map(|(index, png)| {
                json!({ "type": "image_generation_call", "id": format!("ig_{}_{index}", prediction.id),
                        "status": "completed", "output_format": "png",
                        "result": base64::engine::general_purpose::STANDARD.encode(png) })
            })
            .collect()
    } else {
        Vec::new()
    };
    let error = prediction
        .error
        .as_ref()
        .map(|message| json!({ "code": "server_error", "message": message }));
    json!({
        "id": prediction.id, "object": "response", "created_at": prediction.created_at.timestamp(),
        "status": status(prediction), "background": true, "model": prediction.model,
        "metadata": prediction.input["metadata"], "tools": prediction.input["tools"],
        "error": error, "incomplete_details": null, "output": output,
    })
}

/// The webhook body: an event naming the response, never its result.
pub(crate) fn event_json(prediction: &Prediction) -> Value {
    json!({
        "object": "event", "id": format!("evt_{}", new_id()),
        "type": format!("response.{}", status(prediction)),
        "created_at": Utc::now().timestamp(), "data": { "id": prediction.id },
    })
}
