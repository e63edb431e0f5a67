//! Every JSON sample on the reference's guest, member, workflow and file pages decodes through the
//! SDK.
//!
//! `tools/extract_samples.py` turned each sample into strict JSON in `tests/samples/` (comments,
//! placeholders and prose stripped by rule) and listed it in `tests/samples/manifest.json` with its
//! source, line and operation. These tests read only those checked-in files:
//! - each response sample decodes, whole, as its operation's response type, and every key in it is
//!   one the spec declares at that place, so no field is dropped without anyone noticing;
//! - what was understood (ids, names from the old and new places, roles, statuses, owners,
//!   timestamps parsed, includes) is pinned in `snapshots/documented_samples__<file>.snap`, beside
//!   the decoded body;
//! - the SDK client returns exactly those records when a loopback server answers with the sample;
//! - each request sample decodes as its operation's request type (or, for a sample of one
//!   property, that property's type) and serializes back to exactly the sample; the few samples
//!   whose placeholders contradict the spec are listed in `CONTRADICTIONS`, and must fail exactly
//!   there.
//!
//! - each webhook payload sample decodes through `tallyfy::webhooks` as the event its level
//!   implies, and the typed payload written back holds every value of the sample; a sample of one
//!   member is put where the page says it sits, in that level's complete example, first.
//!
//! The same samples go through the `tallyfy` binary in `crates/tallyfy-cli/tests/documented_samples.rs`.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tallyfy::{
    Assignees, Client, Completion, FilePart, GroupUpdate, GuestUpdate, Invite, MemberUpdate,
    NewGroup, NewGuest, NewTask, NewTemplate, ProcessUpdate, Role, TagFields, TaskUpdate,
    TemplateUpdate, Timestamp, Upload, types,
};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/tallyfy.yaml");
const ORG: &str = "org-1";
/// A path id for calls whose sample has none the SDK would take.
const HEX: &str = "0123456789abcdef0123456789abcdef";

/// Request samples whose values contradict the spec, each with the problems it must have and why
/// the spec keeps its type (reference section 14: widen where the server would accept it).
const CONTRADICTIONS: &[(&str, &[&str], &str)] = &[
    (
        "docs-processes-update-process-1.json",
        &[
            "$.users[0]: \"user_id_1\" is not of type integer",
            "$.users[1]: \"user_id_2\" is not of type integer",
        ],
        "member ids are integers and the server refuses others; the page shows placeholders \
     (ProcessUpdate.users says so)",
    ),
    (
        "docs-processes-launch-process-without-template-1.json",
        &[
            "$.owners.users[0]: \"userId1\" does not match ^[0-9]+$",
            "$.owners.users[1]: \"userId2\" does not match ^[0-9]+$",
            "$.owners.users[2]: \"userId3\" does not match ^[0-9]+$",
        ],
        "member ids are numbers (integers, or digits as a string) and the server refuses others; \
     the page shows placeholders (Assignees.users says so)",
    ),
    (
        "docs-files-upload-attach-file-3.json",
        &["$.prerun[0].value: not declared by the spec"],
        "the upload page's kick-off attach body is not an update the update page allows: no \
     `title` (required on every update) and a `prerun` entry with only `id` and a `value`, where \
     update-template.md wants each field's full definition; the SDK keeps update-template.md's \
     rules, and a kick-off field's attached value is not modelled",
    ),
];

#[path = "../samples/manifest.rs"]
mod samples;

use samples::{Entry, NORMALISED};

fn manifest() -> Vec<Entry> {
    samples::manifest(SAMPLES)
}

fn entries(kind: &str) -> Vec<Entry> {
    manifest().into_iter().filter(|e| e.kind == kind).collect()
}

fn spec() -> Value {
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(SPEC).unwrap()).unwrap();
    serde_json::to_value(yaml).unwrap()
}

fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("unresolvable {r}")),
        None => node,
    }
}

/// An operation of the spec: its HTTP method, path template and definition.
fn operation<'a>(spec: &'a Value, id: &str) -> (String, String, &'a Value) {
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (verb, op) in item.as_object().unwrap() {
            if op.get("operationId").and_then(Value::as_str) == Some(id) {
                return (verb.to_uppercase(), path.clone(), op);
            }
        }
    }
    panic!("the spec has no operation {id}")
}

