//! Files over HTTP: a multipart upload built by hand, the asset record, the download, every
//! refusal, and delete.

mod common;

use common::{Api, Reply, start_workflow};
use reqwest::StatusCode;
use serde_json::Value;

/// One refusal case: the text parts, the file part, the field the 422 names.
type Case<'a> = (
    Vec<(&'a str, &'a str)>,
    Option<(&'a str, &'a [u8])>,
    &'a str,
);

const BOUNDARY: &str = "----fake-test-boundary";

/// A multipart body: text parts, then an optional file part `name` with a filename.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"name\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn upload(api: &Api, path: &str, body: Vec<u8>, content_type: &str) -> Reply {
    let req = api
        .http
        .post(api.url(path))
        .bearer_auth(api.fake.token())
        .header("X-Tallyfy-Client", "APIClient")
        .header("Content-Type", content_type)
        .body(body);
    Api::read(req.send().await.expect("sent")).await
}

fn ct() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// A process id and a capture id of its template.
async fn run_and_capture(api: &Api) -> (String, String) {
    let runs = api.get(&api.url("/runs?archived=true")).await.json();
    let run = runs["data"][0]["id"].as_str().unwrap().to_string();
    let tasks = api.process_tasks(&run).await;
    let capture = tasks
        .iter()
        .flat_map(|t| t["step"]["data"]["captures"].as_array().unwrap().clone())
        .map(|c| c["id"].as_str().unwrap().to_string())
        .next()
        .expect("a seeded step with a capture");
    (run, capture)
}

