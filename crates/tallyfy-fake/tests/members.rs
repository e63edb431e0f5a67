//! The nine member operations over real HTTP, with their validation rules and seat limits.

mod common;

use common::Api;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tallyfy_client::MemberRole;
use tallyfy_fake::{FakeTallyfy, SeedMember};

fn invite(email: &str, role: &str) -> Value {
    json!({
        "email": email,
        "first_name": "Charlie",
        "last_name": "Brown",
        "role": role,
        "message": "Welcome to the team!"
    })
}

async fn seat_limited(seats: u32) -> Api {
    let fake = FakeTallyfy::builder()
        .org_id("org-1")
        .token("secret-token")
        .seed_members(1)
        .seat_limit(seats)
        .start()
        .await
        .unwrap();
    Api::with(fake)
}

#[tokio::test]
async fn list_members_with_includes() {
    let api = Api::start(0, 12).await;
    let r = api.get(&api.url("/users")).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["data"].as_array().unwrap().len(), 12);
    assert_eq!(
        body["meta"]["pagination"]["per_page"], 100,
        "9999 capped at 100"
    );
    assert!(body["data"][0].get("groups").is_none());
    let r = api.get(&api.url("/users?with=groups,stats")).await;
    let first = &r.json()["data"][0];
    assert!(first["groups"]["data"].is_array(), "{first}");
    assert!(
        first["stats"]["data"]["tasks_completed"].is_i64(),
        "{first}"
    );
    let r = api
        .get(&api.url("/users?with=organizations,preferences,assets,member_watchers,guest_watchers,auth_methods,country"))
        .await;
    let first = &r.json()["data"][0];
    for key in [
        "organizations",
        "preferences",
        "assets",
        "member_watchers",
        "guest_watchers",
        "auth_methods",
        "country",
    ] {
        assert!(
            first[key].get("data").is_some(),
            "{key} not wrapped: {first}"
        );
    }
    let r = api.get(&api.url("/users?with=groups,bogus")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn list_members_q_matches_names_and_email() {
    let api = Api::start(0, 1).await;
    api.fake
        .insert_member(SeedMember::new("zed@x.io", "Zed", "Alpha"));
    api.fake
        .insert_member(SeedMember::new("yan@x.io", "Yan", "Zedson"));
    api.fake
        .insert_member(SeedMember::new("someone@zedcorp.io", "Sam", "One"));
    api.fake
        .insert_member(SeedMember::new("other@x.io", "Other", "Person"));
    let r = api.get(&api.url("/users?q=ZED&sort=email")).await;
    let emails: Vec<String> = r.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(emails, ["someone@zedcorp.io", "yan@x.io", "zed@x.io"]);
    let r = api.get(&api.url("/users?q=zed&sort=-email")).await;
    assert_eq!(r.json()["data"][0]["email"], "zed@x.io");
}

#[tokio::test]
async fn get_member() {
    let api = Api::start(0, 3).await;
    let r = api.get(&api.url("/users/1001?with=stats")).await;
    assert_eq!(r.status, StatusCode::OK);
    let d = &r.json()["data"];
    assert_eq!(d["id"], 1001);
    assert_eq!(d["is_default_admin"], true);
    assert_eq!(d["role"], "admin");
    assert!(d["stats"]["data"].is_object());
    assert!(d.get("UTC_offset").is_some());
    assert_eq!(
        api.get(&api.url("/users/999")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(&api.url("/users/abc")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn invite_member_rules() {
    let api = Api::start(0, 2).await;
    let r = api
        .post(
            &api.url("/users/invite"),
            invite("charlie@x.io", "standard"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = &r.json()["data"];
    assert_eq!(d["status"], "invited");
    assert_eq!(d["is_active"], false);
    assert_eq!(d["invited_by"], 1001);
    let id = d["id"].as_i64().unwrap();
    assert!(api.fake.member(id).is_some());
    // Already a member (any letter case).
    let r = api
        .post(&api.url("/users/invite"), invite("CHARLIE@x.io", "light"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("email"));
    // Every field is required.
    for field in ["email", "first_name", "last_name", "role", "message"] {
        let mut body = invite("new@x.io", "light");
        body.as_object_mut().unwrap().remove(field);
        let r = api.post(&api.url("/users/invite"), body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(r.field_errors().contains_key(field), "{field}: {}", r.text);
    }
    let cases = [
        ("email", json!("nope")),
        ("role", json!("owner")),
        ("role", json!("Admin")),
        ("first_name", json!("x".repeat(33))),
        ("last_name", json!("x".repeat(33))),
        ("message", json!("x".repeat(5001))),
        ("message", json!("")),
        ("first_name", json!(12)),
    ];
    for (field, value) in cases {
        let mut body = invite("new@x.io", "light");
        body[field] = value.clone();
        let r = api.post(&api.url("/users/invite"), body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}"
        );
        assert!(r.field_errors().contains_key(field), "{field}: {}", r.text);
    }
    // The limits themselves are fine.
    let mut body = invite("limits@x.io", "light");
    body["first_name"] = json!("x".repeat(32));
    body["message"] = json!("m".repeat(5000));
    assert_eq!(
        api.post(&api.url("/users/invite"), body).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn invite_hits_the_seat_limit() {
    let api = seat_limited(2).await;
    assert_eq!(api.fake.seats_used(), 1);
    let r = api
        .post(&api.url("/users/invite"), invite("one@x.io", "admin"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = api
        .post(&api.url("/users/invite"), invite("two@x.io", "standard"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let body = r.json();
    assert_eq!(body["error"]["code"], "SEAT_POOL_EXHAUSTED");
    assert_eq!(body["error"]["details"]["pool_type"], "full");
    assert!(body["error"]["message"].is_string());
    // Light members take no full seat.
    let r = api
        .post(&api.url("/users/invite"), invite("three@x.io", "light"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn update_member_rules() {
    let api = Api::start(0, 3).await;
    let url = api.url("/users/1002");
    let good = json!({
        "first_name": "Alicia",
        "last_name": "Smith-Jones",
        "timezone": "America/New_York",
        "job_title": "Senior Support Agent",
        "phone": "+1-555-123-4567",
        "country_id": 1,
        "date_format": "dd/mm/yyyy",
        "step_preferences": true,
        "team": null
    });
    let r = api.put(&url, good.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = &r.json()["data"];
    assert_eq!(d["first_name"], "Alicia");
    assert_eq!(d["full_name"], "Alicia Smith-Jones");
    assert_eq!(d["job_title"], "Senior Support Agent");
    assert_eq!(d["date_format"], "dd/mm/yyyy");
    assert!(d["team"].is_null());
    for field in ["first_name", "last_name", "timezone"] {
        let mut body = good.clone();
        body.as_object_mut().unwrap().remove(field);
        let r = api.put(&url, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(r.field_errors().contains_key(field));
    }
    let cases = [
        ("first_name", json!("x".repeat(33))),
        ("last_name", json!("https://spam.example")),
        ("phone", json!("1".repeat(21))),
        ("country_id", json!("one")),
        ("country_id", json!(100_000)),
        ("date_format", json!("yyyy-mm-dd")),
        ("step_preferences", json!("yes")),
        ("job_title", json!(3)),
    ];
    for (field, value) in cases {
        let mut body = good.clone();
        body[field] = value.clone();
        let r = api.put(&url, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}"
        );
        assert!(r.field_errors().contains_key(field), "{field}: {}", r.text);
    }
    assert_eq!(
        api.put(&api.url("/users/5"), good).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_seeded_unknown_role_is_served_as_given_and_takes_no_seat() {
    let api = seat_limited(2).await;
    let before = api.fake.seats_used();
    let auditor = api
        .fake
        .insert_member(
            SeedMember::new("a@x.io", "Al", "Auditor").role(MemberRole::Other("auditor".into())),
        )
        .id
        .unwrap();
    assert_eq!(api.fake.seats_used(), before);
    let r = api.get(&api.url(&format!("/users/{auditor}"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["data"]["role"], "auditor");
    // A documented name in another letter case is that role.
    assert!(
        api.fake
            .set_member_role(auditor, MemberRole::Other("STANDARD".into()))
    );
    assert_eq!(
        api.fake.member(auditor).unwrap().role,
        Some(MemberRole::Standard)
    );
    assert_eq!(api.fake.seats_used(), before + 1);
}

#[tokio::test]
async fn set_role_enum_and_seats() {
    let api = seat_limited(2).await;
    let light = api
        .fake
        .insert_member(SeedMember::new("l@x.io", "Lee", "Light").role(MemberRole::Light))
        .id
        .unwrap();
    let other_light = api
        .fake
        .insert_member(SeedMember::new("m@x.io", "Mo", "Light").role(MemberRole::Light))
        .id
        .unwrap();
    let url = |id: i64| api.url(&format!("/users/{id}/role"));
    // Only the three documented names, spelled exactly so, are accepted.
    for role in ["manager", "owner", "Admin", ""] {
        let r = api.put(&url(light), json!({ "role": role })).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{role}");
        assert!(r.field_errors().contains_key("role"), "{role}: {}", r.text);
    }
    assert_eq!(
        api.fake.member(light).unwrap().role,
        Some(MemberRole::Light)
    );
    assert_eq!(
        api.put(&url(light), json!({})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = api.put(&url(light), json!({"role": "standard"})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["data"]["role"], "standard");
    // Seats are now full (admin + standard): promoting another light member is refused.
    let r = api.put(&url(other_light), json!({"role": "admin"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["code"], "SEAT_POOL_EXHAUSTED");
    // Moving between seat-taking roles needs no new seat; demoting frees one.
    assert_eq!(
        api.put(&url(light), json!({"role": "admin"})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.put(&url(light), json!({"role": "light"})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.put(&url(other_light), json!({"role": "admin"}))
            .await
            .status,
        StatusCode::OK
    );
    // The default administrator stays an administrator.
    let r = api.put(&url(1001), json!({"role": "light"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        api.put(&url(4242), json!({"role": "light"})).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn remove_member_with_reassignment() {
    let api = Api::start(0, 4).await;
    api.fake
        .insert_guest(tallyfy_fake::SeedGuest::new("g@x.io").associated_members(vec![1002]));
    let r = api
        .delete(&api.url("/users/1002?with_reassignment=true"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("to"));
    let r = api
        .delete(&api.url("/users/1002?with_reassignment=true&to=9999"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api
        .delete(&api.url("/users/1002?with_reassignment=true&to=1002"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = api
        .delete(&api.url("/users/1002?with_reassignment=true&to=1001"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["data"]["id"], 1002);
    assert!(api.fake.member(1002).is_none());
    let g = api.fake.guest("g@x.io").unwrap();
    assert_eq!(
        g.details.unwrap().associated_members,
        Some(vec![1001]),
        "tasks handed over"
    );
    // Without reassignment.
    let r = api.delete(&api.url("/users/1003")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        api.delete(&api.url("/users/1003")).await.status,
        StatusCode::NOT_FOUND
    );
    // The default administrator cannot be removed.
    let r = api.delete(&api.url("/users/1001")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("default administrator")
    );
    let r = api
        .delete(&api.url("/users/1004?with_reassignment=perhaps"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn disable_enable_purge_member() {
    let api = seat_limited(2).await;
    let id = api
        .fake
        .insert_member(SeedMember::new("s@x.io", "Sam", "Std"))
        .id
        .unwrap();
    let u = |s: &str| api.url(&format!("/users/{id}{s}"));
    let r = api.delete(&u("/delete")).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "purge needs disabling first"
    );
    let r = api.delete(&u("/disable")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["data"]["status"], "disabled");
    // The freed seat is taken by someone else: enabling is now refused.
    let r = api
        .post(&api.url("/users/invite"), invite("new@x.io", "standard"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = api.put_empty(&u("/enable")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    api.fake.set_seat_limit(None);
    let r = api.put_empty(&u("/enable")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["data"]["status"], "active");
    assert_eq!(api.delete(&u("/disable")).await.status, StatusCode::OK);
    let r = api.delete(&u("/delete")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(api.fake.member(id).is_none());
    assert_eq!(
        api.delete(&u("/delete")).await.status,
        StatusCode::NOT_FOUND
    );
    // The default administrator cannot be disabled.
    assert_eq!(
        api.delete(&api.url("/users/1001/disable")).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn bots_and_members_of_other_organizations_are_protected() {
    let api = Api::start(0, 2).await;
    let bot = api
        .fake
        .insert_member(SeedMember::new("bot@x.io", "Build", "Bot").bot());
    let shared = api
        .fake
        .insert_member(SeedMember::new("shared@x.io", "Sam", "Shared").in_other_orgs());
    let (bot, shared) = (bot.id.unwrap(), shared.id.unwrap());
    let profile = json!({"first_name": "New", "last_name": "Name", "timezone": "UTC"});

    let r = api.get(&api.url(&format!("/users/{bot}"))).await;
    assert_eq!(r.json()["data"]["type"], "bot");
    assert_eq!(r.json()["data"]["first_name"], "Build");

    // A bot can be neither edited nor removed, and stays as it was.
    let r = api
        .put(&api.url(&format!("/users/{bot}")), profile.clone())
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = api.delete(&api.url(&format!("/users/{bot}"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json()["message"],
        "You can't remove a bot user from this organization!"
    );
    let r = api.get(&api.url(&format!("/users/{bot}"))).await;
    assert_eq!(r.json()["data"]["first_name"], "Build");

    // Only the member may edit a profile shared with other organizations; removing them is allowed.
    let r = api
        .put(&api.url(&format!("/users/{shared}")), profile.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = api.get(&api.url(&format!("/users/{shared}"))).await;
    assert_eq!(r.json()["data"]["first_name"], "Sam");
    assert_eq!(r.json()["data"]["type"], "user");
    let r = api.delete(&api.url(&format!("/users/{shared}"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Ordinary members are unaffected.
    let r = api.put(&api.url("/users/1002"), profile).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}
