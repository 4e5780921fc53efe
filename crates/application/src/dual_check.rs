//! Comparing what the two paths of a `dual` generation saw of its end: the status,
//! the outputs, and when each saw it.

use chrono::{DateTime, TimeDelta, Utc};
use imagegen_domain::{GenerationId, ProviderStatus, ProviderUpdate};

use crate::Result;
use crate::ports::{DeliveryChecks, Mismatch, MismatchKind, Observation, UpdateSource};

/// How far apart the two paths may see the end before it is a timing mismatch: polls
/// come every 2 s, webhooks within seconds.
pub const TIMING_TOLERANCE: TimeDelta = TimeDelta::seconds(30);

/// Every way `webhook` and `poll` disagree.
pub fn disagreements(webhook: &Observation, poll: &Observation) -> Vec<MismatchKind> {
    let mut kinds = Vec::new();
    if webhook.status != poll.status {
        kinds.push(MismatchKind::Status);
    } else if webhook.outputs != poll.outputs {
        kinds.push(MismatchKind::Outputs);
    }
    if (webhook.seen_at - poll.seen_at).abs() > TIMING_TOLERANCE {
        kinds.push(MismatchKind::Timing);
    }
    kinds
}

/// Notes the end `update` shows, as seen by `source`, and records how it disagrees
/// with what the other path saw, if that one has seen the end too. Updates that are
/// not an end are not compared.
///
/// # Errors
/// The store's `Unavailable`.
pub async fn observe_end(
    checks: &dyn DeliveryChecks,
    generation_id: GenerationId,
    source: UpdateSource,
    update: &ProviderUpdate,
    now: DateTime<Utc>,
) -> Result<Vec<MismatchKind>> {
    if matches!(
        update.status,
        ProviderStatus::Starting | ProviderStatus::Processing
    ) {
        return Ok(Vec::new());
    }
    let observation = Observation {
        generation_id,
        source,
        status: update.status,
        outputs: update.output_urls.clone(),
        seen_at: now,
    };
    let Some(other) = checks.observe(&observation).await? else {
        return Ok(Vec::new());
    };
    let (webhook, poll) = match source {
        UpdateSource::Webhook => (observation, other),
        UpdateSource::Poll => (other, observation),
    };
    let kinds = disagreements(&webhook, &poll);
    for kind in &kinds {
        let mismatch = Mismatch {
            generation_id,
            kind: *kind,
            webhook: webhook.clone(),
            poll: poll.clone(),
            recorded_at: now,
        };
        tracing::warn!(generation.id = %generation_id, ?kind, "webhook and poll disagree");
        checks.record_mismatch(&mismatch).await?;
        metrics::counter!(crate::metric_names::DUAL_MISMATCHES).increment(1);
    }
    Ok(kinds)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use imagegen_domain::{GenerationId, ProviderStatus};

    use super::*;
    use crate::ports::UpdateSource;

    fn seen(source: UpdateSource, status: ProviderStatus, output: &str, late: i64) -> Observation {
        Observation {
            generation_id: GenerationId::new(),
            source,
            status,
            outputs: vec![output.to_owned()],
            seen_at: Utc::now() + TimeDelta::seconds(late),
        }
    }

    #[test]
    fn agreement_status_outputs_and_timing() {
        use ProviderStatus::{Failed, Succeeded};
        use UpdateSource::{Poll, Webhook};
        let webhook = seen(Webhook, Succeeded, "a", 0);
        assert!(disagreements(&webhook, &seen(Poll, Succeeded, "a", 3)).is_empty());
        assert_eq!(
            disagreements(&webhook, &seen(Poll, Failed, "a", 0)),
            [MismatchKind::Status]
        );
        assert_eq!(
            disagreements(&webhook, &seen(Poll, Succeeded, "b", 0)),
            [MismatchKind::Outputs]
        );
        assert_eq!(
            disagreements(&webhook, &seen(Poll, Succeeded, "a", 45)),
            [MismatchKind::Timing]
        );
    }
}
