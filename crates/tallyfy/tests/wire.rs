//! What the SDK puts on the wire, byte for byte where it matters: the exact JSON body of every
//! operation that has one (every key, every value, nothing extra), the exact method and raw path of
//! every operation, an empty body where there should be none, and the exact decoded query pairs of
//! every query parameter. Values are all distinct, so sending one field under another's name, or
//! swapping two, fails a test.

mod support;

use std::future::IntoFuture;

use futures::TryStreamExt;
use serde_json::{Value, json};
use support::{Reply, Scripted, Seen};
use tallyfy::{Client, GuestUpdate, Invite, MemberInclude, MemberUpdate, NewGuest, Role};

const EMAIL: &str = "o'brien+tag@x.io";
/// `EMAIL` as one path segment, percent-encoded once.
const EMAIL_SEGMENT: &str = "o%27brien%2Btag%40x.io";
const GUESTS: &str = "/api/organizations/org-1/guests";
const USERS: &str = "/api/organizations/org-1/users";

/// Answers every request with something the SDK accepts. A list is two pages of one item each
/// (one page with `without_pagination=true`), so a walk shows whether every page repeats the options.
fn respond(req: &Seen, _: usize) -> Reply {
    let path = req.path();
    let is_list = req.method == "GET" && (path.ends_with("/guests") || path.ends_with("/users"));
    if !is_list {
        return Reply::json(200, json!({"data": {"id": 7, "email": "a@b.io"}}));
    }
    let page: u64 = req.param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let total_pages = if req.param("without_pagination").is_some() {
        1
    } else {
        2
    };
    Reply::json(
        200,
        json!({
            "data": [{"id": page, "email": format!("p{page}@x.io")}],
            "meta": {"pagination": {
                "total": total_pages, "count": 1, "per_page": 1,
                "current_page": page, "total_pages": total_pages
            }}
        }),
    )
}

struct Wire {
    server: Scripted,
    client: Client,
}

impl Wire {
    async fn start() -> Self {
        let server = Scripted::start(respond).await;
        let client = support::client_for(&server.base_url);
        Self { server, client }
    }

    /// Runs one SDK call to success and returns every request it made.
    async fn sent<T>(&self, call: impl IntoFuture<Output = tallyfy::Result<T>>) -> Vec<Seen> {
        let before = self.server.count();
        if let Err(e) = call.await {
            panic!("the call failed: {e}");
        }
        self.server.requests().split_off(before)
    }

    /// Runs one SDK call that must make exactly one request, and returns it.
    async fn one<T>(&self, call: impl IntoFuture<Output = tallyfy::Result<T>>) -> Seen {
        let mut sent = self.sent(call).await;
        assert_eq!(sent.len(), 1, "expected one request: {sent:?}");
        sent.remove(0)
    }
}

/// The query as sorted decoded pairs, so that two lists compare as multisets.
fn sorted(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort();
    pairs
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    sorted(
        expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    )
}

/// The request had this method, this raw path, exactly these query pairs and, when `body` is
/// `Some`, exactly this JSON body; when it is `None`, no body at all.
#[track_caller]
fn check(
    case: &str,
    seen: &Seen,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) {
    assert_eq!(seen.method.as_str(), method, "{case}: method");
    assert_eq!(seen.path(), path, "{case}: raw path");
    assert_eq!(sorted(seen.query_pairs()), pairs(query), "{case}: query");
    match body {
        Some(expected) => {
            let got: Value = serde_json::from_slice(&seen.body).unwrap_or_else(|e| {
                panic!(
                    "{case}: body is not JSON ({e}): {:?}",
                    String::from_utf8_lossy(&seen.body)
                )
            });
            assert_eq!(got, expected, "{case}: body");
            assert_eq!(
                seen.headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok()),
                Some("application/json"),
                "{case}: content-type"
            );
        }
        None => {
            assert!(
                seen.body.is_empty(),
                "{case}: unexpected body {:?}",
                String::from_utf8_lossy(&seen.body)
            );
            assert!(
                seen.headers.get("content-type").is_none(),
                "{case}: content-type without a body"
            );
        }
    }
}