fn schema_name(media: &Value) -> String {
    let r = media["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("no JSON schema $ref in {media}"));
    r.rsplit('/').next().unwrap().to_string()
}

/// The schema of an operation's request body, or of its (first) success response.
fn schema_for(spec: &Value, entry: &Entry) -> String {
    let (_, _, op) = operation(spec, &entry.operation);
    match entry.kind.as_str() {
        "request" => schema_name(op.get("requestBody").unwrap_or_else(|| {
            panic!("{}: {} takes no request body", entry.file, entry.operation)
        })),
        "response" => {
            let (_, response) = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .unwrap_or_else(|| panic!("{} has no success response", entry.operation));
            schema_name(resolve(spec, response))
        }
        other => panic!(
            "{}: no decode rule for a sample of kind {other}",
            entry.file
        ),
    }
}

/// The schema a sample is checked against: its operation's, or that schema's property `part`.
fn root_for(spec: &Value, entry: &Entry) -> Value {
    let schema = schema_for(spec, entry);
    let root = json!({"$ref": format!("#/components/schemas/{schema}")});
    match &entry.part {
        None => root,
        Some(part) => resolve(spec, &root)
            .pointer(&format!("/properties/{part}"))
            .unwrap_or_else(|| panic!("{}: {schema} has no property {part}", entry.file))
            .clone(),
    }
}

/// Every place in `value` that the spec's `schema` does not declare: an undeclared key, a value
/// of a type the schema does not allow, or a string its `pattern` refuses. Empty means nothing in
/// the sample is ignored.
fn undeclared(spec: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let schema = resolve(spec, schema);
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        // The alternatives of the value's own JSON type decide; the fewest problems wins.
        return options
            .iter()
            .filter(|o| fits_type(resolve(spec, o), value))
            .map(|o| undeclared(spec, o, value, at))
            .min_by_key(Vec::len)
            .unwrap_or_else(|| {
                vec![format!(
                    "{at}: {value} is none of the shapes the spec allows"
                )]
            });
    }
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let Some(ty) = schema.get("type").and_then(Value::as_str) else {
        // No type: the spec leaves the value free (an include it does not model).
        return Vec::new();
    };
    match (ty, value) {
        (_, Value::Null) if nullable => Vec::new(),
        ("object", Value::Object(map)) => {
            let mut out = Vec::new();
            for (key, item) in map {
                let here = format!("{at}.{key}");
                match schema.pointer(&format!("/properties/{key}")) {
                    Some(s) => out.extend(undeclared(spec, s, item, &here)),
                    None => match schema.get("additionalProperties") {
                        Some(s) if s.is_object() => out.extend(undeclared(spec, s, item, &here)),
                        _ => out.push(format!("{here}: not declared by the spec")),
                    },
                }
            }
            out
        }
        ("array", Value::Array(items)) => items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| undeclared(spec, &schema["items"], item, &format!("{at}[{i}]")))
            .collect(),
        ("string", Value::String(s)) => match schema.get("pattern").and_then(Value::as_str) {
            // The spec's patterns are ECMAScript regular expressions, as OpenAPI says.
            Some(p)
                if regress::Regex::new(p)
                    .expect("a valid pattern")
                    .find(s)
                    .is_none() =>
            {
                vec![format!("{at}: {value} does not match {p}")]
            }
            _ => Vec::new(),
        },
        ("boolean", Value::Bool(_)) => Vec::new(),
        ("integer", Value::Number(n)) if n.is_i64() || n.is_u64() => Vec::new(),
        ("number", Value::Number(_)) => Vec::new(),
        _ => vec![format!("{at}: {value} is not of type {ty}")],
    }
}

/// Whether `value`'s JSON type is the one `schema` names (a schema without a type takes any).
fn fits_type(schema: &Value, value: &Value) -> bool {
    let Some(ty) = schema.get("type").and_then(Value::as_str) else {
        return true;
    };
    match value {
        Value::Null => schema.get("nullable") == Some(&Value::Bool(true)),
        Value::Object(_) => ty == "object",
        Value::Array(_) => ty == "array",
        Value::String(_) => ty == "string",
        Value::Bool(_) => ty == "boolean",
        Value::Number(n) => ty == "number" || (ty == "integer" && (n.is_i64() || n.is_u64())),
    }
}

fn decode<T: DeserializeOwned>(entry: &Entry, value: &Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| {
        panic!(
            "{} ({}:{}) does not decode as {}: {e}",
            entry.file,
            entry.source,
            entry.line,
            std::any::type_name::<T>()
        )
    })
}

/// A response body decoded: its records and the body as the SDK serializes it back.
#[derive(Clone, Debug, Default, PartialEq)]
struct Decoded {
    guests: Vec<types::Guest>,
    members: Vec<types::Member>,
    templates: Vec<types::Template>,
    removals: Vec<types::TemplateRemoval>,
    processes: Vec<types::Process>,
    tasks: Vec<types::Task>,
    task_states: Vec<types::TaskState>,
    tags: Vec<types::Tag>,
    groups: Vec<types::Group>,
    assets: Vec<types::Asset>,
    activities: Vec<types::Activity>,
    meta: Option<types::ListMeta>,
    body: Value,
}

impl Decoded {
    /// Every record, as what the SDK understood of it.
    fn understood(&self) -> Vec<Value> {
        let mut out: Vec<Value> = self.guests.iter().map(guest_view).collect();
        out.extend(self.members.iter().map(member_view));
        out.extend(self.templates.iter().map(template_view));
        out.extend(
            self.removals
                .iter()
                .map(|r| json!({"message": r.message, "deleted_references": r.deleted_references})),
        );
        out.extend(self.processes.iter().map(process_view));
        out.extend(self.tasks.iter().map(task_view));
        out.extend(self.task_states.iter().map(task_state_view));
        out.extend(self.tags.iter().map(tag_view));
        out.extend(self.groups.iter().map(group_view));
        out.extend(self.assets.iter().map(asset_view));
        out.extend(self.activities.iter().map(activity_view));
        out
    }

    /// The records without the body and meta: what an SDK call returns.
    fn records(&self) -> Decoded {
        Decoded {
            body: Value::Null,
            meta: None,
            ..self.clone()
        }
    }
}

