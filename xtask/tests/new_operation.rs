//! The property: **an operation added to the spec needs no hand-written code.** Adding it to
//! `openapi/tallyfy.yaml` and running `cargo xtask codegen` is enough for the SDK method
//! (`client.<tag>().<verb>(...)`) and the CLI command (`tallyfy <tag> <verb>`) to exist and to send
//! the right request.
//!
//! How it is shown, on a throwaway copy of the workspace (the real one is never touched):
//! 1. the workspace's files as git sees them (tracked files as they are in the working tree, plus
//!    new files that are not ignored, so that work in progress is tested as it would be committed)
//!    are copied into a temp dir and committed there, so that what changes afterwards can be listed;
//! 2. each operation in [`NEW_OPERATIONS`] is inserted as YAML text into the copy's `paths:`;
//! 3. `cargo xtask codegen` and `cargo xtask lint-spec` run in the copy, and `git status` must list
//!    only the spec and the generated files: nothing written by hand changed;
//! 4. a throwaway SDK example calling each new method is added to the copy, and it and the copy's CLI
//!    are built and run against a scripted HTTP server on loopback, which checks what went on the wire
//!    (method, path, query, `Authorization`, body) and answers with a canned body that the output must
//!    show.
//!
//! The copy builds into `target/new-operation-check` (kept between runs, so a rerun is incremental;
//! the first run is a cold build of the workspace, minutes). Offline: the dependencies come from
//! `Cargo.lock` and cargo's cache (`cargo fetch` fills it). Every failing step fails the test with its
//! output; nothing is skipped.
//!
//! To cover another kind of operation, add an entry to
//! [`NEW_OPERATIONS`]: its YAML, the SDK call, the CLI arguments, the requests it must send and the
//! canned answers. Nothing else in this file needs to change.

use serde_json::Value;
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// One operation added to the spec, and what its SDK method and CLI command must do.
struct NewOperation {
    /// The operationId; also names the case in the example and in failure messages.
    id: &'static str,
    /// A path item (or several), indented as a child of `paths:`; inserted as text before the
    /// top-level `components:` line.
    yaml: &'static str,
    /// Component schemas it needs (empty for none), indented as children of `components.schemas`;
    /// inserted right after that line.
    schemas: &'static str,
    /// A Rust expression in the example's `async fn main() -> anyhow::Result<()>`, with
    /// `client: tallyfy::Client` in scope; its value is printed as JSON.
    sdk_call: &'static str,
    /// The CLI's arguments after `tallyfy` (the base URL, token and org come from the environment).
    cli_args: &'static [&'static str],
    /// The requests it must send, in order, each with the server's answer.
    exchanges: &'static [Exchange],
    /// What the printed JSON must hold: (JSON pointer, the value as JSON text).
    output: &'static [(&'static str, &'static str)],
}

/// One request the server expects, and its canned answer (status 200, JSON).
struct Exchange {
    method: &'static str,
    /// The exact request path, undecoded; `{org}` stands for [`ORG`].
    path: &'static str,
    /// The exact query string without `?` (empty for none).
    query: &'static str,
    /// The request body as JSON text (empty for none).
    body: &'static str,
    response: &'static str,
}

const TOKEN: &str = "new-operation-token";
const ORG: &str = "0123456789abcdef0123456789abcdef";

/// The canned member that the new members operations answer with.
const MEMBER_42: &str = r#"{"data": {"id": 42, "email": "pat.invitee@example.com", "first_name": "Pat", "last_name": "Invitee", "role": "standard", "status": "invited"}}"#;

/// A page of one invited member, page `n` of 2.
macro_rules! invitation_page {
    ($id:literal, $n:literal) => {
        concat!(
            r#"{"data": [{"id": "#, $id, r#", "email": "invitee"#, $id, r#"@example.com", "status": "invited"}], "meta": {"pagination": {"total": 2, "count": 1, "per_page": 1, "current_page": "#, $n, r#", "total_pages": 2}}}"#
        )
    };
}

