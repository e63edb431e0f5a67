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
use tallyfy::types::{
    ListProcessTasksStatus, ListProcessesArchived, ListProcessesStatus, ListTasksIsOneoff,
    ListTasksStatus, ListTemplatesArchived, ListTemplatesType,
};
use tallyfy::types::{TaskType, TemplateType};
use tallyfy::{
    Assignees, CaptureValue, Client, Completion, FormValue, FormValues, GuestUpdate, Invite,
    Launch, MemberInclude, MemberUpdate, NewComment, NewGroup, NewGuest, NewTask, NewTemplate,
    OneoffTaskUpdate, ProcessInclude, ProcessUpdate, Resolution, Role, StepUpdate, TagFields,
    TaskInclude, TaskUpdate, TemplateInclude, TemplateUpdate,
};

const EMAIL: &str = "o'brien+tag@x.io";
/// `EMAIL` as one path segment, percent-encoded once.
const EMAIL_SEGMENT: &str = "o%27brien%2Btag%40x.io";
const GUESTS: &str = "/api/organizations/org-1/guests";
const USERS: &str = "/api/organizations/org-1/users";

/// Answers every request with something the SDK accepts. A list is two pages of one item each
/// (one page with `without_pagination=true`), so a walk shows whether every page repeats the options.
fn respond(req: &Seen, _: usize) -> Reply {
    let path = req.path();
    let is_list = req.method == "GET"
        && [
            "/guests",
            "/users",
            "/checklists",
            "/runs",
            "/tasks",
            "/tags",
            "/groups",
            "/activity-feeds",
        ]
        .iter()
        .any(|end| path.ends_with(end));
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

const ORG_PATH: &str = "/api/organizations/org-1";
/// A template, process and task id with bytes that must be encoded, to show each goes out as one
/// segment.
const ID: &str = "ab/c d";
const ID_SEGMENT: &str = "ab%2Fc%20d";

#[tokio::test]
async fn workflow_lists_send_every_filter_under_its_own_name() {
    let w = Wire::start().await;
    let templates = w
        .client
        .templates()
        .list()
        .query("onboard")
        .sort("-title")
        .with(&[TemplateInclude::Steps, TemplateInclude::Tags])
        .status("active")
        .kind(ListTemplatesType::Form)
        .starred()
        .owner_id(1001)
        .archived(ListTemplatesArchived::Only)
        .per_page(25);
    let sent = w.sent(templates.items().try_collect::<Vec<_>>()).await;
    assert_eq!(sent.len(), 2, "two pages");
    for (i, seen) in sent.iter().enumerate() {
        let page = (i + 1).to_string();
        check(
            "list_templates",
            seen,
            "GET",
            &format!("{ORG_PATH}/checklists"),
            &[
                ("q", "onboard"),
                ("sort_by", "-title"),
                ("with", "steps,tags"),
                ("status", "active"),
                ("type", "form"),
                ("starred", "true"),
                ("owner_id", "1001"),
                ("archived", "only"),
                ("per_page", "25"),
                ("page", &page),
            ],
            None,
        );
    }

    let processes = w
        .client
        .processes()
        .list()
        .query("acme")
        .status(ListProcessesStatus::Problem)
        .owners("1001,1002")
        .checklist_id("tpl")
        .starred()
        .archived(ListProcessesArchived::True)
        .kind(tallyfy::types::ListProcessesType::Procedure)
        .with(&[ProcessInclude::Tasks, ProcessInclude::NextTask])
        .sort("-created_at")
        .without_pagination();
    let seen = w.one(processes.items().try_collect::<Vec<_>>()).await;
    check(
        "list_processes",
        &seen,
        "GET",
        &format!("{ORG_PATH}/runs"),
        &[
            ("q", "acme"),
            ("status", "problem"),
            ("owners", "1001,1002"),
            ("checklist_id", "tpl"),
            ("starred", "true"),
            ("archived", "true"),
            ("type", "procedure"),
            ("with", "tasks,next_task"),
            ("sort", "-created_at"),
            ("without_pagination", "true"),
        ],
        None,
    );

    let tasks = w
        .client
        .processes()
        .tasks(ID)
        .status(ListProcessTasksStatus::NotStarted)
        .owners("1001")
        .unassigned()
        .with(&[TaskInclude::Step, TaskInclude::FormFields])
        .sort("-deadline");
    let seen = w.one(tasks.page(2)).await;
    check(
        "list_process_tasks",
        &seen,
        "GET",
        &format!("{ORG_PATH}/runs/{ID_SEGMENT}/tasks"),
        &[
            ("status", "not-started"),
            ("owners", "1001"),
            ("unassigned", "true"),
            ("with", "step,form_fields"),
            ("sort", "-deadline"),
            ("page", "2"),
        ],
        None,
    );

    let org = w
        .client
        .tasks()
        .list()
        .query("call")
        .status(ListTasksStatus::Completed)
        .owners("7")
        .is_oneoff(ListTasksIsOneoff::False)
        .archived(tallyfy::types::ListTasksArchived::Only)
        .with(&[TaskInclude::Run, TaskInclude::Threads])
        .sort("-newest");
    let seen = w.one(org.page(1)).await;
    check(
        "list_tasks",
        &seen,
        "GET",
        &format!("{ORG_PATH}/tasks"),
        &[
            ("q", "call"),
            ("status", "completed"),
            ("owners", "7"),
            ("is_oneoff", "false"),
            ("archived", "only"),
            ("with", "run,threads"),
            ("sort", "-newest"),
            ("page", "1"),
        ],
        None,
    );

    let mine = w
        .client
        .tasks()
        .mine()
        .status(tallyfy::types::ListMyTasksStatus::All)
        .sort("newest")
        .per_page(100);
    let seen = w.one(mine.page(1)).await;
    check(
        "list_my_tasks",
        &seen,
        "GET",
        &format!("{ORG_PATH}/me/tasks"),
        &[
            ("status", "all"),
            ("sort", "newest"),
            ("per_page", "100"),
            ("page", "1"),
        ],
        None,
    );

    use tallyfy::types::{
        ListActivityActorType, ListActivityEntityType, ListActivityOriginType, ListActivitySource,
        ListActivityType, ListActivityVerb,
    };
    let activity = w
        .client
        .activity()
        .list()
        .entity_type(ListActivityEntityType::Run)
        .entity_id("run 1")
        .kind(ListActivityType::Task)
        .verb(ListActivityVerb::IssueReported)
        .actor_type(ListActivityActorType::User)
        .actor_id(1001)
        .actor_email(EMAIL)
        .source(ListActivitySource::Member)
        .created_after("2026-01-01")
        .created_before("2026-01-31")
        .search("signed")
        .field("title")
        .origin_type(ListActivityOriginType::Checklist)
        .origin_id("tpl-1")
        .sort("created_at")
        .per_page(50);
    let sent = w.sent(activity.items().try_collect::<Vec<_>>()).await;
    assert_eq!(sent.len(), 2, "two pages");
    for (i, seen) in sent.iter().enumerate() {
        let page = (i + 1).to_string();
        check(
            "list_activity",
            seen,
            "GET",
            &format!("{ORG_PATH}/activity-feeds"),
            &[
                ("entity_type", "run"),
                ("entity_id", "run 1"),
                ("type", "Task"),
                ("verb", "issue-reported"),
                ("actor_type", "user"),
                ("actor_id", "1001"),
                ("actor_email", EMAIL),
                ("source", "Member"),
                ("created_after", "2026-01-01"),
                ("created_before", "2026-01-31"),
                ("search", "signed"),
                ("field", "title"),
                ("origin_type", "checklist"),
                ("origin_id", "tpl-1"),
                ("sort", "created_at"),
                ("per_page", "50"),
                ("page", &page),
            ],
            None,
        );
    }
}

#[tokio::test]
async fn workflow_reads_and_bodiless_calls_send_the_exact_path() {
    let w = Wire::start().await;
    let t = w.client.templates();
    let p = w.client.processes();
    let tasks = w.client.tasks();
    let cases = [
        (
            "get_template",
            "GET",
            format!("/checklists/{ID_SEGMENT}"),
            vec![("with", "steps,folder")],
            w.one(
                t.get(ID)
                    .with(&[TemplateInclude::Steps, TemplateInclude::Folder]),
            )
            .await,
        ),
        (
            "list_template_form_fields",
            "GET",
            format!("/checklists/{ID_SEGMENT}/form-fields"),
            vec![],
            w.one(t.form_fields(ID)).await,
        ),
        (
            "archive_template",
            "DELETE",
            format!("/checklists/{ID_SEGMENT}"),
            vec![],
            w.one(t.archive(ID)).await,
        ),
        (
            "restore_template",
            "PUT",
            format!("/checklists/{ID_SEGMENT}/restore"),
            vec![],
            w.one(t.restore(ID)).await,
        ),
        (
            "delete_template",
            "DELETE",
            format!("/checklists/{ID_SEGMENT}/delete"),
            vec![],
            w.one(t.delete(ID)).await,
        ),
        (
            "get_process",
            "GET",
            format!("/runs/{ID_SEGMENT}"),
            vec![("with", "checklist,form_fields")],
            w.one(
                p.get(ID)
                    .with(&[ProcessInclude::Checklist, ProcessInclude::FormFields]),
            )
            .await,
        ),
        (
            "archive_process",
            "DELETE",
            format!("/runs/{ID_SEGMENT}"),
            vec![],
            w.one(p.archive(ID)).await,
        ),
        (
            "activate_process",
            "PUT",
            format!("/runs/{ID_SEGMENT}/activate"),
            vec![],
            w.one(p.activate(ID)).await,
        ),
        (
            "delete_process",
            "DELETE",
            format!("/runs/{ID_SEGMENT}/delete"),
            vec![],
            w.one(p.delete(ID)).await,
        ),
        (
            "get_task",
            "GET",
            format!("/tasks/{ID_SEGMENT}"),
            vec![("with", "threads,tags")],
            w.one(
                tasks
                    .get(ID)
                    .with(&[TaskInclude::Threads, TaskInclude::Tags]),
            )
            .await,
        ),
        (
            "reopen_task",
            "DELETE",
            format!("/runs/{ID_SEGMENT}/completed-tasks/t%2B1"),
            vec![],
            w.one(tasks.reopen(ID, "t+1")).await,
        ),
        (
            "reopen_oneoff_task",
            "DELETE",
            format!("/completed-tasks/{ID_SEGMENT}"),
            vec![],
            w.one(tasks.reopen_oneoff(ID)).await,
        ),
        (
            "archive_oneoff_task",
            "DELETE",
            format!("/tasks/{ID_SEGMENT}"),
            vec![],
            w.one(tasks.archive_oneoff(ID)).await,
        ),
        (
            "restore_oneoff_task",
            "PUT",
            format!("/tasks/{ID_SEGMENT}/restore"),
            vec![],
            w.one(tasks.restore_oneoff(ID)).await,
        ),
        (
            "delete_oneoff_task",
            "DELETE",
            format!("/tasks/{ID_SEGMENT}/delete"),
            vec![],
            w.one(tasks.delete_oneoff(ID)).await,
        ),
        (
            "get_tag",
            "GET",
            format!("/tags/{ID_SEGMENT}"),
            vec![("with", "statistics")],
            w.one(w.client.tags().get(ID).with_statistics()).await,
        ),
        (
            "delete_tag",
            "DELETE",
            format!("/tags/{ID_SEGMENT}"),
            vec![],
            w.one(w.client.tags().delete(ID)).await,
        ),
        (
            "get_group",
            "GET",
            format!("/groups/{ID_SEGMENT}"),
            vec![("with", "users,guests")],
            w.one(
                w.client
                    .groups()
                    .get(ID)
                    .with(&[tallyfy::GroupInclude::Users, tallyfy::GroupInclude::Guests]),
            )
            .await,
        ),
        (
            "delete_group",
            "DELETE",
            format!("/groups/{ID_SEGMENT}"),
            vec![],
            w.one(w.client.groups().delete(ID)).await,
        ),
    ];
    for (case, method, path, query, seen) in cases {
        check(
            case,
            &seen,
            method,
            &format!("{ORG_PATH}{path}"),
            &query,
            None,
        );
    }
}

#[tokio::test]
async fn workflow_bodies_are_exact() {
    let w = Wire::start().await;
    let values = FormValues::new()
        .set("f-text", "Acme")
        .set("f-drop", FormValue::choice(2, "Office 365"))
        .set("f-multi", FormValue::choices([(1, "Slack")]))
        .set("f-table", FormValue::table(["Widget", "3"]))
        .set(
            "f-who",
            Assignees::default().user(1001).guest("g@x.io").group("grp"),
        );
    let values_json = json!({
        "f-text": "Acme",
        "f-drop": {"id": 2, "text": "Office 365"},
        "f-multi": [{"id": 1, "text": "Slack", "selected": true}],
        "f-table": ["Widget", "3"],
        "f-who": {"users": [1001], "guests": ["g@x.io"], "groups": ["grp"]}
    });
    let step = tallyfy::types::StepOverride {
        deadline: Some("2026-01-20T17:00:00Z".into()),
        owners: Some(Assignees::default().user(1002)),
    };
    let launch = Launch::new("tpl-1")
        .name("Onboarding")
        .summary("For Acme")
        .owner_id(1001)
        .user_id(1002)
        .starred(true)
        .is_public(false)
        .parent_id("parent-run")
        .prerun(values.clone())
        .tasks(tallyfy::types::StepOverrides(
            [("step-1".to_string(), step)].into(),
        ))
        .tags(["tag-1"])
        .users([1003])
        .groups(["grp-1"]);
    let seen = w.one(w.client.processes().launch(launch)).await;
    check(
        "launch_process",
        &seen,
        "POST",
        &format!("{ORG_PATH}/runs"),
        &[],
        Some(json!({
            "checklist_id": "tpl-1", "name": "Onboarding", "summary": "For Acme", "owner_id": 1001,
            "user_id": 1002, "starred": true, "is_public": false, "parent_id": "parent-run",
            "prerun": values_json.clone(),
            "tasks": {"step-1": {"deadline": "2026-01-20T17:00:00Z", "owners": {"users": [1002], "guests": [], "groups": []}}},
            "tags": ["tag-1"], "users": [1003], "groups": ["grp-1"]
        })),
    );

    let update = ProcessUpdate::new()
        .name("Renamed")
        .users([1001, 1002])
        .groups(["g"])
        .prerun(FormValues::new());
    let seen = w.one(w.client.processes().update(ID, update)).await;
    check(
        "update_process",
        &seen,
        "PUT",
        &format!("{ORG_PATH}/runs/{ID_SEGMENT}"),
        &[],
        Some(json!({"name": "Renamed", "users": [1001, 1002], "groups": ["g"], "prerun": {}})),
    );

    let task = TaskUpdate::new()
        .title("Call the client")
        .summary("Before Friday")
        .deadline("2026-01-20 17:00:00")
        .started_at("2026-01-19T09:00:00Z")
        .owners(Assignees::default())
        .taskdata(values)
        .webhook("https://hooks.example/done")
        .prevent_guest_comment(true)
        .max_assignable(0);
    let seen = w.one(w.client.tasks().update(ID, "task 1", task)).await;
    check(
        "update_task",
        &seen,
        "PUT",
        &format!("{ORG_PATH}/runs/{ID_SEGMENT}/tasks/task%201"),
        &[],
        Some(json!({
            "title": "Call the client", "summary": "Before Friday", "deadline": "2026-01-20 17:00:00",
            "started_at": "2026-01-19T09:00:00Z", "owners": {"users": [], "guests": [], "groups": []},
            "taskdata": values_json, "webhook": "https://hooks.example/done",
            "prevent_guest_comment": true, "max_assignable": 0
        })),
    );

    // One value at a time: a choice, and `Empty` (sent as `null`, which clears the field).
    let seen = w
        .one(w.client.tasks().save_value(
            ID,
            CaptureValue::new("f-drop", FormValue::choice(2, "Office 365")),
        ))
        .await;
    check(
        "save_capture_value",
        &seen,
        "POST",
        &format!("{ORG_PATH}/tasks/{ID_SEGMENT}/captures"),
        &[],
        Some(json!({"id": "f-drop", "value": {"id": 2, "text": "Office 365"}})),
    );
    let seen = w
        .one(
            w.client
                .tasks()
                .save_value(ID, CaptureValue::new("f-drop", FormValue::empty())),
        )
        .await;
    check(
        "save_capture_value",
        &seen,
        "POST",
        &format!("{ORG_PATH}/tasks/{ID_SEGMENT}/captures"),
        &[],
        Some(json!({"id": "f-drop", "value": null})),
    );

    let seen = w
        .one(
            w.client.tasks().complete(
                ID,
                Completion::new("task-1")
                    .is_approved(false)
                    .override_user(1005),
            ),
        )
        .await;
    check(
        "complete_task",
        &seen,
        "POST",
        &format!("{ORG_PATH}/runs/{ID_SEGMENT}/completed-tasks"),
        &[],
        Some(json!({"task_id": "task-1", "is_approved": false, "override_user": 1005})),
    );
    let seen = w
        .one(w.client.tasks().complete(ID, Completion::new("task-2")))
        .await;
    check(
        "complete_task (no decision)",
        &seen,
        "POST",
        &format!("{ORG_PATH}/runs/{ID_SEGMENT}/completed-tasks"),
        &[],
        Some(json!({"task_id": "task-2"})),
    );

    let form = tallyfy::types::OneoffFormFields(vec![tallyfy::types::OneoffFormField {
        label: "Region".parse().unwrap(),
        field_type: tallyfy::types::OneoffFormFieldFieldType::Dropdown,
        required: true,
        options: vec![tallyfy::types::FieldOption {
            id: Some(tallyfy::types::FlexibleId::Int64(1)),
            text: Some("EMEA".into()),
        }],
        guidance: Some("Where the client is".into()),
        position: Some(2),
    }]);
    let new_task = NewTask::new(
        "Call the bank",
        TaskType::Approval,
        Assignees::default().user(1001).guest(EMAIL).group("grp-1"),
        "2026-01-20 17:00:00",
    )
    .summary("Ask about the loan")
    .description("The create-task page's name")
    .started_at("2026-01-19T09:00:00Z")
    .separate_task_for_each_assignee(false)
    .max_assignable(2)
    .prevent_guest_comment(true)
    .everyone_must_complete(true)
    .can_complete_only_assignees(false)
    .is_soft_start_date(true)
    .tags(["tag-1"])
    .form_fields(form)
    .webhook("https://hooks.example/done")
    .top_secret(true)
    .run_id("run-7")
    .position(3);
    let seen = w.one(w.client.tasks().create_oneoff(new_task)).await;
    check(
        "create_oneoff_task",
        &seen,
        "POST",
        &format!("{ORG_PATH}/tasks"),
        &[],
        Some(json!({
            "title": "Call the bank", "task_type": "approval",
            "owners": {"users": [1001], "guests": [EMAIL], "groups": ["grp-1"]},
            "deadline": "2026-01-20 17:00:00", "summary": "Ask about the loan",
            "description": "The create-task page's name", "started_at": "2026-01-19T09:00:00Z",
            "separate_task_for_each_assignee": false, "max_assignable": 2,
            "prevent_guest_comment": true, "everyone_must_complete": true,
            "can_complete_only_assignees": false, "is_soft_start_date": true, "tags": ["tag-1"],
            "form_fields": [{
                "label": "Region", "field_type": "dropdown", "required": true,
                "options": [{"id": 1, "text": "EMEA"}], "guidance": "Where the client is",
                "position": 2
            }],
            "webhook": "https://hooks.example/done", "top_secret": true, "run_id": "run-7",
            "position": 3
        })),
    );
    let seen = w
        .one(w.client.tasks().create_oneoff(NewTask::new(
            "Minimal",
            TaskType::Task,
            Assignees::default(),
            "2026-01-20T17:00:00Z",
        )))
        .await;
    check(
        "create_oneoff_task (required fields only)",
        &seen,
        "POST",
        &format!("{ORG_PATH}/tasks"),
        &[],
        Some(json!({
            "title": "Minimal", "task_type": "task",
            "owners": {"users": [], "guests": [], "groups": []},
            "deadline": "2026-01-20T17:00:00Z"
        })),
    );
    let seen = w
        .one(
            w.client.tasks().update_oneoff(
                "task 1",
                OneoffTaskUpdate::new(
                    "Call the bank",
                    "2026-01-21 17:00:00",
                    Assignees::default().user(1002),
                )
                .summary("Moved")
                .started_at("2026-01-20T09:00:00Z")
                .taskdata(FormValues::new().set("f-text", "Acme"))
                .webhook("https://hooks.example/moved")
                .prevent_guest_comment(false)
                .max_assignable(0),
            ),
        )
        .await;
    check(
        "update_oneoff_task",
        &seen,
        "PUT",
        &format!("{ORG_PATH}/tasks/task%201"),
        &[],
        Some(json!({
            "title": "Call the bank", "deadline": "2026-01-21 17:00:00",
            "owners": {"users": [1002], "guests": [], "groups": []}, "summary": "Moved",
            "started_at": "2026-01-20T09:00:00Z", "taskdata": {"f-text": "Acme"},
            "webhook": "https://hooks.example/moved", "prevent_guest_comment": false,
            "max_assignable": 0
        })),
    );
    let seen = w
        .one(
            w.client
                .tasks()
                .complete_oneoff(Completion::new("task-3").is_approved(true)),
        )
        .await;
    check(
        "complete_oneoff_task",
        &seen,
        "POST",
        &format!("{ORG_PATH}/completed-tasks"),
        &[],
        Some(json!({"task_id": "task-3", "is_approved": true})),
    );

    let prerun = tallyfy::types::KickoffFieldInputs(vec![tallyfy::types::KickoffFieldInput {
        id: None,
        label: "Contacts".parse().unwrap(),
        field_type: tallyfy::types::KickoffFieldInputFieldType::Table,
        required: false,
        guidance: Some("Who to call".into()),
        position: Some(1),
        options: vec![],
        columns: vec![tallyfy::types::TableColumn {
            id: None,
            label: Some("Name".into()),
        }],
    }]);
    let template = NewTemplate::new("Vendor Review", TemplateType::Form)
        .summary("Yearly")
        .owner_id(1002)
        .user_id(1003)
        .webhook("https://hooks.example/tpl")
        .explanation_video("https://video.example/v")
        .starred(true)
        .guidance("Read first")
        .icon("fa-truck")
        .is_public(false)
        .is_featured(false)
        .public_cover("https://img.example/c.png")
        .folder_id("folder-1")
        .default_process_name_format("{{date}}")
        .is_public_kickoff(true)
        .auto_naming(true)
        .dual_version_enabled(false)
        .users([1004])
        .groups(["grp-2"])
        .prerun(prerun)
        .folderize_process(true)
        .tag_process(false)
        .allow_launcher_change_name(true)
        .can_add_oot(false);
    let seen = w.one(w.client.templates().create(template)).await;
    check(
        "create_template",
        &seen,
        "POST",
        &format!("{ORG_PATH}/checklists"),
        &[],
        Some(json!({
            "title": "Vendor Review", "type": "form", "summary": "Yearly", "owner_id": 1002,
            "user_id": 1003, "webhook": "https://hooks.example/tpl",
            "explanation_video": "https://video.example/v", "starred": true,
            "guidance": "Read first", "icon": "fa-truck", "is_public": false, "is_featured": false,
            "public_cover": "https://img.example/c.png", "folder_id": "folder-1",
            "default_process_name_format": "{{date}}", "is_public_kickoff": true,
            "auto_naming": true, "dual_version_enabled": false, "users": [1004],
            "groups": ["grp-2"],
            "prerun": [{
                "label": "Contacts", "field_type": "table", "required": false,
                "guidance": "Who to call", "position": 1, "columns": [{"label": "Name"}]
            }],
            "folderize_process": true, "tag_process": false, "allow_launcher_change_name": true,
            "can_add_oot": false
        })),
    );
    let seen = w
        .one(
            w.client.templates().update(
                ID,
                TemplateUpdate::new("Vendor Review 2")
                    .guidance("Changed")
                    .users([1005]),
            ),
        )
        .await;
    check(
        "update_template",
        &seen,
        "PUT",
        &format!("{ORG_PATH}/checklists/{ID_SEGMENT}"),
        &[],
        Some(json!({"title": "Vendor Review 2", "guidance": "Changed", "users": [1005]})),
    );
    let seen = w
        .one(
            w.client.templates().update_step(
                ID,
                ID,
                StepUpdate::new("Legal review")
                    .webhook("https://hooks.example/s")
                    .max_assignable(2),
            ),
        )
        .await;
    check(
        "update_template_step",
        &seen,
        "PUT",
        &format!("{ORG_PATH}/checklists/{ID_SEGMENT}/steps/{ID_SEGMENT}"),
        &[],
        Some(json!({
            "title": "Legal review", "webhook": "https://hooks.example/s", "max_assignable": 2
        })),
    );

    let comments = w.client.comments();
    let seen = w
        .one(
            comments.create(
                ID,
                NewComment::new("Hi @[1002]")
                    .state("hide-for-guests".parse().unwrap())
                    .label("advice".parse().unwrap()),
            ),
        )
        .await;
    check(
        "create_comment",
        &seen,
        "POST",
        &format!("{ORG_PATH}/tasks/{ID_SEGMENT}/comment"),
        &[],
        Some(json!({"content": "Hi @[1002]", "state": "hide-for-guests", "label": "advice"})),
    );
    let seen = w.one(comments.report_problem(ID, "Blocked")).await;
    check(
        "report_problem",
        &seen,
        "POST",
        &format!("{ORG_PATH}/tasks/{ID_SEGMENT}/problem"),
        &[],
        Some(json!({"content": "Blocked"})),
    );
    let seen = w
        .one(comments.resolve_problem(ID, Resolution::new("thread-9", "Unblocked")))
        .await;
    check(
        "resolve_problem",
        &seen,
        "POST",
        &format!("{ORG_PATH}/tasks/{ID_SEGMENT}/resolved-threads"),
        &[],
        Some(json!({"thread_id": "thread-9", "content": "Unblocked"})),
    );
    // The same three on a process and on a template itself.
    for (area, on) in [("runs", "process"), ("checklists", "template")] {
        let seen = match on {
            "process" => {
                w.one(comments.create_on_process(
                    ID,
                    NewComment::new("Kick-off done").label("advice".parse().unwrap()),
                ))
                .await
            }
            _ => {
                w.one(comments.create_on_template(
                    ID,
                    NewComment::new("Kick-off done").label("advice".parse().unwrap()),
                ))
                .await
            }
        };
        check(
            &format!("create_{on}_comment"),
            &seen,
            "POST",
            &format!("{ORG_PATH}/{area}/{ID_SEGMENT}/comment"),
            &[],
            Some(json!({"content": "Kick-off done", "label": "advice"})),
        );
        let seen = match on {
            "process" => {
                w.one(comments.report_problem_on_process(ID, "Budget"))
                    .await
            }
            _ => {
                w.one(comments.report_problem_on_template(ID, "Budget"))
                    .await
            }
        };
        check(
            &format!("report_{on}_problem"),
            &seen,
            "POST",
            &format!("{ORG_PATH}/{area}/{ID_SEGMENT}/problem"),
            &[],
            Some(json!({"content": "Budget"})),
        );
        let resolution = Resolution::new("thread-9", "Approved").state("open".parse().unwrap());
        let seen = match on {
            "process" => {
                w.one(comments.resolve_problem_on_process(ID, resolution))
                    .await
            }
            _ => {
                w.one(comments.resolve_problem_on_template(ID, resolution))
                    .await
            }
        };
        check(
            &format!("resolve_{on}_problem"),
            &seen,
            "POST",
            &format!("{ORG_PATH}/{area}/{ID_SEGMENT}/resolved-threads"),
            &[],
            Some(json!({"thread_id": "thread-9", "content": "Approved", "state": "open"})),
        );
    }

    let seen = w
        .one(
            w.client
                .tags()
                .create(TagFields::new("Urgent").color("#e74c3c")),
        )
        .await;
    check(
        "create_tag",
        &seen,
        "POST",
        &format!("{ORG_PATH}/tags"),
        &[],
        Some(json!({"title": "Urgent", "color": "#e74c3c"})),
    );
    let seen = w
        .one(w.client.tags().update(ID, TagFields::new("Later")))
        .await;
    check(
        "update_tag",
        &seen,
        "PUT",
        &format!("{ORG_PATH}/tags/{ID_SEGMENT}"),
        &[],
        Some(json!({"title": "Later"})),
    );
    let seen = w
        .one(
            w.client.groups().create(
                NewGroup::new("Finance", "")
                    .members([1001])
                    .guests(["a@x.io"]),
            ),
        )
        .await;
    check(
        "create_group",
        &seen,
        "POST",
        &format!("{ORG_PATH}/groups"),
        &[],
        Some(
            json!({"name": "Finance", "description": "", "members": [1001], "guests": ["a@x.io"]}),
        ),
    );
    let seen = w
        .one(
            w.client
                .groups()
                .update(ID, tallyfy::GroupUpdate::new().description("Approvers")),
        )
        .await;
    check(
        "update_group",
        &seen,
        "PUT",
        &format!("{ORG_PATH}/groups/{ID_SEGMENT}"),
        &[],
        Some(json!({"description": "Approvers"})),
    );
}

#[tokio::test]
async fn workflow_inputs_are_checked_before_sending() {
    let w = Wire::start().await;
    let before = w.server.count();
    let refused = [
        w.client.processes().get("").await.map(drop).unwrap_err(),
        w.client
            .tasks()
            .reopen("run", "..")
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .processes()
            .launch(Launch::new(""))
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .processes()
            .launch(Launch::new("t").name("n".repeat(551)))
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .tasks()
            .update("r", "t", TaskUpdate::new().title("t".repeat(601)))
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .tasks()
            .update("r", "t", TaskUpdate::new().webhook("not a url"))
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .comments()
            .report_problem("t", "")
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .tasks()
            .create_oneoff(NewTask::new(
                "",
                TaskType::Task,
                Assignees::default(),
                "2026-01-20 17:00:00",
            ))
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .tasks()
            .create_oneoff(
                NewTask::new("t", TaskType::Task, Assignees::default(), "d").max_assignable(-1),
            )
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .tasks()
            .update_oneoff("..", OneoffTaskUpdate::new("t", "d", Assignees::default()))
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .tags()
            .create(TagFields::new("Urgent").color("red"))
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .tags()
            .create(TagFields::new("x".repeat(31)))
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .templates()
            .list()
            .owner_id(0)
            .page(1)
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .groups()
            .list()
            .per_page(101)
            .page(1)
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .activity()
            .list()
            .search("x")
            .page(1)
            .await
            .map(drop)
            .unwrap_err(),
        w.client
            .activity()
            .list()
            .created_before("31/01/2026")
            .page(1)
            .await
            .map(drop)
            .unwrap_err(),
    ];
    let fields: Vec<String> = refused
        .iter()
        .map(|e| match e {
            tallyfy::Error::InvalidInput { field, .. } => field.clone(),
            other => panic!("not refused before sending: {other}"),
        })
        .collect();
    assert_eq!(
        fields,
        [
            "run_id",
            "task_id",
            "checklist_id",
            "name",
            "title",
            "webhook",
            "content",
            "title",
            "max_assignable",
            "task_id",
            "color",
            "title",
            "owner_id",
            "per_page",
            "search",
            "created_before"
        ]
    );
    assert_eq!(w.server.count(), before, "nothing was sent");
}
