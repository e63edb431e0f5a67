//! `Shapes::Varied` over HTTP: the raw JSON really shows every documented variant, the same request
//! always gives the same bytes, and the generated client reads the same records from it as from the
//! canonical shape. `Shapes::Canonical` (the default) shows none of the variants.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::{Api, spawn_binary};
use serde_json::Value;
use tallyfy_client::types::{FlexibleId, ListGuestsWith};
use tallyfy_client::{Client, reqwest};
use tallyfy_fake::{FakeTallyfy, SeedGuest, SeedMember, Shapes};

async fn start(shapes: Shapes, guests: usize, members: usize) -> Api {
    let fake = FakeTallyfy::builder()
        .org_id("org-1")
        .token("secret-token")
        .seed_guests(guests)
        .seed_members(members)
        .shapes(shapes)
        .start()
        .await
        .expect("fake starts");
    Api::with(fake)
}

/// Which documented spelling a timestamp uses.
fn time_form(s: &str) -> &'static str {
    if s.len() == 19 && s.as_bytes()[10] == b' ' {
        "space"
    } else if s.len() == 24 && s.ends_with(".000Z") {
        "millis"
    } else if s.len() == 25 && s.ends_with("+00:00") {
        "offset"
    } else if s.len() == 20 && s.ends_with('Z') {
        "zulu"
    } else {
        "other"
    }
}

/// A guest's id, whether it came as an integer or as a numeric string.
fn guest_id(g: &Value) -> i64 {
    match &g["id"] {
        Value::Number(n) => n.as_i64().unwrap(),
        Value::String(s) => s
            .parse()
            .unwrap_or_else(|_| panic!("numeric string id: {g}")),
        other => panic!("id {other}"),
    }
}

/// The form of `links` in a list body.
fn links_form(body: &Value) -> &'static str {
    let pagination = body["meta"]["pagination"]
        .as_object()
        .unwrap_or_else(|| panic!("no meta.pagination: {body}"));
    match pagination.get("links") {
        None => "absent",
        Some(Value::Null) => "null",
        Some(Value::Array(a)) if a.is_empty() => "[]",
        Some(Value::Object(o)) if o.is_empty() => "{}",
        Some(Value::Object(o)) if o.contains_key("previous") && o.contains_key("next") => "object",
        Some(other) => panic!("unexpected links {other}"),
    }
}

/// Every page of a list, as raw JSON, fetched twice to check the bytes do not change.
async fn pages(api: &Api, path: &str, per_page: u64) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let url = api.url(&format!("{path}&per_page={per_page}&page={page}"));
        let first = api.get(&url).await;
        assert_eq!(first.status, 200, "{}", first.text);
        let again = api.get(&url).await;
        assert_eq!(
            first.text, again.text,
            "the same request gives the same bytes"
        );
        let body = first.json();
        let total_pages = body["meta"]["pagination"]["total_pages"].as_u64().unwrap();
        out.push(body);
        if page >= total_pages {
            break;
        }
    }
    out
}

fn items(pages: &[Value]) -> Vec<&Value> {
    pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap())
        .collect()
}

