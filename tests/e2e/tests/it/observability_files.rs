//! The alert rules, the dashboard and the operations guide name only metrics the code
//! exports, and the guide lists every metric and has a runbook for every alert.

use std::collections::BTreeSet;
use std::path::PathBuf;

use imagegen_application::metric_names::CATALOGUE;
use imagegen_bootstrap::metrics_export::PROCESS_METRICS;

fn repository_file(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every metric name the text mentions (`imagegen_*`, `process_*`), without the
/// suffixes a histogram's series add.
fn metric_names_in(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for prefix in ["imagegen_", "process_"] {
        for (at, _) in text.match_indices(prefix) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            let name = ["_bucket", "_count", "_sum"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .unwrap_or(&name)
                .to_owned();
            names.insert(name);
        }
    }
    names
}

fn exported() -> BTreeSet<String> {
    (CATALOGUE.iter().map(|m| m.name))
        .chain(PROCESS_METRICS.iter().copied())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_dashboard_and_the_alerts_name_only_exported_metrics() {
    let dashboard = repository_file("deploy/grafana/imagegen.json");
    let parsed: serde_json::Value = serde_json::from_str(&dashboard).unwrap();
    let panels = parsed["panels"].as_array().unwrap();
    assert!(panels.len() >= 10, "a dashboard of {} panels", panels.len());
    let exprs: Vec<&str> = (panels.iter())
        .flat_map(|p| p["targets"].as_array().unwrap())
        .map(|t| t["expr"].as_str().unwrap())
        .collect();
    for (file, text) in [
        ("deploy/grafana/imagegen.json", exprs.join("\n")),
        (
            "deploy/prometheus/alerts.yml",
            repository_file("deploy/prometheus/alerts.yml"),
        ),
    ] {
        let named = metric_names_in(&text);
        assert!(!named.is_empty(), "{file} names no metric");
        let exported = exported();
        let unknown: Vec<_> = named.difference(&exported).collect();
        assert!(
            unknown.is_empty(),
            "{file} names metrics nobody exports: {unknown:?}"
        );
    }
}

#[test]
fn the_operations_guide_lists_every_metric_and_a_runbook_for_every_alert() {
    let guide = repository_file("docs/operations.md");
    for metric in CATALOGUE {
        assert!(
            guide.contains(&format!("`{}`", metric.name)),
            "docs/operations.md lacks {}",
            metric.name
        );
    }
    let rules = repository_file("deploy/prometheus/alerts.yml");
    let alerts: Vec<&str> = (rules.lines())
        .filter_map(|line| line.trim().strip_prefix("- alert: "))
        .collect();
    assert!(alerts.len() >= 8, "{alerts:?}");
    for alert in alerts {
        let anchor = format!("#{}", alert.to_lowercase());
        assert!(rules.contains(&anchor), "{alert} has no runbook_url");
        assert!(
            guide.contains(&format!("### {alert}")),
            "docs/operations.md has no runbook for {alert}"
        );
    }
}
