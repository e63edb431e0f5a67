//! Webhook delivery, as Tallyfy documents it: a JSON `POST` with the header `X-Tallyfy-orgID`,
//! attempted once and never retried, after the API call that caused it has been answered.
//!
//! | what happens | payload | sent to |
//! |---|---|---|
//! | a process is launched | process-level | the template's `webhook`, and every `--webhook-url` |
//! | a task is completed (also one already completed, which Tallyfy answers with success) | task-level | the step's `webhook`, or else the template's; a one-off task's own `webhook`; every `--webhook-url` |
//! | the last task of a process is completed | process-level, with `completed_at` | the template's `webhook`, and every `--webhook-url` |
//!
//! The payloads have the documented fields (`webhooks/webhook-payload-structure.md`). Deliveries go
//! out one at a time in the order of the calls that caused them, from one background task.
//! [`FakeTallyfy::webhook_deliveries`](crate::FakeTallyfy::webhook_deliveries) lists each attempt
//! with its answer or failure; nothing fails silently. With a duplicate rate (`--webhook-duplicates
//! RATE`), that share of deliveries is sent a second time, as Tallyfy may do, so that receivers
//! can test their idempotency.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use crate::outbox::Outgoing;
use crate::state::State;
use crate::sync::lock;
use crate::workflow::model::{RunStatus, TaskStatus};
use crate::workflow::time::ts_json;

/// How long the fake waits for a receiver's answer.
const TIMEOUT: Duration = Duration::from_secs(10);

/// One delivery attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// Where it was sent.
    pub url: String,
    /// `process.launched`, `task.completed` or `process.completed` (the fake's name; Tallyfy
    /// sends no such field).
    pub kind: String,
    /// The process it is about.
    pub process_id: Option<String>,
    /// The task, for `task.completed`.
    pub task_id: Option<String>,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why there was no answer (connection refused, timeout, ...).
    pub error: Option<String>,
    /// When it was sent.
    pub at: SystemTime,
    /// Whether this is the deliberate second delivery of the one before.
    pub duplicate: bool,
}

impl Delivery {
    /// `webhook KIND -> URL: STATUS` (or `: failed (why)`), the URL without its query.
    fn line(&self) -> String {
        let url = self.url.split(['?', '#']).next().unwrap_or_default();
        let again = if self.duplicate { " (again)" } else { "" };
        match (self.status, &self.error) {
            (Some(status), _) => format!("webhook {}{again} -> {url}: {status}", self.kind),
            (None, Some(why)) => format!("webhook {}{again} -> {url}: failed ({why})", self.kind),
            (None, None) => format!("webhook {}{again} -> {url}: failed", self.kind),
        }
    }
}

/// The background task's end: the queue, the log, and the duplicate rate.
#[derive(Debug)]
pub(crate) struct Deliverer {
    queue: mpsc::UnboundedSender<Outgoing>,
    /// Every attempt so far.
    pub log: Arc<Mutex<Vec<Delivery>>>,
}

impl Deliverer {
    /// Starts the background task on the current runtime; with `print`, each attempt is also a
    /// line on stderr.
    pub(crate) fn start(org_id: String, duplicate_rate: f64, print: bool) -> Self {
        let (queue, mut rx) = mpsc::unbounded_channel::<Outgoing>();
        let log: Arc<Mutex<Vec<Delivery>>> = Arc::default();
        let sink = log.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a plain reqwest client builds");
            let mut sent = 0u64;
            while let Some(out) = rx.recv().await {
                let body = out.body.to_string();
                for url in &out.urls {
                    // Deterministic: exactly `rate` of all deliveries are sent twice.
                    let twice = (((sent + 1) as f64) * duplicate_rate).floor()
                        > ((sent as f64) * duplicate_rate).floor();
                    sent += 1;
                    for duplicate in [false, true].into_iter().take(1 + usize::from(twice)) {
                        let at = SystemTime::now();
                        let answer = http
                            .post(url)
                            .header("x-tallyfy-orgid", &org_id)
                            .header("content-type", "application/json")
                            .body(body.clone())
                            .send()
                            .await;
                        let (status, error) = match answer {
                            Ok(res) => (Some(res.status().as_u16()), None),
                            Err(e) => (None, Some(e.without_url().to_string())),
                        };
                        let delivery = Delivery {
                            url: url.clone(),
                            kind: out.kind.to_owned(),
                            process_id: out.process_id.clone(),
                            task_id: out.task_id.clone(),
                            status,
                            error,
                            at,
                            duplicate,
                        };
                        if print {
                            eprintln!("{}", delivery.line());
                        }
                        lock(&sink).push(delivery);
                    }
                }
            }
        });
        Self { queue, log }
    }

    /// Hands what `state` queued to the background task.
    pub(crate) fn send_queued(&self, state: &Mutex<State>) {
        let queued = std::mem::take(&mut lock(state).webhooks.outbox);
        for out in queued {
            // The task ends only with the server's runtime; then there is no one to deliver to.
            let _ = self.queue.send(out);
        }
    }
}