fn decode_response(entry: &Entry, schema: &str, value: &Value) -> Decoded {
    // An envelope of one record, or a list with its meta, into the `Decoded` field given.
    macro_rules! one {
        ($ty:ident, $field:ident) => {{
            let t: types::$ty = decode(entry, value);
            Decoded {
                body: serde_json::to_value(&t).unwrap(),
                $field: vec![t.data],
                ..Decoded::default()
            }
        }};
    }
    macro_rules! list {
        ($ty:ident, $field:ident) => {{
            let t: types::$ty = decode(entry, value);
            Decoded {
                body: serde_json::to_value(&t).unwrap(),
                $field: t.data,
                meta: t.meta,
                ..Decoded::default()
            }
        }};
    }
    match schema {
        "GuestEnvelope" => {
            let t: types::GuestEnvelope = decode(entry, value);
            Decoded {
                body: serde_json::to_value(&t).unwrap(),
                guests: vec![t.data],
                ..Decoded::default()
            }
        }
        "GuestList" => {
            let t: types::GuestList = decode(entry, value);
            Decoded {
                body: serde_json::to_value(&t).unwrap(),
                guests: t.data,
                meta: t.meta,
                ..Decoded::default()
            }
        }
        "MemberEnvelope" => {
            let t: types::MemberEnvelope = decode(entry, value);
            Decoded {
                body: serde_json::to_value(&t).unwrap(),
                members: vec![t.data],
                ..Decoded::default()
            }
        }
        "MemberList" => {
            let t: types::MemberList = decode(entry, value);
            Decoded {
                body: serde_json::to_value(&t).unwrap(),
                members: t.data,
                meta: t.meta,
                ..Decoded::default()
            }
        }
        "TemplateEnvelope" => one!(TemplateEnvelope, templates),
        "TemplateList" => list!(TemplateList, templates),
        "TemplateRemoval" => {
            let t: types::TemplateRemoval = decode(entry, value);
            Decoded {
                body: serde_json::to_value(&t).unwrap(),
                removals: vec![t],
                ..Decoded::default()
            }
        }
        "ProcessEnvelope" => one!(ProcessEnvelope, processes),
        "ProcessList" => list!(ProcessList, processes),
        "TaskEnvelope" => one!(TaskEnvelope, tasks),
        "TaskList" => list!(TaskList, tasks),
        "TaskStateEnvelope" => one!(TaskStateEnvelope, task_states),
        "TagEnvelope" => one!(TagEnvelope, tags),
        "TagList" => list!(TagList, tags),
        "GroupEnvelope" => one!(GroupEnvelope, groups),
        "GroupList" => list!(GroupList, groups),
        "AssetEnvelope" => one!(AssetEnvelope, assets),
        "ActivityList" => list!(ActivityList, activities),
        other => panic!("{}: no response type is mapped for {other}", entry.file),
    }
}

/// The request body's generated type, serialized back.
fn round_trip_request(entry: &Entry, schema: &str, value: &Value) -> Value {
    fn via<T: DeserializeOwned + serde::Serialize>(entry: &Entry, value: &Value) -> Value {
        serde_json::to_value(decode::<T>(entry, value)).unwrap()
    }
    if let Some(part) = &entry.part {
        return match (schema, part.as_str()) {
            ("ProcessLaunch", "tasks") => via::<types::StepOverrides>(entry, value),
            (schema, part) => panic!("{}: no type is mapped for {schema}.{part}", entry.file),
        };
    }
    match schema {
        "GuestCreate" => via::<types::GuestCreate>(entry, value),
        "GuestUpdate" => via::<types::GuestUpdate>(entry, value),
        "MemberInvite" => via::<types::MemberInvite>(entry, value),
        "MemberUpdate" => via::<types::MemberUpdate>(entry, value),
        "MemberRoleChange" => via::<types::MemberRoleChange>(entry, value),
        "ProcessLaunch" => via::<types::ProcessLaunch>(entry, value),
        "ProcessUpdate" => via::<types::ProcessUpdate>(entry, value),
        "TaskUpdate" => via::<types::TaskUpdate>(entry, value),
        "OneoffTaskCreate" => via::<types::OneoffTaskCreate>(entry, value),
        "TemplateCreate" => via::<types::TemplateCreate>(entry, value),
        "TemplateUpdate" => via::<types::TemplateUpdate>(entry, value),
        "TaskCompletion" => via::<types::TaskCompletion>(entry, value),
        "TagInput" => via::<types::TagInput>(entry, value),
        "GroupCreate" => via::<types::GroupCreate>(entry, value),
        "GroupUpdate" => via::<types::GroupUpdate>(entry, value),
        other => panic!("{}: no request type is mapped for {other}", entry.file),
    }
}

fn timestamp(t: &Option<Timestamp>) -> Value {
    match t {
        None => Value::Null,
        Some(t) => match t.parsed() {
            Some(at) => json!(format!("{} = {}", t.as_str(), at.to_rfc3339())),
            None => json!(format!("{} = (not a known timestamp shape)", t.as_str())),
        },
    }
}

fn id(id: Option<&types::FlexibleId>) -> Value {
    match id {
        None => Value::Null,
        Some(types::FlexibleId::Int64(n)) => json!(format!("integer {n}")),
        Some(types::FlexibleId::String(s)) => json!(format!("string {s:?}")),
    }
}

/// Where a value was found: the current name, or the older one, or neither.
fn either<T: serde::Serialize>(
    new: &Option<T>,
    new_name: &str,
    old: &Option<T>,
    old_name: &str,
) -> Value {
    match (new, old) {
        (Some(v), _) => json!({"value": v, "from": new_name}),
        (None, Some(v)) => json!({"value": v, "from": old_name}),
        (None, None) => Value::Null,
    }
}