#[tokio::test]
async fn create_guest_sends_every_field_under_its_own_name() {
    let w = Wire::start().await;
    let guests = w.client.guests();

    let full = NewGuest::new(EMAIL)
        .first_name("Siobhán \"Pat\"")
        .last_name("O'Brien")
        .company_name("Acme Ltd")
        .opportunity_name("Renewal 2025")
        .status("warm lead")
        .phone_1("+353 1 111")
        .phone_2("+353 1 222")
        .company_url("https://acme.example")
        .contact_url("https://acme.example/contact")
        .image_url("https://acme.example/pat.png")
        .opportunity_url("https://crm.example/opp/9")
        .timezone("Europe/Dublin")
        .external_sync_source(tallyfy::types::GuestCreateExternalSyncSource::Salesforce)
        .external_date_creation("2025-01-15 10:30:00");
    let seen = w.one(guests.create(full)).await;
    check(
        "create, every field",
        &seen,
        "POST",
        GUESTS,
        &[],
        Some(json!({
            "email": EMAIL,
            "first_name": "Siobhán \"Pat\"",
            "last_name": "O'Brien",
            "company_name": "Acme Ltd",
            "opportunity_name": "Renewal 2025",
            "status": "warm lead",
            "phone_1": "+353 1 111",
            "phone_2": "+353 1 222",
            "company_url": "https://acme.example",
            "contact_url": "https://acme.example/contact",
            "image_url": "https://acme.example/pat.png",
            "opportunity_url": "https://crm.example/opp/9",
            "timezone": "Europe/Dublin",
            "external_sync_source": "salesforce",
            "external_date_creation": "2025-01-15 10:30:00",
        })),
    );

    // Unset fields are left out, not sent as null.
    let seen = w.one(guests.create(NewGuest::new("min@x.io"))).await;
    check(
        "create, email only",
        &seen,
        "POST",
        GUESTS,
        &[],
        Some(json!({"email": "min@x.io"})),
    );

    let seen = w
        .one(guests.create(NewGuest::new("p2@x.io").phone_2("+1 555 0002")))
        .await;
    check(
        "create, second phone only",
        &seen,
        "POST",
        GUESTS,
        &[],
        Some(json!({"email": "p2@x.io", "phone_2": "+1 555 0002"})),
    );
}

#[tokio::test]
async fn update_guest_always_sends_the_list_even_when_empty() {
    let w = Wire::start().await;
    let guests = w.client.guests();
    let path = format!("{GUESTS}/{EMAIL_SEGMENT}");
    let cases = [
        (
            "two members, in order",
            GuestUpdate::new().associated_members([34, 12]),
            json!({"associated_members": [34, 12]}),
        ),
        (
            "one member",
            GuestUpdate::new().associated_members([5]),
            json!({"associated_members": [5]}),
        ),
        (
            "clear",
            GuestUpdate::new().associated_members([]),
            json!({"associated_members": []}),
        ),
        (
            "empty list",
            GuestUpdate::new().associated_members(Vec::new()),
            json!({"associated_members": []}),
        ),
    ];
    for (case, update, body) in cases {
        let seen = w.one(guests.update(EMAIL, update)).await;
        check(case, &seen, "PUT", &path, &[], Some(body));
    }
}

#[tokio::test]
async fn invite_and_set_role_send_exact_bodies() {
    let w = Wire::start().await;
    let members = w.client.members();
    for (role, name) in [
        (Role::Admin, "admin"),
        (Role::Standard, "standard"),
        (Role::Light, "light"),
    ] {
        let invite = Invite::new(
            "ada@acme.example",
            "Ada",
            "Lovelace",
            role.clone(),
            "Welcome, \"Ada\"!\nSee you Monday.",
        );
        let seen = w.one(members.invite(invite)).await;
        check(
            &format!("invite as {name}"),
            &seen,
            "POST",
            &format!("{USERS}/invite"),
            &[],
            Some(json!({
                "email": "ada@acme.example",
                "first_name": "Ada",
                "last_name": "Lovelace",
                "role": name,
                "message": "Welcome, \"Ada\"!\nSee you Monday.",
            })),
        );

        let seen = w.one(members.set_role(42, role)).await;
        check(
            &format!("set role {name}"),
            &seen,
            "PUT",
            &format!("{USERS}/42/role"),
            &[],
            Some(json!({"role": name})),
        );
    }
}

