//! Every one of the 17 operations against the in-memory fake Tallyfy server, over loopback HTTP.

mod support;

use futures::TryStreamExt;
use reqwest_headers::*;
use support::{fake, fake_client};
use tallyfy::{Error, GuestUpdate, Invite, MemberInclude, MemberUpdate, NewGuest, Role};

mod reqwest_headers {
    pub use tallyfy::reqwest::header::{ACCEPT, AUTHORIZATION, USER_AGENT};
}

#[tokio::test]
async fn every_guest_operation() {
    let fake = fake(3, 3).await;
    let client = fake_client(&fake);
    let guests = client.guests();
    let email = "o'brien+tag@x.io";

    // create
    let created = guests
        .create(
            NewGuest::new(email)
                .first_name("Pat")
                .last_name("O'Brien")
                .company_name("Acme")
                .company_url("https://acme.example")
                .phone_1("+353 1 234")
                .timezone("Europe/Dublin")
                .external_sync_source(tallyfy::types::GuestCreateExternalSyncSource::Salesforce)
                .external_date_creation("2025-01-15 10:30:00"),
        )
        .await
        .unwrap();
    assert_eq!(created.email.as_deref(), Some(email));
    assert!(fake.guest(email).is_some());

    // get (+ stats)
    let got = guests.get(email).await.unwrap();
    assert_eq!(got.id, created.id);
    let with_stats = guests.get(email).with_stats().await.unwrap();
    assert!(with_stats.stats.is_some());
    assert!(fake.last_request().unwrap().target.ends_with("?with=stats"));

    // list
    let all = guests.list().collect_all().await.unwrap();
    assert_eq!(all.len(), 4);

    // update
    let admin = tallyfy_fake::DEFAULT_ADMIN_ID;
    let updated = guests
        .update(email, GuestUpdate::new().associated_members([admin]))
        .await
        .unwrap();
    assert_eq!(
        updated.details.and_then(|d| d.associated_members),
        Some(vec![admin])
    );

    // disable, enable
    guests.disable(email).await.unwrap();
    guests.enable(email).await.unwrap();

    // remove from org
    guests.remove(email).await.unwrap();
    assert!(fake.guest(email).is_none());

    // purge (must be disabled first), by email and by id
    let victim = fake.guests()[0].clone();
    let victim_email = victim.email.clone().unwrap();
    let err = guests.purge(victim_email.as_str()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422), "{err}");
    guests.disable(&victim_email).await.unwrap();
    guests.purge(victim_email.as_str()).await.unwrap();
    assert!(fake.guest(&victim_email).is_none());

    let other = fake.guests()[0].clone();
    let other_email = other.email.clone().unwrap();
    guests.disable(&other_email).await.unwrap();
    let id = match other.id.unwrap() {
        tallyfy::FlexibleId::Int64(id) => id,
        other => panic!("unexpected id {other:?}"),
    };
    guests.purge(id).await.unwrap();
    assert!(fake.guest(&other_email).is_none());
    assert!(
        fake.last_request()
            .unwrap()
            .target
            .ends_with(&format!("/guests/{id}/delete"))
    );

    // unknown guest
    let err = guests.get("nobody@x.io").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");

    only_documented_headers(&fake);
}

