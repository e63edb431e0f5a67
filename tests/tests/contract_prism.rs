//! Contract: the SDK → Prism (a proxy that validates every request and response against
//! `openapi/tallyfy.yaml`) → the fake, through a scenario that covers every operation and its error
//! paths. Prism runs with `--errors`, so a violation also fails the call that caused it; its log must
//! show none.
//!
//! Needs `npm ci --prefix tools`. Without Prism the test says it was skipped, unless
//! `TALLYFY_REQUIRE_TOOLS=1` (set by CI), which makes a missing Prism a failure.

use futures::TryStreamExt;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tallyfy::{Client, Error, GuestUpdate, Invite, MemberInclude, MemberUpdate, NewGuest, Role};
use tallyfy_fake::FakeTallyfy;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Prism {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Prism in proxy mode in front of `upstream`, or `None` when it is not installed.
fn start_prism(upstream: &str) -> Option<Prism> {
    let bin = root().join("tools/node_modules/.bin/prism");
    if !bin.exists() {
        let required = std::env::var("TALLYFY_REQUIRE_TOOLS").is_ok_and(|v| v == "1");
        assert!(!required, "Prism is missing: run `npm ci --prefix tools`");
        eprintln!("SKIPPED: Prism is not installed (run `npm ci --prefix tools`)");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(bin)
        .current_dir(root())
        .args([
            "proxy",
            "openapi/tallyfy.yaml",
            upstream,
            "--host",
            "127.0.0.1",
            "--errors",
        ])
        .args(["--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start prism");
    let log = Arc::new(Mutex::new(Vec::new()));
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let log = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                log.lock().unwrap().push(line);
            }
        });
    }
    let started = Instant::now();
    while !log
        .lock()
        .unwrap()
        .iter()
        .any(|l| l.contains("Prism is listening"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Prism did not start: {:?}",
            log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(Prism {
        child,
        log,
        url: format!("http://127.0.0.1:{port}"),
    })
}

#[track_caller]
fn status(result: Result<impl std::fmt::Debug, Error>) -> u16 {
    match result {
        Ok(_) => 200,
        Err(e) => e
            .status()
            .map(|s| s.as_u16())
            .unwrap_or_else(|| panic!("no status: {e}")),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_through_a_validating_proxy() {
    let fake = FakeTallyfy::builder()
        .org_id("contract-org")
        .token("contract-token")
        .seed_guests(120)
        .seed_members(6)
        .start()
        .await
        .unwrap();
    let Some(prism) = start_prism(&fake.base_url()) else {
        return;
    };
    let client = Client::builder()
        .token("contract-token")
        .org("contract-org")
        .base_url(prism.url.clone())
        .build()
        .unwrap();
    let guests = client.guests();
    let members = client.members();

    // Guests.
    let all: Vec<_> = guests
        .list()
        .per_page(50)
        .with_stats()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 120);
    let found: Vec<_> = guests
        .list()
        .query("EXAMPLE")
        .sort("-created_at")
        .page(1)
        .await
        .unwrap()
        .items;
    assert!(!found.is_empty());
    let email = "o'brien+tag@x.io";
    let created = guests
        .create(
            NewGuest::new(email)
                .first_name("Pat")
                .company_url("https://x.io")
                .phone_1("+1 555"),
        )
        .await
        .unwrap();
    assert_eq!(created.email.as_deref(), Some(email));
    assert_eq!(
        guests
            .get(email)
            .with_stats()
            .await
            .unwrap()
            .email
            .as_deref(),
        Some(email)
    );
    guests
        .update(
            email,
            GuestUpdate::associated_members([fake.default_admin_id()]),
        )
        .await
        .unwrap();
    guests
        .update(email, GuestUpdate::clear_associated_members())
        .await
        .unwrap();
    assert_eq!(
        status(guests.purge(email).await),
        422,
        "purge before disable"
    );
    fake.set_open_tasks(email, 2);
    assert_eq!(status(guests.disable(email).await), 403, "open tasks");
    fake.set_open_tasks(email, 0);
    guests.disable(email).await.unwrap();
    guests.enable(email).await.unwrap();
    guests.disable(email).await.unwrap();
    guests.purge(email).await.unwrap();
    assert_eq!(status(guests.get(email).await), 404);
    assert_eq!(status(guests.remove("nobody@x.io").await), 422);
    let member_email = fake.members()[1].email.clone().unwrap();
    assert_eq!(
        status(guests.create(NewGuest::new(member_email.clone())).await),
        422
    );
    let other = all[0].email.clone().unwrap();
    guests.remove(&other).await.unwrap();

    // Members.
    let listed: Vec<_> = members
        .list()
        .with(&[MemberInclude::Groups, MemberInclude::Stats])
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 6);
    let admin = fake.default_admin_id();
    let id = listed
        .iter()
        .filter_map(|m| m.id)
        .find(|&id| id != admin)
        .unwrap();
    members.get(id).with(&[MemberInclude::Stats]).await.unwrap();
    assert_eq!(status(members.get(999_999).await), 404);
    let invite = |email: &str| {
        Invite::new(email, Role::Light)
            .first_name("N")
            .last_name("U")
            .message("Welcome")
    };
    let invited = members.invite(invite("new.member@x.io")).await.unwrap();
    assert_eq!(invited.status.as_deref(), Some("invited"));
    assert_eq!(
        status(members.invite(invite(&member_email)).await),
        422,
        "already a member"
    );
    members
        .update(
            id,
            MemberUpdate::new("Alicia", "Smith", "Europe/London").job_title("Lead"),
        )
        .await
        .unwrap();
    members.set_role(id, Role::Standard).await.unwrap();
    fake.set_seat_limit(Some(fake.seats_used()));
    assert_eq!(
        status(members.invite(invite("x@x.io").clone()).await),
        200,
        "light members need no full seat"
    );
    let full = Invite::new("full@x.io", Role::Admin)
        .first_name("F")
        .last_name("S")
        .message("m");
    assert_eq!(status(members.invite(full).await), 409, "no seat");
    fake.set_seat_limit(None);
    assert_eq!(
        status(members.remove(admin).await),
        400,
        "the default admin stays"
    );
    assert_eq!(status(members.purge(id).await), 422, "purge before disable");
    members.disable(id).await.unwrap();
    members.enable(id).await.unwrap();
    members.disable(id).await.unwrap();
    members.purge(id).await.unwrap();
    let leaving = invited.id.unwrap();
    members.remove(leaving).reassign_to(admin).await.unwrap();

    // Auth.
    let wrong = Client::builder()
        .token("wrong")
        .org("contract-org")
        .base_url(prism.url.clone())
        .build()
        .unwrap();
    assert_eq!(status(wrong.guests().get("a@b.io").await), 401);

    let log = prism.log.lock().unwrap().clone();
    let violations: Vec<_> = log
        .iter()
        .filter(|l| l.to_lowercase().contains("violation") || l.contains('✖'))
        .collect();
    assert!(
        violations.is_empty(),
        "Prism reported:\n{}",
        violations
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let forwarded = log.iter().filter(|l| l.contains("Forwarding")).count();
    assert_eq!(
        forwarded,
        fake.requests().len(),
        "every call reached the fake through Prism"
    );
    assert!(forwarded > 30, "only {forwarded} calls");
}
