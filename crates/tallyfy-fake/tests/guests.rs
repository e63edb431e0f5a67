//! The eight guest operations over real HTTP, with every validation rule of create-guest.

mod common;

use common::{Api, enc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tallyfy_fake::SeedGuest;

/// Emails that need care in a path: each must be found again when sent percent-encoded.
const AWKWARD: &[&str] = &[
    "o'brien+tag@x.io",
    "a/b@x.io",
    "100%real@x.io",
    "hash#tag@x.io",
    "what?now@x.io",
    "zoë.müller@exämple.de",
    "plus+only@x.io",
    "~tilde_under-score.dot@x.io",
];

#[tokio::test]
async fn get_guest_with_and_without_stats() {
    let api = Api::start(5, 3).await;
    let email = api.fake.guests()[0].email.clone().unwrap();
    let r = api.get(&api.guest_url(&email, "")).await;
    assert_eq!(r.status, StatusCode::OK);
    let data = &r.json()["data"];
    assert_eq!(data["email"], email.as_str());
    assert!(data.get("stats").is_none(), "no stats unless asked: {data}");
    // Documented fields are present even when null.
    for key in ["deleted_at", "link", "last_known_ip", "first_name"] {
        assert!(data.get(key).is_some(), "{key} missing: {data}");
    }
    assert!(data["details"].get("disabled_at").is_some());
    let r = api
        .get(&format!("{}?with=stats", api.guest_url(&email, "")))
        .await;
    assert!(r.json()["data"]["stats"].is_object());
    let r = api
        .get(&format!("{}?with=groups", api.guest_url(&email, "")))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("with"));
}

#[tokio::test]
async fn get_unknown_guest_is_404() {
    let api = Api::start(2, 1).await;
    let r = api.get(&api.guest_url("nobody@x.io", "")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "RESOURCE_NOT_FOUND");
    assert_eq!(r.json()["error"], true);
}

#[tokio::test]
async fn guest_email_lookup_is_case_insensitive() {
    let api = Api::start(0, 1).await;
    api.fake.insert_guest(SeedGuest::new("Mixed.Case@X.io"));
    let r = api.get(&api.guest_url("mixed.case@x.io", "")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["data"]["email"], "Mixed.Case@X.io");
}

