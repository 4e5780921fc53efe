//! The simulator's shared state.

use std::collections::HashMap;
use std::sync::Mutex;

use rand::Rng;

use crate::config::{Faults, SimulatorConfig};
use crate::prediction::Prediction;
use crate::stats::Stats;

pub(crate) struct SimState {
    pub config: SimulatorConfig,
    pub stats: Stats,
    /// The faults now: `config.faults` at start, changed by [`SimState::set_faults`].
    faults: Mutex<Faults>,
    predictions: Mutex<HashMap<String, Prediction>>,
    /// Rendered outputs by `{prediction id}/{file name}`.
    files: Mutex<HashMap<String, Vec<u8>>>,
    pub http: reqwest::Client,
}

use imagegen_application::lock;

impl SimState {
    pub fn new(config: SimulatorConfig) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self {
            faults: Mutex::new(config.faults.clone()),
            config,
            stats: Stats::default(),
            predictions: Mutex::default(),
            files: Mutex::default(),
            http,
        }
    }

    /// The faults in force now.
    pub fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = faults;
    }

    /// Forgets every prediction, as a restarted simulator would.
    pub fn forget_predictions(&self) {
        lock(&self.predictions).clear();
    }

    /// True with probability `p`.
    pub fn roll(&self, p: f64) -> bool {
        p > 0.0 && rand::thread_rng().gen_bool(p.min(1.0))
    }

    /// The create faults, rolled once per create: `429` (answered with `Retry-After: 1`)
    /// or `500`, each protocol in its own error shape.
    pub fn create_fault(&self) -> Option<axum::http::StatusCode> {
        let faults = self.faults();
        if self.roll(faults.create_rate_limited) {
            return Some(axum::http::StatusCode::TOO_MANY_REQUESTS);
        }
        self.roll(faults.create_server_error)
            .then_some(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn insert(&self, prediction: Prediction) {
        lock(&self.predictions).insert(prediction.id.clone(), prediction);
    }

    pub fn get(&self, id: &str) -> Option<Prediction> {
        lock(&self.predictions).get(id).cloned()
    }

    /// Changes a prediction and returns the new copy.
    pub fn update(&self, id: &str, change: impl FnOnce(&mut Prediction)) -> Option<Prediction> {
        let mut predictions = lock(&self.predictions);
        let prediction = predictions.get_mut(id)?;
        change(prediction);
        Some(prediction.clone())
    }

    pub fn put_file(&self, key: String, bytes: Vec<u8>) {
        lock(&self.files).insert(key, bytes);
    }

    pub fn file(&self, key: &str) -> Option<Vec<u8>> {
        lock(&self.files).get(key).cloned()
    }
}