#[tokio::test]
async fn varied_guests_show_every_documented_variant() {
    let api = start(Shapes::Varied, 20, 2).await;
    // 10021: no stats and no open tasks; 10022: disabled; 10003 gets open tasks (so stats).
    api.fake.insert_guest(SeedGuest::new("empty.stats@x.io"));
    api.fake
        .insert_guest(SeedGuest::new("disabled@x.io").disabled());
    let third = api.fake.guests()[2].email.clone().unwrap();
    assert!(api.fake.set_open_tasks(&third, 2));

    let pages = pages(&api, "/guests?with=stats", 4).await;
    assert_eq!(pages.len(), 6);
    let links: Vec<&str> = pages.iter().map(links_form).collect();
    assert_eq!(links, ["[]", "{}", "null", "absent", "object", "[]"]);
    let p5 = &pages[4]["meta"]["pagination"]["links"];
    assert!(p5["previous"].as_str().unwrap().contains("page=4"), "{p5}");
    assert!(p5["next"].as_str().unwrap().contains("page=6"), "{p5}");

    let guests = items(&pages);
    assert_eq!(guests.len(), 22);
    // Ids: integers and numeric strings, by id parity; together exactly 10001..=10022.
    let mut ids = BTreeSet::new();
    for g in &guests {
        let id = guest_id(g);
        assert_eq!(g["id"].is_string(), id % 2 == 1, "odd ids are strings: {g}");
        ids.insert(id);
    }
    assert_eq!(ids, (10_001..=10_022).collect::<BTreeSet<i64>>());
    let by_id = |id: i64| *guests.iter().find(|g| guest_id(g) == id).unwrap();
    // Timestamps: record n uses form n mod 4, in every field.
    let expected = ["zulu", "offset", "millis", "space"];
    let mut seen = BTreeSet::new();
    for id in 10_001..=10_020 {
        let g = by_id(id);
        let form = expected[(id % 4) as usize];
        assert_eq!(time_form(g["created_at"].as_str().unwrap()), form, "{g}");
        if let Some(t) = g["last_accessed_at"].as_str() {
            assert_eq!(time_form(t), form, "{g}");
            assert_eq!(
                time_form(g["details"]["last_accessed_at"].as_str().unwrap()),
                form
            );
        }
        seen.insert(form);
    }
    assert_eq!(seen.len(), 4);

    // Old names beside the new ones for ids ≡ 2, 3 (mod 4), none for ≡ 0, 1.
    for id in 10_001..=10_022 {
        let g = by_id(id);
        let details = g["details"].as_object().unwrap();
        if id % 4 >= 2 {
            assert_eq!(details["first_name"], g["first_name"], "{g}");
            assert_eq!(details["last_name"], g["last_name"], "{g}");
            assert_eq!(details["disabled_on"], details["disabled_at"], "{g}");
        } else {
            for key in ["first_name", "last_name", "disabled_on"] {
                assert!(!details.contains_key(key), "{key} in {g}");
            }
        }
    }
    let disabled = by_id(10_022);
    assert_eq!(
        time_form(disabled["details"]["disabled_on"].as_str().unwrap()),
        "millis"
    );
    let busy = by_id(10_003);
    assert_eq!(busy["stats"]["assigned_tasks"], 2, "{busy}");
    assert_eq!(busy["stats"]["active_tasks"], 2, "{busy}");
    assert_eq!(
        busy["stats"]["completed_tasks"],
        busy["stats"]["tasks_completed"]
    );
    assert_eq!(by_id(10_021)["stats"], serde_json::json!({}));
    for g in guests
        .iter()
        .filter(|g| g["stats"].get("tasks_completed").is_some())
    {
        let old = g["stats"].get("active_tasks").is_some();
        assert_eq!(old, guest_id(g) % 4 >= 2, "{g}");
    }

    // A single guest looks the way it does in the list.
    let url = api.guest_url("disabled@x.io", "");
    let one = api.get(&url).await.json();
    let mut listed = disabled.clone();
    listed.as_object_mut().unwrap().remove("stats");
    assert_eq!(one["data"], listed);
}

#[tokio::test]
async fn varied_members_show_every_documented_variant() {
    let api = start(Shapes::Varied, 0, 8).await;
    // 1009..=1012: each role casing once.
    for (n, role) in [
        (9, tallyfy_client::MemberRole::Admin),
        (10, tallyfy_client::MemberRole::Admin),
        (11, tallyfy_client::MemberRole::Standard),
        (12, tallyfy_client::MemberRole::Standard),
    ] {
        api.fake
            .insert_member(SeedMember::new(format!("m{n}@x.io"), "New", "Member").role(role));
    }
    let pages = pages(&api, "/users?with=groups,stats&sort=id", 5).await;
    let links: Vec<&str> = pages.iter().map(links_form).collect();
    assert_eq!(links, ["[]", "{}", "null"]);
    let members = items(&pages);
    assert_eq!(members.len(), 12);

    let roles: BTreeSet<&str> = members
        .iter()
        .filter(|m| m["id"].as_i64().unwrap() >= 1009)
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["Admin", "Standard", "admin", "standard"]
            .into_iter()
            .collect()
    );

    let expected = ["zulu", "offset", "millis", "space"];
    let mut group_ids = BTreeSet::new();
    let (mut plain, mut wrapped) = (0, 0);
    for m in &members {
        let id = m["id"].as_i64().expect("member ids stay integers");
        let k = id % 4;
        let role = m["role"].as_str().unwrap();
        let capitalised = role.chars().next().unwrap().is_uppercase();
        assert_eq!(capitalised, k % 2 == 1, "{m}");
        for key in ["created_at", "updated_at"] {
            assert_eq!(
                time_form(m[key].as_str().unwrap()),
                expected[k as usize],
                "{m}"
            );
        }
        let old = m.as_object().unwrap().contains_key("user_role");
        assert_eq!(old, k == 1 || k == 2, "{m}");
        if old {
            assert_eq!(m["active"], m["is_active"], "{m}");
            assert_eq!(m["last_updated"], m["updated_at"], "{m}");
            assert_eq!(m["user_role"], m["role"], "{m}");
        } else {
            assert!(m.get("active").is_none() && m.get("last_updated").is_none());
        }
        assert!(m["stats"]["data"].is_object(), "stats stay wrapped: {m}");
        let groups = match &m["groups"] {
            Value::Array(list) => {
                assert!(k >= 2, "{m}");
                plain += 1;
                list
            }
            Value::Object(o) => {
                assert!(k < 2, "{m}");
                wrapped += 1;
                o.get("data")
                    .and_then(Value::as_array)
                    .unwrap_or_else(|| panic!("wrapped groups have data: {m}"))
            }
            other => panic!("groups {other}"),
        };
        for g in groups {
            group_ids.insert(g["id"].to_string());
        }
    }
    assert!(plain > 0 && wrapped > 0);
    assert_eq!(
        group_ids,
        [r#""group_1""#, "2", r#""group_3""#]
            .into_iter()
            .map(String::from)
            .collect()
    );
}