#[tokio::test]
async fn update_member_sends_every_field_under_its_own_name() {
    let w = Wire::start().await;
    let members = w.client.members();
    let path = format!("{USERS}/42");

    let full = MemberUpdate::new("Grace", "Hopper", "America/New_York")
        .phone("+1 555 0100")
        .job_title("Rear Admiral")
        .job_description("Compilers")
        .team("Navy")
        .country_id(840)
        .date_format(tallyfy::types::MemberUpdateDateFormat::DdMmYyyy)
        .step_preferences(true);
    let seen = w.one(members.update(42, full)).await;
    check(
        "update, every field",
        &seen,
        "PUT",
        &path,
        &[],
        Some(json!({
            "first_name": "Grace",
            "last_name": "Hopper",
            "timezone": "America/New_York",
            "phone": "+1 555 0100",
            "job_title": "Rear Admiral",
            "job_description": "Compilers",
            "team": "Navy",
            "country_id": 840,
            "date_format": "dd/mm/yyyy",
            "step_preferences": true,
        })),
    );

    // `false` is a value and goes out; the other date format has its own spelling.
    let other = MemberUpdate::new("Ada", "King", "Europe/London")
        .date_format(tallyfy::types::MemberUpdateDateFormat::MmDdYyyy)
        .step_preferences(false);
    let seen = w.one(members.update(42, other)).await;
    check(
        "update, month first, no step preferences",
        &seen,
        "PUT",
        &path,
        &[],
        Some(json!({
            "first_name": "Ada",
            "last_name": "King",
            "timezone": "Europe/London",
            "date_format": "mm/dd/yyyy",
            "step_preferences": false,
        })),
    );

    let minimal = MemberUpdate::new("Ada", "King", "UTC");
    let seen = w.one(members.update(42, minimal)).await;
    check(
        "update, required fields only",
        &seen,
        "PUT",
        &path,
        &[],
        Some(json!({"first_name": "Ada", "last_name": "King", "timezone": "UTC"})),
    );
}

#[tokio::test]
async fn bodiless_operations_send_no_body_and_the_exact_path() {
    let w = Wire::start().await;
    let (guests, members) = (w.client.guests(), w.client.members());
    let guest = format!("{GUESTS}/{EMAIL_SEGMENT}");

    let cases = [
        (
            "get guest",
            w.one(guests.get(EMAIL).send()).await,
            "GET",
            guest.clone(),
        ),
        (
            "remove guest",
            w.one(guests.remove(EMAIL)).await,
            "DELETE",
            guest.clone(),
        ),
        (
            "disable guest",
            w.one(guests.disable(EMAIL)).await,
            "DELETE",
            format!("{guest}/disable"),
        ),
        (
            "enable guest",
            w.one(guests.enable(EMAIL)).await,
            "PUT",
            format!("{guest}/enable"),
        ),
        (
            "purge guest by email",
            w.one(guests.purge(EMAIL)).await,
            "DELETE",
            format!("{guest}/delete"),
        ),
        (
            "purge guest by id",
            w.one(guests.purge(1234)).await,
            "DELETE",
            format!("{GUESTS}/1234/delete"),
        ),
        (
            "get member",
            w.one(members.get(42).send()).await,
            "GET",
            format!("{USERS}/42"),
        ),
        (
            "remove member",
            w.one(members.remove(42).send()).await,
            "DELETE",
            format!("{USERS}/42"),
        ),
        (
            "disable member",
            w.one(members.disable(42)).await,
            "DELETE",
            format!("{USERS}/42/disable"),
        ),
        (
            "enable member",
            w.one(members.enable(42)).await,
            "PUT",
            format!("{USERS}/42/enable"),
        ),
        (
            "purge member",
            w.one(members.purge(42)).await,
            "DELETE",
            format!("{USERS}/42/delete"),
        ),
    ];
    for (case, seen, method, path) in &cases {
        check(case, seen, method, path, &[], None);
    }
}

