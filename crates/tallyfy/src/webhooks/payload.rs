//! The two webhook payloads Tallyfy documents, decoded as tolerantly as API responses: every field
//! optional, ids as numbers or strings ([`FlexibleId`]), timestamps in any spelling
//! ([`Timestamp`], which keeps the text when it cannot read it, such as the localized
//! `15/10/2025 09:00 AM UTC`), and fields this crate does not know kept in `other` instead of
//! failing the payload.
//!
//! No field can fail a payload: a value of another type than expected (an id as a list, a date as
//! an object) reads as `None` and stays in [`Event::raw`](super::Event::raw). A receiver that
//! refused a real webhook over one odd field would lose it, since Tallyfy does not send it again.
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
    #[serde(default, deserialize_with = "id_or_none")]
    pub id: Option<FlexibleId>,
    /// Their email.
    #[serde(default, deserialize_with = "text_or_none")]
    pub email: Option<String>,
    /// Their full name.
    #[serde(default, deserialize_with = "text_or_none")]
    pub full_name: Option<String>,
}

/// A process-level payload: the process at the top level.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProcessPayload {
    /// The process (run) id.
    #[serde(default, deserialize_with = "id_or_none")]
    pub id: Option<FlexibleId>,
    /// The process's number in the organization.
    #[serde(default, deserialize_with = "integer_or_none")]
    pub increment_id: Option<i64>,
    /// The template it was launched from.
    #[serde(default, deserialize_with = "id_or_none")]
    pub checklist_id: Option<FlexibleId>,
    /// That template's title.
    #[serde(default, deserialize_with = "text_or_none")]
    pub checklist_title: Option<String>,
    /// The process's name.
    #[serde(default, deserialize_with = "text_or_none")]
    pub name: Option<String>,
    /// Its summary.
    #[serde(default, deserialize_with = "text_or_none")]
    pub summary: Option<String>,
    /// `in-progress`, `completed`, ...
    #[serde(default, deserialize_with = "text_or_none")]
    pub status: Option<String>,
    /// How far along it is: a percentage in the docs' webhook example (`60`), an object
    /// (`{"complete", "total", "percent"}`) in API responses; kept as sent.
    pub progress: Option<Value>,
    /// Who launched it.
    #[serde(default, deserialize_with = "id_or_none")]
    pub started_by: Option<FlexibleId>,
    /// Its owner.
    #[serde(default, deserialize_with = "id_or_none")]
    pub owner_id: Option<FlexibleId>,
    /// Kick-off values by field timeline id.
    #[serde(default, deserialize_with = "map_or_empty")]
    pub prerun: BTreeMap<String, Value>,
    /// When it was created.
    #[serde(default, deserialize_with = "timestamp_or_none")]
    pub created_at: Option<Timestamp>,
    /// When it was started.
    #[serde(default, deserialize_with = "timestamp_or_none")]
    pub started_at: Option<Timestamp>,
    /// When it was completed; `None` for a launch.
    #[serde(default, deserialize_with = "timestamp_or_none")]
    pub completed_at: Option<Timestamp>,
    /// Its deadline.
    #[serde(default, deserialize_with = "timestamp_or_none")]
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
    #[serde(default, deserialize_with = "object_or_none")]
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
    #[serde(default, deserialize_with = "object_or_none")]
    pub this_task: Option<WebhookTask>,
    /// Who launched the process.
    #[serde(default, deserialize_with = "object_or_none")]
    pub launcher: Option<Person>,
    /// Who completed the task.
    #[serde(default, deserialize_with = "object_or_none")]
    pub completer: Option<Person>,
    /// Task alias (or id) to task id.
    #[serde(rename = "process-tasks", default, deserialize_with = "map_or_empty")]
    pub process_tasks: BTreeMap<String, Value>,
    /// Every form value of the process so far (kick-off included), by field alias.
    #[serde(rename = "form-fields", default, deserialize_with = "map_or_empty")]
    pub form_fields: BTreeMap<String, Value>,
    /// The template.
    #[serde(default, deserialize_with = "object_or_none")]
    pub template: Option<WebhookTemplate>,
    /// The process.
    #[serde(default, deserialize_with = "object_or_none")]
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
    #[serde(default, deserialize_with = "id_or_none")]
    pub id: Option<FlexibleId>,
    /// Its title.
    #[serde(default, deserialize_with = "text_or_none")]
    pub title: Option<String>,
    /// Its step's alias.
    #[serde(default, deserialize_with = "text_or_none")]
    pub alias: Option<String>,
    /// `completed`, `not-started`, ...
    #[serde(default, deserialize_with = "text_or_none")]
    pub status: Option<String>,
    /// Its summary.
    #[serde(default, deserialize_with = "text_or_none")]
    pub summary: Option<String>,
    /// Its deadline.
    #[serde(default, deserialize_with = "timestamp_or_none")]
    pub deadline: Option<Timestamp>,
    /// Its position in the process.
    #[serde(default, deserialize_with = "integer_or_none")]
    pub position: Option<i64>,
    /// When it was completed.
    #[serde(default, deserialize_with = "timestamp_or_none")]
    pub completed_at: Option<Timestamp>,
    /// Who completed it.
    #[serde(default, deserialize_with = "object_or_none")]
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
    #[serde(default, deserialize_with = "id_or_none")]
    pub id: Option<FlexibleId>,
    /// Its title.
    #[serde(default, deserialize_with = "text_or_none")]
    pub title: Option<String>,
    /// Its alias.
    #[serde(default, deserialize_with = "text_or_none")]
    pub alias: Option<String>,
    /// Its summary.
    #[serde(default, deserialize_with = "text_or_none")]
    pub summary: Option<String>,
}

/// The process in a task-level payload.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookProcess {
    /// The process id.
    #[serde(default, deserialize_with = "id_or_none")]
    pub id: Option<FlexibleId>,
    /// The organization.
    #[serde(default, deserialize_with = "text_or_none")]
    pub organization_id: Option<String>,
    /// Its name.
    #[serde(default, deserialize_with = "text_or_none")]
    pub name: Option<String>,
    /// Its summary.
    #[serde(default, deserialize_with = "text_or_none")]
    pub summary: Option<String>,
    /// `in-progress`, `completed`, ...
    #[serde(default, deserialize_with = "text_or_none")]
    pub status: Option<String>,
    /// How far along it is: a percentage in the docs' webhook example (`60`), an object
    /// (`{"complete", "total", "percent"}`) in API responses; kept as sent.
    pub progress: Option<Value>,
    /// When it was created.
    #[serde(default, deserialize_with = "timestamp_or_none")]
    pub created_at: Option<Timestamp>,
    /// Its page in Tallyfy.
    #[serde(rename = "ClientURL")]
    #[serde(default, deserialize_with = "text_or_none")]
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

/// A string; a number or boolean as its text; anything else as `None`.
fn text_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A timestamp in any spelling (kept as text when it cannot be read); a number as its text;
/// anything else as `None`.
fn timestamp_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if !s.is_empty() => Some(Timestamp::new(s)),
        Value::Number(n) => Some(Timestamp::new(n.to_string())),
        _ => None,
    })
}

/// An id given as a number or a string; anything else as `None`.
fn id_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<FlexibleId>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Some(FlexibleId::Int64(i)),
            None => Some(FlexibleId::String(n.to_string())),
        },
        Value::String(s) if !s.is_empty() => Some(FlexibleId::String(s)),
        _ => None,
    })
}

/// An integer, or one written as text; anything else as `None`.
fn integer_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
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
