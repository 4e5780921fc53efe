//! Job payloads as the queues store them: tagged by kind, and the untagged shapes an
//! earlier version queued still decode to the same jobs (a deploy never strands them).

use imagegen_application::Error;
use imagegen_application::jobs::{
    ApplyProviderUpdate, CancelPrediction, EndStuckGeneration, GenerationWebhookJob, JobPayload,
    ProviderSubmissionJob, ResolveProviderEvent, StuckReason, SubmitGeneration, VerifyByPoll,
};
use imagegen_application::ports::{Job, JobId, QueueName, UpdateSource};
use imagegen_domain::GenerationId;
use serde_json::json;
use uuid::Uuid;

const ID: &str = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

fn stored(queue: QueueName, payload: serde_json::Value) -> Job {
    Job {
        id: JobId(Uuid::now_v7()),
        queue,
        payload,
        attempt: 1,
        max_attempts: 8,
        lease_token: Uuid::now_v7(),
        due_at: None,
    }
}

fn submission(payload: serde_json::Value) -> ProviderSubmissionJob {
    ProviderSubmissionJob::from_job(&stored(QueueName::ProviderSubmissions, payload)).unwrap()
}

fn webhook_job(payload: serde_json::Value) -> GenerationWebhookJob {
    GenerationWebhookJob::from_job(&stored(QueueName::GenerationWebhooks, payload)).unwrap()
}

fn id() -> GenerationId {
    serde_json::from_value(json!(ID)).unwrap()
}

#[test]
fn provider_submissions_queued_by_the_earlier_version_still_decode() {
    assert_eq!(
        submission(json!({ "generation_id": ID })),
        ProviderSubmissionJob::Submit(SubmitGeneration {
            generation_id: id()
        })
    );
    assert_eq!(
        submission(json!({ "cancel_prediction_of": ID })),
        ProviderSubmissionJob::Cancel(CancelPrediction {
            generation_id: id()
        })
    );
    assert_eq!(
        submission(json!({ "verify_prediction_of": ID })),
        ProviderSubmissionJob::Verify(VerifyByPoll {
            generation_id: id()
        })
    );
    let stuck =
        submission(json!({ "stuck_generation": ID, "external_id": "p-1", "reason": "timeout" }));
    let ProviderSubmissionJob::EndStuck(EndStuckGeneration {
        generation_id,
        reason,
        ..
    }) = stuck
    else {
        panic!("{stuck:?}");
    };
    assert_eq!((generation_id, reason), (id(), StuckReason::Timeout));
}

#[test]
fn generation_webhook_jobs_queued_by_the_earlier_version_still_decode() {
    let update = json!({ "external_id": "p-1", "status": "succeeded", "output_urls": [] });
    let polled = webhook_job(json!({
        "provider": "replicate", "webhook_id": "poll:p-1:Succeeded",
        "generation_id": ID, "update": update,
    }));
    let GenerationWebhookJob::Apply(ApplyProviderUpdate { source, .. }) = polled else {
        panic!("{polled:?}");
    };
    assert_eq!(
        source,
        UpdateSource::Poll,
        "the old `poll:` id says where it came from"
    );
    let pushed = webhook_job(json!({
        "provider": "replicate", "webhook_id": "msg_1", "generation_id": ID, "update": update,
    }));
    let GenerationWebhookJob::Apply(ApplyProviderUpdate { source, .. }) = pushed else {
        panic!("{pushed:?}");
    };
    assert_eq!(source, UpdateSource::Webhook);
    let resolve = webhook_job(json!({
        "resolve_event_of": "resp_1", "provider": "openai", "webhook_id": "evt_1",
    }));
    assert!(
        matches!(&resolve, GenerationWebhookJob::Resolve(ResolveProviderEvent { external_id, .. }) if external_id.as_str() == "resp_1"),
        "{resolve:?}"
    );
}

#[test]
fn new_jobs_are_stored_tagged_with_their_kind_and_read_back() {
    let cancel = CancelPrediction {
        generation_id: id(),
    }
    .to_job()
    .unwrap();
    assert_eq!(cancel.payload["kind"], "cancel");
    assert_eq!(
        submission(cancel.payload),
        ProviderSubmissionJob::Cancel(CancelPrediction {
            generation_id: id()
        })
    );
    let submit = SubmitGeneration {
        generation_id: id(),
    }
    .to_job()
    .unwrap();
    assert_eq!(submit.payload["kind"], "submit");
    assert_eq!(
        submission(submit.payload),
        ProviderSubmissionJob::Submit(SubmitGeneration {
            generation_id: id()
        })
    );
}

#[test]
fn a_payload_of_no_known_kind_is_corrupt_and_never_retried() {
    for payload in [
        json!({ "kind": "explode", "generation_id": ID }),
        json!({ "n": 1 }),
    ] {
        let job = stored(QueueName::ProviderSubmissions, payload);
        let error = ProviderSubmissionJob::from_job(&job).unwrap_err();
        assert!(matches!(error, Error::Corrupt { .. }), "{error:?}");
        assert!(!error.is_transient());
    }
}