#[tokio::test]
async fn every_member_operation() {
    let fake = fake(0, 5).await;
    let client = fake_client(&fake);
    let members = client.members();

    // list (+ includes)
    let listed: Vec<_> = members
        .list()
        .with(&[MemberInclude::Groups, MemberInclude::Stats])
        .per_page(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), fake.members().len());
    assert!(
        fake.last_request()
            .unwrap()
            .target
            .contains("with=groups%2Cstats")
    );

    // invite
    let invited = members
        .invite(Invite::new(
            "ada@acme.example",
            "Ada",
            "Lovelace",
            Role::Light,
            "Welcome!",
        ))
        .await
        .unwrap();
    let id = invited.id.unwrap();
    assert_eq!(invited.role, Some(Role::Light));

    // get
    let got = members.get(id).with(&[MemberInclude::Stats]).await.unwrap();
    assert_eq!(got.email.as_deref(), Some("ada@acme.example"));

    // update
    let updated = members
        .update(
            id,
            MemberUpdate::new("Ada", "King", "Europe/London")
                .job_title("Analyst")
                .date_format(tallyfy::types::MemberUpdateDateFormat::DdMmYyyy),
        )
        .await
        .unwrap();
    assert_eq!(updated.last_name.as_deref(), Some("King"));

    // set_role
    let promoted = members.set_role(id, Role::Standard).await.unwrap();
    assert_eq!(promoted.role, Some(Role::Standard));

    // disable, enable, disable, purge
    members.disable(id).await.unwrap();
    members.enable(id).await.unwrap();
    members.disable(id).await.unwrap();
    members.purge(id).await.unwrap();
    assert!(fake.member(id).is_none());

    // remove with reassignment
    let admin = tallyfy_fake::DEFAULT_ADMIN_ID;
    let someone = fake
        .members()
        .into_iter()
        .find_map(|m| m.id.filter(|i| *i != admin))
        .unwrap();
    members.remove(someone).reassign_to(admin).await.unwrap();
    let target = fake.last_request().unwrap().target;
    assert!(target.contains(&format!("/users/{someone}?")), "{target}");
    assert!(target.contains(&format!("to={admin}")), "{target}");
    assert!(target.contains("with_reassignment=true"), "{target}");

    // remove without reassignment
    let another = fake
        .members()
        .into_iter()
        .find_map(|m| m.id.filter(|i| *i != admin))
        .unwrap();
    members.remove(another).await.unwrap();

    // not found
    let err = members.get(999_999).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");

    only_documented_headers(&fake);
}

/// Every request carried only the headers Tallyfy documents plus HTTP's own: in particular not the
/// `api-version` header that progenitor adds unless codegen removes it.
fn only_documented_headers(fake: &tallyfy_fake::FakeTallyfy) {
    const ALLOWED: [&str; 7] = [
        "authorization",
        "accept",
        "x-tallyfy-client",
        "user-agent",
        "host",
        "content-type",
        "content-length",
    ];
    let requests = fake.requests();
    assert!(requests.len() > 5, "{requests:?}");
    for request in requests {
        for name in request.headers.keys() {
            assert!(
                ALLOWED.contains(&name.as_str()),
                "{} {} sent `{name}`",
                request.method,
                request.target
            );
        }
    }
}

