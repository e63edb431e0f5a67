//! Emails and org ids reach the server as exactly one path segment, percent-encoded exactly once,
//! checked on the raw request target a loopback server received.

mod support;

use proptest::prelude::*;
use serde_json::json;
use support::{Reply, Scripted, client_for};
use tallyfy::{Error, GuestUpdate};

async fn echo_server() -> Scripted {
    Scripted::start(|_, _| Reply::json(200, json!({"data": {"id": 1, "email": "x@y.z"}}))).await
}

/// The segment after `/guests/` in the raw target.
fn guest_segment(target: &str) -> String {
    let path = target.split('?').next().unwrap();
    let rest = path
        .strip_prefix("/api/organizations/org-1/guests/")
        .unwrap_or_else(|| panic!("unexpected target {target}"));
    rest.to_owned()
}

const TABLE: &[(&str, &str)] = &[
    ("a@b.com", "a%40b.com"),
    ("o'brien+tag@x.io", "o%27brien%2Btag%40x.io"),
    ("a/b@c.com", "a%2Fb%40c.com"),
    ("a%41@b.com", "a%2541%40b.com"),
    ("user%40example.com@x.io", "user%2540example.com%40x.io"),
    ("a?b@c.com", "a%3Fb%40c.com"),
    ("a#b@c.com", "a%23b%40c.com"),
    ("josé@exämple.com", "jos%C3%A9%40ex%C3%A4mple.com"),
    ("a\\b@c.com", "a%5Cb%40c.com"),
    ("a;b&c=d@e.com", "a%3Bb%26c%3Dd%40e.com"),
    ("a b@c.com", "a%20b%40c.com"),
    ("\"a@b\"@example.com", "%22a%40b%22%40example.com"),
    ("..@x.io", "..%40x.io"),
    ("~_.-@x.io", "~_.-%40x.io"),
    (
        "a!$()*,:[]|^`{}<>@x.io",
        "a%21%24%28%29%2A%2C%3A%5B%5D%7C%5E%60%7B%7D%3C%3E%40x.io",
    ),
    ("日本@例え.jp", "%E6%97%A5%E6%9C%AC%40%E4%BE%8B%E3%81%88.jp"),
];

#[tokio::test]
async fn hostile_emails_are_one_segment_encoded_once_for_every_operation() {
    let server = echo_server().await;
    let client = client_for(&server.base_url);
    let guests = client.guests();
    for (email, expected) in TABLE {
        guests.get(*email).await.unwrap();
        guests.get(*email).with_stats().await.unwrap();
        guests
            .update(email, GuestUpdate::new().associated_members([1]))
            .await
            .unwrap();
        guests.remove(email).await.unwrap();
        guests.disable(email).await.unwrap();
        guests.enable(email).await.unwrap();
        guests.purge(*email).await.unwrap();
        let seen = server.requests();
        let last7 = &seen[seen.len() - 7..];
        for (req, suffix) in last7
            .iter()
            .zip(["", "", "", "", "/disable", "/enable", "/delete"])
        {
            let segment = guest_segment(&req.target);
            assert_eq!(
                segment,
                format!("{expected}{suffix}"),
                "{email:?} ({} {})",
                req.method,
                req.target
            );
        }
    }
}

#[tokio::test]
async fn org_ids_are_encoded_like_emails() {
    let server = echo_server().await;
    for (org, expected) in [
        ("org 1/x", "org%201%2Fx"),
        ("a+b@c", "a%2Bb%40c"),
        ("%41", "%2541"),
        ("é?#", "%C3%A9%3F%23"),
        (
            "0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef",
        ),
    ] {
        let client = support::builder_for(&server.base_url)
            .org(org)
            .build()
            .unwrap();
        client.guests().get("a@b.c").await.unwrap();
        client.members().disable(5).await.unwrap();
        let seen = server.requests();
        assert_eq!(
            seen[seen.len() - 2].path(),
            format!("/api/organizations/{expected}/guests/a%40b.c")
        );
        assert_eq!(
            seen[seen.len() - 1].path(),
            format!("/api/organizations/{expected}/users/5/disable")
        );
    }
}

