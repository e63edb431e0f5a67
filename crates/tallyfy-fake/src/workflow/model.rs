//! The workflow records as the fake stores them, and the JSON of those that need nothing else to be
//! rendered: form fields (kick-off fields and captures), steps and comments.

use serde_json::{Map, Value, json};

use super::time::{ts, ts_json};

/// A URL-style slug of a title: what aliases start with.
pub(crate) fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The type of a kick-off field or capture; it decides which values the field takes (see `forms`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldType {
    Text,
    Textarea,
    Email,
    Date,
    Radio,
    Dropdown,
    Multiselect,
    Table,
    AssigneesForm,
    File,
    /// The create-task page's further types (`number`, `url`, `time`, `datetime`, `checkbox`),
    /// which only a one-off task's form can have; the fake takes any value for them.
    Number,
    Url,
    Time,
    Datetime,
    Checkbox,
}

impl FieldType {
    /// Every type a template's field can have, in the order the seeded all-types template lists
    /// them.
    #[cfg(test)]
    pub const ALL: [FieldType; 10] = [
        Self::Text,
        Self::Textarea,
        Self::Email,
        Self::Date,
        Self::Radio,
        Self::Dropdown,
        Self::Multiselect,
        Self::Table,
        Self::AssigneesForm,
        Self::File,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Textarea => "textarea",
            Self::Email => "email",
            Self::Date => "date",
            Self::Radio => "radio",
            Self::Dropdown => "dropdown",
            Self::Multiselect => "multiselect",
            Self::Table => "table",
            Self::AssigneesForm => "assignees_form",
            Self::File => "file",
            Self::Number => "number",
            Self::Url => "url",
            Self::Time => "time",
            Self::Datetime => "datetime",
            Self::Checkbox => "checkbox",
        }
    }

    /// The types a template's kick-off field may have: the API's own ten.
    pub fn parse_kickoff(s: &str) -> Option<Self> {
        match s {
            "table" => Some(Self::Table),
            "number" | "url" | "time" | "datetime" | "checkbox" => None,
            other => Self::parse_oneoff(other),
        }
    }

    /// The types a one-off task's form field may have (a table needs columns, which that body
    /// cannot give).
    pub fn parse_oneoff(s: &str) -> Option<Self> {
        Some(match s {
            "text" => Self::Text,
            "textarea" => Self::Textarea,
            "email" => Self::Email,
            "date" => Self::Date,
            "radio" => Self::Radio,
            "dropdown" => Self::Dropdown,
            "multiselect" => Self::Multiselect,
            "assignees_form" => Self::AssigneesForm,
            "file" => Self::File,
            "number" => Self::Number,
            "url" => Self::Url,
            "time" => Self::Time,
            "datetime" => Self::Datetime,
            "checkbox" => Self::Checkbox,
            _ => return None,
        })
    }
}

/// A kick-off field of a template or a capture of a step.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub id: String,
    /// The template's id (kick-off field) or the step's (capture).
    pub parent_id: String,
    pub alias: String,
    pub label: String,
    pub field_type: FieldType,
    pub guidance: Option<String>,
    pub position: i64,
    pub required: bool,
    /// `(id, text)` of each choice (radio, dropdown, multiselect).
    pub options: Vec<(i64, String)>,
    /// `(id, label)` of each column (table).
    pub columns: Vec<(i64, String)>,
    pub created_at: i64,
}

impl Field {
    fn options_json(&self) -> Value {
        self.options
            .iter()
            .map(|(id, text)| json!({"id": id, "text": text}))
            .collect()
    }

    fn columns_json(&self) -> Value {
        self.columns
            .iter()
            .map(|(id, label)| json!({"id": id, "label": label}))
            .collect()
    }

    /// The field as an entry of a template's `prerun`.
    pub fn kickoff_json(&self) -> Value {
        json!({
            "id": self.id,
            "checklist_id": self.parent_id,
            "alias": self.alias,
            "label": self.label,
            "field_type": self.field_type.as_str(),
            "guidance": self.guidance,
            "position": self.position,
            "required": self.required,
            "options": self.options_json(),
            "columns": self.columns_json(),
            "created_at": ts(self.created_at),
            "last_updated": ts(self.created_at),
        })
    }

