//! What the real `tallyfy` binary puts on the wire for each command and flag: the exact JSON body
//! (every key and value, nothing extra), the exact method and raw path, no body where there should be
//! none, and the exact decoded query pairs. A loopback wiremock server answers and records; values are
//! all distinct, so a flag mapped to the wrong field, or dropped, fails a test.

use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "cli-wire-token-5ecr3t";
const ORG: &str = "cli-org";
const BIN: &str = env!("CARGO_BIN_EXE_tallyfy");
const EMAIL: &str = "o'brien+tag@x.io";
/// `EMAIL` as one path segment, percent-encoded once.
const EMAIL_SEGMENT: &str = "o%27brien%2Btag%40x.io";
const GUESTS: &str = "/api/organizations/cli-org/guests";
const USERS: &str = "/api/organizations/cli-org/users";

/// Answers every request with something the CLI accepts. A list is two pages of one item each, so a
/// walk shows whether every page repeats the options.
fn respond(req: &Request) -> ResponseTemplate {
    let path = req.url.path();
    let is_list = req.method == "GET" && (path.ends_with("/guests") || path.ends_with("/users"));
    if !is_list {
        return ResponseTemplate::new(200)
            .set_body_json(json!({"data": {"id": 7, "email": "a@b.io"}}));
    }
    let page: u64 = req
        .url
        .query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1);
    ResponseTemplate::new(200).set_body_json(json!({
        "data": [{"id": page, "email": format!("p{page}@x.io")}],
        "meta": {"pagination": {
            "total": 2, "count": 1, "per_page": 1, "current_page": page, "total_pages": 2
        }}
    }))
}

/// A recording server on 127.0.0.1, port chosen by the system.
async fn server() -> MockServer {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(any())
        .respond_with(respond)
        .mount(&server)
        .await;
    server
}