/// What the SDK understood of a guest.
fn guest_view(g: &types::Guest) -> Value {
    let d = g.details.clone().unwrap_or_default();
    let mut times = serde_json::Map::new();
    for (name, t) in [
        ("created_at", &g.created_at),
        ("deleted_at", &g.deleted_at),
        ("last_accessed_at", &g.last_accessed_at),
        ("details.last_accessed_at", &d.last_accessed_at),
        ("details.disabled_at", &d.disabled_at),
        ("details.disabled_on", &d.disabled_on),
        ("details.reactivated_at", &d.reactivated_at),
    ] {
        if t.is_some() {
            times.insert(name.into(), timestamp(t));
        }
    }
    if let Some(s) = &g.stats {
        for (name, t) in [
            ("stats.last_task_completed_at", &s.last_task_completed_at),
            (
                "stats.last_one_off_task_completed_at",
                &s.last_one_off_task_completed_at,
            ),
        ] {
            if t.is_some() {
                times.insert(name.into(), timestamp(t));
            }
        }
    }
    json!({
        "id": id(g.id.as_ref()),
        "email": g.email,
        "first_name": either(&g.first_name, "first_name", &d.first_name, "details.first_name"),
        "last_name": either(&g.last_name, "last_name", &d.last_name, "details.last_name"),
        "status": d.status,
        "associated_members": d.associated_members,
        "timestamps": times,
        "stats": g.stats.as_ref().map(|s| json!({
            "assigned_tasks": s.assigned_tasks,
            "tasks_completed": either(&s.tasks_completed, "tasks_completed", &s.completed_tasks, "completed_tasks"),
            "one_off_tasks_completed": s.one_off_tasks_completed,
            "active_tasks": s.active_tasks,
        })),
    })
}