    /// The field as an entry of a step's `captures`.
    pub fn capture_json(&self) -> Value {
        json!({
            "id": self.id,
            "step_id": self.parent_id,
            "field_type": self.field_type.as_str(),
            "label": self.label,
            "guidance": self.guidance,
            "position": self.position,
            "required": self.required,
            "options": self.options_json(),
            "columns": self.columns_json(),
            "created_at": ts(self.created_at),
            "last_updated": ts(self.created_at),
        })
    }

    /// The field with its current value, as in `form_fields` (`value` and `field_value` carry the
    /// same value: the pages disagree on the name).
    pub fn form_field_json(&self, value: Option<&Value>) -> Value {
        let value = value.cloned().unwrap_or(Value::Null);
        json!({
            "id": self.id,
            "label": self.label,
            "field_type": self.field_type.as_str(),
            "required": self.required,
            "options": self.options_json(),
            "columns": self.columns_json(),
            "guidance": self.guidance,
            "position": self.position,
            "value": value,
            "field_value": value,
        })
    }
}

/// The unit of a deadline offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Minutes,
    Hours,
    Days,
    Weeks,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
            Self::Weeks => "weeks",
        }
    }

    pub fn seconds(self) -> i64 {
        match self {
            Self::Minutes => 60,
            Self::Hours => 3_600,
            Self::Days => 86_400,
            Self::Weeks => 7 * 86_400,
        }
    }
}

/// A step's deadline: this long after the process is launched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Deadline {
    pub value: i64,
    pub unit: Unit,
}

impl Deadline {
    pub fn seconds(self) -> i64 {
        self.value * self.unit.seconds()
    }
}

/// What kind of task a step makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StepType {
    Task,
    Approval,
    Expiring,
    Email,
    ExpiringEmail,
}

impl StepType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Task => "task",
            Self::Approval => "approval",
            Self::Expiring => "expiring",
            Self::Email => "email",
            Self::ExpiringEmail => "expiring_email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "task" => Self::Task,
            "approval" => Self::Approval,
            "expiring" => Self::Expiring,
            "email" => Self::Email,
            "expiring_email" => Self::ExpiringEmail,
            _ => return None,
        })
    }
}

/// The users, guests and groups a task (or step) is assigned to.
/// Serialized as the API shows it, keys in alphabetical order.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Owners {
    pub groups: Vec<String>,
    pub guests: Vec<String>,
    pub users: Vec<i64>,
}

impl Owners {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.guests.is_empty() && self.groups.is_empty()
    }
}

/// A member id in a list of owners: an integer, or the same number as text (Tallyfy's examples
/// send both).
pub(crate) fn user_id(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// A group id in a list of owners: a non-empty string, or an integer (kept as its text).
pub(crate) fn group_id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) if n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

/// One step of a template.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub id: String,
    pub checklist_id: String,
    pub title: String,
    pub alias: String,
    pub summary: Option<String>,
    pub step_type: StepType,
    pub position: i64,
    pub deadline: Option<Deadline>,
    /// Step assignees: `users` are the step's `assignees`.
    pub assignees: Owners,
    pub captures: Vec<Field>,
    pub webhook: Option<String>,
    pub everyone_must_complete: bool,
    pub can_complete_only_assignees: bool,
    pub max_assignable: i64,
    pub prevent_guest_comment: bool,
    pub created_at: i64,
}

impl Step {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "checklist_id": self.checklist_id,
            "title": self.title,
            "alias": self.alias,
            "summary": self.summary,
            "step_type": self.step_type.as_str(),
            "position": self.position,
            "deadline": self.deadline.map(|d| json!({
                "value": d.value,
                "unit": d.unit.as_str(),
                "option": "from",
                "step": "start_run",
            })),
            "assignees": self.assignees.users,
            "guests": self.assignees.guests,
            "groups": self.assignees.groups,
            "captures": self.captures.iter().map(Field::capture_json).collect::<Vec<_>>(),
            "webhook": self.webhook,
            "everyone_must_complete": self.everyone_must_complete,
            "can_complete_only_assignees": self.can_complete_only_assignees,
            "max_assignable": self.max_assignable,
            "prevent_guest_comment": self.prevent_guest_comment,
            "created_at": ts(self.created_at),
            "last_updated": ts(self.created_at),
            "archived_at": null,
        })
    }
}

