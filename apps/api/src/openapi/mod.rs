//! `GET /openapi.json`: the public HTTP surface as an OpenAPI document, generated from
//! the routes' own annotations and the wire types (`utoipa`), so it cannot drift from
//! the code; `scripts/check-openapi` runs schemathesis against a running api with it.

use axum::Json;
use axum::Router;
use axum::routing::get;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::dto;
use crate::routes;

mod schemas;

pub use schemas::{DeliveryPatchDoc, DeliveryPolicyDoc, Problem, ProblemCode};

/// The bearer token, as a header or (for `EventSource`) the `access_token` query.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        let query = ApiKey::Query(ApiKeyValue::new("access_token"));
        components.add_security_scheme("access_token", SecurityScheme::ApiKey(query));
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "imagegen", description = "Event-driven AI image generation: create, watch, operate."),
    modifiers(&Security),
    security(("bearer" = []), ("access_token" = [])),
    paths(
        routes::generations::create,
        routes::generations::list,
        routes::generations::show,
        routes::generations::cancel,
        routes::events::events,
        routes::long_poll::poll,
        routes::ws::upgrade,
        routes::presence::presence,
        routes::images::image,
        routes::webhooks::per_generation,
        routes::webhooks::project,
        routes::health::healthz,
        routes::health::readyz,
        routes::admin::overview,
        routes::admin::pause,
        routes::admin::resume,
        routes::admin::set_concurrency,
        routes::admin::dead,
        routes::admin::retry,
        routes::delivery::current,
        routes::delivery::replace,
        routes::delivery::patch,
        routes::delivery::mismatches,
        routes::providers::usage,
        routes::providers::test,
        routes::broadcast::broadcast,
    ),
    components(schemas(Problem, ProblemCode, dto::GenerationOut, dto::GenerationIn, DeliveryPolicyDoc, DeliveryPatchDoc))
)]
struct ApiDoc;

/// The document for an api whose generations may name `providers`: the settings'
/// `provider` takes exactly those.
pub fn document(providers: &[&str]) -> Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    // A user override set to null goes.
    let overrides =
        &mut document["components"]["schemas"]["DeliveryPatchDoc"]["properties"]["user_overrides"];
    if overrides.is_object() {
        let mode = overrides["additionalProperties"].take();
        overrides["additionalProperties"] =
            serde_json::json!({ "oneOf": [mode, { "type": "null" }] });
    }
    // A model or a deployment, not both.
    let settings = &mut document["components"]["schemas"]["SettingsIn"];
    if settings.is_object() {
        let both = serde_json::json!({ "type": "string" });
        settings["not"] = serde_json::json!({
            "properties": { "model": both, "deployment": both },
            "required": ["model", "deployment"],
        });
    }
    let provider = &mut document["components"]["schemas"]["SettingsIn"]["properties"]["provider"];
    if provider.is_object() {
        let mut names: Vec<Value> = providers.iter().map(|&p| Value::from(p)).collect();
        names.push(Value::Null);
        provider["enum"] = Value::Array(names);
    }
    document
}

/// `GET /openapi.json`, for an api whose generations may name `providers`.
pub fn router(providers: &[&str]) -> Router {
    let document = document(providers);
    Router::new().route(
        "/openapi.json",
        get(move || async move { Json(document.clone()) }),
    )
}
