//! One submission job delivered twice at once (its lease expired mid-call): both
//! deliveries call the provider, one prediction is recorded, and the other is
//! cancelled at the provider instead of being left running.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use imagegen_application::jobs::{
    JobHandler, JobPayload, SubmitGeneration, SubmitGenerationHandler,
};
use imagegen_application::ports::ProviderResult as Result;
use imagegen_application::ports::{
    GenerationRepository, ImageProvider, JobQueue, PredictionRequest, QueueName, SystemClock,
};
use imagegen_domain::{ExternalId, GenerationStatus, ProviderStatus, ProviderUpdate};
use imagegen_memory::{MemoryGenerationStore, MemoryJobQueue};
use tokio::sync::Barrier;

use crate::handlers::saved;

/// Answers each create with a new prediction id, once both calls are in flight.
struct RacingProvider {
    both_in_flight: Barrier,
    created: Mutex<Vec<ExternalId>>,
    cancelled: Mutex<Vec<ExternalId>>,
}

#[async_trait]
impl ImageProvider for RacingProvider {
    async fn submit(&self, _request: &PredictionRequest) -> Result<ProviderUpdate> {
        let id = {
            let mut created = self.created.lock().unwrap();
            let id = ExternalId::parse(format!("pred-{}", created.len() + 1)).unwrap();
            created.push(id.clone());
            id
        };
        self.both_in_flight.wait().await;
        Ok(ProviderUpdate {
            external_id: id,
            status: ProviderStatus::Starting,
            output_urls: vec![],
            error: None,
        })
    }
    async fn fetch(&self, _id: &ExternalId) -> Result<ProviderUpdate> {
        unreachable!("no polling here")
    }
    async fn cancel(&self, id: &ExternalId) -> Result<()> {
        self.cancelled.lock().unwrap().push(id.clone());
        Ok(())
    }
}

#[tokio::test]
async fn two_deliveries_of_one_submission_record_one_prediction_and_cancel_the_other() {
    let queue = Arc::new(MemoryJobQueue::new());
    let store = Arc::new(MemoryGenerationStore::new(queue.clone()));
    let id = saved(&store, &[]).await;
    let provider = Arc::new(RacingProvider {
        both_in_flight: Barrier::new(2),
        created: Mutex::default(),
        cancelled: Mutex::default(),
    });
    let handler = Arc::new(SubmitGenerationHandler::new(
        store.clone(),
        provider.clone(),
        Arc::new(SystemClock),
        "http://x/webhooks",
    ));
    queue
        .enqueue(SubmitGeneration { generation_id: id }.to_job().unwrap())
        .await
        .unwrap();
    let first = queue
        .reserve(
            &[QueueName::ProviderSubmissions],
            std::time::Duration::ZERO,
            std::time::Duration::ZERO,
        )
        .await
        .unwrap()
        .unwrap();
    // The lease was zero: the job is delivered again while the first delivery runs.
    let second = queue
        .reserve(
            &[QueueName::ProviderSubmissions],
            std::time::Duration::from_secs(30),
            std::time::Duration::ZERO,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.id, second.id);
    let (a, b) = (handler.clone(), handler.clone());
    let (r1, r2) = tokio::join!(a.handle(&first), b.handle(&second));
    r1.unwrap();
    r2.unwrap();

    let generation = store.get(id).await.unwrap().unwrap();
    assert_eq!(generation.status(), GenerationStatus::Starting);
    let created = provider.created.lock().unwrap().clone();
    let cancelled = provider.cancelled.lock().unwrap().clone();
    assert_eq!(created.len(), 2, "both deliveries called the provider");
    let recorded = generation.external_id().unwrap().clone();
    assert!(created.contains(&recorded));
    assert_eq!(cancelled.len(), 1);
    assert_ne!(cancelled[0], recorded, "the orphan is cancelled, not ours");
}
