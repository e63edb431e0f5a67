//! Files on the wire: an upload is one `multipart/form-data` body with every field as its own part
//! and the file's exact bytes, checked against the documented limits before anything is sent; a
//! download (or an inline view, in any media type) gives back the body's exact bytes, and a failed
//! one is retried like any GET.

mod support;

use support::{Reply, Scripted, Seen};
use tallyfy::{Error, FilePart, Upload};

/// One part of a multipart body: its name, file name, content type and bytes.
type Part = (String, Option<String>, Option<String>, Vec<u8>);

/// The parts of a multipart body, split by the boundary in `content_type`, written here from RFC
/// 7578 rather than with the SDK's encoder.
fn parts(content_type: &str, body: &[u8]) -> Vec<Part> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type");
    let delimiter = format!("--{boundary}");
    let text = body.to_vec();
    let mut out = Vec::new();
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut at = find(&text, delimiter.as_bytes(), 0).expect("a first delimiter");
    loop {
        let start = at + delimiter.len();
        if text[start..].starts_with(b"--") {
            assert_eq!(
                &text[start + 2..],
                b"\r\n",
                "the body ends after the closing delimiter"
            );
            break;
        }
        assert!(text[start..].starts_with(b"\r\n"));
        let next = find(&text, format!("\r\n{delimiter}").as_bytes(), start).expect("a delimiter");
        let part = &text[start + 2..next];
        let split = find(part, b"\r\n\r\n", 0).expect("headers end");
        let headers = String::from_utf8(part[..split].to_vec()).unwrap();
        let mut name = None;
        let mut filename = None;
        let mut ctype = None;
        for line in headers.split("\r\n") {
            if let Some(rest) = line.strip_prefix("Content-Disposition: form-data; ") {
                for param in rest.split("; ") {
                    let (k, v) = param.split_once('=').unwrap();
                    let v = v.trim_matches('"').to_string();
                    match k {
                        "name" => name = Some(v),
                        "filename" => filename = Some(v),
                        other => panic!("unexpected parameter {other}"),
                    }
                }
            } else if let Some(ct) = line.strip_prefix("Content-Type: ") {
                ctype = Some(ct.to_string());
            } else {
                panic!("unexpected part header {line:?}");
            }
        }
        out.push((name.unwrap(), filename, ctype, part[split + 4..].to_vec()));
        at = next + 2;
    }
    out
}

fn respond(req: &Seen, _: usize) -> Reply {
    if req.method == "GET" && req.path().ends_with("/dl") {
        return Reply {
            status: 200,
            headers: vec![
                ("content-type", "application/octet-stream".into()),
                (
                    "content-disposition",
                    "attachment; filename=\"r.pdf\"".into(),
                ),
            ],
            body: (0..=255u8).cycle().take(70_000).collect(),
            delay: std::time::Duration::ZERO,
        };
    }
    Reply::json(
        200,
        serde_json::json!({"data": {"id": "asset-1", "filename": "r.pdf", "version": 1}}),
    )
}