/// A template (checklist).
#[derive(Clone, Debug)]
pub(crate) struct Template {
    pub id: String,
    pub increment_id: i64,
    pub title: String,
    pub summary: Option<String>,
    /// `procedure`, `form` or `document`.
    pub kind: &'static str,
    pub starred: bool,
    pub webhook: Option<String>,
    pub guidance: Option<String>,
    pub alias: String,
    pub prerun: Vec<Field>,
    pub created_by: i64,
    pub owner_id: i64,
    pub created_at: i64,
    pub last_updated: i64,
    pub archived_at: Option<i64>,
    pub is_public: bool,
    pub is_public_kickoff: bool,
    pub default_process_name_format: Option<String>,
    pub auto_naming: bool,
    pub users: Vec<i64>,
    pub groups: Vec<String>,
    /// In position order.
    pub steps: Vec<Step>,
    /// Ids of the tags on the template.
    pub tags: Vec<String>,
    /// Settings the fake keeps and shows but does not act on (`icon`, `explanation_video`,
    /// `is_featured`, ...), as the last call sent them; see `store::TEMPLATE_TEXTS` and
    /// `store::TEMPLATE_SWITCHES`.
    pub settings: Map<String, Value>,
}

/// Whether a process is still running. Archiving is kept apart (`Process::archived_at`), so that
/// activating gives back the status the process had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RunStatus {
    Active,
    Complete,
}

/// A process (run) launched from a template.
#[derive(Clone, Debug)]
pub(crate) struct Process {
    pub id: String,
    pub increment_id: i64,
    pub checklist_id: String,
    pub checklist_title: String,
    /// The template's type.
    pub kind: &'static str,
    pub name: String,
    pub summary: Option<String>,
    pub status: RunStatus,
    pub started_by: i64,
    pub owner_id: i64,
    /// Kick-off values by field id (only fields that have a value).
    pub prerun: Map<String, Value>,
    /// The template's kick-off fields when the process was launched.
    pub kickoff: Vec<Field>,
    pub starred: bool,
    pub created_at: i64,
    pub last_updated: i64,
    pub archived_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub is_public: bool,
    pub users: Vec<i64>,
    pub groups: Vec<String>,
    pub parent_id: Option<String>,
    pub tags: Vec<String>,
}

/// Where a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TaskStatus {
    NotStarted,
    Active,
    InProgress,
    Completed,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not-started",
            Self::Active => "active",
            Self::InProgress => "in-progress",
            Self::Completed => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not Started",
            Self::Active => "Active",
            Self::InProgress => "In Progress",
            Self::Completed => "Completed",
        }
    }
}

/// A task: of a process, made from one step at launch, or one-off (`POST /tasks`), standalone or
/// in a process.
#[derive(Clone, Debug)]
pub(crate) struct Task {
    pub id: String,
    pub increment_id: i64,
    pub title: String,
    /// The process the task is part of; `None` for a standalone one-off task.
    pub run_id: Option<String>,
    /// The template of the task's step; `None` for a one-off task.
    pub checklist_id: Option<String>,
    /// Made by `POST /tasks` rather than from a template's step. Its `step` is then its own (with
    /// an empty `id`, in no template): the type, form fields and flags the body gave.
    pub oneoff: bool,
    /// The step as it was at launch (its captures are the task's form fields).
    pub step: Step,
    /// When a standalone one-off task was archived; a process's task is archived with its
    /// process.
    pub archived_at: Option<i64>,
    pub top_secret: bool,
    pub is_soft_start_date: bool,
    pub status: TaskStatus,
    pub is_approved: Option<bool>,
    pub owners: Owners,
    pub position: i64,
    pub started_at: Option<i64>,
    pub deadline: Option<i64>,
    pub created_at: i64,
    pub last_updated: i64,
    pub completed_at: Option<i64>,
    pub completer_id: Option<i64>,
    pub webhook: Option<String>,
    pub prevent_guest_comment: bool,
    pub max_assignable: i64,
    /// Capture values by capture id (only captures that have a value).
    pub taskdata: Map<String, Value>,
    pub summary: Option<String>,
    /// Tag ids (a one-off task's `tags`; a launched task has none).
    pub tags: Vec<String>,
}