#[tokio::test]
async fn canonical_shows_none_of_the_variants() {
    let api = start(Shapes::Canonical, 20, 8).await;
    api.fake
        .insert_guest(SeedGuest::new("disabled@x.io").disabled());
    let guest_pages = pages(&api, "/guests?with=stats", 4).await;
    let member_pages = pages(&api, "/users?with=groups,stats", 3).await;
    for page in guest_pages.iter().chain(&member_pages) {
        assert_eq!(links_form(page), "object");
    }
    for g in items(&guest_pages) {
        assert!(g["id"].is_i64(), "{g}");
        assert_eq!(time_form(g["created_at"].as_str().unwrap()), "zulu");
        let details = g["details"].as_object().unwrap();
        assert!(!details.contains_key("first_name") && !details.contains_key("disabled_on"));
        assert!(g["stats"].get("active_tasks").is_none());
    }
    for m in items(&member_pages) {
        assert_eq!(time_form(m["created_at"].as_str().unwrap()), "zulu");
        let role = m["role"].as_str().unwrap();
        assert_eq!(role, role.to_lowercase());
        assert!(m.get("user_role").is_none() && m.get("active").is_none());
        assert!(m["groups"]["data"].is_array(), "{m}");
        for g in m["groups"]["data"].as_array().unwrap() {
            assert!(g["id"].is_string(), "{g}");
        }
    }
}

fn client(fake: &FakeTallyfy) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {}", fake.token()).parse().unwrap(),
    );
    headers.insert("X-Tallyfy-Client", "APIClient".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .no_proxy()
        .build()
        .unwrap();
    Client::new_with_client(&fake.base_url(), http, Default::default())
}

fn instant(t: &Option<tallyfy_client::Timestamp>) -> Option<String> {
    t.as_ref().map(|t| {
        t.parsed()
            .unwrap_or_else(|| panic!("timestamp {t} parses"))
            .to_rfc3339()
    })
}

/// What a guest's record is, whatever shape it came in.
fn guest_facts(g: &tallyfy_client::types::Guest) -> Vec<Option<String>> {
    let d = g.details.clone().unwrap_or_default();
    let s = g.stats.clone().unwrap_or_default();
    vec![
        g.id.as_ref().map(FlexibleId::to_string),
        g.email.clone(),
        g.first_name.clone(),
        g.last_name.clone(),
        instant(&g.created_at),
        instant(&g.last_accessed_at),
        instant(&d.last_accessed_at),
        instant(&d.disabled_at),
        d.company_name.clone(),
        s.assigned_tasks.map(|n| n.to_string()),
        s.tasks_completed.map(|n| n.to_string()),
        instant(&s.last_task_completed_at),
    ]
}