/// The operations added to the copy's spec: one of each kind the generators cover.
const NEW_OPERATIONS: &[NewOperation] = &[
    NewOperation {
        // Path parameters only.
        id: "resend_member_invite",
        yaml: r#"  /organizations/{org_id}/users/{user_id}/resend-invite:
    parameters:
      - $ref: '#/components/parameters/OrgId'
      - $ref: '#/components/parameters/UserId'
    post:
      operationId: resend_member_invite
      tags: [members]
      summary: Resend a member's invitation
      description: |
        Sends the invitation email again to a member who has not accepted it yet. Admins only.
      responses:
        '200':
          description: The invited member.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/MemberEnvelope'
        '400':
          $ref: '#/components/responses/BadRequest'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '403':
          $ref: '#/components/responses/Forbidden'
        '404':
          $ref: '#/components/responses/NotFound'
        '422':
          $ref: '#/components/responses/ValidationFailed'
        '429':
          $ref: '#/components/responses/RateLimited'
"#,
        schemas: "",
        sdk_call: "client.members().resend_invite(42).await?",
        cli_args: &["members", "resend-invite", "42", "--output", "json"],
        exchanges: &[Exchange {
            method: "POST",
            path: "/organizations/{org}/users/42/resend-invite",
            query: "",
            body: "",
            response: MEMBER_42,
        }],
        output: &[
            ("/id", "42"),
            ("/email", r#""pat.invitee@example.com""#),
            ("/first_name", r#""Pat""#),
            ("/last_name", r#""Invitee""#),
        ],
    },
    NewOperation {
        // A page-numbered list with a query parameter of its own, walked over two pages.
        id: "list_member_invitations",
        yaml: r#"  /organizations/{org_id}/invitations:
    parameters:
      - $ref: '#/components/parameters/OrgId'
    get:
      operationId: list_member_invitations
      tags: [members]
      summary: List pending invitations
      description: |
        The members who were invited and have not accepted yet, one page at a time.
      x-tallyfy-pagination:
        page: page
        per-page: per_page
      parameters:
        - $ref: '#/components/parameters/MemberPerPage'
        - $ref: '#/components/parameters/Page'
        - name: sent_by
          in: query
          required: false
          x-tallyfy-name: invited_by
          description: Keep only invitations sent by this member.
          schema:
            type: integer
            format: int64
            minimum: 1
      responses:
        '200':
          description: One page of invitations.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/InvitationList'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '429':
          $ref: '#/components/responses/RateLimited'
"#,
        // A new item type: the CLI's table row for it must come from the spec as well.
        schemas: r#"    InvitationList:
      type: object
      required: [data]
      properties:
        data:
          type: array
          items:
            $ref: '#/components/schemas/Invitation'
        meta:
          $ref: '#/components/schemas/ListMeta'
    Invitation:
      type: object
      description: An invitation that has not been accepted yet.
      properties:
        id:
          type: integer
          format: int64
        email:
          type: string
        status:
          type: string
"#,
        sdk_call: "client.members().list_invitations().per_page(1).invited_by(7).collect_all().await?",
        cli_args: &[
            "members",
            "list-invitations",
            "--per-page",
            "1",
            "--invited-by",
            "7",
            "--output",
            "json",
        ],
        exchanges: &[
            Exchange {
                method: "GET",
                path: "/organizations/{org}/invitations",
                query: "page=1&per_page=1&sent_by=7",
                body: "",
                response: invitation_page!(51, 1),
            },
            Exchange {
                method: "GET",
                path: "/organizations/{org}/invitations",
                query: "page=2&per_page=1&sent_by=7",
                body: "",
                response: invitation_page!(52, 2),
            },
        ],
        output: &[
            ("/0/id", "51"),
            ("/1/id", "52"),
            ("/1/email", r#""invitee52@example.com""#),
        ],
    },
    NewOperation {
        // A JSON body with a required, limited field, a boolean and an array; the SDK call first checks
        // that a value over the limit is refused, naming the field, before anything is sent.
        id: "add_member_note",
        yaml: r#"  /organizations/{org_id}/users/{user_id}/notes:
    parameters:
      - $ref: '#/components/parameters/OrgId'
      - $ref: '#/components/parameters/UserId'
    post:
      operationId: add_member_note
      tags: [members]
      summary: Add a note to a member
      description: |
        Keeps a short note on the member's profile. Admins only.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/MemberNote'
      responses:
        '200':
          description: The member, with the note.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/MemberEnvelope'
        '401':
          $ref: '#/components/responses/Unauthorized'
        '422':
          $ref: '#/components/responses/ValidationFailed'
        '429':
          $ref: '#/components/responses/RateLimited'
"#,
        schemas: r#"    MemberNote:
      type: object
      description: A note on a member's profile.
      required: [text]
      properties:
        text:
          type: string
          description: What the note says.
          maxLength: 40
        pinned:
          type: boolean
          description: Show the note first.
        labels:
          type: array
          description: Labels to file the note under.
          items:
            type: string
"#,
        sdk_call: r#"{
            let long = tallyfy::MemberNote::new("x".repeat(41));
            match client.members().add_note(42, long).await {
                Err(tallyfy::Error::InvalidInput { field, .. }) if field == "text" => {}
                other => anyhow::bail!("a 41-character note was not refused: {other:?}"),
            }
            let note = tallyfy::MemberNote::new("Call back").pinned(true).labels(["vip", "q4"]);
            client.members().add_note(42, note).await?
        }"#,
        cli_args: &[
            "members",
            "add-note",
            "42",
            "--text",
            "Call back",
            "--pinned",
            "true",
            "--labels",
            "vip,q4",
            "--output",
            "json",
        ],
        exchanges: &[Exchange {
            method: "POST",
            path: "/organizations/{org}/users/42/notes",
            query: "",
            body: r#"{"text": "Call back", "pinned": true, "labels": ["vip", "q4"]}"#,
            response: MEMBER_42,
        }],
        output: &[("/id", "42"), ("/first_name", r#""Pat""#)],
    },
];

/// What `cargo xtask codegen` writes (the README's "Change the spec" section, and the `GENERATED`
/// constants in `xtask/src/codegen.rs`, `operations.rs` and `requests.rs`). With the spec, the only
/// files a new operation may change.
const GENERATED: &[&str] = &[
    "crates/tallyfy-client/src/generated.rs",
    "crates/tallyfy/src/generated/operations.rs",
    "crates/tallyfy/src/generated/requests.rs",
    "crates/tallyfy-cli/src/generated/commands.rs",
];

const SPEC: &str = "openapi/tallyfy.yaml";

#[test]
fn an_operation_added_to_the_spec_needs_no_hand_written_code() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root");
    let temp = tempfile::Builder::new()
        .prefix("tallyfy-new-operation-")
        .tempdir()
        .expect("creating a temp dir");
    let copy = temp.path();
    let target = workspace.join("target/new-operation-check");

    copy_workspace_files(workspace, copy);
    git_commit_all(copy);

    let spec = copy.join(SPEC);
    let text = fs::read_to_string(&spec).expect("reading the copy's spec");
    let snippets: Vec<&str> = NEW_OPERATIONS.iter().map(|op| op.yaml).collect();
    let schemas: Vec<&str> = NEW_OPERATIONS.iter().map(|op| op.schemas).collect();
    let text = insert_schemas(&insert_into_paths(&text, &snippets), &schemas);
    fs::write(&spec, text).expect("writing the copy's spec");

    cargo(copy, &target, "codegen", &["xtask", "codegen"]);
    cargo(copy, &target, "lint-spec", &["xtask", "lint-spec"]);
    let expected: BTreeSet<String> = GENERATED
        .iter()
        .chain(&[SPEC])
        .map(|p| p.to_string())
        .collect();
    // The diff a maintainer reviews for these operations (shown with `--nocapture`).
    let stat = run("git diff --numstat", git(copy).args(["diff", "--numstat"]));
    eprintln!(
        "lines added and removed by the new operations:\n{}",
        String::from_utf8_lossy(&stat.stdout)
    );
    assert_eq!(
        changed_files(copy),
        expected,
        "adding operations to the spec and running `cargo xtask codegen` must change exactly the \
         spec and the generated files"
    );

    fs::write(
        copy.join("crates/tallyfy/examples/new_operation.rs"),
        example_source(),
    )
    .expect("writing the example");
    cargo(
        copy,
        &target,
        "build the SDK example",
        &["build", "-p", "tallyfy", "--example", "new_operation"],
    );
    cargo(
        copy,
        &target,
        "build the CLI",
        &["build", "-p", "tallyfy-cli", "--bin", "tallyfy"],
    );
    let exe = std::env::consts::EXE_SUFFIX;
    let example = target.join(format!("debug/examples/new_operation{exe}"));
    let cli = target.join(format!("debug/tallyfy{exe}"));

    for op in NEW_OPERATIONS {
        let server = ScriptedServer::start(op.exchanges);
        let mut command = Command::new(&example);
        command.arg(server.base_url()).arg(op.id);
        let out = run(&format!("{}: the SDK example", op.id), &mut command);
        check_wire(&format!("{}: the SDK", op.id), op, server.finish());
        check_output(&format!("{}: the SDK example", op.id), op, &out);

        let server = ScriptedServer::start(op.exchanges);
        let mut command = Command::new(&cli);
        command
            .args(op.cli_args)
            .env("TALLYFY_BASE_URL", server.base_url())
            .env("TALLYFY_ACCESS_TOKEN", TOKEN)
            .env("TALLYFY_ORG_ID", ORG);
        let out = run(&format!("{}: the CLI", op.id), &mut command);
        check_wire(&format!("{}: the CLI", op.id), op, server.finish());
        check_output(&format!("{}: the CLI", op.id), op, &out);
    }
}

/// Copies the files of `from` that git knows or would add (tracked, as they are in the working
/// tree, and untracked but not ignored; a tracked file deleted from the working tree is left out)
/// into `to`.
fn copy_workspace_files(from: &Path, to: &Path) {
    let listed = run(
        "git ls-files",
        git(from).args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ]),
    );
    let names = String::from_utf8(listed.stdout).expect("git ls-files printed non-UTF-8 paths");
    let mut copied = 0;
    for name in names.split('\0').filter(|n| !n.is_empty()) {
        let source = from.join(name);
        if !source.exists() {
            continue;
        }
        let dest = to.join(name);
        fs::create_dir_all(dest.parent().expect("a file has a parent"))
            .unwrap_or_else(|e| panic!("creating the directory of {}: {e}", dest.display()));
        fs::copy(&source, &dest)
            .unwrap_or_else(|e| panic!("copying {} into the temp dir: {e}", source.display()));
        copied += 1;
    }
    assert!(
        copied > 0,
        "git ls-files listed no files in {}",
        from.display()
    );
}

/// `git init` and a commit of everything in `dir`, so that `git status` lists what changes later.
fn git_commit_all(dir: &Path) {
    run("git init", git(dir).args(["init", "--quiet"]));
    run("git add", git(dir).args(["add", "--all"]));
    run(
        "git commit",
        git(dir).args([
            "-c",
            "user.name=new-operation test",
            "-c",
            "user.email=new-operation@example.invalid",
            "commit",
            "--quiet",
            "--no-verify",
            "-m",
            "the workspace as copied",
        ]),
    );
}

/// The files that differ from the commit, tracked or not.
fn changed_files(dir: &Path) -> BTreeSet<String> {
    let status = run(
        "git status",
        git(dir).args(["status", "--porcelain", "-z", "--untracked-files=all"]),
    );
    String::from_utf8(status.stdout)
        .expect("git status printed non-UTF-8 paths")
        .split('\0')
        .filter(|entry| entry.len() > 3)
        .map(|entry| entry[3..].to_string())
        .collect()
}

/// A git command in `dir` that ignores the user's and the system's git configuration (hooks,
/// signing) and any repository named by the environment.
fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    command
}

/// `spec` with `snippets` inserted at the end of `paths:`, that is before the top-level
/// `components:` line (the spec keeps `paths:` right before `components:`; this fails if it stops).
fn insert_into_paths(spec: &str, snippets: &[&str]) -> String {
    let lines: Vec<&str> = spec.split_inclusive('\n').collect();
    let top_level: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .map(|(i, l)| (i, l.trim_end()))
        .collect();
    let at = top_level
        .iter()
        .position(|(_, l)| *l == "components:")
        .expect("the spec has a top-level `components:` line");
    assert!(
        at > 0 && top_level[at - 1].1 == "paths:",
        "the new operations are inserted before `components:`, so `paths:` must come right before \
         it; the top-level keys are {:?}",
        top_level.iter().map(|(_, l)| *l).collect::<Vec<_>>()
    );
    let line = top_level[at].0;
    let mut out: String = lines[..line].concat();
    for snippet in snippets {
        assert!(
            snippet.starts_with("  /") && snippet.ends_with('\n'),
            "a snippet is a path item indented under `paths:`, ending with a newline:\n{snippet}"
        );
        out.push_str(snippet);
    }
    out.push_str(&lines[line..].concat());
    out
}

/// `spec` with `snippets` inserted as the first entries of `components.schemas`.
fn insert_schemas(spec: &str, snippets: &[&str]) -> String {
    let at = spec
        .find("\ncomponents:\n")
        .and_then(|c| {
            spec[c..]
                .find("\n  schemas:\n")
                .map(|s| c + s + "\n  schemas:\n".len())
        })
        .expect("the spec has `components:` with `  schemas:` under it");
    for snippet in snippets {
        assert!(
            snippet.is_empty() || (snippet.starts_with("    ") && snippet.ends_with('\n')),
            "a schema snippet is indented under `components.schemas`, ending with a newline:\n{snippet}"
        );
    }
    format!("{}{}{}", &spec[..at], snippets.concat(), &spec[at..])
}

/// The throwaway example: `new_operation BASE_URL OPERATION_ID` calls that operation's SDK method
/// and prints the result as JSON.
fn example_source() -> String {
    let arms: String = NEW_OPERATIONS
        .iter()
        .map(|op| {
            format!(
                "        {:?} => serde_json::to_value({})?,\n",
                op.id, op.sdk_call
            )
        })
        .collect();
    format!(
        "//! Written by xtask/tests/new_operation.rs into a throwaway copy of the workspace.\n\
         \n\
         #[tokio::main]\n\
         async fn main() -> anyhow::Result<()> {{\n    \
             let mut args = std::env::args().skip(1);\n    \
             let (Some(base_url), Some(operation)) = (args.next(), args.next()) else {{\n        \
                 anyhow::bail!(\"usage: new_operation BASE_URL OPERATION_ID\");\n    \
             }};\n    \
             let client = tallyfy::Client::builder()\n        \
                 .token({TOKEN:?})\n        \
                 .org({ORG:?})\n        \
                 .base_url(base_url)\n        \
                 .build()?;\n    \
             let result = match operation.as_str() {{\n\
         {arms}        \
                 other => anyhow::bail!(\"no operation {{other}} in this example\"),\n    \
             }};\n    \
             println!(\"{{}}\", serde_json::to_string_pretty(&result)?);\n    \
             Ok(())\n\
         }}\n"
    )
}

/// Runs `cargo --frozen <args>` in the copy (the copied `Cargo.lock` as is, offline), building into
/// `target`; fails with its output. The cargo is the one running this test.
fn cargo(copy: &Path, target: &Path, step: &str, args: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(copy)
        .env("CARGO_TARGET_DIR", target)
        .arg("--frozen")
        .args(args);
    run(step, &mut command)
}

/// Runs `command`; panics with the step, the command and its output unless it succeeds.
fn run(step: &str, command: &mut Command) -> Output {
    let shown = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command
            .get_args()
            .map(OsStr::to_string_lossy)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{step}: cannot run `{shown}`: {e}"));
    if !out.status.success() {
        panic!(
            "{step}: `{shown}` failed ({})\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// Checks that the requests `who` sent are `op`'s exchanges, in order.
fn check_wire(who: &str, op: &NewOperation, received: Vec<Result<Received, String>>) {
    let received: Vec<Received> = received
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{who}: the server could not read a request: {e}")))
        .collect();
    assert_eq!(
        received.len(),
        op.exchanges.len(),
        "{who}: sent {} request(s), expected {}: {received:#?}",
        received.len(),
        op.exchanges.len()
    );
    for (i, (got, want)) in received.iter().zip(op.exchanges).enumerate() {
        let at = format!("{who}, request {}", i + 1);
        assert_eq!(got.method, want.method, "{at}: method");
        assert_eq!(got.path, want.path.replace("{org}", ORG), "{at}: path");
        assert_eq!(got.query, want.query, "{at}: query");
        assert_eq!(
            got.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str()),
            "{at}: Authorization header"
        );
        if want.body.is_empty() {
            assert_eq!(got.body, "", "{at}: body");
        } else {
            let got_body: Value = serde_json::from_str(&got.body)
                .unwrap_or_else(|e| panic!("{at}: the body is not JSON ({e}): {}", got.body));
            assert_eq!(got_body, json(want.body), "{at}: body");
        }
    }
}

/// Checks that `out`'s stdout is JSON holding `op`'s expected values.
fn check_output(who: &str, op: &NewOperation, out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let printed: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{who}: printed no JSON ({e}):\n{stdout}"));
    for (pointer, want) in op.output {
        assert_eq!(
            printed.pointer(pointer),
            Some(&json(want)),
            "{who}: {pointer} in the output:\n{stdout}"
        );
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("bad JSON in the table ({e}): {text}"))
}

/// A request as the scripted server read it.
#[derive(Debug)]
struct Received {
    method: String,
    path: String,
    query: String,
    /// Names in lower case.
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP/1.1 server on 127.0.0.1 (port 0) that answers the n-th request with the n-th canned
/// response (a 500 once they run out), one request per connection, and records every request.
struct ScriptedServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Result<Received, String>>>,
}

impl ScriptedServer {
    fn start(exchanges: &'static [Exchange]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0");
        let addr = listener.local_addr().expect("the listener's address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut received = Vec::new();
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let request = read_request(&stream);
                let (status, body) = match (&request, exchanges.get(received.len())) {
                    (Ok(_), Some(exchange)) => ("200 OK", exchange.response),
                    (Ok(_), None) => ("500 Internal Server Error", r#"{"error":"unscripted"}"#),
                    (Err(_), _) => ("400 Bad Request", r#"{"error":"unreadable"}"#),
                };
                // Recorded before answering: once a client has its answer, its request is here.
                received.push(request);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
            received
        });
        Self { addr, stop, thread }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and returns the requests it read, in order.
    fn finish(self) -> Vec<Result<Received, String>> {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        self.thread.join().expect("the scripted server panicked")
    }
}

/// Reads one request: the request line, the headers and a `content-length` body.
fn read_request(stream: &TcpStream) -> Result<Received, String> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(format!("bad request line {line:?}"));
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut request = Received {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        headers: Vec::new(),
        body: String::new(),
    };
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("bad header line {line:?}"))?;
        request
            .headers
            .push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    if request.header("transfer-encoding").is_some() {
        return Err("a chunked body (the scripted server reads content-length only)".into());
    }
    let length: usize = match request.header("content-length") {
        Some(n) => n.parse().map_err(|_| format!("bad content-length {n:?}"))?,
        None => 0,
    };
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    request.body = String::from_utf8(body).map_err(|_| "a non-UTF-8 body".to_string())?;
    Ok(request)
}
