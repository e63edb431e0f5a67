//! The two webhook payloads Tallyfy documents, decoded as tolerantly as API responses: every field
//! optional, ids as numbers or strings ([`FlexibleId`]), timestamps in any spelling
//! ([`Timestamp`], which keeps the text when it cannot read it, such as the localized
//! `15/10/2025 09:00 AM UTC`), and fields this crate does not know kept in `other` instead of
//! failing the payload.
//!
//! - [`ProcessPayload`]: sent when a process is launched or completed (the process itself, at the
//!   top level, with `process-tasks`, `ko-form-fields`, `guest-links` and `launcher`);
//! - [`TaskPayload`]: sent when a task is completed (`this_task`, `process`, `template`,
//!   `form-fields`, `next_task`, ...).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use tallyfy_client::Timestamp;
use tallyfy_client::types::FlexibleId;

/// A person as webhooks name them (`launcher`, `completer`, `completed_by`, task owners).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Person {
    /// The member's id.
    pub id: Option<FlexibleId>,
    /// Their email.
    pub email: Option<String>,
    /// Their full name.
    pub full_name: Option<String>,
}

/// A process-level payload: the process at the top level.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProcessPayload {
    /// The process (run) id.
    pub id: Option<FlexibleId>,
    /// The process's number in the organization.
    pub increment_id: Option<i64>,
    /// The template it was launched from.
    pub checklist_id: Option<FlexibleId>,
    /// That template's title.
    pub checklist_title: Option<String>,
    /// The process's name.
    pub name: Option<String>,
    /// Its summary.
    pub summary: Option<String>,
    /// `in-progress`, `completed`, ...
    pub status: Option<String>,
    /// Percent of tasks done.
    pub progress: Option<f64>,
    /// Who launched it.
    pub started_by: Option<FlexibleId>,
    /// Its owner.
    pub owner_id: Option<FlexibleId>,
    /// Kick-off values by field timeline id.
    #[serde(default, deserialize_with = "map_or_empty")]
    pub prerun: BTreeMap<String, Value>,
    /// When it was created.
    pub created_at: Option<Timestamp>,
    /// When it was started.
    pub started_at: Option<Timestamp>,
    /// When it was completed; `None` for a launch.
    pub completed_at: Option<Timestamp>,
    /// Its deadline.
    pub due_date: Option<Timestamp>,
    /// Task alias (or id) to task id.
    #[serde(rename = "process-tasks", default, deserialize_with = "map_or_empty")]
    pub process_tasks: BTreeMap<String, Value>,
    /// Kick-off values by field alias.
    #[serde(rename = "ko-form-fields", default, deserialize_with = "map_or_empty")]
    pub ko_form_fields: BTreeMap<String, Value>,
    /// Guest email to `{link_for_guest}`.
    #[serde(rename = "guest-links", default, deserialize_with = "map_or_empty")]
    pub guest_links: BTreeMap<String, Value>,
    /// Who launched the process.
    pub launcher: Option<Person>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// A task-level payload: a task was completed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskPayload {
    /// The completed task.
    pub this_task: Option<WebhookTask>,
    /// Who launched the process.
    pub launcher: Option<Person>,
    /// Who completed the task.
    pub completer: Option<Person>,
    /// Task alias (or id) to task id.
    #[serde(rename = "process-tasks", default, deserialize_with = "map_or_empty")]
    pub process_tasks: BTreeMap<String, Value>,
    /// Every form value of the process so far (kick-off included), by field alias.
    #[serde(rename = "form-fields", default, deserialize_with = "map_or_empty")]
    pub form_fields: BTreeMap<String, Value>,
    /// The template.
    pub template: Option<WebhookTemplate>,
    /// The process.
    pub process: Option<WebhookProcess>,
    /// Guest email to `{link_for_guest}`.
    #[serde(rename = "guest-links", default, deserialize_with = "map_or_empty")]
    pub guest_links: BTreeMap<String, Value>,
    /// The first visible task still open, by position; `None` when every task is done (Tallyfy
    /// then sends `[]`).
    #[serde(default, deserialize_with = "object_or_none")]
    pub next_task: Option<WebhookTask>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// A task in a task-level payload (`this_task`, `next_task`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookTask {
    /// The task id.
    pub id: Option<FlexibleId>,
    /// Its title.
    pub title: Option<String>,
    /// Its step's alias.
    pub alias: Option<String>,
    /// `completed`, `not-started`, ...
    pub status: Option<String>,
    /// Its summary.
    pub summary: Option<String>,
    /// Its deadline.
    pub deadline: Option<Timestamp>,
    /// Its position in the process.
    pub position: Option<i64>,
    /// When it was completed.
    pub completed_at: Option<Timestamp>,
    /// Who completed it.
    pub completed_by: Option<Person>,
    /// Its owners: `{users: [...], guests: [emails]}`.
    pub owners: Option<Value>,
    /// Its form values by timeline id: `{alias, label, value}`.
    #[serde(default, deserialize_with = "map_or_empty")]
    pub captures: BTreeMap<String, Value>,
    /// Files uploaded to it.
    #[serde(default, deserialize_with = "list_or_empty")]
    pub assets: Vec<Value>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// The template in a task-level payload.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookTemplate {
    /// The template id.
    pub id: Option<FlexibleId>,
    /// Its title.
    pub title: Option<String>,
    /// Its alias.
    pub alias: Option<String>,
    /// Its summary.
    pub summary: Option<String>,
}

/// The process in a task-level payload.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookProcess {
    /// The process id.
    pub id: Option<FlexibleId>,
    /// The organization.
    pub organization_id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its summary.
    pub summary: Option<String>,
    /// `in-progress`, `completed`, ...
    pub status: Option<String>,
    /// Percent of tasks done.
    pub progress: Option<f64>,
    /// When it was created.
    pub created_at: Option<Timestamp>,
    /// Its page in Tallyfy.
    #[serde(rename = "ClientURL")]
    pub client_url: Option<String>,
    /// Kick-off values by field timeline id.
    #[serde(default, deserialize_with = "map_or_empty")]
    pub prerun: BTreeMap<String, Value>,
    /// Every form value by step id, then timeline id.
    #[serde(default, deserialize_with = "map_or_empty")]
    pub process_forms: BTreeMap<String, Value>,
    /// Its tags (`{id, name, color}`).
    #[serde(default, deserialize_with = "list_or_empty")]
    pub tags: Vec<Value>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// An object as a map; `null`, `[]` (PHP's empty array) or anything else as an empty one.
fn map_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Object(map) => map.into_iter().collect(),
        _ => BTreeMap::new(),
    })
}

/// A list; `null` or anything else as an empty one.
fn list_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items,
        _ => Vec::new(),
    })
}

/// An object as `T`; `[]`, `{}`, `null` or a value that does not decode as `None`.
fn object_or_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Object(map) if !map.is_empty() => serde_json::from_value(Value::Object(map)).ok(),
        _ => None,
    })
}