/// What a member's record is, whatever shape it came in.
fn member_facts(m: &tallyfy_client::types::Member) -> Vec<Option<String>> {
    let stats = m.stats.clone().and_then(|s| s.data).unwrap_or_default();
    let groups = m.groups.clone().map(|g| {
        g.data
            .iter()
            .map(|g| g.name.clone().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(",")
    });
    vec![
        m.id.map(|n| n.to_string()),
        m.email.clone(),
        m.role.as_ref().map(|r| r.as_str().to_string()),
        m.is_active.map(|b| b.to_string()),
        instant(&m.created_at),
        instant(&m.updated_at),
        instant(&m.last_login_at),
        stats.tasks_completed.map(|n| n.to_string()),
        instant(&stats.last_step_created_at),
        groups,
    ]
}

/// Why a members page did not decode: serde's own message on the raw body (progenitor's error
/// leaves it out).
async fn why(api: &Api, page: u64) -> String {
    let url = api.url(&format!(
        "/users?per_page=4&page={page}&sort=id&with=groups%2Cstats"
    ));
    let text = api.get(&url).await.text;
    match serde_json::from_str::<tallyfy_client::types::MemberList>(&text) {
        Ok(_) => "the raw body decodes".into(),
        Err(e) => format!("{e} in {text}"),
    }
}

/// Every guest (pages of 5, with stats, then one get) as the generated client decodes it.
async fn guests_through_the_client(api: &Api) -> Vec<Vec<Option<String>>> {
    let c = client(&api.fake);
    let org = api.fake.org_id();
    let mut guests = Vec::new();
    for page in 1..=5u64 {
        let list = c
            .list_guests(
                org,
                Some(page.try_into().unwrap()),
                Some(5.try_into().unwrap()),
                None,
                None,
                None,
                Some(ListGuestsWith::Stats),
                None,
            )
            .await
            .unwrap_or_else(|e| panic!("guests page {page} decodes: {e}"))
            .into_inner();
        let p = list.meta.unwrap().pagination.unwrap();
        assert_eq!((p.total, p.total_pages), (Some(23), Some(5)));
        guests.extend(list.data.iter().map(guest_facts));
    }
    // 10001: a string id in the varied shapes.
    let one = c
        .get_guest(org, &api.fake.guests()[0].email.clone().unwrap(), None)
        .await
        .unwrap()
        .into_inner()
        .data;
    guests.push(guest_facts(&one));
    guests
}

/// Every member (pages of 4, with groups and stats, then one get) as the generated client
/// decodes it.
async fn members_through_the_client(api: &Api) -> Vec<Vec<Option<String>>> {
    let c = client(&api.fake);
    let org = api.fake.org_id();
    let with = "groups,stats".parse().unwrap();
    let mut members = Vec::new();
    for page in 1..=3u64 {
        let list = match c
            .list_members(
                org,
                Some(page.try_into().unwrap()),
                Some(4.try_into().unwrap()),
                None,
                Some("id"),
                Some(&with),
            )
            .await
        {
            Ok(list) => list.into_inner(),
            Err(e) => panic!("members page {page} decodes: {e}: {}", why(api, page).await),
        };
        members.extend(list.data.iter().map(member_facts));
    }
    // 1003: plain groups and a capitalised role in the varied shapes.
    let one = c
        .get_member(org, 1003, Some(&"groups,stats".parse().unwrap()))
        .await
        .unwrap_or_else(|e| panic!("member 1003 decodes: {e}"))
        .into_inner()
        .data;
    members.push(member_facts(&one));
    members
}

#[tokio::test]
async fn the_generated_client_reads_the_same_guests_in_both_shapes() {
    let canonical = guests_through_the_client(&start(Shapes::Canonical, 23, 2).await).await;
    let varied = guests_through_the_client(&start(Shapes::Varied, 23, 2).await).await;
    assert_eq!(canonical.len(), 24);
    assert_eq!(canonical, varied);
    // The walk really compared guests with stats and with a last access.
    assert!(varied.iter().any(|g| g[10].is_some()));
    assert!(varied.iter().any(|g| g[5].is_some()));
}

#[tokio::test]
async fn the_generated_client_reads_the_same_members_in_both_shapes() {
    let canonical = members_through_the_client(&start(Shapes::Canonical, 0, 9).await).await;
    let varied = members_through_the_client(&start(Shapes::Varied, 0, 9).await).await;
    assert_eq!(canonical.len(), 10);
    assert_eq!(canonical, varied);
    // The walk really compared members with groups.
    assert!(
        varied
            .iter()
            .any(|m| m[9].as_deref().is_some_and(|g| !g.is_empty()))
    );
}

#[tokio::test]
async fn the_binary_serves_varied_shapes_and_refuses_an_unknown_name() {
    let bin = env!("CARGO_BIN_EXE_tallyfy-fake");
    let refused = Command::new(bin)
        .args(["--shapes", "wobbly"])
        .env_remove("TALLYFY_FAKE_SHAPES")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("wobbly") && stderr.contains("varied"),
        "{stderr}"
    );

    let (mut child, addr) = spawn_binary(&[
        "--listen",
        "127.0.0.1:0",
        "--seed-guests",
        "3",
        "--shapes",
        "varied",
    ]);
    let body: Value = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!(
            "http://{addr}/api/organizations/{}/guests",
            tallyfy_fake::builder::DEFAULT_ORG_ID
        ))
        .bearer_auth(tallyfy_fake::builder::DEFAULT_TOKEN)
        .header("X-Tallyfy-Client", "APIClient")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(body["data"][0]["id"], "10001", "{body}");
    assert_eq!(body["data"][1]["id"], 10002, "{body}");
    assert_eq!(links_form(&body), "[]");
}
