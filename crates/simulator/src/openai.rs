//! OpenAI's Responses endpoints as a background `image_generation` call uses them:
//! create, get, cancel, errors as `{"error": {...}}`; the response object with the
//! image as base64; the thin webhook envelope that only names the response.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::lifecycle;
use crate::openai_objects::response_json;
use crate::prediction::{Prediction, Protocol, new_id};
use crate::routes::authorized;
use crate::state::SimState;
use crate::stats::Stats;

type Shared = State<Arc<SimState>>;

/// The sizes OpenAI's image models make (`auto` is the first).
const SIZES: [&str; 3] = ["1024x1024", "1024x1536", "1536x1024"];

pub(crate) fn router() -> Router<Arc<SimState>> {
    Router::new()
        .route("/v1/responses", post(create))
        .route("/v1/responses/{id}", get(get_response))
        .route("/v1/responses/{id}/cancel", post(cancel))
}

/// OpenAI's error shape.
fn error(status: StatusCode, message: &str, param: Option<&str>) -> Response {
    let kind = match status {
        StatusCode::UNAUTHORIZED => "invalid_api_key",
        StatusCode::TOO_MANY_REQUESTS => "rate_limit_exceeded",
        s if s.is_server_error() => "server_error",
        _ => "invalid_request_error",
    };
    let body =
        json!({ "error": { "message": message, "type": kind, "param": param, "code": null } });
    (status, axum::Json(body)).into_response()
}

fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "You didn't provide an API key.",
        None,
    )
}

/// What a create asks for.
struct CreateRequest {
    prompt: String,
    model: String,
    size: (u32, u32),
    metadata: Value,
    tools: Value,
}

/// The prompt, model, size and metadata of a create body, or the 400 OpenAI answers.
#[allow(clippy::result_large_err)] // a Response is what an axum handler returns anyway
fn read_create(body: &[u8]) -> Result<CreateRequest, Response> {
    let bad = |message: &str, param: &str| error(StatusCode::BAD_REQUEST, message, Some(param));
    let body: Value = serde_json::from_slice(body)
        .map_err(|_| bad("We could not parse the JSON body of your request.", "body"))?;
    let model = body["model"].as_str().filter(|m| !m.is_empty());
    let model = model.ok_or_else(|| bad("Missing required parameter: 'model'.", "model"))?;
    let prompt = body["input"].as_str().filter(|p| !p.trim().is_empty());
    let prompt = prompt.ok_or_else(|| bad("input must be a non-empty string here.", "input"))?;
    if body["background"] != Value::Bool(true) {
        return Err(bad(
            "the simulator runs background responses only",
            "background",
        ));
    }
    let tools = body["tools"].clone();
    let tool = tools
        .as_array()
        .and_then(|t| t.iter().find(|tool| tool["type"] == "image_generation"));
    let tool = tool.ok_or_else(|| bad("tools must include image_generation", "tools"))?;
    let size = match tool["size"].as_str().unwrap_or("auto") {
        "auto" => SIZES[0],
        size => size,
    };
    let size = SIZES
        .contains(&size)
        .then(|| size.split_once('x'))
        .flatten()
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)));
    let size = size.ok_or_else(|| {
        bad(
            "Invalid size: use 1024x1024, 1024x1536, 1536x1024 or auto.",
            "tools[0].size",
        )
    })?;
    let metadata = body["metadata"].clone();
    let fits = match &metadata {
        Value::Null => true,
        Value::Object(pairs) => {
            pairs.len() <= 16
                && pairs
                    .iter()
                    .all(|(k, v)| k.len() <= 64 && v.as_str().is_some_and(|v| v.len() <= 512))
        }
        _ => false,
    };
    if !fits {
        return Err(bad("metadata: at most 16 string pairs", "metadata"));
    }
    Ok(CreateRequest {
        prompt: prompt.to_owned(),
        model: model.to_owned(),
        size,
        metadata,
        tools,
    })
}

async fn create(State(state): Shared, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    Stats::bump(&state.stats.openai_creates);
    if !authorized(&headers) {
        return unauthorized();
    }
    if let Some(status) = state.create_fault() {
        let message = match status {
            StatusCode::TOO_MANY_REQUESTS => "Rate limit reached.",
            _ => "simulated server error (fault injection)",
        };
        let mut response = error(status, message, None);
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry = header::HeaderValue::from_static("1");
            response.headers_mut().insert(header::RETRY_AFTER, retry);
        }
        return response;
    }
    let CreateRequest {
        prompt,
        model,
        size: (width, height),
        metadata,
        tools,
    } = match read_create(&body) {
        Ok(read) => read,
        Err(response) => return response,
    };
    let input = json!({ "prompt": prompt, "width": width, "height": height, "num_outputs": 1,
                        "metadata": metadata, "tools": tools });
    // One project-level endpoint for every response; terminal events only.
    let webhook = state.config.openai_webhook_url.clone();
    let prediction = Prediction::starting(
        (Protocol::OpenAi, format!("resp_{}", new_id())),
        (model, String::new()),
        input,
        (webhook, vec!["completed".into()]),
    );
    let json = response_json(&state, &prediction);
    let id = prediction.id.clone();
    state.insert(prediction);
    lifecycle::spawn(state, id, None);
    axum::Json(json).into_response()
}

async fn get_response(
    State(state): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    Stats::bump(&state.stats.openai_gets);
    if !authorized(&headers) {
        return unauthorized();
    }
    match state.get(&id).filter(|p| p.protocol == Protocol::OpenAi) {
        Some(prediction) => axum::Json(response_json(&state, &prediction)).into_response(),
        None => not_found(&id),
    }
}

async fn cancel(State(state): Shared, headers: HeaderMap, Path(id): Path<String>) -> Response {
    Stats::bump(&state.stats.openai_cancels);
    if !authorized(&headers) {
        return unauthorized();
    }
    if state
        .get(&id)
        .is_none_or(|p| p.protocol != Protocol::OpenAi)
    {
        return not_found(&id);
    }
    match lifecycle::cancel(&state, &id) {
        Some(prediction) => axum::Json(response_json(&state, &prediction)).into_response(),
        None => not_found(&id),
    }
}

fn not_found(id: &str) -> Response {
    let message = format!("Response with id '{id}' not found.");
    error(StatusCode::NOT_FOUND, &message, None)
}
