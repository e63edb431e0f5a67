//! Helpers shared by the fake's HTTP tests: a client that sends the documented headers, and a strict
//! percent-encoder for path segments.

#![allow(dead_code)]

use reqwest::{Method, StatusCode};
use serde_json::Value;
use tallyfy_fake::FakeTallyfy;

/// Encodes every byte outside RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`) as `%XX`.
pub fn enc(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    /// The body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The Laravel field errors, as `field -> [messages]`.
    pub fn field_errors(&self) -> serde_json::Map<String, Value> {
        let body = self.json();
        assert_eq!(body["message"], "The given data was invalid.", "{body}");
        body["errors"].as_object().cloned().unwrap_or_default()
    }
}

/// A fake plus a client that talks to it with the documented headers.
pub struct Api {
    pub fake: FakeTallyfy,
    pub http: reqwest::Client,
}

impl Api {
    /// Starts a fake with `seed_guests` guests and `seed_members` members.
    pub async fn start(seed_guests: usize, seed_members: usize) -> Self {
        let fake = FakeTallyfy::builder()
            .org_id("org-1")
            .token("secret-token")
            .seed_guests(seed_guests)
            .seed_members(seed_members)
            .start()
            .await
            .expect("fake starts");
        Self::with(fake)
    }

    /// Wraps a fake that is already running.
    pub fn with(fake: FakeTallyfy) -> Self {
        Self {
            fake,
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
        }
    }

    /// `base_url()/organizations/{org}` + `rest` (already encoded).
    pub fn url(&self, rest: &str) -> String {
        format!(
            "{}/organizations/{}{}",
            self.fake.base_url(),
            enc(self.fake.org_id()),
            rest
        )
    }

    /// The URL of a guest path: `/guests/{email}` + `suffix`.
    pub fn guest_url(&self, email: &str, suffix: &str) -> String {
        self.url(&format!("/guests/{}{suffix}", enc(email)))
    }

    /// Sends a request with the documented headers and reads the whole answer.
    pub async fn send(&self, method: Method, url: &str, body: Option<Value>) -> Reply {
        let mut req = self
            .http
            .request(method, url)
            .bearer_auth(self.fake.token())
            .header("Accept", "application/json")
            .header("X-Tallyfy-Client", "APIClient");
        if let Some(body) = body {
            req = req.json(&body);
        }
        Self::read(req.send().await.expect("request sent")).await
    }

    /// Reads a response whole.
    pub async fn read(res: reqwest::Response) -> Reply {
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body read");
        Reply {
            status,
            headers,
            text,
        }
    }

    pub async fn get(&self, url: &str) -> Reply {
        self.send(Method::GET, url, None).await
    }

    pub async fn post(&self, url: &str, body: Value) -> Reply {
        self.send(Method::POST, url, Some(body)).await
    }

    pub async fn put(&self, url: &str, body: Value) -> Reply {
        self.send(Method::PUT, url, Some(body)).await
    }

    pub async fn put_empty(&self, url: &str) -> Reply {
        self.send(Method::PUT, url, None).await
    }

    pub async fn delete(&self, url: &str) -> Reply {
        self.send(Method::DELETE, url, None).await
    }
}

/// Starts a fake with `members` members, `templates` templates and `processes` processes.
pub async fn start_workflow(members: usize, templates: usize, processes: usize) -> Api {
    let fake = FakeTallyfy::builder()
        .org_id("org-1")
        .token("secret-token")
        .seed_members(members)
        .seed_templates(templates)
        .seed_processes(processes)
        .start()
        .await
        .expect("fake starts");
    Api::with(fake)
}

impl Api {
    /// Every template (archived ones too), in creation order, with steps.
    pub async fn templates(&self) -> Vec<Value> {
        let r = self
            .get(&self.url("/checklists?sort_by=created_at&per_page=100&with=steps&archived=true"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()["data"].as_array().unwrap().clone()
    }

    /// The tasks of a process, in position order, with their step and form fields.
    pub async fn process_tasks(&self, run_id: &str) -> Vec<Value> {
        let r = self
            .get(&self.url(&format!(
                "/runs/{run_id}/tasks?without_pagination=true&with=step,form_fields"
            )))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()["data"].as_array().unwrap().clone()
    }

    /// The seeded Blog Post Publishing template, as the list shows it.
    pub async fn blog_template(&self) -> Value {
        self.templates()
            .await
            .into_iter()
            .find(|t| t["title"] == "Blog Post Publishing")
            .expect("the seeded Blog Post Publishing template")
    }

    /// Launches the seeded Blog Post Publishing template (it needs no kick-off values: a task with
    /// a required "Draft link" capture, an approval, a task and an email step) and returns the
    /// process id.
    pub async fn launch_blog(&self) -> String {
        let blog = self.blog_template().await;
        let r = self
            .post(
                &self.url("/runs"),
                serde_json::json!({"checklist_id": blog["id"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json()["data"]["id"].as_str().unwrap().to_string()
    }

    /// A process with every include.
    pub async fn process(&self, run_id: &str) -> Value {
        let r = self.get(&self.url(&format!("/runs/{run_id}"))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()["data"].clone()
    }
}

/// Every key of a task as the fake writes it.
pub const TASK_KEYS: &[&str] = &[
    "id",
    "increment_id",
    "title",
    "run_id",
    "checklist_id",
    "step_id",
    "alias",
    "status",
    "status_label",
    "task_type",
    "is_oneoff_task",
    "is_completable",
    "is_approved",
    "owners",
    "position",
    "started_at",
    "deadline",
    "created_at",
    "last_updated",
    "completed_at",
    "archived_at",
    "completer_id",
    "everyone_must_complete",
    "can_complete_only_assignees",
    "max_assignable",
    "webhook",
    "prevent_guest_comment",
    "top_secret",
    "is_soft_start_date",
    "problem",
    "taskdata",
    "summary",
];

/// Every key of a comment as the fake writes it.
pub const COMMENT_KEYS: &[&str] = &[
    "id",
    "content",
    "author_id",
    "author_type",
    "task_id",
    "label",
    "state",
    "created_at",
    "updated_at",
    "archived_at",
    "resolve_id",
];

/// Asserts that `v` is an object with exactly these keys.
pub fn keys_exactly(v: &Value, keys: &[&str]) {
    let map = v.as_object().unwrap();
    assert_eq!(map.len(), keys.len(), "{v}");
    for k in keys {
        assert!(map.contains_key(*k), "{k} missing: {v}");
    }
}

/// The `id` of a record.
pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// `(verb, description)` of each entry of an activity-feed page.
pub fn activity_entries(page: &Value) -> Vec<(String, String)> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["verb"][0].as_str().unwrap().to_string(),
                a["description"][0].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Starts the `tallyfy-fake` binary with `args` and reads its first line: the child, and the
/// address it listens on (`127.0.0.1:PORT`). Its stderr is piped, for the caller to read after
/// stopping it (a few webhook lines; nothing that could fill the pipe).
pub fn spawn_binary(args: &[&str]) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tallyfy-fake"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr = first
        .trim_end()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_string();
    (child, addr)
}
