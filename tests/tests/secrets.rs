//! The token stays secret on the wire: never sent to another host on a redirect, and never sent over
//! plain http to anything but loopback unless the caller allows it. (`Debug`, `Display`, errors and
//! trace output are checked in `secrets_in_traces.rs`, which needs a test binary of its own.)

use tallyfy::{Client, ClientBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "tok-SECRET-3f9a1c";

/// Accepts one connection and returns its request head (lower-cased), replying with `reply`.
async fn serve_once(listener: TcpListener, reply: String) -> String {
    let (mut socket, _) = listener.accept().await.unwrap();
    let mut buf = vec![0u8; 16 * 1024];
    let mut len = 0;
    while !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut buf[len..]).await.unwrap();
        if n == 0 {
            break;
        }
        len += n;
    }
    socket.write_all(reply.as_bytes()).await.unwrap();
    socket.shutdown().await.ok();
    String::from_utf8_lossy(&buf[..len]).to_lowercase()
}

#[tokio::test]
async fn a_redirect_to_another_host_drops_the_authorization_header() {
    redirect_drops_authorization(|b| b).await;
    // With a caller's built reqwest::Client, the headers are added per request instead of as
    // default headers: they must be dropped all the same.
    redirect_drops_authorization(|b| b.http_client(tallyfy::reqwest::Client::new())).await;
}

async fn redirect_drops_authorization(configure: impl FnOnce(ClientBuilder) -> ClientBuilder) {
    let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let second = TcpListener::bind("127.0.0.1:0").await.unwrap();
    // Same machine, another host name and port: an origin the token was not meant for.
    let target = format!(
        "http://localhost:{}/elsewhere",
        second.local_addr().unwrap().port()
    );
    let base = format!(
        "http://127.0.0.1:{}/api",
        first.local_addr().unwrap().port()
    );
    let redirect = format!(
        "HTTP/1.1 302 Found\r\nlocation: {target}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    let body = r#"{"data":{"id":1,"email":"a@b.io"}}"#;
    let ok = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let first = tokio::spawn(serve_once(first, redirect));
    let second = tokio::spawn(serve_once(second, ok));

    let client = configure(Client::builder().token(TOKEN).org("org").base_url(base))
        .build()
        .unwrap();
    let result = client.guests().get("a@b.io").await;
    let (first, second) = (first.await.unwrap(), second.await.unwrap());
    assert!(
        first.contains(&format!("authorization: bearer {}", TOKEN.to_lowercase())),
        "{first}"
    );
    assert!(
        second.starts_with("get /elsewhere"),
        "the redirect was followed: {second}"
    );
    assert!(
        !second.contains("authorization"),
        "the token followed the redirect:\n{second}"
    );
    assert!(!second.contains(&TOKEN.to_lowercase()));
    drop(result);
}

#[test]
fn plain_http_is_refused_except_to_loopback_unless_allowed() {
    let build = |url: &str, allow: bool| {
        Client::builder()
            .token(TOKEN)
            .org("org")
            .base_url(url)
            .allow_insecure_http(allow)
            .build()
            .map_err(Box::new)
    };
    // No request is made: building the client is where the check happens.
    for url in [
        "http://go.tallyfy.com/api",
        "http://10.0.0.8/api",
        "http://example.test:8080",
    ] {
        let err = build(url, false).unwrap_err();
        assert!(matches!(*err, tallyfy::Error::Config(_)), "{url}: {err}");
        assert!(!err.to_string().contains(TOKEN));
        assert!(build(url, true).is_ok(), "{url} with allow_insecure_http");
    }
    for url in [
        "http://127.0.0.1:9/api",
        "http://localhost:9/api",
        "http://[::1]:9/api",
        "https://go.tallyfy.com/api",
    ] {
        assert!(build(url, false).is_ok(), "{url}");
    }
}
