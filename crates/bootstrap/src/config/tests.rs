//! Configuration rules, one per test.

use super::*;

fn config(vars: &[(&str, &str)]) -> Result<Config, BootstrapError> {
    Config::from_vars(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
}

#[test]
fn no_variables_give_the_embedded_defaults() {
    let config = config(&[]).unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    assert!(matches!(config.provider, ProviderChoice::Simulator { .. }));
    assert_eq!(config.mode(), Mode::Embedded);
    assert_eq!(config.database_max_connections, 16);
}

#[test]
fn an_invalid_value_names_its_variable() {
    let err = config(&[("IMAGEGEN_LISTEN", "not-an-address")]).unwrap_err();
    assert!(err.to_string().starts_with("IMAGEGEN_LISTEN:"), "{err}");
}

#[test]
fn an_unknown_imagegen_variable_is_refused_by_name() {
    let err = config(&[("IMAGEGEN_LISTN", "x")]).unwrap_err();
    assert!(err.to_string().starts_with("IMAGEGEN_LISTN:"), "{err}");
}

#[test]
fn a_short_jwt_secret_is_refused() {
    let err = config(&[("IMAGEGEN_JWT_SECRET", "short")]).unwrap_err();
    assert!(err.to_string().starts_with("IMAGEGEN_JWT_SECRET:"), "{err}");
}

#[test]
fn replicate_needs_a_token_and_valid_webhook_secrets() {
    let err = config(&[("IMAGEGEN_PROVIDER", "replicate")]).unwrap_err();
    assert!(
        err.to_string().starts_with("IMAGEGEN_REPLICATE_API_TOKEN:"),
        "{err}"
    );
    let err = config(&[
        ("IMAGEGEN_PROVIDER", "replicate"),
        ("IMAGEGEN_REPLICATE_API_TOKEN", "r8_x"),
        ("IMAGEGEN_WEBHOOK_SECRETS", "whsec_bad!"),
    ])
    .unwrap_err();
    assert!(
        err.to_string().starts_with("IMAGEGEN_WEBHOOK_SECRETS:"),
        "{err}"
    );
}

#[test]
fn replicate_without_webhook_secrets_fetches_its_own() {
    let config = config(&[
        ("IMAGEGEN_PROVIDER", "replicate"),
        ("IMAGEGEN_REPLICATE_API_TOKEN", "r8_x"),
    ])
    .unwrap();
    let ProviderChoice::Replicate {
        webhook_secrets, ..
    } = config.provider
    else {
        panic!("replicate expected")
    };
    assert!(
        webhook_secrets.is_empty(),
        "none configured: fetched at start"
    );
}

#[test]
fn replicates_create_limit_is_its_own_unless_set() {
    let limit = |extra: &[(&'static str, &'static str)]| {
        let mut vars = vec![
            ("IMAGEGEN_PROVIDER", "replicate"),
            ("IMAGEGEN_REPLICATE_API_TOKEN", "r8_x"),
        ];
        vars.extend_from_slice(extra);
        config(&vars).map(|config| match config.provider {
            ProviderChoice::Replicate {
                creates_per_minute, ..
            } => creates_per_minute,
            _ => panic!("replicate expected"),
        })
    };
    assert_eq!(limit(&[]).unwrap(), 600);
    let raised = limit(&[("IMAGEGEN_REPLICATE_CREATES_PER_MINUTE", "3000")]);
    assert_eq!(raised.unwrap(), 3000);
    for bad in ["0", "many"] {
        let err = limit(&[("IMAGEGEN_REPLICATE_CREATES_PER_MINUTE", bad)]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("IMAGEGEN_REPLICATE_CREATES_PER_MINUTE:"),
            "{err}"
        );
    }
}

#[test]
fn simulator_faults_are_read_by_name() {
    let config = config(&[("IMAGEGEN_SIM_FAULTS", "duplicate_webhook=1")]).unwrap();
    let ProviderChoice::Simulator { faults, .. } = config.provider else {
        panic!("simulator expected")
    };
    assert_eq!(faults.duplicate_webhook, 1.0);
    let err = config_err(&[("IMAGEGEN_SIM_FAULTS", "nope=1")]);
    assert!(err.starts_with("IMAGEGEN_SIM_FAULTS:"), "{err}");
}

fn config_err(vars: &[(&str, &str)]) -> String {
    config(vars).unwrap_err().to_string()
}

#[test]
fn a_database_url_asks_for_the_durable_mode() {
    let config = config(&[("DATABASE_URL", "postgres://u:p@db/imagegen")]).unwrap();
    assert_eq!(config.mode(), Mode::Durable);
}

#[test]
fn a_pool_smaller_than_two_is_refused_by_name() {
    let err = config(&[("IMAGEGEN_DATABASE_MAX_CONNECTIONS", "1")]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("IMAGEGEN_DATABASE_MAX_CONNECTIONS:"),
        "{err}"
    );
}

#[test]
fn a_queue_can_have_its_own_concurrency() {
    let two = config(&[("IMAGEGEN_WORKER_CONCURRENCY_IMAGE_PROCESSING", "2")]).unwrap();
    let image_processing = imagegen_application::ports::QueueName::ImageProcessing;
    assert_eq!(two.workers.per_queue.get(&image_processing), Some(&2));
    let err = config(&[("IMAGEGEN_WORKER_CONCURRENCY_IMAGE_PROCESSING", "0")]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("IMAGEGEN_WORKER_CONCURRENCY_IMAGE_PROCESSING:"),
        "{err}"
    );
}

#[test]
fn openai_is_enabled_beside_the_default_by_its_key_and_needs_its_webhook_secret() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let both = config(&[
        ("IMAGEGEN_OPENAI_API_KEY", "sk-x"),
        ("IMAGEGEN_OPENAI_WEBHOOK_SECRETS", secret),
    ])
    .unwrap();
    assert!(matches!(both.provider, ProviderChoice::Simulator { .. }));
    let names: Vec<_> = both
        .other_providers
        .iter()
        .map(ProviderChoice::name)
        .collect();
    assert_eq!(names, [imagegen_domain::ProviderName::OpenAi]);
    let err = config(&[("IMAGEGEN_OPENAI_API_KEY", "sk-x")]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("IMAGEGEN_OPENAI_WEBHOOK_SECRETS:"),
        "{err}"
    );
    let err = config(&[("IMAGEGEN_PROVIDER", "openai")]).unwrap_err();
    assert!(
        err.to_string().starts_with("IMAGEGEN_OPENAI_API_KEY:"),
        "{err}"
    );
}