impl Task {
    /// A new, open task made from `step` at `at`: its title, settings and form come from the
    /// step; it is `active`, started at `at`, unassigned, with no deadline, in no process and not
    /// one-off. Callers set the ids and whatever differs with struct update syntax.
    pub fn from_step(step: Step, at: i64) -> Self {
        Self {
            id: String::new(),
            increment_id: 0,
            title: step.title.clone(),
            run_id: None,
            checklist_id: None,
            oneoff: false,
            archived_at: None,
            top_secret: false,
            is_soft_start_date: false,
            status: TaskStatus::Active,
            is_approved: None,
            owners: Owners::default(),
            position: step.position,
            started_at: Some(at),
            deadline: None,
            created_at: at,
            last_updated: at,
            completed_at: None,
            completer_id: None,
            webhook: step.webhook.clone(),
            prevent_guest_comment: step.prevent_guest_comment,
            max_assignable: step.max_assignable,
            taskdata: Map::new(),
            summary: step.summary.clone(),
            tags: Vec::new(),
            step,
        }
    }
}

/// What a comment is on: a task, or a process or template itself (ids).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CommentOn {
    Task(String),
    Process(String),
    Template(String),
}

/// A comment (thread): a plain comment, a problem report or a resolution.
#[derive(Clone, Debug)]
pub(crate) struct Comment {
    pub id: String,
    pub on: CommentOn,
    pub content: String,
    pub author_id: i64,
    /// `comment`, `problem`, `resolve`, `improvement` or `advice`.
    pub label: String,
    /// `open`, `hide-for-guests` or `collapsed`.
    pub state: String,
    pub created_at: i64,
    /// For a problem: the id of the comment that resolved it.
    pub resolve_id: Option<String>,
}

impl Comment {
    /// The task the comment is on, unless it is on a process or template itself.
    pub fn task_id(&self) -> Option<&str> {
        match &self.on {
            CommentOn::Task(id) => Some(id),
            CommentOn::Process(_) | CommentOn::Template(_) => None,
        }
    }

    /// An open problem: a `problem` comment nobody has resolved.
    pub fn is_open_problem(&self) -> bool {
        self.label == "problem" && self.resolve_id.is_none()
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "content": self.content,
            "author_id": self.author_id,
            "author_type": "user",
            "task_id": self.task_id(),
            "label": self.label,
            "state": self.state,
            "created_at": ts(self.created_at),
            "updated_at": ts(self.created_at),
            "archived_at": ts_json(None),
            "resolve_id": self.resolve_id,
        })
    }
}

/// A tag of the organization. `auto_generated` ones are made by Tallyfy for processes and are
/// listed only with `all=true`.
#[derive(Clone, Debug)]
pub(crate) struct Tag {
    pub id: String,
    pub title: String,
    pub color: Option<String>,
    pub auto_generated: bool,
    pub created_at: i64,
}

impl Tag {
    /// The tag without `statistics`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "color": self.color,
            "type": if self.auto_generated { "auto" } else { "private" },
            "auto_generated": self.auto_generated,
            "created_at": ts(self.created_at),
            "deleted_at": ts_json(None),
        })
    }
}

/// What a file was uploaded for: the `subject` of an asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SubjectType {
    /// A task form field of a process (`subject_id` is the process).
    Run,
    /// A kick-off field of a template (`subject_id` is the template).
    Checklist,
    /// A one-off task (`subject_id` is the task).
    Task,
}

impl SubjectType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Run" => Some(Self::Run),
            "Checklist" => Some(Self::Checklist),
            "Task" => Some(Self::Task),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Run => "Run",
            Self::Checklist => "Checklist",
            Self::Task => "Task",
        }
    }
}

/// An uploaded file and its record.
#[derive(Clone, Debug)]
pub(crate) struct Asset {
    pub id: String,
    pub filename: String,
    pub uploaded_from: String,
    pub uploaded_at: i64,
    pub step_id: Option<String>,
    pub source: String,
    pub system: Option<String>,
    pub subject_id: String,
    pub subject_type: SubjectType,
    /// The file's bytes, as uploaded.
    pub bytes: bytes::Bytes,
}

impl Asset {
    /// The asset's JSON; `base` is `http://host` (with the `/api` prefix when the request had it)
    /// for `full_url`.
    pub fn to_json(&self, org_id: &str, base: &str) -> Value {
        let url = format!("organizations/{org_id}/file/{}/dl", self.id);
        json!({
            "id": self.id,
            "filename": self.filename,
            "version": 1,
            "uploaded_from": self.uploaded_from,
            "uploaded_at": ts(self.uploaded_at),
            "step_id": self.step_id,
            "source": self.source,
            "system": self.system,
            "uploaded_to_s3": true,
            "url": url,
            "full_url": format!("{base}/{url}"),
            "subject": {"id": self.subject_id, "type": self.subject_type.as_str()},
        })
    }
}