/// What the SDK understood of a member.
fn member_view(m: &types::Member) -> Value {
    let mut times = serde_json::Map::new();
    for (name, t) in [
        ("created_at", &m.created_at),
        ("updated_at", &m.updated_at),
        ("last_updated", &m.last_updated),
        ("last_login_at", &m.last_login_at),
        ("activated_at", &m.activated_at),
        ("approved_at", &m.approved_at),
        ("disabled_at", &m.disabled_at),
        ("last_accessed_at", &m.last_accessed_at),
    ] {
        if t.is_some() {
            times.insert(name.into(), timestamp(t));
        }
    }
    let stats = m.stats.as_ref().and_then(|s| s.data.as_ref());
    if let Some(s) = stats {
        times.insert(
            "stats.last_step_created_at".into(),
            timestamp(&s.last_step_created_at),
        );
    }
    let role = |r: &Option<tallyfy::Role>| r.as_ref().map(|r| format!("{r:?}"));
    json!({
        "id": m.id,
        "email": m.email,
        "names": [m.first_name, m.last_name, m.full_name],
        "role": either(&role(&m.role), "role", &role(&m.user_role), "user_role"),
        "active": either(&m.is_active, "is_active", &m.active, "active"),
        "updated": either(&m.updated_at.as_ref().map(Timestamp::as_str), "updated_at",
            &m.last_updated.as_ref().map(Timestamp::as_str), "last_updated"),
        "status": m.status,
        "timestamps": times,
        "groups": m.groups.as_ref().map(|g| g.data.iter().map(|g| json!({
            "id": id(g.id.as_ref()),
            "name": g.name,
            "members": g.members.iter().map(|m| id(Some(m))).collect::<Vec<_>>(),
            "guests": g.guests.iter().map(|m| id(Some(m))).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()),
        "stats": stats.map(|s| json!({
            "steps_created": s.steps_created,
            "tasks_completed": s.tasks_completed,
            "processes_launched": s.processes_launched,
            "checklists_created": s.checklists_created,
        })),
    })
}

/// The timestamps among `fields` that are present, each with what it parsed to.
fn times(fields: &[(&str, &Option<Timestamp>)]) -> serde_json::Map<String, Value> {
    fields
        .iter()
        .filter(|(_, t)| t.is_some())
        .map(|(name, t)| (name.to_string(), timestamp(t)))
        .collect()
}

fn ids(ids: &[types::FlexibleId]) -> Vec<Value> {
    ids.iter().map(|i| id(Some(i))).collect()
}

/// What the SDK understood of a tag.
fn tag_view(t: &types::Tag) -> Value {
    json!({
        "id": id(t.id.as_ref()),
        "title": t.title,
        "color": t.color,
        "type": t.type_,
        "timestamps": times(&[("created_at", &t.created_at), ("deleted_at", &t.deleted_at)]),
        "statistics": t.statistics.as_ref().map(|s| serde_json::to_value(&s.0).unwrap()),
    })
}

/// What the SDK understood of a template step.
fn step_view(s: &types::Step) -> Value {
    json!({
        "id": id(s.id.as_ref()),
        "title": s.title,
        "step_type": s.step_type,
        "position": s.position,
        "assignees": ids(&s.assignees),
        "deadline": s.deadline,
        "captures": s.captures.len(),
    })
}

/// What the SDK understood of a template.
fn template_view(t: &types::Template) -> Value {
    json!({
        "id": id(t.id.as_ref()),
        "title": t.title,
        "type": t.type_,
        "status": t.status,
        "owner_id": id(t.owner_id.as_ref()),
        "created_by": id(t.created_by.as_ref()),
        "counts": {"steps": t.steps_count, "started_processes": t.started_processes},
        "timestamps": times(&[
            ("created_at", &t.created_at),
            ("last_updated", &t.last_updated),
            ("archived_at", &t.archived_at),
        ]),
        "kickoff_fields": t.prerun.iter().map(|f| json!({
            "id": id(f.id.as_ref()),
            "label": f.label,
            "field_type": f.field_type,
            "required": f.required,
            "options": f.options.len(),
            "columns": f.columns.len(),
        })).collect::<Vec<_>>(),
        "steps": t.steps.as_ref().map(|s| s.iter().map(step_view).collect::<Vec<_>>()),
        "tags": t.tags.as_ref().map(|s| s.iter().map(tag_view).collect::<Vec<_>>()),
    })
}

/// What the SDK understood of a process.
fn process_view(p: &types::Process) -> Value {
    json!({
        "id": id(p.id.as_ref()),
        "name": p.name,
        "checklist": [p.checklist_id, p.checklist_title],
        "status": p.status,
        "progress": p.progress,
        "whole_progress": p.whole_progress,
        "started_by": id(p.started_by.as_ref()),
        "owner_id": id(p.owner_id.as_ref()),
        "users": ids(&p.users),
        "groups": ids(&p.groups),
        "prerun": p.prerun,
        "timestamps": times(&[
            ("created_at", &p.created_at),
            ("started_at", &p.started_at),
            ("last_updated", &p.last_updated),
            ("archived_at", &p.archived_at),
            ("completed_at", &p.completed_at),
            ("due_date", &p.due_date),
        ]),
        "checklist_include": p.checklist.as_ref().map(|t| template_view(&t.0)),
        "tasks": p.tasks.as_ref().map(|t| t.iter().map(task_view).collect::<Vec<_>>()),
        "next_task": p.next_task.as_ref().map(|t| t.iter().map(task_view).collect::<Vec<_>>()),
        "tags": p.tags.as_ref().map(|t| t.iter().map(tag_view).collect::<Vec<_>>()),
    })
}

/// What the SDK understood of a task.
fn task_view(t: &types::Task) -> Value {
    json!({
        "id": id(t.id.as_ref()),
        "title": t.title,
        "run_id": t.run_id,
        "step_id": t.step_id,
        "status": t.status,
        "task_type": t.task_type,
        "is_oneoff_task": t.is_oneoff_task,
        "is_approved": t.is_approved,
        "owners": t.owners.as_ref().map(|o| json!({
            "users": o.users.iter().map(|u| serde_json::to_value(u).unwrap()).collect::<Vec<_>>(),
            "guests": o.guests,
            "groups": ids(&o.groups),
        })),
        "taskdata": t.taskdata,
        "timestamps": times(&[
            ("started_at", &t.started_at),
            ("deadline", &t.deadline),
            ("created_at", &t.created_at),
            ("last_updated", &t.last_updated),
            ("completed_at", &t.completed_at),
            ("archived_at", &t.archived_at),
        ]),
        "run": t.run.as_ref().map(|r| process_view(&r.0)),
        "step": t.step.as_ref().map(|s| step_view(&s.0)),
        "form_fields": t.form_fields.as_ref().map(|f| f.len()),
        "threads": t.threads.as_ref().map(|c| c.len()),
    })
}

/// What the SDK understood of a task's state after completing or reopening it.
fn task_state_view(t: &types::TaskState) -> Value {
    json!({
        "id": id(t.id.as_ref()),
        "title": t.title,
        "status": t.status,
        "is_approved": t.is_approved,
        "completer_id": t.completer_id,
        "timestamps": times(&[("completed_at", &t.completed_at)]),
        "tasks_changed_by_rules": t.tasks_changed_by_rules,
    })
}

/// What the SDK understood of a group.
fn group_view(g: &types::Group) -> Value {
    json!({
        "id": id(g.id.as_ref()),
        "name": g.name,
        "description": g.description,
        "members": ids(&g.members),
        "guests": ids(&g.guests),
        "timestamps": times(&[
            ("created_at", &g.created_at),
            ("updated_at", &g.updated_at),
            ("last_updated", &g.last_updated),
            ("deleted_at", &g.deleted_at),
        ]),
    })
}

/// What the SDK understood of an uploaded file's asset record.
fn asset_view(a: &types::Asset) -> Value {
    json!({
        "id": id(a.id.as_ref()),
        "filename": a.filename,
        "version": id(a.version.as_ref()),
        "uploaded_from": a.uploaded_from,
        "step_id": a.step_id,
        "subject": a.subject,
        "timestamps": times(&[("uploaded_at", &a.uploaded_at)]),
    })
}

fn activity_view(a: &types::Activity) -> Value {
    json!({
        "id": id(a.id.as_ref()),
        "verb": a.verb,
        "type": a.type_,
        "actor_id": a.actor_id,
        "auditable": [a.auditable_type, a.auditable_id],
        "parentable": [a.parentable_type, a.parentable_id],
        "description": a.description,
        "actor": a.actor,
        "timestamps": times(&[("created_at", &a.created_at)]),
    })
}

#[test]
fn the_manifest_lists_every_sample_file_and_each_is_a_request_or_a_response() {
    let listed = manifest();
    let mut names: Vec<&str> = listed.iter().map(|e| e.file.as_str()).collect();
    names.sort_unstable();
    let mut on_disk: Vec<String> = std::fs::read_dir(SAMPLES)
        .unwrap()
        .map(|f| f.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json") && n != "manifest.json")
        .collect();
    on_disk.sort_unstable();
    assert_eq!(names, on_disk, "tests/samples/ and its manifest disagree");
    let spec = spec();
    for entry in listed.iter().filter(|e| e.kind != "webhook") {
        // Resolving the schema fails for an unknown operation, a request body sample of an
        // operation without one, or a kind this file has no decode rule for (such as "error").
        let schema = schema_for(&spec, entry);
        assert!(!schema.is_empty(), "{entry:?}");
        assert!(entry.what.contains(&entry.operation), "{entry:?}");
    }
    for file in CONTRADICTIONS
        .iter()
        .map(|c| c.0)
        .chain(NORMALISED.iter().map(|n| n.0))
    {
        assert!(
            listed
                .iter()
                .any(|e| e.file == *file && e.kind == "request"),
            "{file}: a known contradiction that is no longer a request sample"
        );
    }
    // The reference's samples today; a page that loses its samples should be noticed.
    assert_eq!(entries("response").len(), 46);
    assert_eq!(entries("request").len(), 24);
    assert_eq!(entries("webhook").len(), 9);
}

/// Whether `got` holds every value of `want`: objects key by key (a `null` in `want` may be
/// absent from `got`), everything else exactly. The paths where they differ, if any.
fn missing_from(got: &Value, want: &Value, at: &str) -> Vec<String> {
    match (got, want) {
        (_, Value::Null) if got.is_null() => vec![],
        (Value::Object(g), Value::Object(w)) => w
            .iter()
            .flat_map(|(k, v)| {
                let here = format!("{at}.{k}");
                match g.get(k) {
                    Some(got) => missing_from(got, v, &here),
                    None if v.is_null() => vec![],
                    None => vec![format!("{here}: missing")],
                }
            })
            .collect(),
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => g
            .iter()
            .zip(w)
            .enumerate()
            .flat_map(|(i, (g, w))| missing_from(g, w, &format!("{at}[{i}]")))
            .collect(),
        _ if got == want => vec![],
        _ => vec![format!("{at}: {got} instead of {want}")],
    }
}

/// The typed payload of `body`, written back as JSON, and its event kind.
fn decode_webhook(entry: &Entry, body: &Value) -> (String, Value) {
    let event = tallyfy::webhooks::decode(body.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("{} ({}): {e}", entry.file, entry.at()));
    let typed = match &event.payload {
        tallyfy::webhooks::Payload::Process(p) => serde_json::to_value(p),
        tallyfy::webhooks::Payload::Task(t) => serde_json::to_value(t),
        other => panic!("{}: an unexpected payload {other:?}", entry.file),
    };
    (event.kind.as_str().to_owned(), typed.unwrap())
}

#[test]
fn every_webhook_sample_decodes_with_nothing_lost() {
    let webhooks = entries("webhook");
    let complete = |level: &str| {
        webhooks
            .iter()
            .find(|e| e.within.is_none() && e.payload.as_deref() == Some(level))
            .unwrap_or_else(|| panic!("no complete {level}-level webhook sample"))
    };
    for entry in &webhooks {
        let level = entry
            .payload
            .as_deref()
            .expect("a webhook sample has a level");
        let (body, at) = match &entry.within {
            None => (entry.value.clone(), String::new()),
            Some(within) => {
                // The member goes where the page says it sits, in the complete example.
                let mut body = complete(level).value.clone();
                let mut holder = &mut body;
                for key in within.split('.').filter(|k| !k.is_empty()) {
                    holder = &mut holder[key];
                }
                let (name, value) = entry.value.as_object().unwrap().iter().next().unwrap();
                holder[name.as_str()] = value.clone();
                let at = within
                    .split('.')
                    .filter(|k| !k.is_empty())
                    .chain([name.as_str()]);
                (body, at.collect::<Vec<_>>().join("."))
            }
        };
        let (kind, typed) = decode_webhook(entry, &body);
        let want_kind = match level {
            "process" if body["completed_at"].is_null() => "process.launched",
            "process" => "process.completed",
            _ => "task.completed",
        };
        assert_eq!(kind, want_kind, "{} ({})", entry.file, entry.at());
        let lost = missing_from(&typed, &body, "$");
        assert!(
            lost.is_empty(),
            "{} ({}): {lost:#?}",
            entry.file,
            entry.at()
        );
        if !at.is_empty() {
            // The member itself, found where it was put.
            let pointer = format!("/{}", at.replace('.', "/"));
            let name = at.rsplit('.').next().unwrap();
            assert_eq!(
                typed.pointer(&pointer),
                Some(&entry.value[name]),
                "{} ({})",
                entry.file,
                entry.at()
            );
        }
    }
}

/// No key of any response sample is one the spec does not declare there: the generated types
/// would ignore it, and the data would be lost without an error.
#[test]
fn every_key_of_every_response_sample_is_declared_by_the_spec() {
    let spec = spec();
    let mut problems = Vec::new();
    for entry in entries("response") {
        let root = root_for(&spec, &entry);
        for p in undeclared(&spec, &root, &entry.value.clone(), "$") {
            problems.push(format!(
                "{} ({}:{}): {p}",
                entry.file, entry.source, entry.line
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_response_sample_decodes_whole() {
    let spec = spec();
    for entry in entries("response") {
        let value = entry.value.clone();
        let decoded = decode_response(&entry, &schema_for(&spec, &entry), &value);
        let understood = decoded.understood();
        let pagination = decoded
            .meta
            .as_ref()
            .and_then(|m| m.pagination.as_ref())
            .map(|p| json!({"current_page": p.current_page, "total_pages": p.total_pages}));
        let pinned = json!({
            "source": format!("{}:{}", entry.source, entry.line),
            "what": entry.what,
            "understood": understood,
            "pagination": pagination,
            "decoded": decoded.body,
        });
        insta::assert_json_snapshot!(entry.name(), pinned);
    }
}

/// The check above is only worth something if it can fail: an unknown key, a value of the wrong
/// type and an include in a shape the spec does not describe are all reported.
#[test]
fn the_undeclared_check_reports_unknown_keys_and_shapes() {
    let spec = spec();
    let root = json!({"$ref": "#/components/schemas/MemberEnvelope"});
    let sample = json!({"data": {
        "id": 1, "role": "Admin", "user_rol": "Admin", "is_active": "yes",
        "groups": [{"id": "g", "colour": "red"}], "stats": [1]
    }});
    let mut found = undeclared(&spec, &root, &sample, "$");
    found.sort();
    assert_eq!(
        found,
        [
            "$.data.groups[0].colour: not declared by the spec",
            "$.data.is_active: \"yes\" is not of type boolean",
            "$.data.stats: [1] is not of type object",
            "$.data.user_rol: not declared by the spec",
        ]
    );
    let plain = json!({"data": {"groups": [{"id": 1}], "user_role": "Admin"}});
    assert_eq!(undeclared(&spec, &root, &plain, "$"), Vec::<String>::new());
    let odd = json!({"data": {"groups": "sales"}});
    assert_eq!(
        undeclared(&spec, &root, &odd, "$"),
        ["$.data.groups: \"sales\" is none of the shapes the spec allows"]
    );
}

#[test]
fn every_request_sample_is_a_valid_request_body_that_survives_the_types() {
    let spec = spec();
    for entry in entries("request") {
        let value = entry.value.clone();
        let schema = schema_for(&spec, &entry);
        let root = root_for(&spec, &entry);
        let problems = undeclared(&spec, &root, &value, "$");
        if let Some((_, want, why)) = CONTRADICTIONS.iter().find(|(f, ..)| *f == entry.file) {
            // Known, and it must stay exactly as known: the type refuses the sample.
            assert_eq!(problems, *want, "{}: {why}", entry.file);
            assert!(
                std::panic::catch_unwind(|| round_trip_request(&entry, &schema, &value)).is_err(),
                "{}: the request type took the contradicting sample ({why})",
                entry.file
            );
            continue;
        }
        assert!(problems.is_empty(), "{}: {problems:?}", entry.file);
        assert_eq!(
            round_trip_request(&entry, &schema, &value),
            samples::normalised(&entry),
            "{} ({}): the request type changed the sample",
            entry.file,
            entry.at()
        );
    }
}

fn text(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Calls the SDK method for `entry.operation` with inputs taken from the sample where it has them.
async fn call_sdk(client: &Client, entry: &Entry, sample: &Value) -> tallyfy::Result<Decoded> {
    let email = text(sample, "/data/email").unwrap_or_else(|| "someone@example.com".into());
    let user_id = sample
        .pointer("/data/id")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    // A workflow id from the sample when it has one (list pages use the first record's).
    let hex = text(sample, "/data/id")
        .or_else(|| text(sample, "/data/0/id"))
        .unwrap_or_else(|| HEX.into());
    let guests = client.guests();
    let members = client.members();
    let one_guest = |g| Decoded {
        guests: vec![g],
        ..Decoded::default()
    };
    let one_member = |m| Decoded {
        members: vec![m],
        ..Decoded::default()
    };
    Ok(match entry.operation.as_str() {
        "list_guests" => Decoded {
            guests: guests.list().collect_all().await?,
            ..Decoded::default()
        },
        "get_guest" => one_guest(guests.get(email).await?),
        "create_guest" => one_guest(guests.create(NewGuest::new(email)).await?),
        "update_guest" => {
            let ids: Vec<i64> = sample
                .pointer("/data/details/associated_members")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default();
            one_guest(
                guests
                    .update(&email, GuestUpdate::new().associated_members(ids))
                    .await?,
            )
        }
        "list_members" => Decoded {
            members: members.list().collect_all().await?,
            ..Decoded::default()
        },
        "get_member" => one_member(members.get(user_id).await?),
        "invite_member" => one_member(
            members
                .invite(Invite::new(
                    email,
                    "New",
                    "Member",
                    Role::Standard,
                    "Welcome",
                ))
                .await?,
        ),
        "update_member" => one_member(
            members
                .update(user_id, MemberUpdate::new("New", "Name", "UTC"))
                .await?,
        ),
        "set_member_role" => one_member(members.set_role(user_id, Role::Light).await?),
        "remove_member" => one_member(members.remove(user_id).await?),
        "list_templates" => Decoded {
            templates: client.templates().list().page(1).await?.items,
            ..Decoded::default()
        },
        "get_template" => Decoded {
            templates: vec![client.templates().get(&hex).await?],
            ..Decoded::default()
        },
        "create_template" => Decoded {
            templates: vec![
                client
                    .templates()
                    .create(NewTemplate::new(
                        "Onboarding",
                        types::TemplateType::Procedure,
                    ))
                    .await?,
            ],
            ..Decoded::default()
        },
        "update_template" => Decoded {
            templates: vec![
                client
                    .templates()
                    .update(&hex, TemplateUpdate::new("Onboarding"))
                    .await?,
            ],
            ..Decoded::default()
        },
        "archive_template" => Decoded {
            removals: vec![client.templates().archive(&hex).await?],
            ..Decoded::default()
        },
        "delete_template" => Decoded {
            removals: vec![client.templates().delete(&hex).await?],
            ..Decoded::default()
        },
        "list_processes" => Decoded {
            processes: client.processes().list().page(1).await?.items,
            ..Decoded::default()
        },
        "get_process" | "update_process" | "archive_process" | "activate_process" => {
            let p = client.processes();
            let process = match entry.operation.as_str() {
                "get_process" => p.get(&hex).await?,
                "update_process" => p.update(&hex, ProcessUpdate::new()).await?,
                "archive_process" => p.archive(&hex).await?,
                _ => p.activate(&hex).await?,
            };
            Decoded {
                processes: vec![process],
                ..Decoded::default()
            }
        }
        "list_tasks" => Decoded {
            tasks: client.tasks().list().page(1).await?.items,
            ..Decoded::default()
        },
        "list_process_tasks" => Decoded {
            tasks: client.processes().tasks(HEX).page(1).await?.items,
            ..Decoded::default()
        },
        "get_task" => Decoded {
            tasks: vec![client.tasks().get(&hex).await?],
            ..Decoded::default()
        },
        "update_task" => Decoded {
            tasks: vec![client.tasks().update(HEX, &hex, TaskUpdate::new()).await?],
            ..Decoded::default()
        },
        "create_oneoff_task" => Decoded {
            tasks: vec![
                client
                    .tasks()
                    .create_oneoff(NewTask::new(
                        "Call the bank",
                        types::TaskType::Task,
                        Assignees::default(),
                        "2025-07-15T17:00:00Z",
                    ))
                    .await?,
            ],
            ..Decoded::default()
        },
        "complete_task" => Decoded {
            task_states: vec![client.tasks().complete(HEX, Completion::new(&hex)).await?],
            ..Decoded::default()
        },
        "reopen_task" => Decoded {
            task_states: vec![client.tasks().reopen(HEX, &hex).await?],
            ..Decoded::default()
        },
        "list_tags" => Decoded {
            tags: client.tags().list().page(1).await?.items,
            ..Decoded::default()
        },
        "get_tag" | "create_tag" | "update_tag" => {
            let t = client.tags();
            let tag = match entry.operation.as_str() {
                "get_tag" => t.get(&hex).await?,
                "create_tag" => t.create(TagFields::new("Tag")).await?,
                _ => t.update(&hex, TagFields::new("Tag")).await?,
            };
            Decoded {
                tags: vec![tag],
                ..Decoded::default()
            }
        }
        "list_groups" => Decoded {
            groups: client.groups().list().page(1).await?.items,
            ..Decoded::default()
        },
        "get_group" | "create_group" | "update_group" => {
            let g = client.groups();
            let group = match entry.operation.as_str() {
                "get_group" => g.get(&hex).await?,
                "create_group" => g.create(NewGroup::new("Group", "")).await?,
                _ => g.update(&hex, GroupUpdate::new()).await?,
            };
            Decoded {
                groups: vec![group],
                ..Decoded::default()
            }
        }
        "get_asset" => Decoded {
            assets: vec![client.files().get(&hex).await?],
            ..Decoded::default()
        },
        "upload_file" => {
            let file = FilePart::new("document.pdf", b"%PDF-1.7".to_vec());
            let upload = Upload::new(file, &hex, "Run".parse().unwrap(), "capture");
            Decoded {
                assets: vec![client.files().upload(upload).await?],
                ..Decoded::default()
            }
        }
        "list_activity" => Decoded {
            activities: client.activity().list().page(1).await?.items,
            ..Decoded::default()
        },
        other => panic!("{}: no SDK call is mapped for {other}", entry.file),
    })
}

#[tokio::test]
async fn the_sdk_returns_every_response_sample_from_a_loopback_server() {
    let spec = spec();
    for entry in entries("response") {
        let value = entry.value.clone();
        let (verb, template, _) = operation(&spec, &entry.operation);
        let path = format!(
            "^/api{}$",
            template
                .replace("{org_id}", ORG)
                .split('/')
                .map(|seg| if seg.starts_with('{') { "[^/]+" } else { seg })
                .collect::<Vec<_>>()
                .join("/")
        );
        let server = MockServer::start().await;
        Mock::given(method(verb.as_str()))
            .and(path_regex(path))
            .respond_with(ResponseTemplate::new(200).set_body_json(&value))
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder()
            .token("t")
            .org(ORG)
            .base_url(format!("{}/api", server.uri()))
            .build()
            .unwrap();
        let got = call_sdk(&client, &entry, &value)
            .await
            .unwrap_or_else(|e| panic!("{} ({}:{}): {e}", entry.file, entry.source, entry.line));
        let want = decode_response(&entry, &schema_for(&spec, &entry), &value);
        let want = want.records();
        assert_eq!(got.records(), want, "{}", entry.file);
        assert!(!want.understood().is_empty(), "{}: no records", entry.file);
        server.verify().await;
    }
}
