//! `follow-up`: a small service built on the `tallyfy` SDK, to show the pieces working together.
//!
//! When a task of the *trigger* template is completed, it launches a process of the *follow-up*
//! template, named after the first process, with each kick-off field whose label matches one of
//! the completed task's form fields filled with that field's value. Each logical event launches
//! once: duplicate deliveries are recognised by their dedupe key and answered 200 without work.
//!
//! How it is built, in the order a webhook travels:
//! 1. [`app`]'s route takes [`Webhook`]: the SDK checks the secret in the URL and
//!    `X-Tallyfy-orgID`, decodes the payload and says whether it is a duplicate;
//! 2. the handler stores the job (here an in-memory queue; a real service writes a table row in
//!    the same step) and answers 200 at once, because Tallyfy never sends a webhook again;
//! 3. [`work`] takes jobs from the queue and calls the API through the SDK's [`Client`], whose
//!    retries and rate-limit handling apply.

use std::sync::Arc;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use serde_json::Value;
use tallyfy::webhooks::axum::{Webhook, WebhookState};
use tallyfy::webhooks::{MemorySeen, Payload, Receiver, TaskPayload};
use tallyfy::{Client, Form, Launch};
use tokio::sync::mpsc;

/// What the service reacts to and what it launches.
#[derive(Clone, Debug)]
pub struct Config {
    /// The organization whose webhooks are accepted.
    pub org: String,
    /// The secret the webhook URL carries as `?token=`.
    pub secret: String,
    /// Completed tasks of processes from this template trigger a follow-up.
    pub trigger_template: String,
    /// The template launched as the follow-up.
    pub follow_up_template: String,
}

/// A follow-up to launch.
#[derive(Debug)]
pub struct Job {
    /// The process whose task was completed.
    pub process_name: String,
    /// The completed task's form values: label and value.
    pub values: Vec<(String, Value)>,
}

#[derive(Clone)]
struct AppState {
    hooks: WebhookState,
    trigger_template: Arc<str>,
    jobs: mpsc::UnboundedSender<Job>,
}

impl FromRef<AppState> for WebhookState {
    fn from_ref(state: &AppState) -> Self {
        state.hooks.clone()
    }
}

/// The webhook route (`POST /hooks/tallyfy`), and the queue its jobs go to.
pub fn app(config: &Config) -> (axum::Router, mpsc::UnboundedReceiver<Job>) {
    let (jobs, queue) = mpsc::unbounded_channel();
    let receiver = Receiver::new(config.org.as_str()).secret("token", config.secret.as_str());
    let state = AppState {
        hooks: WebhookState::new(receiver).seen(MemorySeen::default()),
        trigger_template: config.trigger_template.as_str().into(),
        jobs,
    };
    let router = axum::Router::new()
        .route("/hooks/tallyfy", axum::routing::post(hook))
        .with_state(state);
    (router, queue)
}

async fn hook(State(state): State<AppState>, hook: Webhook) -> StatusCode {
    if hook.duplicate {
        tracing::info!(key = %hook.event.dedupe_key, "duplicate webhook, skipped");
        return StatusCode::OK;
    }
    if let Payload::Task(task) = &hook.event.payload
        && let Some(job) = job_for(task, &state.trigger_template)
    {
        // Store first. A closed queue means the worker is gone: say so, so that it shows in the
        // sender's log, rather than pretend the job was taken.
        if state.jobs.send(job).is_err() {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    }
    StatusCode::OK
}

/// The job for a completed task of the trigger template, if it is one.
fn job_for(task: &TaskPayload, trigger_template: &str) -> Option<Job> {
    let template = task.template.as_ref()?.id.as_ref()?.to_string();
    if template != trigger_template {
        return None;
    }
    let completed = task.this_task.as_ref()?;
    let values = completed
        .captures
        .values()
        .filter_map(|c| {
            Some((
                c.get("label")?.as_str()?.to_owned(),
                c.get("value")?.clone(),
            ))
        })
        .collect();
    let process_name = task
        .process
        .as_ref()
        .and_then(|p| p.name.clone())
        .unwrap_or_default();
    Some(Job {
        process_name,
        values,
    })
}

/// Launches a follow-up for each job, until the queue closes. Returns the launched processes'
/// ids as they are launched (for logs and tests).
pub async fn work(
    client: Client,
    follow_up_template: String,
    mut queue: mpsc::UnboundedReceiver<Job>,
    launched: mpsc::UnboundedSender<String>,
) {
    while let Some(job) = queue.recv().await {
        match launch(&client, &follow_up_template, &job).await {
            Ok(id) => {
                tracing::info!(process = %id, "launched a follow-up");
                let _ = launched.send(id);
            }
            Err(e) => tracing::error!(
                "could not launch the follow-up of {:?}: {e}",
                job.process_name
            ),
        }
    }
}

async fn launch(client: &Client, template_id: &str, job: &Job) -> tallyfy::Result<String> {
    let template = client.templates().get(template_id).await?;
    let mut form = Form::kickoff(&template);
    for (label, value) in &job.values {
        // Only text values carry over; a field the follow-up does not have is left out.
        if let Some(text) = value.as_str()
            && template
                .prerun
                .iter()
                .any(|f| f.label.as_deref() == Some(label.as_str()))
        {
            form = form.set(label, text)?;
        }
    }
    let process = client
        .processes()
        .launch(
            Launch::new(template_id)
                .name(format!("Follow-up: {}", job.process_name))
                .prerun(form.build()?),
        )
        .await?;
    Ok(process.id.map(|id| id.to_string()).unwrap_or_default())
}
