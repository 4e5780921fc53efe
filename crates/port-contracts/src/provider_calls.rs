//! Contract of `ProviderCalls`: each call counts once, under its provider and reason;
//! counters that were never touched are not listed.

use imagegen_application::ports::{CallCount, CallReason, ProviderCalls};
use imagegen_domain::ProviderName;

/// The rule: Calls count per provider and reason.
pub async fn calls_count_per_provider_and_reason(calls: &impl ProviderCalls) {
    assert!(
        calls.counts().await.unwrap().is_empty(),
        "nothing counted yet"
    );
    for _ in 0..3 {
        calls
            .record(ProviderName::Replicate, CallReason::Create)
            .await
            .unwrap();
    }
    calls
        .record(ProviderName::Replicate, CallReason::Reconcile)
        .await
        .unwrap();
    calls
        .record(ProviderName::Simulator, CallReason::Cancel)
        .await
        .unwrap();
    let expected = vec![
        CallCount {
            provider: ProviderName::Replicate,
            reason: CallReason::Create,
            calls: 3,
        },
        CallCount {
            provider: ProviderName::Replicate,
            reason: CallReason::Reconcile,
            calls: 1,
        },
        CallCount {
            provider: ProviderName::Simulator,
            reason: CallReason::Cancel,
            calls: 1,
        },
    ];
    assert_eq!(calls.counts().await.unwrap(), expected);
}