#[tokio::test]
async fn impossible_values_are_refused_before_any_request() {
    let server = echo_server().await;
    let client = client_for(&server.base_url);
    for bad in [
        "",
        ".",
        "..",
        "no-at-sign",
        "a@b@c.com",
        "@b.com",
        "a@",
        "@",
        "a\r\n@b.com",
        "a\u{7f}@b.com",
    ] {
        let e = client.guests().get(bad).await.unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { ref field, .. } if field == "email"),
            "{bad:?}: {e}"
        );
        assert!(client.guests().remove(bad).await.is_err());
        assert!(client.guests().disable(bad).await.is_err());
        assert!(client.guests().enable(bad).await.is_err());
        assert!(
            client
                .guests()
                .update(bad, GuestUpdate::new().associated_members([]))
                .await
                .is_err()
        );
    }
    for bad in ["", ".", "..", "@b.com", "a@"] {
        assert!(client.guests().purge(bad).await.is_err(), "{bad:?}");
    }
    assert!(client.guests().purge(0).await.is_err());
    assert!(client.members().get(0).await.is_err());
    assert!(client.members().purge(-1).await.is_err());
    for bad_org in ["", ".", "..", "a\nb"] {
        assert!(
            support::builder_for(&server.base_url)
                .org(bad_org)
                .build()
                .is_err()
        );
    }
    assert_eq!(server.count(), 0, "nothing may reach the server");
}

fn is_unreserved_or_escape(segment: &str) -> bool {
    let b = segment.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => i += 1,
            b'%' if i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit() =>
            {
                // Upper-case hex, as RFC 3986 recommends.
                if b[i + 1].is_ascii_lowercase() || b[i + 2].is_ascii_lowercase() {
                    return false;
                }
                i += 3
            }
            _ => return false,
        }
    }
    true
}

fn local_part() -> impl Strategy<Value = String> {
    // Arbitrary Unicode without control characters (which are refused) and without `@` or `"`
    // (which change how many unquoted `@` there are).
    proptest::collection::vec(
        any::<char>().prop_filter("printable", |c| !c.is_control() && *c != '@' && *c != '"'),
        1..24,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

#[test]
fn any_unicode_local_part_round_trips() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(echo_server());
    let client = client_for(&server.base_url);
    let config = ProptestConfig {
        cases: 96,
        ..ProptestConfig::default()
    };
    proptest!(config, |(local in local_part(), domain in "[a-z0-9]{1,10}\\.(io|com|jp)")| {
        let email = format!("{local}@{domain}");
        rt.block_on(client.guests().get(email.as_str()).send()).unwrap();
        let target = server.last().target;
        // The path template never changes: exactly one segment after /guests/.
        let segment = guest_segment(&target);
        prop_assert!(!segment.contains('/'), "{target}");
        prop_assert!(is_unreserved_or_escape(&segment), "{target}");
        let decoded = percent_encoding::percent_decode_str(&segment).decode_utf8().unwrap();
        prop_assert_eq!(decoded.as_ref(), email.as_str());
    });
}

#[test]
fn the_path_template_never_changes() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(echo_server());
    let config = ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    };
    proptest!(config, |(local in local_part(), org in "[^\\x00-\\x1f\\x7f]{1,12}")| {
        prop_assume!(org != "." && org != ".." && !org.chars().any(char::is_control));
        let client = support::builder_for(&server.base_url).org(org.clone()).build().unwrap();
        let email = format!("{local}@x.io");
        rt.block_on(client.guests().disable(&email).send()).unwrap();
        let target = server.last().target;
        let segments: Vec<&str> = target.split('?').next().unwrap().split('/').collect();
        // "", "api", "organizations", org, "guests", email, "disable"
        prop_assert_eq!(segments.len(), 7, "{}", target);
        prop_assert_eq!(&segments[..3], &["", "api", "organizations"][..]);
        prop_assert_eq!(segments[4], "guests");
        prop_assert_eq!(segments[6], "disable");
        let org_back = percent_encoding::percent_decode_str(segments[3]).decode_utf8().unwrap();
        prop_assert_eq!(org_back.as_ref(), org.as_str());
        let email_back = percent_encoding::percent_decode_str(segments[5]).decode_utf8().unwrap();
        prop_assert_eq!(email_back.as_ref(), email.as_str());
    });
}