#[tokio::test]
async fn invalid_inputs_send_nothing() {
    let fake = fake(1, 1).await;
    let client = fake_client(&fake);
    fake.clear_requests();
    let checks: Vec<Error> = vec![
        client
            .guests()
            .create(NewGuest::new("not-an-email"))
            .await
            .unwrap_err(),
        client
            .guests()
            .create(NewGuest::new("a@b.io").last_name("x".repeat(201)))
            .await
            .unwrap_err(),
        client
            .guests()
            .create(NewGuest::new("a@b.io").contact_url("not a url"))
            .await
            .unwrap_err(),
        client
            .guests()
            .create(NewGuest::new("a@b.io").external_date_creation("15/01/2025"))
            .await
            .unwrap_err(),
        client
            .members()
            .invite(Invite::new("a@b.io", "A", "B", Role::Admin, ""))
            .await
            .unwrap_err(),
        client
            .members()
            .update(1, MemberUpdate::new("A", "x".repeat(33), "UTC"))
            .await
            .unwrap_err(),
        client.members().remove(5).reassign_to(0).await.unwrap_err(),
        client
            .guests()
            .list()
            .per_page(0)
            .collect_all()
            .await
            .unwrap_err(),
        client
            .guests()
            .list()
            .concurrency(0)
            .collect_all()
            .await
            .unwrap_err(),
        client.guests().list().page(0).await.unwrap_err(),
    ];
    for e in checks {
        assert!(matches!(e, Error::InvalidInput { .. }), "{e}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn required_headers_are_sent() {
    let fake = fake(1, 1).await;
    let client = fake_client(&fake);
    client.guests().list().collect_all().await.unwrap();
    assert_sdk_headers(&fake.last_request().unwrap());

    let custom = support::builder_for(&fake.base_url())
        .token(fake.token())
        .org(fake.org_id())
        .client_header("my-service")
        .user_agent("my-service/2.0")
        .build()
        .unwrap();
    custom.guests().list().page(1).await.unwrap();
    let req = fake.last_request().unwrap();
    assert_eq!(req.headers["x-tallyfy-client"], "my-service");
    assert_eq!(req.headers[USER_AGENT], "my-service/2.0");

    // A wrong token is a typed 401.
    let wrong = support::builder_for(&fake.base_url())
        .token("wrong")
        .org(fake.org_id())
        .build()
        .unwrap();
    let err = wrong.guests().list().page(1).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err}");
}

#[tokio::test]
async fn a_built_reqwest_client_gets_the_sdk_headers_on_every_request() {
    let fake = fake(2, 1).await;
    let mut theirs = tallyfy::reqwest::header::HeaderMap::new();
    theirs.insert("x-probe", "from-their-client".parse().unwrap());
    theirs.insert(USER_AGENT, "their-agent/1".parse().unwrap());
    let shared = tallyfy::reqwest::Client::builder()
        .default_headers(theirs)
        .build()
        .unwrap();
    let client = support::builder_for(&fake.base_url())
        .token(fake.token())
        .org(fake.org_id())
        .http_client(shared.clone())
        .build()
        .unwrap();

    let email = fake.guests()[0].email.clone().unwrap();
    client.guests().list().collect_all().await.unwrap();
    client.guests().get(&email).await.unwrap();
    client
        .guests()
        .create(NewGuest::new("built@x.io"))
        .await
        .unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    for req in requests {
        // The SDK's User-Agent wins over the client's default of the same name; the client's
        // other defaults still go out.
        assert_sdk_headers(&req);
        assert_eq!(req.headers["x-probe"], "from-their-client");
    }
    // The client was shared, not consumed.
    drop(shared);
}

/// The four headers the SDK sends on every request, with their default values.
fn assert_sdk_headers(req: &tallyfy_fake::RecordedRequest) {
    assert_eq!(
        req.headers[AUTHORIZATION],
        format!("Bearer {}", support::TOKEN).as_str()
    );
    assert_eq!(req.headers[ACCEPT], "application/json");
    assert_eq!(req.headers["x-tallyfy-client"], "APIClient");
    assert_eq!(
        req.headers[USER_AGENT],
        concat!("tallyfy-rs/", env!("CARGO_PKG_VERSION"))
    );
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn futures_and_streams_can_be_spawned() {
    use std::future::IntoFuture;
    let client = support::client_for("http://127.0.0.1:9/api");
    let guests = client.guests();
    let members = client.members();
    assert_send(&guests.get("a@b.c").into_future());
    assert_send(&guests.create(NewGuest::new("a@b.c")));
    assert_send(&guests.update("a@b.c", GuestUpdate::new().associated_members([])));
    assert_send(&guests.remove("a@b.c"));
    assert_send(&guests.disable("a@b.c"));
    assert_send(&guests.enable("a@b.c"));
    assert_send(&guests.purge(1));
    assert_send(&guests.list().items());
    assert_send(&guests.list().pages());
    assert_send(&guests.list().page(1));
    assert_send(&guests.list().collect_all());
    assert_send(&members.get(1).into_future());
    assert_send(&members.invite(Invite::new("a@b.c", "A", "B", Role::Admin, "Hi")));
    assert_send(&members.update(1, MemberUpdate::new("a", "b", "UTC")));
    assert_send(&members.set_role(1, Role::Light));
    assert_send(&members.remove(1).into_future());
    assert_send(&members.disable(1));
    assert_send(&members.enable(1));
    assert_send(&members.purge(1));
    assert_send(&members.list().items());
    assert_send(&members.list().collect_all());
}
