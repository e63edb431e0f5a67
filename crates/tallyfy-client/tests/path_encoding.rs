//! How the generated client puts path parameters on the wire, read from the raw request line that a
//! loopback server received.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves one request with `{"data": {}}` and returns its request target (path and query, undecoded).
async fn one_request_target(call: impl AsyncFnOnce(tallyfy_client::Client)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 8192];
        let mut len = 0;
        while !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
            len += socket.read(&mut buf[len..]).await.unwrap();
        }
        let body = r#"{"data":{}}"#;
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(reply.as_bytes()).await.unwrap();
        let head = String::from_utf8_lossy(&buf[..len]).to_string();
        head.split(' ').nth(1).unwrap().to_string()
    });
    call(tallyfy_client::Client::new(&base, Default::default())).await;
    server.await.unwrap()
}

async fn get_guest_target(org: &str, email: &str) -> String {
    let (org, email) = (org.to_string(), email.to_string());
    one_request_target(async move |c| {
        c.get_guest(&org, &email, None).await.unwrap();
    })
    .await
}

#[tokio::test]
async fn every_byte_outside_unreserved_is_percent_encoded_once() {
    let table = [
        ("a@b.com", "a%40b.com"),
        ("o'brien+tag@x.io", "o%27brien%2Btag%40x.io"),
        ("a/b@c.com", "a%2Fb%40c.com"),
        ("user%40example.com", "user%2540example.com"),
        ("a b@c.com", "a%20b%40c.com"),
        ("jos\u{e9}@ex\u{e4}mple.com", "jos%C3%A9%40ex%C3%A4mple.com"),
        ("a#b?c@d.com", "a%23b%3Fc%40d.com"),
        ("a;b&c=d@e.com", "a%3Bb%26c%3Dd%40e.com"),
        ("a\\b@c.com", "a%5Cb%40c.com"),
        ("~a-b_c.d@e.f", "~a-b_c.d%40e.f"),
    ];
    for (email, wire) in table {
        assert_eq!(
            get_guest_target("org1", email).await,
            format!("/api/organizations/org1/guests/{wire}"),
            "{email}"
        );
    }
}

#[tokio::test]
async fn org_ids_are_encoded_the_same_way() {
    assert_eq!(
        get_guest_target("org 1/x+y", "a@b.c").await,
        "/api/organizations/org%201%2Fx%2By/guests/a%40b.c"
    );
}

/// `.` and `..` are unreserved, so they pass unchanged and the URL parser removes them as dot segments.
/// This pins the hazard that the `tallyfy` crate guards against by refusing those values.
#[tokio::test]
async fn dot_segments_are_not_encoded_and_must_be_refused_by_callers() {
    assert_eq!(
        get_guest_target("org1", "..").await,
        "/api/organizations/org1/"
    );
    assert_eq!(
        get_guest_target("org1", ".").await,
        "/api/organizations/org1/guests/"
    );
}
