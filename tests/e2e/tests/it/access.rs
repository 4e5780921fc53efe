//! Who may see what, over real HTTP: forged tokens, the organization channel and the
//! one access rule it shares with REST, and the cap on channels per stream.

use serde_json::json;

use crate::support::{start, until, user};

#[tokio::test]
async fn tokens_with_tampered_claims_or_no_algorithm_are_refused() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    let api = start().await;
    let (alice, mallory) = (user(), user());
    let parts: Vec<&str> = alice.token.split('.').collect();
    // Mallory's claims under Alice's signature.
    let forged_claims = mallory.token.split('.').nth(1).unwrap();
    let tampered = format!("{}.{forged_claims}.{}", parts[0], parts[2]);
    // `alg: none` with no signature at all.
    let header = B64.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{header}.{}.", parts[1]);
    for token in [tampered, unsigned] {
        let response = api
            .http
            .get(format!("{}/v1/generations", api.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "accepted {token}");
        let events = api
            .http
            .get(format!("{}/v1/events?access_token={token}", api.base))
            .send()
            .await
            .unwrap();
        assert_eq!(events.status(), 401);
        let problem: serde_json::Value = events.json().await.unwrap();
        assert_eq!(problem["code"], "unauthorized");
    }
    api.stop().await;
}

#[tokio::test]
async fn the_organization_channel_carries_its_members_events() {
    let api = start().await;
    let alice = user();
    let query = format!(
        "channel=organization:{}&access_token={}",
        alice.org, alice.token
    );
    let mut org_events = api.events(&query, None).await;
    let created = api
        .create_ok(&alice, json!({ "prompt": "for the team" }))
        .await;
    let seen = until(&mut org_events, "GenerationCompleted").await;
    assert!(seen.iter().all(|m| m.data["aggregate_id"] == created["id"]));
    assert!(
        seen.iter()
            .all(|m| m.data["organization_id"] == alice.org.to_string())
    );
    api.stop().await;
}

#[tokio::test]
async fn what_the_organization_channel_shows_a_member_the_member_may_read_over_rest() {
    use imagegen_application::{Caller, Role};
    use imagegen_domain::{OrganizationId, UserId};
    let api = start().await;
    let alice = user();
    let token_for = |org: uuid::Uuid| {
        let caller = Caller {
            user_id: UserId::from_uuid(uuid::Uuid::new_v4()),
            organization_id: OrganizationId::from_uuid(org),
            role: Role::User,
        };
        imagegen_bootstrap::JwtCodec::new(crate::support::SECRET.as_bytes())
            .issue(&caller, chrono::Duration::minutes(10))
            .unwrap()
    };
    let (colleague, outsider) = (token_for(alice.org), token_for(uuid::Uuid::new_v4()));
    let query = format!(
        "channel=organization:{}&access_token={colleague}",
        alice.org
    );
    let mut seen_by_colleague = api.events(&query, None).await;
    let created = api
        .create_ok(&alice, json!({ "prompt": "team work" }))
        .await;
    let id = created["id"].as_str().unwrap();
    until(&mut seen_by_colleague, "GenerationCompleted").await;
    let read = |token: String| {
        let url = format!("{}/v1/generations/{id}", api.base);
        let http = api.http.clone();
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        read(colleague).await,
        200,
        "a member reads what the channel showed"
    );
    assert_eq!(read(outsider.clone()).await, 404);
    let query = format!("channel=organization:{}&access_token={outsider}", alice.org);
    let forbidden = api
        .http
        .get(format!("{}/v1/events?{query}", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), 403);
    api.stop().await;
}

#[tokio::test]
async fn a_stream_asking_for_too_many_channels_is_refused_before_any_work() {
    let api = start().await;
    let alice = user();
    let channels: String = (0..33)
        .map(|_| format!("channel=user:{}&", alice.id))
        .collect();
    let response = api
        .http
        .get(format!(
            "{}/v1/events?{channels}access_token={}",
            api.base, alice.token
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("32"),
        "{problem}"
    );
    api.stop().await;
}