#[tokio::test]
async fn list_guests_sends_every_option_as_its_own_query_pair() {
    let w = Wire::start().await;
    let guests = w.client.guests();

    let seen = w
        .one(
            guests
                .list()
                .query("acme")
                .sort("-created_at")
                .sort_by("email")
                .per_page(25)
                .with_stats()
                .page(3),
        )
        .await;
    check(
        "one page, every option",
        &seen,
        "GET",
        GUESTS,
        &[
            ("q", "acme"),
            ("sort", "-created_at"),
            ("sort_by", "email"),
            ("per_page", "25"),
            ("page", "3"),
            ("with", "stats"),
        ],
        None,
    );

    // A walk repeats every option on every page.
    let list = guests
        .list()
        .query("a b&c=d")
        .sort("first_name")
        .per_page(7)
        .with_stats();
    let sent = w.sent(list.collect_all()).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    for (seen, page) in sent.iter().zip(["1", "2"]) {
        check(
            &format!("walk, page {page}"),
            seen,
            "GET",
            GUESTS,
            &[
                ("q", "a b&c=d"),
                ("sort", "first_name"),
                ("per_page", "7"),
                ("page", page),
                ("with", "stats"),
            ],
            None,
        );
    }

    let seen = w
        .one(guests.list().without_pagination().query("x").collect_all())
        .await;
    check(
        "without pagination",
        &seen,
        "GET",
        GUESTS,
        &[("without_pagination", "true"), ("q", "x")],
        None,
    );

    let sent = w.sent(guests.list().collect_all()).await;
    let got: Vec<_> = sent.iter().map(|s| sorted(s.query_pairs())).collect();
    assert_eq!(
        got,
        vec![pairs(&[("page", "1")]), pairs(&[("page", "2")])],
        "no options: only the page number"
    );
}

#[tokio::test]
async fn list_members_sends_every_option_as_its_own_query_pair() {
    let w = Wire::start().await;
    let members = w.client.members();

    let seen = w
        .one(
            members
                .list()
                .query("ada")
                .sort("-last_name")
                .per_page(30)
                .with(&[
                    MemberInclude::Groups,
                    MemberInclude::Stats,
                    MemberInclude::Country,
                ])
                .page(4),
        )
        .await;
    check(
        "one page, every option",
        &seen,
        "GET",
        USERS,
        &[
            ("q", "ada"),
            ("sort", "-last_name"),
            ("per_page", "30"),
            ("page", "4"),
            ("with", "groups,stats,country"),
        ],
        None,
    );
    assert!(
        seen.query().contains("with=groups%2Cstats%2Ccountry"),
        "the includes travel as one comma-separated value: {}",
        seen.query()
    );

    let list = members
        .list()
        .query("lovelace")
        .sort("email")
        .per_page(9)
        .with(&[MemberInclude::AuthMethods, MemberInclude::AuthMethods]);
    let sent = w.sent(list.items().try_collect::<Vec<_>>()).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    for (seen, page) in sent.iter().zip(["1", "2"]) {
        check(
            &format!("walk, page {page}"),
            seen,
            "GET",
            USERS,
            &[
                ("q", "lovelace"),
                ("sort", "email"),
                ("per_page", "9"),
                ("page", page),
                ("with", "auth_methods"),
            ],
            None,
        );
    }

    let sent = w.sent(members.list().with(&[]).collect_all()).await;
    let got: Vec<_> = sent.iter().map(|s| sorted(s.query_pairs())).collect();
    assert_eq!(
        got,
        vec![pairs(&[("page", "1")]), pairs(&[("page", "2")])],
        "no options: only the page number"
    );
}

#[tokio::test]
async fn get_and_remove_send_their_query_pairs() {
    let w = Wire::start().await;
    let (guests, members) = (w.client.guests(), w.client.members());

    let seen = w.one(guests.get(EMAIL).with_stats().send()).await;
    check(
        "get guest with stats",
        &seen,
        "GET",
        &format!("{GUESTS}/{EMAIL_SEGMENT}"),
        &[("with", "stats")],
        None,
    );

    let includes = [
        (vec![MemberInclude::Stats], "stats"),
        (
            vec![MemberInclude::Organizations, MemberInclude::Preferences],
            "organizations,preferences",
        ),
        (
            vec![
                MemberInclude::Assets,
                MemberInclude::MemberWatchers,
                MemberInclude::GuestWatchers,
                MemberInclude::AuthMethods,
                MemberInclude::Country,
                MemberInclude::Groups,
            ],
            "assets,member_watchers,guest_watchers,auth_methods,country,groups",
        ),
    ];
    for (with, value) in includes {
        let seen = w.one(members.get(42).with(&with).send()).await;
        check(
            &format!("get member with {value}"),
            &seen,
            "GET",
            &format!("{USERS}/42"),
            &[("with", value)],
            None,
        );
    }

    let seen = w.one(members.remove(42).reassign_to(7).send()).await;
    check(
        "remove member with reassignment",
        &seen,
        "DELETE",
        &format!("{USERS}/42"),
        &[("with_reassignment", "true"), ("to", "7")],
        None,
    );
}
