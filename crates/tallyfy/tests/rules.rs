//! The SDK against the shared table of email addresses and URLs (`tests/rules/table.rs`, which the
//! fake's tests and the spec's tests run too): a refused value is `Error::InvalidInput` naming the
//! field, with nothing sent, by the SDK's own check (which says what is wrong, rather than by the
//! spec's pattern in the generated types); an accepted value is sent, unchanged, in the request body.
//!
//! Every row is checked through every body field it applies to: emails through `NewGuest` and
//! `Invite`, URLs through the four URL fields of `NewGuest`. All mismatches are reported together.

mod support;
#[path = "../../../tests/rules/table.rs"]
mod table;

use serde_json::{Value, json};
use support::{Reply, Scripted, client_for, guest};
use table::{Row, Verdict};
use tallyfy::{Error, Invite, NewGuest, Role};

/// A loopback server that answers every create-guest and invite with a success.
async fn server() -> Scripted {
    Scripted::start(|seen, _| {
        if seen.path().ends_with("/users/invite") {
            Reply::json(
                200,
                json!({"data": {"id": 7, "email": "x@x.io", "status": "invited"}}),
            )
        } else {
            Reply::json(201, json!({"data": guest(1, "x@x.io")}))
        }
    })
    .await
}

/// Checks one call's outcome against `row`; returns a description of the mismatch, if any.
fn judge<T>(
    server: &Scripted,
    sent_before: usize,
    row: &Row,
    field: &str,
    what: &str,
    result: Result<T, Error>,
) -> Option<String> {
    let requests = server.requests();
    let sent = &requests[sent_before..];
    let label = format!("{what} {field} = {:?} ({})", row.value, row.why);
    match (row.verdict, result) {
        (Verdict::Refused, Err(Error::InvalidInput { field: f, rule })) if f == field => {
            if !sent.is_empty() {
                Some(format!("{label}: refused, but a request was sent"))
            } else if rule.contains("pattern") {
                // The generated type's own check caught it: the SDK's check, which explains the
                // rule, let it through.
                Some(format!(
                    "{label}: refused only by the spec's pattern: {rule}"
                ))
            } else {
                None
            }
        }
        (Verdict::Refused, Err(e)) => Some(format!("{label}: refused with the wrong error: {e}")),
        (Verdict::Refused, Ok(_)) => Some(format!("{label}: accepted, the table says refused")),
        (Verdict::Accepted, Err(e)) => {
            Some(format!("{label}: refused ({e}), the table says accepted"))
        }
        (Verdict::Accepted, Ok(_)) => {
            let [request] = sent else {
                return Some(format!(
                    "{label}: {} requests sent, expected one",
                    sent.len()
                ));
            };
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            (body[field] != row.value.as_str())
                .then(|| format!("{label}: the body carried {} instead", body[field]))
        }
    }
}

fn report(problems: Vec<String>, rows: usize) {
    assert!(
        problems.is_empty(),
        "{} of {rows} checks disagree with tests/rules/table.rs:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn body_emails_follow_the_table() {
    let server = server().await;
    let client = client_for(&server.base_url);
    let mut problems = Vec::new();
    let rows = table::emails();
    for row in &rows {
        let before = server.count();
        let result = client.guests().create(NewGuest::new(&row.value)).await;
        problems.extend(judge(&server, before, row, "email", "create guest", result));

        let before = server.count();
        let invite = Invite::new(&row.value, "Ada", "Lovelace", Role::Light, "Welcome");
        let result = client.members().invite(invite).await;
        problems.extend(judge(&server, before, row, "email", "invite", result));
    }
    report(problems, rows.len() * 2);
}

/// Sets one of `NewGuest`'s URL fields.
type SetUrl = fn(NewGuest, &str) -> NewGuest;

#[tokio::test]
async fn body_urls_follow_the_table() {
    let server = server().await;
    let client = client_for(&server.base_url);
    let mut problems = Vec::new();
    let rows = table::urls();
    let fields: [(&str, SetUrl); 4] = [
        ("company_url", |g, v| g.company_url(v)),
        ("contact_url", |g, v| g.contact_url(v)),
        ("image_url", |g, v| g.image_url(v)),
        ("opportunity_url", |g, v| g.opportunity_url(v)),
    ];
    for row in &rows {
        for (field, set) in fields {
            let before = server.count();
            let guest = set(NewGuest::new("pat@x.io"), &row.value);
            let result = client.guests().create(guest).await;
            problems.extend(judge(&server, before, row, field, "create guest", result));
        }
    }
    report(problems, rows.len() * fields.len());
}

/// The table itself holds both verdicts for both rules, so the tests above cannot pass on a table
/// that only accepts or only refuses.
#[test]
fn the_table_has_both_verdicts() {
    for (name, rows) in [("emails", table::emails()), ("urls", table::urls())] {
        for verdict in [Verdict::Accepted, Verdict::Refused] {
            let n = rows.iter().filter(|r| r.verdict == verdict).count();
            assert!(n >= 10, "{name}: only {n} rows {verdict:?}");
        }
        let mut values: Vec<_> = rows.iter().map(|r| r.value.as_str()).collect();
        values.sort_unstable();
        let total = values.len();
        values.dedup();
        assert_eq!(values.len(), total, "{name}: a value is listed twice");
    }
}