/// The URLs in `urls` and the global ones, each once, in order.
fn targets(state: &State, urls: &[Option<&String>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for url in urls
        .iter()
        .flatten()
        .map(|u| u.as_str())
        .chain(state.webhooks.urls.iter().map(String::as_str))
    {
        if !url.is_empty() && !out.iter().any(|u| u == url) {
            out.push(url.to_owned());
        }
    }
    out
}

impl State {
    /// Queues the process-level webhook for the process at `pos`: `process.launched`, or
    /// `process.completed` once it is complete.
    pub(crate) fn queue_process_webhook(&mut self, pos: usize, at: i64) {
        let p = &self.workflow.processes[pos];
        let kind = if p.status == RunStatus::Complete {
            "process.completed"
        } else {
            "process.launched"
        };
        let template = self
            .workflow
            .template_pos(&p.checklist_id)
            .map(|t| &self.workflow.templates[t]);
        let urls = targets(self, &[template.and_then(|t| t.webhook.as_ref())]);
        if urls.is_empty() {
            return;
        }
        let mut body = self.process_out(pos, &[], at);
        let p = &self.workflow.processes[pos];
        let extra = json!({
            "process-tasks": self.process_tasks(&p.id),
            "ko-form-fields": by_alias(&p.kickoff, &p.prerun).collect::<Map<_, _>>(),
            "guest-links": self.guest_links(&p.id),
            "launcher": self.person(p.started_by),
        });
        if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
            b.extend(e);
        }
        let process_id = Some(p.id.clone());
        self.webhooks.outbox.push(Outgoing {
            kind,
            process_id,
            task_id: None,
            urls,
            body,
        });
    }

    /// Queues the task-level webhook for the completed task at `pos`, and the process-level one
    /// when that completed its process.
    pub(crate) fn queue_task_webhooks(&mut self, pos: usize, at: i64) {
        let wf = &self.workflow;
        let t = &wf.tasks[pos];
        let template = t
            .checklist_id
            .as_deref()
            .and_then(|id| wf.template_pos(id))
            .map(|i| &wf.templates[i]);
        let step_or_template = t
            .step
            .webhook
            .as_ref()
            .or_else(|| template.and_then(|tp| tp.webhook.as_ref()));
        let urls = targets(self, &[step_or_template, t.webhook.as_ref()]);
        let process_pos = t.run_id.as_deref().and_then(|r| wf.process_pos(r));
        if !urls.is_empty() {
            let body = self.task_payload(pos, template.map(|tp| tp.id.clone()), process_pos);
            let t = &self.workflow.tasks[pos];
            let out = Outgoing {
                kind: "task.completed",
                process_id: t.run_id.clone(),
                task_id: Some(t.id.clone()),
                urls,
                body,
            };
            self.webhooks.outbox.push(out);
        }
        if let Some(p) = process_pos
            && self.workflow.processes[p].status == RunStatus::Complete
            && self.workflow.processes[p].completed_at == Some(at)
        {
            self.queue_process_webhook(p, at);
        }
    }

    /// The documented task-level payload.
    fn task_payload(
        &self,
        pos: usize,
        template_id: Option<String>,
        process_pos: Option<usize>,
    ) -> Value {
        let wf = &self.workflow;
        let t = &wf.tasks[pos];
        let run_id = t.run_id.clone().unwrap_or_default();
        let mut form_fields = Map::new();
        let mut process_forms = Map::new();
        let process = process_pos.map(|p| &wf.processes[p]);
        if let Some(p) = process {
            form_fields.extend(by_alias(&p.kickoff, &p.prerun));
        }
        let mut run_tasks: Vec<&crate::workflow::model::Task> = wf
            .tasks
            .iter()
            .filter(|o| o.run_id.is_some() && o.run_id == t.run_id)
            .collect();
        run_tasks.sort_by_key(|o| o.position);
        for o in &run_tasks {
            let captures = captures(o);
            form_fields.extend(by_alias(&o.step.captures, &o.taskdata));
            if !captures.is_empty() {
                process_forms.insert(o.step.id.clone(), Value::Object(captures));
            }
        }
        let next = run_tasks
            .iter()
            .find(|o| o.status != TaskStatus::Completed && o.id != t.id)
            .map(|o| self.webhook_task(o))
            .unwrap_or_else(|| json!([]));
        let template = template_id
            .as_deref()
            .and_then(|id| wf.template_pos(id))
            .map(|i| &wf.templates[i]);
        json!({
            "this_task": self.webhook_task(t),
            "launcher": process.map(|p| self.person(p.started_by)),
            "completer": t.completer_id.map(|id| self.person(id)),
            "process-tasks": self.process_tasks(&run_id),
            "form-fields": form_fields,
            "template": template.map(|tp| json!({
                "id": tp.id, "title": tp.title, "alias": tp.alias, "summary": tp.summary,
            })),
            "process": process.map(|p| {
                let (done, total) = wf.progress(&p.id);
                json!({
                    "id": p.id,
                    "organization_id": self.org_id,
                    "name": p.name,
                    "summary": p.summary,
                    "status": if p.status == RunStatus::Complete { "completed" } else { "in-progress" },
                    "progress": (done * 100).checked_div(total).unwrap_or(0),
                    "created_at": ts_json(Some(p.created_at)),
                    "ClientURL": format!("https://go.tallyfy.com/{}/process/{}", self.org_id, p.id),
                    "prerun": p.prerun,
                    "process_forms": process_forms,
                    "tags": p.tags.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
                })
            }),
            "guest-links": self.guest_links(&run_id),
            "next_task": next,
        })
    }

    /// A task as the task-level payload shows it (`this_task`, `next_task`).
    fn webhook_task(&self, t: &crate::workflow::model::Task) -> Value {
        json!({
            "id": t.id,
            "title": t.title,
            "alias": t.step.alias,
            "status": t.status.as_str(),
            "summary": t.summary,
            "deadline": ts_json(t.deadline),
            "position": t.position,
            "completed_at": ts_json(t.completed_at),
            "completed_by": t.completer_id.map(|id| self.person(id)),
            "owners": {
                "users": t.owners.users.iter().map(|id| self.person(*id)).collect::<Vec<_>>(),
                "guests": t.owners.guests,
            },
            "captures": captures(t),
            "assets": [],
        })
    }

    /// `{id, email, full_name}` for a member.
    fn person(&self, id: i64) -> Value {
        match self.member_pos(id).map(|i| &self.members[i]) {
            Some(m) => json!({
                "id": m.id,
                "email": m.email,
                "full_name": format!("{} {}", m.first_name, m.last_name),
            }),
            None => json!({"id": id}),
        }
    }

    /// Step alias to task id, for the tasks of a process.
    fn process_tasks(&self, run_id: &str) -> Map<String, Value> {
        self.workflow
            .tasks
            .iter()
            .filter(|t| t.run_id.as_deref() == Some(run_id))
            .map(|t| (t.step.alias.clone(), Value::from(t.id.clone())))
            .collect()
    }

    /// Guest email to `{link_for_guest}`, for every guest assigned in the process.
    fn guest_links(&self, run_id: &str) -> Map<String, Value> {
        let mut links = Map::new();
        for t in self
            .workflow
            .tasks
            .iter()
            .filter(|t| t.run_id.as_deref() == Some(run_id))
        {
            for email in &t.owners.guests {
                if let Some(g) = self.guest_pos_any(email).map(|i| &self.guests[i]) {
                    links.insert(
                        email.clone(),
                        json!({"link_for_guest": g.link(&self.org_id)}),
                    );
                }
            }
        }
        links
    }
}

/// The values of `fields` that `values` (keyed by field id) holds, keyed by the field's alias.
fn by_alias<'a>(
    fields: &'a [crate::workflow::model::Field],
    values: &'a Map<String, Value>,
) -> impl Iterator<Item = (String, Value)> + 'a {
    fields
        .iter()
        .filter_map(|f| Some((f.alias.clone(), values.get(&f.id)?.clone())))
}

/// A task's form values by field id: `{alias, label, value}`.
fn captures(t: &crate::workflow::model::Task) -> Map<String, Value> {
    t.step
        .captures
        .iter()
        .filter_map(|f| {
            let value = t.taskdata.get(&f.id)?;
            Some((
                f.id.clone(),
                json!({"alias": f.alias, "label": f.label, "value": value}),
            ))
        })
        .collect()
}
