//! The `ImageProvider` contract, run against the Replicate client and the simulator.

use imagegen_port_contracts::image_provider as contract;
use imagegen_simulator::Faults;

use crate::harness;

#[tokio::test]
async fn a_submission_answers_at_once_with_a_starting_prediction() {
    let h = harness(Faults::default()).await;
    contract::a_submission_answers_at_once_with_a_starting_prediction(&h.client, &h.webhook_url)
        .await;
}

#[tokio::test]
async fn a_submitted_prediction_reads_back_by_its_id() {
    let h = harness(Faults::default()).await;
    contract::a_submitted_prediction_reads_back_by_its_id(&h.client, &h.webhook_url).await;
}

#[tokio::test]
async fn a_cancelled_prediction_reads_back_canceled() {
    let h = harness(Faults::default()).await;
    contract::a_cancelled_prediction_reads_back_canceled(&h.client, &h.webhook_url).await;
}

#[tokio::test]
async fn an_unknown_prediction_is_lost_not_retried() {
    let h = harness(Faults::default()).await;
    contract::an_unknown_prediction_is_lost_not_retried(&h.client).await;
}
