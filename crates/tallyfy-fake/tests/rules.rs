//! The fake against the shared table of email addresses and URLs (`tests/rules/table.rs`, which the
//! SDK's tests and the spec's tests run too), over HTTP: a refused value gets a 422 naming the field,
//! an accepted one a success that stores the value as it was sent.
//!
//! Emails go through create-guest and invite-member, URLs through the four URL fields of
//! create-guest. Each email row gets a fresh fake, so that no earlier row's guest or member changes
//! the answer. All mismatches are reported together.

mod common;
#[path = "../../../tests/rules/table.rs"]
mod table;

use common::{Api, Reply};
use reqwest::StatusCode;
use serde_json::{Value, json};
use table::{Row, Verdict};

/// Compares one answer with `row`; returns a description of the mismatch, if any. `stored` is where
/// an accepted value must come back in the response.
fn judge(
    row: &Row,
    field: &str,
    what: &str,
    reply: &Reply,
    success: StatusCode,
    stored: &Value,
) -> Option<String> {
    let label = format!("{what} {field} = {:?} ({})", row.value, row.why);
    match row.verdict {
        Verdict::Accepted if reply.status != success => Some(format!(
            "{label}: HTTP {}, the table says accepted: {}",
            reply.status, reply.text
        )),
        Verdict::Accepted => {
            (stored != row.value.as_str()).then(|| format!("{label}: stored as {stored}"))
        }
        Verdict::Refused if reply.status != StatusCode::UNPROCESSABLE_ENTITY => Some(format!(
            "{label}: HTTP {}, the table says refused: {}",
            reply.status, reply.text
        )),
        Verdict::Refused => (!reply.field_errors().contains_key(field))
            .then(|| format!("{label}: 422, but not for {field}: {}", reply.text)),
    }
}

fn report(problems: Vec<String>, checks: usize) {
    assert!(
        problems.is_empty(),
        "{} of {checks} checks disagree with tests/rules/table.rs:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn body_emails_follow_the_table() {
    let rows = table::emails();
    let mut problems = Vec::new();
    for row in &rows {
        let api = Api::start(0, 1).await;
        let r = api
            .post(&api.url("/guests"), json!({ "email": row.value }))
            .await;
        let stored = if r.status.is_success() {
            r.json()["data"]["email"].clone()
        } else {
            Value::Null
        };
        problems.extend(judge(
            row,
            "email",
            "create guest",
            &r,
            StatusCode::CREATED,
            &stored,
        ));

        let r = api
            .post(
                &api.url("/users/invite"),
                json!({
                    "email": row.value,
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "role": "light",
                    "message": "Welcome",
                }),
            )
            .await;
        let stored = if r.status.is_success() {
            r.json()["data"]["email"].clone()
        } else {
            Value::Null
        };
        problems.extend(judge(row, "email", "invite", &r, StatusCode::OK, &stored));
    }
    report(problems, rows.len() * 2);
}

#[tokio::test]
async fn body_urls_follow_the_table() {
    let rows = table::urls();
    let fields = ["company_url", "contact_url", "image_url", "opportunity_url"];
    let api = Api::start(0, 1).await;
    let mut problems = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        for field in fields {
            let email = format!("url{i}.{field}@x.io");
            let r = api
                .post(
                    &api.url("/guests"),
                    json!({ "email": email, field: row.value }),
                )
                .await;
            let stored = if r.status.is_success() {
                r.json()["data"]["details"][field].clone()
            } else {
                Value::Null
            };
            problems.extend(judge(
                row,
                field,
                "create guest",
                &r,
                StatusCode::CREATED,
                &stored,
            ));
        }
    }
    report(problems, rows.len() * fields.len());
}