#[tokio::test]
async fn an_upload_is_one_multipart_body_with_every_field_and_the_exact_bytes() {
    let server = Scripted::start(respond).await;
    let client = support::client_for(&server.base_url);
    // Bytes that look like a boundary, CRLFs and every byte value.
    let bytes: Vec<u8> = b"--tallyfy-rs-\r\n\r\n"
        .iter()
        .copied()
        .chain(0..=255u8)
        .collect();
    let upload = Upload::new(
        FilePart::new("Q3 report.PDF", bytes.clone()),
        "run-1",
        "Run".parse().unwrap(),
        "capture-9",
    )
    .step_id("step-2")
    .checklist_id("tpl-3")
    .source("local".parse().unwrap());
    let asset = client.files().upload(upload).await.unwrap();
    assert_eq!(asset.filename.as_deref(), Some("r.pdf"));

    let seen = server.last();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path(), "/api/organizations/org-1/file");
    let content_type = seen
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_string();
    let got = parts(&content_type, &seen.body);
    let text = |name: &str| {
        got.iter()
            .find(|p| p.0 == name)
            .map(|p| String::from_utf8(p.3.clone()).unwrap())
    };
    assert_eq!(text("subject_id").as_deref(), Some("run-1"));
    assert_eq!(text("subject_type").as_deref(), Some("Run"));
    assert_eq!(text("uploaded_from").as_deref(), Some("capture-9"));
    assert_eq!(text("step_id").as_deref(), Some("step-2"));
    assert_eq!(text("checklist_id").as_deref(), Some("tpl-3"));
    assert_eq!(text("source").as_deref(), Some("local"));
    let file = got.iter().find(|p| p.0 == "name").unwrap();
    assert_eq!(file.1.as_deref(), Some("Q3 report.PDF"));
    assert_eq!(file.2.as_deref(), Some("application/pdf"));
    assert_eq!(file.3, bytes, "the file's exact bytes");
    assert_eq!(
        got.len(),
        7,
        "one part per field given, nothing else: {:?}",
        got.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn uploads_outside_the_documented_limits_are_refused_before_sending() {
    let server = Scripted::start(respond).await;
    let client = support::client_for(&server.base_url);
    let upload = |part: FilePart| Upload::new(part, "run-1", "Run".parse().unwrap(), "c");
    let refused = [
        client
            .files()
            .upload(upload(FilePart::new("tool.exe", vec![1])))
            .await
            .unwrap_err(),
        client
            .files()
            .upload(upload(FilePart::new("no-extension", vec![1])))
            .await
            .unwrap_err(),
        client
            .files()
            .upload(upload(FilePart::new(
                "big.pdf",
                vec![0u8; 100 * 1024 * 1024 + 1],
            )))
            .await
            .unwrap_err(),
        client
            .files()
            .upload(Upload::new(
                FilePart::new("a.pdf", vec![1]),
                "",
                "Run".parse().unwrap(),
                "c",
            ))
            .await
            .unwrap_err(),
    ];
    let rules: Vec<(String, String)> = refused
        .into_iter()
        .map(|e| match e {
            Error::InvalidInput { field, rule } => (field, rule),
            other => panic!("sent: {other}"),
        })
        .collect();
    assert_eq!(rules[0].0, "name");
    assert!(rules[0].1.contains(".pdf"), "{}", rules[0].1);
    assert_eq!(rules[1].0, "name");
    assert_eq!(rules[2].0, "name");
    assert!(rules[2].1.contains("at most 104857600"), "{}", rules[2].1);
    assert_eq!(rules[3].0, "subject_id");
    assert_eq!(server.count(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_download_gives_the_exact_bytes_and_a_broken_one_is_retried() {
    let server = Scripted::start(|req: &Seen, i: usize| {
        if i == 0 {
            return Reply::text(503, "text/html", "<h1>busy</h1>");
        }
        respond(req, i)
    })
    .await;
    let client = support::client_for(&server.base_url);
    let bytes = client.files().download("asset/1").await.unwrap();
    let want: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    assert_eq!(bytes, want);
    let sent = server.requests();
    assert_eq!(sent.len(), 2, "one retry after the 503");
    assert!(
        sent.iter()
            .all(|s| s.path() == "/api/organizations/org-1/file/asset%2F1/dl")
    );
}

#[tokio::test]
async fn a_view_gives_the_exact_bytes_whatever_their_media_type() {
    let server = Scripted::start(|_req: &Seen, _i: usize| Reply {
        status: 200,
        headers: vec![("content-type", "image/png".into())],
        body: b"\x89PNG\r\n\x1a\n\0\xff".to_vec(),
        delay: std::time::Duration::ZERO,
    })
    .await;
    let client = support::client_for(&server.base_url);
    let bytes = client.files().view("asset/1").await.unwrap();
    assert_eq!(bytes, b"\x89PNG\r\n\x1a\n\0\xff");
    let sent = server.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "GET");
    assert_eq!(sent[0].path(), "/api/organizations/org-1/file/asset%2F1");
}