#[tokio::test]
async fn upload_get_download_delete() {
    let api = start_workflow(3, 2, 2).await;
    let (run, capture) = run_and_capture(&api).await;
    let bytes: Vec<u8> = (0..=255u8)
        .chain(b"\r\n--not-the-boundary\r\n".iter().copied())
        .collect();
    let body = multipart(
        &[
            ("subject_id", &run),
            ("subject_type", "Run"),
            ("uploaded_from", &capture),
            ("step_id", "s1"),
        ],
        Some(("Report Q4.PDF", &bytes)),
    );
    let r = upload(&api, "/file", body.clone(), &ct()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let a = r.json()["data"].clone();
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(a["filename"], "Report Q4.PDF");
    assert_eq!(a["version"], 1);
    assert_eq!(a["source"], "local");
    assert_eq!(a["system"], Value::Null);
    assert_eq!(a["step_id"], "s1");
    assert_eq!(a["uploaded_to_s3"], true);
    assert_eq!(a["subject"]["id"], Value::String(run.clone()));
    assert_eq!(a["subject"]["type"], "Run");
    assert_eq!(a["url"], format!("organizations/org-1/file/{id}/dl"));
    let full = a["full_url"].as_str().unwrap();
    assert!(
        full.starts_with("http://127.0.0.1:")
            && full.ends_with(&format!("/api/organizations/org-1/file/{id}/dl")),
        "{full}"
    );
    // `/assets` is the same handler and makes a new asset every call.
    let r = upload(&api, "/assets", body, &ct()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_ne!(r.json()["data"]["id"], Value::String(id.clone()));
    // get_asset, download.
    let g = api.get(&api.url(&format!("/assets/{id}"))).await;
    assert_eq!(g.status, StatusCode::OK);
    assert_eq!(g.json()["data"], a);
    let res = api
        .http
        .get(api.url(&format!("/file/{id}/dl")))
        .bearer_auth(api.fake.token())
        .header("X-Tallyfy-Client", "APIClient")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "application/octet-stream");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"Report Q4.PDF\""
    );
    assert_eq!(h["content-length"], bytes.len().to_string().as_str());
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);
    // view_file: the same bytes inline, in the media type of the extension (case ignored).
    let res = api
        .http
        .get(api.url(&format!("/file/{id}")))
        .bearer_auth(api.fake.token())
        .header("X-Tallyfy-Client", "APIClient")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert!(h.get("content-disposition").is_none(), "inline: {h:?}");
    assert_eq!(h["content-length"], bytes.len().to_string().as_str());
    assert_eq!(res.bytes().await.unwrap().to_vec(), bytes);
    // Delete: 200 empty, then 404 everywhere.
    let r = api.delete(&api.url(&format!("/file/{id}"))).await;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::OK, ""));
    assert_eq!(
        api.get(&api.url(&format!("/assets/{id}"))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(&api.url(&format!("/file/{id}/dl"))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(&api.url(&format!("/file/{id}"))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.delete(&api.url(&format!("/file/{id}"))).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn checklist_and_task_subjects() {
    let api = start_workflow(3, 2, 1).await;
    let tpl = api.templates().await[0]["id"].as_str().unwrap().to_string();
    let body = multipart(
        &[
            ("subject_id", &tpl),
            ("subject_type", "Checklist"),
            ("uploaded_from", "ko_field"),
            ("source", "url"),
            ("system", "Dropbox"),
        ],
        Some(("a.png", b"png")),
    );
    let r = upload(&api, "/file", body, &ct()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let a = r.json()["data"].clone();
    assert_eq!(
        (&a["source"], &a["system"], &a["subject"]["type"]),
        (&"url".into(), &"Dropbox".into(), &"Checklist".into())
    );
    let run = api.get(&api.url("/runs")).await.json()["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let task = api.process_tasks(&run).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let body = multipart(
        &[
            ("subject_id", &task),
            ("subject_type", "Task"),
            ("uploaded_from", "x"),
        ],
        Some(("notes.txt", b"hi")),
    );
    assert_eq!(
        upload(&api, "/file", body, &ct()).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn refusals() {
    let api = start_workflow(3, 2, 2).await;
    let (run, capture) = run_and_capture(&api).await;
    let ok_fields = [
        ("subject_id", run.as_str()),
        ("subject_type", "Run"),
        ("uploaded_from", capture.as_str()),
    ];
    let cases: Vec<Case<'_>> = vec![
        (ok_fields.to_vec(), None, "name"),
        (ok_fields.to_vec(), Some(("empty.pdf", b"")), "name"),
        (ok_fields.to_vec(), Some(("run.exe", b"MZ")), "name"),
        (ok_fields.to_vec(), Some(("noextension", b"x")), "name"),
        (ok_fields[1..].to_vec(), Some(("a.pdf", b"x")), "subject_id"),
        (
            vec![ok_fields[0], ("subject_type", ""), ok_fields[2]],
            Some(("a.pdf", b"x")),
            "subject_type",
        ),
        (
            vec![ok_fields[0], ("subject_type", "Process"), ok_fields[2]],
            Some(("a.pdf", b"x")),
            "subject_type",
        ),
        (
            ok_fields[..2].to_vec(),
            Some(("a.pdf", b"x")),
            "uploaded_from",
        ),
        (
            vec![
                ("subject_id", "0123456789abcdef0123456789abcdef"),
                ok_fields[1],
                ok_fields[2],
            ],
            Some(("a.pdf", b"x")),
            "subject_id",
        ),
        (
            vec![ok_fields[0], ok_fields[1], ("uploaded_from", "ko_field")],
            Some(("a.pdf", b"x")),
            "uploaded_from",
        ),
        (
            vec![ok_fields[0], ok_fields[1], ok_fields[2], ("source", "ftp")],
            Some(("a.pdf", b"x")),
            "source",
        ),
    ];
    for (fields, file, field) in cases {
        let r = upload(&api, "/file", multipart(&fields, file), &ct()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {}",
            r.text
        );
        let errors = r.field_errors();
        assert!(errors.contains_key(field), "{fields:?}: {}", r.text);
        if field == "subject_id" && fields.len() == 3 {
            assert_eq!(errors["subject_id"][0], "Subject not found");
        }
    }
    // Over 100 MB.
    let big = vec![b'a'; 104_857_601];
    let r = upload(
        &api,
        "/file",
        multipart(&ok_fields, Some(("big.txt", &big))),
        &ct(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.field_errors().contains_key("name"));
    // Not multipart: 422 on `name`, as the spec documents.
    let r = upload(&api, "/file", b"{}".to_vec(), "application/json").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.field_errors().contains_key("name"));
    let r = upload(&api, "/file", b"garbage".to_vec(), &ct()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        api.get(&api.url("/file/nope/dl")).await.status,
        StatusCode::NOT_FOUND
    );
}
