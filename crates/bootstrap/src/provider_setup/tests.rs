//! The in-process simulator's client.

use super::*;
use imagegen_application::ports::PredictionRequest;
use imagegen_domain::{GenerationId, GenerationSettings, Prompt};

/// Replicate's 600 creates a minute do not throttle the in-process simulator:
/// embedded mode runs hundreds of generations a second through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_takes_more_creates_than_replicates_limit_at_once() {
    let choice = ProviderChoice::Simulator {
        start_delay: Duration::from_secs(60),
        run_time: Duration::from_secs(60),
        faults: imagegen_simulator::Faults::default(),
        webhook_secrets: Vec::new(),
    };
    let (shutdown, mut background) = (CancellationToken::new(), JoinSet::new());
    let setup = start_provider(&choice, &shutdown, &mut background)
        .await
        .unwrap();
    let mut creates = JoinSet::new();
    for _ in 0..REPLICATE_CREATES_PER_MINUTE + 50 {
        let provider = setup.provider.clone();
        creates.spawn(async move {
            let request = PredictionRequest {
                generation_id: GenerationId::new(),
                prompt: Prompt::parse("many").unwrap(),
                settings: GenerationSettings::default(),
                webhook_url: None,
            };
            provider.submit(&request).await
        });
    }
    let all = async move {
        let mut answers = Vec::new();
        while let Some(answer) = creates.join_next().await {
            answers.push(answer);
        }
        answers
    };
    let answers = tokio::time::timeout(Duration::from_secs(4), all)
        .await
        .expect("no create waited for a client-side limit");
    assert!(answers.into_iter().all(|answer| answer.unwrap().is_ok()));
    shutdown.cancel();
}