#[tokio::test]
async fn awkward_emails_are_decoded_exactly_once() {
    let api = Api::start(0, 1).await;
    for email in AWKWARD {
        api.fake.insert_guest(SeedGuest::new(*email));
        let url = api.guest_url(email, "");
        let r = api.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{email}: {}", r.text);
        assert_eq!(r.json()["data"]["email"], *email);
        // The fake saw the encoded segment, byte for byte.
        let seen = api.fake.last_request().unwrap();
        assert_eq!(
            seen.target,
            format!("/api/organizations/org-1/guests/{}", enc(email))
        );
    }
    // Decoding twice would turn `%2540` into `@`: a guest literally named `x%40y@x.io` is distinct.
    api.fake.insert_guest(SeedGuest::new("x%40y@x.io"));
    let r = api.get(&api.guest_url("x%40y@x.io", "")).await;
    assert_eq!(r.json()["data"]["email"], "x%40y@x.io");
    let r = api.get(&api.guest_url("x@y@x.io", "")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A raw `+` in the path is a plus, not a space.
    let raw = format!("{}/guests/plus+only@x.io", api.url(""));
    let r = api.get(&raw).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn awkward_emails_through_every_guest_operation() {
    let api = Api::start(0, 2).await;
    for email in AWKWARD {
        let r = api
            .post(&api.url("/guests"), json!({ "email": email }))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{email}: {}", r.text);
        let r = api
            .put(
                &api.guest_url(email, ""),
                json!({"associated_members": [1001]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{email}: {}", r.text);
        let r = api.delete(&api.guest_url(email, "/disable")).await;
        assert_eq!(r.status, StatusCode::OK, "{email}: {}", r.text);
        let r = api.put_empty(&api.guest_url(email, "/enable")).await;
        assert_eq!(r.status, StatusCode::OK, "{email}: {}", r.text);
        let r = api.delete(&api.guest_url(email, "/disable")).await;
        assert_eq!(r.status, StatusCode::OK);
        let r = api.delete(&api.guest_url(email, "/delete")).await;
        assert_eq!(r.status, StatusCode::OK, "{email}: {}", r.text);
        assert!(api.fake.guest(email).is_none());
    }
}

#[tokio::test]
async fn create_minimal_and_full() {
    let api = Api::start(0, 1).await;
    let r = api
        .post(
            &api.url("/guests"),
            json!({"email": "new.guest@contractor.com"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let d = &r.json()["data"];
    assert_eq!(d["email"], "new.guest@contractor.com");
    assert!(d["id"].is_i64());
    assert!(d["link"].as_str().unwrap().starts_with("https://"));
    let created = d["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.contains('T'), "{created}");

    let full = json!({
        "email": "client.contact@acme.com",
        "first_name": "Client",
        "last_name": "Contact",
        "company_name": "ACME Corp",
        "opportunity_name": "Big deal",
        "status": "prospect",
        "phone_1": "+1-212-555-0123",
        "phone_2": "+1-212-555-0124",
        "company_url": "https://acme.example",
        "contact_url": "https://acme.example/contact",
        "image_url": "https://acme.example/me.png",
        "opportunity_url": "https://crm.example/opp/1",
        "timezone": "America/Chicago",
        "external_sync_source": "salesforce",
        "external_date_creation": "2025-01-15 10:30:00",
        "no_such_field": "dropped"
    });
    let r = api.post(&api.url("/guests"), full).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let d = &r.json()["data"];
    assert_eq!(d["first_name"], "Client");
    assert_eq!(d["last_name"], "Contact");
    let det = &d["details"];
    assert_eq!(det["company_name"], "ACME Corp");
    assert_eq!(det["phone_1"], "+1-212-555-0123");
    assert_eq!(det["timezone"], "America/Chicago");
    assert_eq!(det["external_sync_source"], "salesforce");
    assert_eq!(det["external_date_creation"], "2025-01-15 10:30:00");
    assert!(d.get("no_such_field").is_none() && det.get("no_such_field").is_none());
    assert_eq!(api.fake.guest_count(), 2);
}

/// One invalid body and the field that must be reported.
async fn assert_rejected(api: &Api, body: Value, field: &str, message_part: &str) {
    let r = api.post(&api.url("/guests"), body.clone()).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{body}: {}",
        r.text
    );
    let errors = r.field_errors();
    let msgs = errors
        .get(field)
        .unwrap_or_else(|| panic!("no error for {field}: {}", r.text));
    assert!(
        msgs.as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().contains(message_part)),
        "{field}: {msgs} lacks {message_part:?}"
    );
}

#[tokio::test]
async fn create_validation_rules() {
    let api = Api::start(0, 1).await;
    let ok = "v@x.io";
    assert_rejected(&api, json!({}), "email", "is required").await;
    assert_rejected(&api, json!({"email": ""}), "email", "is required").await;
    assert_rejected(&api, json!({"email": null}), "email", "is required").await;
    assert_rejected(
        &api,
        json!({"email": "not-an-email"}),
        "email",
        "valid email",
    )
    .await;
    assert_rejected(&api, json!({"email": 42}), "email", "must be a string").await;
    for field in [
        "first_name",
        "last_name",
        "company_name",
        "opportunity_name",
        "status",
    ] {
        let at_limit = json!({"email": format!("{field}@x.io"), field: "é".repeat(200)});
        let r = api.post(&api.url("/guests"), at_limit).await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{field} at 200 chars: {}",
            r.text
        );
        assert_rejected(
            &api,
            json!({"email": ok, field: "a".repeat(201)}),
            field,
            "200 characters",
        )
        .await;
        assert_rejected(
            &api,
            json!({"email": ok, field: 7}),
            field,
            "must be a string",
        )
        .await;
    }
    for field in ["phone_1", "phone_2"] {
        let r = api
            .post(
                &api.url("/guests"),
                json!({"email": format!("{field}@x.io"), field: "1".repeat(20)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_rejected(
            &api,
            json!({"email": ok, field: "1".repeat(21)}),
            field,
            "20 characters",
        )
        .await;
    }
    for field in ["company_url", "contact_url", "image_url", "opportunity_url"] {
        assert_rejected(
            &api,
            json!({"email": ok, field: "acme.example"}),
            field,
            "format is invalid",
        )
        .await;
        assert_rejected(
            &api,
            json!({"email": ok, field: "https://acme.example/a b"}),
            field,
            "format is invalid",
        )
        .await;
    }
    assert_rejected(
        &api,
        json!({"email": ok, "timezone": 5}),
        "timezone",
        "must be a string",
    )
    .await;
    assert_rejected(
        &api,
        json!({"email": ok, "external_sync_source": "hubspot"}),
        "external_sync_source",
        "is invalid",
    )
    .await;
    for bad in [
        "2025-01-15T10:30:00Z",
        "2025-01-15",
        "15/01/2025 10:30:00",
        "2025-01-15 10:30",
    ] {
        assert_rejected(
            &api,
            json!({"email": ok, "external_date_creation": bad}),
            "external_date_creation",
            "Y-m-d H:i:s",
        )
        .await;
    }
    // Several failures are reported together.
    let r = api
        .post(
            &api.url("/guests"),
            json!({"email": "bad", "phone_1": "1".repeat(30)}),
        )
        .await;
    let errors = r.field_errors();
    assert!(
        errors.contains_key("email") && errors.contains_key("phone_1"),
        "{errors:?}"
    );
    // A body that is not an object.
    let r = api.post(&api.url("/guests"), json!(["v@x.io"])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nothing was created by the refused requests.
    assert!(api.fake.guest(ok).is_none());
}

#[tokio::test]
async fn create_with_a_members_email_is_refused() {
    let api = Api::start(0, 3).await;
    let member_email = api.fake.members()[1].email.clone().unwrap();
    let r = api
        .post(
            &api.url("/guests"),
            json!({"email": member_email.to_uppercase()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("email"));
    assert_eq!(api.fake.guest_count(), 0);
}

#[tokio::test]
async fn create_attaches_a_guest_of_another_org() {
    let api = Api::start(3, 1).await;
    let other = api.fake.insert_guest(
        SeedGuest::new("shared@partner.io")
            .name("Sha", "Red")
            .in_other_org(),
    );
    assert!(api.fake.guest("shared@partner.io").is_none());
    assert_eq!(api.fake.guest_count(), 3);
    let r = api
        .post(
            &api.url("/guests"),
            json!({"email": "shared@partner.io", "first_name": "Ignored", "company_name": "Partner"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let d = &r.json()["data"];
    assert_eq!(
        d["id"],
        serde_json::to_value(&other.id).unwrap(),
        "same guest, same id"
    );
    assert_eq!(d["first_name"], "Sha", "existing values are kept");
    assert_eq!(
        d["details"]["company_name"], "Partner",
        "missing values are filled in"
    );
    assert_eq!(api.fake.guest_count(), 4);
    // Creating it again does not duplicate it either.
    let r = api
        .post(&api.url("/guests"), json!({"email": "SHARED@partner.io"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(api.fake.guest_count(), 4);
}

#[tokio::test]
async fn update_replaces_associated_members_only() {
    let api = Api::start(0, 3).await;
    api.fake.insert_guest(
        SeedGuest::new("g@x.io")
            .name("Gee", "Ex")
            .associated_members(vec![1001]),
    );
    let url = api.guest_url("g@x.io", "");
    let r = api
        .put(&url, json!({"associated_members": [1002, 1003], "first_name": "Changed", "email": "new@x.io"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let d = &r.json()["data"];
    assert_eq!(d["details"]["associated_members"], json!([1002, 1003]));
    assert_eq!(d["first_name"], "Gee", "profile fields are ignored");
    assert_eq!(d["email"], "g@x.io");
    let r = api.put(&url, json!({"associated_members": []})).await;
    assert_eq!(r.json()["data"]["details"]["associated_members"], json!([]));
    // Fields other than associated_members leave it alone.
    let r = api.put(&url, json!({"first_name": "X"})).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["data"]["details"]["associated_members"], json!([]));
    // Validation.
    let r = api.put(&url, json!({"associated_members": "1001"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("associated_members"));
    let r = api
        .put(&url, json!({"associated_members": [1, "two"]}))
        .await;
    assert!(r.field_errors().contains_key("associated_members.1"));
    let r = api.put_empty(&url).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Unknown guest.
    let r = api
        .put(
            &api.guest_url("nobody@x.io", ""),
            json!({"associated_members": []}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn remove_returns_the_guest_and_unknown_is_422() {
    let api = Api::start(0, 1).await;
    api.fake.insert_guest(SeedGuest::new("bye@x.io"));
    let r = api.delete(&api.guest_url("bye@x.io", "")).await;
    assert_eq!(r.status, StatusCode::OK);
    let d = &r.json()["data"];
    assert_eq!(d["email"], "bye@x.io");
    assert!(d["deleted_at"].is_string());
    assert_eq!(
        api.get(&api.guest_url("bye@x.io", "")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = api.delete(&api.guest_url("bye@x.io", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("email"));
    // A removed guest can be added back: it is attached again with the same id.
    let r = api
        .post(&api.url("/guests"), json!({"email": "bye@x.io"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.json()["data"]["deleted_at"].is_null());
}

#[tokio::test]
async fn disable_is_refused_while_tasks_are_open() {
    let api = Api::start(0, 1).await;
    api.fake
        .insert_guest(SeedGuest::new("busy@x.io").open_tasks(2));
    let url = api.guest_url("busy@x.io", "/disable");
    let r = api.delete(&url).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        r.json()["message"],
        "Cannot disable guest with incomplete tasks."
    );
    assert!(api.fake.set_open_tasks("busy@x.io", 0));
    let r = api.delete(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    let det = &r.json()["data"]["details"];
    assert!(det["disabled_at"].is_string());
    assert_eq!(det["disabled_by"], 1001);
    assert_eq!(
        api.delete(&api.guest_url("nobody@x.io", "/disable"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn enable_issues_a_new_link() {
    let api = Api::start(0, 1).await;
    let before = api
        .fake
        .insert_guest(SeedGuest::new("back@x.io").disabled());
    assert!(before.details.as_ref().unwrap().disabled_at.is_some());
    let r = api.put_empty(&api.guest_url("back@x.io", "/enable")).await;
    assert_eq!(r.status, StatusCode::OK);
    let d = &r.json()["data"];
    assert_ne!(d["link"].as_str(), before.link.as_deref());
    assert!(d["details"]["disabled_at"].is_null());
    assert!(d["details"]["reactivated_at"].is_string());
    assert_eq!(d["details"]["reactivated_by"], 1001);
    assert_eq!(
        api.put_empty(&api.guest_url("nobody@x.io", "/enable"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn purge_needs_disabling_first_and_takes_id_or_email() {
    let api = Api::start(0, 1).await;
    let a = api.fake.insert_guest(SeedGuest::new("a@x.io"));
    api.fake.insert_guest(SeedGuest::new("b@x.io"));
    let r = api.delete(&api.guest_url("a@x.io", "/delete")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["message"],
        "Please disable the guest before deletion."
    );
    for email in ["a@x.io", "b@x.io"] {
        assert_eq!(
            api.delete(&api.guest_url(email, "/disable")).await.status,
            StatusCode::OK
        );
    }
    let id = match a.id.unwrap() {
        tallyfy_client::types::FlexibleId::Int64(id) => id,
        other => panic!("{other:?}"),
    };
    let r = api.delete(&api.url(&format!("/guests/{id}/delete"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = api.delete(&api.guest_url("b@x.io", "/delete")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(api.fake.guest_count(), 0);
    assert_eq!(
        api.delete(&api.url(&format!("/guests/{id}/delete")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn list_filters_and_sorts() {
    let api = Api::start(0, 1).await;
    for e in ["carol@b.io", "alice@a.io", "Bob@A.io", "dave@c.io"] {
        api.fake.insert_guest(SeedGuest::new(e));
    }
    let emails = |r: &common::Reply| -> Vec<String> {
        r.json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["email"].as_str().unwrap().to_string())
            .collect()
    };
    // Default: creation order.
    let r = api.get(&api.url("/guests")).await;
    assert_eq!(
        emails(&r),
        ["carol@b.io", "alice@a.io", "Bob@A.io", "dave@c.io"]
    );
    assert!(r.json()["data"][0].get("stats").is_none());
    let r = api.get(&api.url("/guests?q=%40A.IO")).await;
    assert_eq!(emails(&r), ["alice@a.io", "Bob@A.io"]);
    assert_eq!(r.json()["meta"]["pagination"]["total"], 2);
    let r = api.get(&api.url("/guests?sort=email")).await;
    assert_eq!(
        emails(&r),
        ["alice@a.io", "Bob@A.io", "carol@b.io", "dave@c.io"]
    );
    let r = api.get(&api.url("/guests?sort=-email")).await;
    assert_eq!(
        emails(&r),
        ["dave@c.io", "carol@b.io", "Bob@A.io", "alice@a.io"]
    );
    let r = api.get(&api.url("/guests?sort_by=-created_at")).await;
    assert_eq!(
        emails(&r),
        ["dave@c.io", "Bob@A.io", "alice@a.io", "carol@b.io"]
    );
    let r = api.get(&api.url("/guests?with=stats")).await;
    assert!(r.json()["data"][0]["stats"].is_object());
    let r = api.get(&api.url("/guests?with=tasks")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api.get(&api.url("/guests?without_pagination=maybe")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn seeded_guests_are_deterministic_and_varied() {
    let a = Api::start(200, 5).await;
    let b = Api::start(200, 5).await;
    assert_eq!(a.fake.guests(), b.fake.guests());
    let guests = a.fake.guests();
    assert!(guests.iter().any(|g| {
        g.stats
            .as_ref()
            .is_some_and(|s| s.tasks_completed.is_some())
    }));
    assert!(guests.iter().any(|g| g.first_name.is_none()));
    assert!(
        guests
            .iter()
            .any(|g| g.details.as_ref().unwrap().disabled_at.is_some())
    );
    assert!(
        guests
            .iter()
            .any(|g| g.stats.as_ref().unwrap().assigned_tasks.unwrap_or(0) > 0)
    );
    let c = tallyfy_fake::FakeTallyfy::builder()
        .seed_guests(200)
        .seed(7)
        .start()
        .await
        .unwrap();
    assert_ne!(c.guests(), guests, "another seed gives other data");
}

#[tokio::test]
async fn lists_reflect_every_change_at_once() {
    // The list is answered from cached JSON; every change must show in the next answer.
    let api = Api::start(3, 2).await;
    let first = |r: &common::Reply| r.json()["data"][0].clone();
    let email = api.fake.guests()[0].email.clone().unwrap();
    let list = api.url("/guests?with=stats");
    let before = first(&api.get(&list).await);
    // A change through the API.
    api.fake.set_open_tasks(&email, 0);
    assert_eq!(
        api.delete(&api.guest_url(&email, "/disable")).await.status,
        StatusCode::OK
    );
    let after = first(&api.get(&list).await);
    assert!(before["details"]["disabled_at"].is_null() || before != after);
    assert!(after["details"]["disabled_at"].is_string(), "{after}");
    // Changes through the handle.
    api.fake.set_open_tasks(&email, 3);
    assert_eq!(first(&api.get(&list).await)["stats"]["assigned_tasks"], 3);
    api.fake
        .insert_guest(SeedGuest::new(email.to_uppercase()).name("Re", "Named"));
    assert_eq!(first(&api.get(&list).await)["first_name"], "Re");
    // A purge shifts positions: the next page must not show stale neighbours.
    api.fake
        .insert_guest(SeedGuest::new(email.clone()).disabled());
    assert_eq!(
        api.delete(&api.guest_url(&email, "/delete")).await.status,
        StatusCode::OK
    );
    let r = api.get(&list).await;
    let emails: Vec<String> = r.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["email"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(emails.len(), 2);
    assert!(!emails.contains(&email));
    let expected: Vec<String> = api
        .fake
        .guests()
        .iter()
        .map(|g| g.email.clone().unwrap())
        .collect();
    assert_eq!(emails, expected);
}

#[tokio::test]
async fn purge_after_remove_is_404() {
    // A removed guest is no longer in the organization, so neither its id nor its email finds it.
    let api = Api::start(0, 1).await;
    let g = api.fake.insert_guest(SeedGuest::new("gone@x.io"));
    let id = serde_json::to_value(&g.id).unwrap();
    assert_eq!(
        api.delete(&api.guest_url("gone@x.io", "")).await.status,
        StatusCode::OK
    );
    let r = api.delete(&api.url(&format!("/guests/{id}/delete"))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["code"], "RESOURCE_NOT_FOUND");
    let r = api.delete(&api.guest_url("gone@x.io", "/delete")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