/// Runs the binary with a clean environment against `server`.
async fn run(server: &MockServer, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_BASE_URL", format!("{}/api", server.uri()))
        .env("TALLYFY_ACCESS_TOKEN", TOKEN)
        .env("TALLYFY_ORG_ID", ORG)
        .args(args)
        .arg("--output")
        .arg("json")
        .stdin(Stdio::null());
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// Runs the binary, expects exit 0, and returns the requests this run made.
async fn sent(server: &MockServer, args: &[&str]) -> Vec<Request> {
    let before = server.received_requests().await.unwrap_or_default().len();
    let out = run(server, args).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "tallyfy {args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut all = server.received_requests().await.unwrap_or_default();
    all.split_off(before)
}

/// Runs a command that must make exactly one request, and returns it.
async fn one(server: &MockServer, args: &[&str]) -> Request {
    let mut sent = sent(server, args).await;
    assert_eq!(sent.len(), 1, "tallyfy {args:?}: expected one request");
    sent.remove(0)
}

fn sorted(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = pairs.into_iter().collect();
    pairs.sort();
    pairs
}

fn query(req: &Request) -> Vec<(String, String)> {
    sorted(req.url.query_pairs().into_owned())
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
    req: &Request,
    method: &str,
    path: &str,
    expected_query: &[(&str, &str)],
    body: Option<Value>,
) {
    assert_eq!(req.method.as_str(), method, "{case}: method");
    assert_eq!(req.url.path(), path, "{case}: raw path");
    assert_eq!(query(req), pairs(expected_query), "{case}: query");
    match body {
        Some(expected) => {
            let got: Value = serde_json::from_slice(&req.body).unwrap_or_else(|e| {
                panic!(
                    "{case}: body is not JSON ({e}): {:?}",
                    String::from_utf8_lossy(&req.body)
                )
            });
            assert_eq!(got, expected, "{case}: body");
        }
        None => assert!(
            req.body.is_empty(),
            "{case}: unexpected body {:?}",
            String::from_utf8_lossy(&req.body)
        ),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn guests_create_maps_every_flag_to_its_own_field() {
    let server = server().await;
    let req = one(
        &server,
        &[
            "guests",
            "create",
            "--email",
            EMAIL,
            "--first-name",
            "Siobhán \"Pat\"",
            "--last-name",
            "O'Brien",
            "--company-name",
            "Acme Ltd",
            "--phone-1",
            "+353 1 111",
            "--phone-2",
            "+353 1 222",
            "--timezone",
            "Europe/Dublin",
            "--company-url",
            "https://acme.example",
            "--contact-url",
            "https://acme.example/contact",
            "--image-url",
            "https://acme.example/pat.png",
            "--opportunity-name",
            "Renewal 2025",
            "--opportunity-url",
            "https://crm.example/opp/9",
            "--status",
            "warm lead",
            "--external-sync-source",
            "Salesforce",
            "--external-date-creation",
            "2025-01-15 10:30:00",
        ],
    )
    .await;
    check(
        "guests create, every flag",
        &req,
        "POST",
        GUESTS,
        &[],
        Some(json!({
            "email": EMAIL,
            "first_name": "Siobhán \"Pat\"",
            "last_name": "O'Brien",
            "company_name": "Acme Ltd",
            "phone_1": "+353 1 111",
            "phone_2": "+353 1 222",
            "timezone": "Europe/Dublin",
            "company_url": "https://acme.example",
            "contact_url": "https://acme.example/contact",
            "image_url": "https://acme.example/pat.png",
            "opportunity_name": "Renewal 2025",
            "opportunity_url": "https://crm.example/opp/9",
            "status": "warm lead",
            "external_sync_source": "salesforce",
            "external_date_creation": "2025-01-15 10:30:00",
        })),
    );

    let req = one(&server, &["guests", "create", "--email", "min@x.io"]).await;
    check(
        "guests create, email only",
        &req,
        "POST",
        GUESTS,
        &[],
        Some(json!({"email": "min@x.io"})),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn guests_update_sends_the_list_and_an_empty_list_to_clear() {
    let server = server().await;
    let path = format!("{GUESTS}/{EMAIL_SEGMENT}");
    let cases: [(&str, &[&str], Value); 6] = [
        (
            "two ids, in order",
            &["--associated-members", "34,12"],
            json!({"associated_members": [34, 12]}),
        ),
        (
            "ids with spaces",
            &["--associated-members", "5, 6"],
            json!({"associated_members": [5, 6]}),
        ),
        (
            "empty value clears",
            &["--associated-members", ""],
            json!({"associated_members": []}),
        ),
        (
            "flag without a value clears",
            &["--associated-members"],
            json!({"associated_members": []}),
        ),
        // Tallyfy documents the field as optional: a body without it changes nothing, so leaving
        // the flag out cannot clear the list by accident.
        ("flag left out", &[], json!({})),
        (
            "a whole body from a file, with the flag overriding it",
            &["--body", "BODY_FILE", "--associated-members", "9"],
            json!({"associated_members": [9]}),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let body_file = dir.path().join("body.json");
    std::fs::write(&body_file, r#"{"associated_members": [1, 2]}"#).unwrap();
    let body_file = body_file.to_str().unwrap();
    for (case, flags, body) in cases {
        let mut args = vec!["guests", "update", EMAIL];
        args.extend(
            flags
                .iter()
                .map(|f| if *f == "BODY_FILE" { body_file } else { f }),
        );
        let req = one(&server, &args).await;
        check(case, &req, "PUT", &path, &[], Some(body));
    }
    let sent = server.received_requests().await.unwrap_or_default().len();

    // A body that is not the operation's is a usage error, and nothing is sent.
    std::fs::write(body_file, r#"{"associated_member": [1]}"#).unwrap();
    let out = run(&server, &["guests", "update", EMAIL, "--body", body_file]).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown field `associated_member`"),
        "the error names the field: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let total = server.received_requests().await.unwrap_or_default().len();
    assert_eq!(total, sent, "nothing more was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn members_invite_update_and_set_role_send_exact_bodies() {
    let server = server().await;
    let req = one(
        &server,
        &[
            "members",
            "invite",
            "--email",
            "ada@acme.example",
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
            "--role",
            "Light",
            "--message",
            "Welcome, \"Ada\"!\nSee you Monday.",
        ],
    )
    .await;
    check(
        "members invite",
        &req,
        "POST",
        &format!("{USERS}/invite"),
        &[],
        Some(json!({
            "email": "ada@acme.example",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "role": "light",
            "message": "Welcome, \"Ada\"!\nSee you Monday.",
        })),
    );

    let req = one(
        &server,
        &[
            "members",
            "update",
            "42",
            "--first-name",
            "Grace",
            "--last-name",
            "Hopper",
            "--timezone",
            "America/New_York",
            "--phone",
            "+1 555 0100",
            "--job-title",
            "Rear Admiral",
            "--job-description",
            "Compilers",
            "--team",
            "Navy",
            "--country-id",
            "840",
            "--date-format",
            "DD/MM/YYYY",
        ],
    )
    .await;
    check(
        "members update, every flag",
        &req,
        "PUT",
        &format!("{USERS}/42"),
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
        })),
    );

    let req = one(
        &server,
        &[
            "members",
            "update",
            "42",
            "--first-name",
            "Ada",
            "--last-name",
            "King",
            "--timezone",
            "UTC",
            "--date-format",
            "mm/dd/yyyy",
        ],
    )
    .await;
    check(
        "members update, required flags and the other date format",
        &req,
        "PUT",
        &format!("{USERS}/42"),
        &[],
        Some(json!({
            "first_name": "Ada", "last_name": "King", "timezone": "UTC",
            "date_format": "mm/dd/yyyy",
        })),
    );

    for (arg, role) in [
        ("ADMIN", "admin"),
        ("standard", "standard"),
        ("Light", "light"),
    ] {
        let req = one(&server, &["members", "set-role", "42", arg]).await;
        check(
            &format!("members set-role {arg}"),
            &req,
            "PUT",
            &format!("{USERS}/42/role"),
            &[],
            Some(json!({"role": role})),
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bodiless_commands_send_no_body_and_the_exact_path() {
    let server = server().await;
    let guest = format!("{GUESTS}/{EMAIL_SEGMENT}");
    let cases: [(&[&str], &str, String); 11] = [
        (&["guests", "get", EMAIL], "GET", guest.clone()),
        (&["guests", "remove", EMAIL], "DELETE", guest.clone()),
        (
            &["guests", "disable", EMAIL],
            "DELETE",
            format!("{guest}/disable"),
        ),
        (
            &["guests", "enable", EMAIL],
            "PUT",
            format!("{guest}/enable"),
        ),
        (
            &["guests", "purge", EMAIL],
            "DELETE",
            format!("{guest}/delete"),
        ),
        (
            &["guests", "purge", "1234"],
            "DELETE",
            format!("{GUESTS}/1234/delete"),
        ),
        (&["members", "get", "42"], "GET", format!("{USERS}/42")),
        (
            &["members", "remove", "42"],
            "DELETE",
            format!("{USERS}/42"),
        ),
        (
            &["members", "disable", "42"],
            "DELETE",
            format!("{USERS}/42/disable"),
        ),
        (
            &["members", "enable", "42"],
            "PUT",
            format!("{USERS}/42/enable"),
        ),
        (
            &["members", "purge", "42"],
            "DELETE",
            format!("{USERS}/42/delete"),
        ),
    ];
    for (args, method, path) in &cases {
        let req = one(&server, args).await;
        check(&format!("tallyfy {args:?}"), &req, method, path, &[], None);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn list_flags_become_exact_query_pairs() {
    let server = server().await;

    let req = one(
        &server,
        &[
            "guests",
            "list",
            "--query",
            "a b&c=d",
            "--sort",
            "-created_at",
            "--per-page",
            "25",
            "--page",
            "3",
            "--with-stats",
        ],
    )
    .await;
    check(
        "guests list, one page, every flag",
        &req,
        "GET",
        GUESTS,
        &[
            ("q", "a b&c=d"),
            ("sort", "-created_at"),
            ("per_page", "25"),
            ("page", "3"),
            ("with", "stats"),
        ],
        None,
    );

    // Without --page every page is walked, each with the same options.
    let reqs = sent(
        &server,
        &[
            "guests",
            "list",
            "--query",
            "acme",
            "--sort",
            "email",
            "--per-page",
            "7",
            "--concurrency",
            "2",
        ],
    )
    .await;
    let got: Vec<_> = reqs.iter().map(query).collect();
    let page = |n| {
        pairs(&[
            ("q", "acme"),
            ("sort", "email"),
            ("per_page", "7"),
            ("page", n),
        ])
    };
    assert_eq!(got, vec![page("1"), page("2")], "guests list, walk");

    let req = one(
        &server,
        &[
            "members",
            "list",
            "--query",
            "ada",
            "--sort",
            "-last_name",
            "--per-page",
            "30",
            "--page",
            "4",
            "--with",
            "groups,stats",
            "--with",
            "country",
        ],
    )
    .await;
    check(
        "members list, one page, every flag",
        &req,
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

    let reqs = sent(&server, &["members", "list", "--with", "auth_methods"]).await;
    let got: Vec<_> = reqs.iter().map(query).collect();
    let page = |n| pairs(&[("with", "auth_methods"), ("page", n)]);
    assert_eq!(got, vec![page("1"), page("2")], "members list, walk");

    let reqs = sent(&server, &["guests", "list"]).await;
    let got: Vec<_> = reqs.iter().map(query).collect();
    assert_eq!(
        got,
        vec![pairs(&[("page", "1")]), pairs(&[("page", "2")])],
        "guests list, no flags: only the page number"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn get_and_remove_flags_become_exact_query_pairs() {
    let server = server().await;
    let req = one(&server, &["guests", "get", EMAIL, "--with-stats"]).await;
    check(
        "guests get --with-stats",
        &req,
        "GET",
        &format!("{GUESTS}/{EMAIL_SEGMENT}"),
        &[("with", "stats")],
        None,
    );

    let req = one(
        &server,
        &["members", "get", "42", "--with", "stats,member_watchers"],
    )
    .await;
    check(
        "members get --with",
        &req,
        "GET",
        &format!("{USERS}/42"),
        &[("with", "stats,member_watchers")],
        None,
    );

    let req = one(&server, &["members", "remove", "42", "--reassign-to", "7"]).await;
    check(
        "members remove --reassign-to",
        &req,
        "DELETE",
        &format!("{USERS}/42"),
        &[("with_reassignment", "true"), ("to", "7")],
        None,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_on_stdin_is_sent_as_given() {
    use std::io::Write;
    let server = server().await;
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("TALLYFY_BASE_URL", format!("{}/api", server.uri()))
        .env("TALLYFY_ACCESS_TOKEN", TOKEN)
        .env("TALLYFY_ORG_ID", ORG)
        .args(["guests", "update", EMAIL, "--body", "-", "--output", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(br#"{"associated_members": [3, 1]}"#)
            .unwrap();
        drop(stdin);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = server.received_requests().await.unwrap_or_default();
    assert_eq!(sent.len(), 1);
    let path = format!("{GUESTS}/{EMAIL_SEGMENT}");
    check(
        "--body -",
        &sent[0],
        "PUT",
        &path,
        &[],
        Some(json!({"associated_members": [3, 1]})),
    );
}
