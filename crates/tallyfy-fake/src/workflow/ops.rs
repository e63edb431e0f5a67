//! Every change the workflow API makes, with its refusals: launching a process, updating,
//! archiving, activating and deleting processes; updating, completing and reopening tasks;
//! creating, changing, archiving, restoring and deleting one-off tasks; comments, problems and
//! resolutions; creating, changing, archiving, restoring and deleting templates.
//!
//! Each operation takes the instant it happens at (`at`), so that seeding can replay launches and
//! completions at fixed times and stay deterministic.
//!
//! Rules that the documentation leaves open, as the fake settles them:
//! - an unknown or archived `checklist_id` at launch is a 404 (archived templates are invisible to
//!   lookups);
//! - the first task (by position) starts `active`, the others `not-started`; whenever no open task
//!   is `active` or `in-progress`, the first `not-started` one becomes `active`;
//! - a step without a deadline gives its task the organization's default, 5 days after launch;
//! - completing a completed task changes nothing and answers as if it had just been completed;
//! - refusals that are about the record's state (archived, completed, not completed, open problem)
//!   use the same 422 body as validation, under the field named in each function's doc.

use serde_json::{Map, Value};

use super::forms;
use super::model::{
    Comment, CommentOn, Field, FieldType, Owners, Process, RunStatus, Step, StepType, Task,
    TaskStatus, Template, group_id, slug, user_id,
};
use super::store::{TEMPLATE_SWITCHES, TEMPLATE_TEXTS, Workflow};
use super::time::day;
use crate::errors::FieldErrors;
use crate::validation::{Validator, is_email};

/// The default deadline of a step that sets none: 5 days after launch.
pub(crate) const DEFAULT_DEADLINE: i64 = 5 * 86_400;

/// Why an operation was refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// 404: the template, process, task or comment does not exist (or is not visible).
    NotFound,
    /// 422 with these field errors.
    Invalid(FieldErrors),
}

impl Refusal {
    fn one(field: &str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::new();
        e.insert(field.into(), vec![message.into()]);
        Self::Invalid(e)
    }
}

/// Who makes a call: the token's user, and the organization's member ids.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Actor<'a> {
    pub user: i64,
    pub members: &'a [i64],
}

/// Who a one-off task may be assigned to: the organization's member ids, and each group's id with
/// its members and guests (a task made per assignee gives each of them a task of their own).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Directory<'a> {
    pub members: &'a [i64],
    pub groups: &'a [GroupMembers],
}

/// A group as a one-off task's assignees see it.
#[derive(Clone, Debug)]
pub(crate) struct GroupMembers {
    pub id: String,
    pub members: Vec<i64>,
    pub guests: Vec<String>,
}

impl Directory<'_> {
    /// 422 on `<field>.users.<i>` for a user who is no member, and on `<field>.groups.<i>` for an
    /// unknown group.
    fn check(&self, owners: &Owners, field: &str, errors: &mut FieldErrors) {
        for (i, u) in owners.users.iter().enumerate() {
            if !self.members.contains(u) {
                let at = format!("{field}.users.{i}");
                fail(errors, &at, format!("The selected {at} is invalid."));
            }
        }
        for (i, g) in owners.groups.iter().enumerate() {
            if !self.groups.iter().any(|group| &group.id == g) {
                let at = format!("{field}.groups.{i}");
                fail(errors, &at, format!("The selected {at} is invalid."));
            }
        }
    }

    /// One set of owners per assignee: each user, each guest, then each group's members and
    /// guests, without repeats.
    fn each_assignee(&self, owners: &Owners) -> Vec<Owners> {
        let mut users: Vec<i64> = owners.users.clone();
        let mut guests: Vec<String> = owners.guests.clone();
        for g in &owners.groups {
            if let Some(group) = self.groups.iter().find(|group| &group.id == g) {
                users.extend(&group.members);
                guests.extend(group.guests.iter().cloned());
            }
        }
        let mut out: Vec<Owners> = Vec::new();
        for u in users {
            let one = Owners {
                users: vec![u],
                ..Owners::default()
            };
            if !out.contains(&one) {
                out.push(one);
            }
        }
        for g in guests {
            let one = Owners {
                guests: vec![g],
                ..Owners::default()
            };
            if !out.contains(&one) {
                out.push(one);
            }
        }
        out
    }
}

fn fail(errors: &mut FieldErrors, field: &str, message: String) {
    errors.entry(field.to_string()).or_default().push(message);
}

fn label(field: &str) -> String {
    field.replace('_', " ")
}

/// An optional list of strings (`tags`, `groups`).
fn string_array(
    body: &Map<String, Value>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<Vec<String>> {
    match body.get(field)? {
        Value::Array(items) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(s) => out.push(s.to_string()),
                    None => fail(
                        errors,
                        &format!("{field}.{i}"),
                        format!("The {field}.{i} must be a string."),
                    ),
                }
            }
            Some(out)
        }
        _ => {
            fail(
                errors,
                field,
                format!("The {} must be an array.", label(field)),
            );
            None
        }
    }
}

/// An `owners` object: each bucket sent replaces the old one, a bucket left out is emptied.
fn parse_owners(value: &Value, field: &str, errors: &mut FieldErrors) -> Option<Owners> {
    let Value::Object(map) = value else {
        fail(errors, field, format!("The {field} must be an object."));
        return None;
    };
    let before = errors.len();
    let mut owners = Owners::default();
    let mut bucket = |key: &str, ok: &dyn Fn(&Value) -> bool, what: &str| -> Vec<Value> {
        // A bucket left out is emptied; `null` is not a list (the spec declares an array).
        match map.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if !ok(item) {
                        fail(
                            errors,
                            &format!("{field}.{key}.{i}"),
                            format!("The {field}.{key}.{i} must be {what}."),
                        );
                    }
                }
                items.clone()
            }
            Some(_) => {
                fail(
                    errors,
                    &format!("{field}.{key}"),
                    format!("The {field}.{key} must be an array."),
                );
                Vec::new()
            }
        }
    };
    let users = bucket("users", &|v| user_id(v).is_some(), "an integer");
    let guests = bucket(
        "guests",
        &|v| v.as_str().is_some_and(is_email),
        "a valid email address",
    );
    let groups = bucket("groups", &|v| group_id(v).is_some(), "a string");
    if errors.len() != before {
        return None;
    }
    owners.users = users.iter().filter_map(user_id).collect();
    owners.guests = guests
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    owners.groups = groups.iter().filter_map(group_id).collect();
    owners.users.dedup();
    Some(owners)
}

/// A form-value object (`prerun`, `taskdata`): an object, or `[]`/absent for none; anything else
/// (a non-empty list, `null`, a string) is a 422.
fn value_object<'a>(
    body: &'a Map<String, Value>,
    field: &str,
    key_name: &str,
    errors: &mut FieldErrors,
) -> Option<&'a Map<String, Value>> {
    match body.get(field)? {
        Value::Object(map) => Some(map),
        Value::Array(items) if items.is_empty() => None,
        _ => {
            fail(
                errors,
                field,
                format!("The {field} must be an object keyed by {key_name} id."),
            );
            None
        }
    }
}

/// A member id field (`owner_id`, `user_id`, `override_user`): an integer naming a member.
fn member_field(v: &mut Validator<'_>, field: &str, members: &[i64]) -> Option<i64> {
    let id = v.integer(field)?;
    if !members.contains(&id) {
        v.fail(field, format!("The selected {} is invalid.", label(field)));
        return None;
    }
    Some(id)
}

/// A time field (`deadline`, `started_at`): a string in either request spelling.
fn time_field(body: &Map<String, Value>, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    match body.get(field)? {
        Value::String(s) => match super::time::parse(s) {
            Some(t) => Some(t),
            None => {
                fail(
                    errors,
                    field,
                    format!("The {} is not a valid date.", label(field)),
                );
                None
            }
        },
        _ => {
            fail(
                errors,
                field,
                format!("The {} is not a valid date.", label(field)),
            );
            None
        }
    }
}

fn invalid_unless_ok(errors: FieldErrors) -> Result<(), Refusal> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Invalid(errors))
    }
}

/// `POST /runs`: launches a process from a live template and returns its position.
///
/// Refusals: 422 for the body's own rules (`checklist_id` required, types, lengths, members),
/// then 404 for an unknown or archived template, then 422 for `prerun` (per field type, and one
/// `"<label> is required"` per required kick-off field without a value) and `tasks` overrides.
pub(crate) fn launch(
    wf: &mut Workflow,
    body: &Map<String, Value>,
    actor: Actor<'_>,
    at: i64,
) -> Result<usize, Refusal> {
    let mut v = Validator::new(body);
    let checklist_id = if v.required("checklist_id") {
        v.string("checklist_id", false)
    } else {
        None
    };
    let name = v.text("name", false, Some(1), Some(550));
    let summary = v.string("summary", false);
    let owner_id = member_field(&mut v, "owner_id", actor.members);
    let user_id = member_field(&mut v, "user_id", actor.members);
    let starred = v.boolean("starred");
    let is_public = v.boolean("is_public");
    let parent_id = v.string("parent_id", false);
    let users = v.integer_array("users");
    let mut errors = std::mem::take(&mut v.errors);
    let tags = string_array(body, "tags", &mut errors);
    let groups = string_array(body, "groups", &mut errors);
    let prerun = value_object(body, "prerun", "kick-off field", &mut errors);
    let overrides = match body.get("tasks") {
        None => None,
        Some(Value::Object(m)) => Some(m),
        Some(_) => {
            fail(
                &mut errors,
                "tasks",
                "The tasks must be an object keyed by step id.".into(),
            );
            None
        }
    };
    for (i, tag) in tags.iter().flatten().enumerate() {
        if wf.tag_pos(tag).is_none() {
            fail(
                &mut errors,
                &format!("tags.{i}"),
                format!("The selected tags.{i} is invalid."),
            );
        }
    }
    invalid_unless_ok(errors)?;
    let tpl_pos = wf
        .live_template_pos(checklist_id.unwrap_or_default())
        .ok_or(Refusal::NotFound)?;
    let template = wf.templates[tpl_pos].clone();

    let mut errors = FieldErrors::new();
    let mut values = Map::new();
    if let Some(prerun) = prerun {
        let changes = forms::check_all(&template.prerun, prerun, "prerun", &mut errors);
        forms::apply(&mut values, changes);
    }
    forms::check_required(&template.prerun, &values, "prerun", &mut errors);
    let mut task_deadlines: Vec<(String, i64)> = Vec::new();
    let mut task_owners: Vec<(String, Owners)> = Vec::new();
    for (step_id, spec) in overrides.into_iter().flatten() {
        if !template.steps.iter().any(|s| &s.id == step_id) {
            continue;
        }
        let prefix = format!("tasks.{step_id}");
        let Value::Object(spec) = spec else {
            fail(
                &mut errors,
                &prefix,
                format!("The {prefix} must be an object."),
            );
            continue;
        };
        match spec.get("deadline") {
            None | Some(Value::Null) => {}
            Some(d) => match d.as_str().and_then(super::time::parse) {
                Some(t) => task_deadlines.push((step_id.clone(), t)),
                None => fail(
                    &mut errors,
                    &format!("{prefix}.deadline"),
                    format!("The {prefix}.deadline is not a valid date."),
                ),
            },
        }
        if let Some(o) = spec.get("owners").filter(|o| !o.is_null())
            && let Some(owners) = parse_owners(o, &format!("{prefix}.owners"), &mut errors)
        {
            task_owners.push((step_id.clone(), owners));
        }
    }
    invalid_unless_ok(errors)?;

    let launcher = user_id.unwrap_or(actor.user);
    let run_id = wf.new_id();
    let increment_id = wf.next_process_no();
    let process = Process {
        id: run_id.clone(),
        increment_id,
        checklist_id: template.id.clone(),
        checklist_title: template.title.clone(),
        kind: template.kind,
        name: name
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} - {}", template.title, day(at))),
        summary: summary.map(str::to_string),
        status: RunStatus::Active,
        started_by: launcher,
        owner_id: owner_id.unwrap_or(launcher),
        prerun: values,
        kickoff: template.prerun.clone(),
        starred: starred.unwrap_or(false),
        created_at: at,
        last_updated: at,
        archived_at: None,
        completed_at: None,
        is_public: is_public.unwrap_or(false),
        users: users.unwrap_or_default(),
        groups: groups.unwrap_or_default(),
        parent_id: parent_id.map(str::to_string),
        tags: tags.unwrap_or_default(),
    };
    let mut steps = template.steps.clone();
    steps.sort_by_key(|s| s.position);
    for (n, step) in steps.into_iter().enumerate() {
        let owners = task_owners
            .iter()
            .find(|(id, _)| *id == step.id)
            .map(|(_, o)| o.clone())
            .or_else(|| (!step.assignees.is_empty()).then(|| step.assignees.clone()))
            .unwrap_or_else(|| Owners {
                users: vec![launcher],
                ..Owners::default()
            });
        let deadline = task_deadlines
            .iter()
            .find(|(id, _)| *id == step.id)
            .map(|(_, d)| *d)
            .unwrap_or_else(|| at + step.deadline.map_or(DEFAULT_DEADLINE, |d| d.seconds()));
        let task = Task {
            id: wf.new_id(),
            increment_id: wf.next_task_no(),
            run_id: Some(run_id.clone()),
            checklist_id: Some(template.id.clone()),
            status: if n == 0 {
                TaskStatus::Active
            } else {
                TaskStatus::NotStarted
            },
            owners,
            deadline: Some(deadline),
            ..Task::from_step(step, at)
        };
        wf.push_task(task);
    }
    wf.push_process(process);
    Ok(wf.processes.len() - 1)
}

/// The process, refusing an archived one with 422 on `run_id`.
fn live_process(wf: &Workflow, run_id: &str) -> Result<usize, Refusal> {
    let pos = wf.process_pos(run_id).ok_or(Refusal::NotFound)?;
    if wf.processes[pos].archived_at.is_some() {
        return Err(Refusal::one("run_id", "Cannot update archived processes."));
    }
    Ok(pos)
}

/// `PUT /runs/{id}`. `users` and `groups` are replaced, and emptied when left out (Tallyfy's
/// documented trap); `prerun` values are merged in. 422 on `run_id` when archived.
pub(crate) fn update_process(
    wf: &mut Workflow,
    run_id: &str,
    body: &Map<String, Value>,
    actor: Actor<'_>,
    at: i64,
) -> Result<usize, Refusal> {
    let pos = live_process(wf, run_id)?;
    let mut v = Validator::new(body);
    let name = v.text("name", false, Some(1), Some(550));
    let summary = v.string("summary", false);
    let owner_id = member_field(&mut v, "owner_id", actor.members);
    let starred = v.boolean("starred");
    let is_public = v.boolean("is_public");
    let users = v.integer_array("users");
    let mut errors = std::mem::take(&mut v.errors);
    let groups = string_array(body, "groups", &mut errors);
    let prerun = value_object(body, "prerun", "kick-off field", &mut errors);
    let mut values = wf.processes[pos].prerun.clone();
    if let Some(prerun) = prerun {
        let changes = forms::check_all(&wf.processes[pos].kickoff, prerun, "prerun", &mut errors);
        forms::apply(&mut values, changes);
        forms::check_required(&wf.processes[pos].kickoff, &values, "prerun", &mut errors);
    }
    invalid_unless_ok(errors)?;
    let p = &mut wf.processes[pos];
    if let Some(name) = name {
        p.name = name.to_string();
    }
    if let Some(summary) = summary {
        p.summary = Some(summary.to_string());
    }
    if let Some(owner) = owner_id {
        p.owner_id = owner;
    }
    if let Some(s) = starred {
        p.starred = s;
    }
    if let Some(b) = is_public {
        p.is_public = b;
    }
    p.users = users.unwrap_or_default();
    p.groups = groups.unwrap_or_default();
    p.prerun = values;
    p.last_updated = at;
    Ok(pos)
}

/// `DELETE /runs/{id}`: archives (again: no change).
pub(crate) fn archive_process(wf: &mut Workflow, run_id: &str, at: i64) -> Result<usize, Refusal> {
    let pos = wf.process_pos(run_id).ok_or(Refusal::NotFound)?;
    let p = &mut wf.processes[pos];
    if p.archived_at.is_none() {
        p.archived_at = Some(at);
        p.last_updated = at;
    }
    Ok(pos)
}

/// `PUT /runs/{id}/activate`: brings an archived process back with the status it had.
pub(crate) fn activate_process(wf: &mut Workflow, run_id: &str, at: i64) -> Result<usize, Refusal> {
    let pos = wf.process_pos(run_id).ok_or(Refusal::NotFound)?;
    let p = &mut wf.processes[pos];
    if p.archived_at.take().is_some() {
        p.last_updated = at;
    }
    Ok(pos)
}

/// `DELETE /runs/{id}/delete`: removes an archived process with its tasks and their comments.
/// 422 on `run_id` unless archived.
pub(crate) fn delete_process(wf: &mut Workflow, run_id: &str) -> Result<(), Refusal> {
    let pos = wf.process_pos(run_id).ok_or(Refusal::NotFound)?;
    if wf.processes[pos].archived_at.is_none() {
        return Err(Refusal::one(
            "run_id",
            "Only an archived process can be deleted. Archive it first.",
        ));
    }
    wf.processes.remove(pos);
    let gone: Vec<String> = wf
        .tasks
        .iter()
        .filter(|t| t.run_id.as_deref() == Some(run_id))
        .map(|t| t.id.clone())
        .collect();
    wf.tasks.retain(|t| t.run_id.as_deref() != Some(run_id));
    wf.reindex();
    wf.comments.retain(|c| match &c.on {
        CommentOn::Task(t) => !gone.contains(t),
        CommentOn::Process(r) => r != run_id,
        CommentOn::Template(_) => true,
    });
    Ok(())
}

/// The route a task call came by: a process's (`/runs/{run}/...`) or the one-off one
/// (`/tasks/{task}`, `/completed-tasks`).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Via<'a> {
    Run(&'a str),
    Oneoff,
}

/// The task `task_id` of the live process `run_id`.
fn task_in_run(wf: &Workflow, run_id: &str, task_id: &str) -> Result<usize, Refusal> {
    let known = wf.process_pos(run_id).ok_or(Refusal::NotFound)?;
    let pos = wf
        .task_pos(task_id)
        .filter(|&t| wf.tasks[t].run_id.as_deref() == Some(run_id))
        .ok_or(Refusal::NotFound)?;
    if wf.processes[known].archived_at.is_some() {
        return Err(Refusal::one("run_id", "Cannot update archived processes."));
    }
    Ok(pos)
}

/// The standalone task `task_id`, archived or not. 404 when unknown; 422 on `task_id` when it
/// belongs to a process, naming the route that changes it.
fn standalone(wf: &Workflow, task_id: &str) -> Result<usize, Refusal> {
    let pos = wf.task_pos(task_id).ok_or(Refusal::NotFound)?;
    match &wf.tasks[pos].run_id {
        None => Ok(pos),
        Some(run_id) => Err(Refusal::one(
            "task_id",
            format!("This task belongs to the process {run_id}; use /runs/{run_id}/... for it."),
        )),
    }
}

/// The task a call names by its route: in a live process, or standalone and not archived.
fn find_task(wf: &Workflow, via: Via<'_>, task_id: &str) -> Result<usize, Refusal> {
    match via {
        Via::Run(run_id) => task_in_run(wf, run_id, task_id),
        Via::Oneoff => {
            let pos = standalone(wf, task_id)?;
            if wf.tasks[pos].archived_at.is_some() {
                return Err(Refusal::one(
                    "task_id",
                    "Cannot change an archived task; restore it first.",
                ));
            }
            Ok(pos)
        }
    }
}

/// The task a call may change: found as [`find_task`] finds it, and not completed (422 on
/// `task_id`).
fn changeable_task(wf: &Workflow, via: Via<'_>, task_id: &str) -> Result<usize, Refusal> {
    let pos = find_task(wf, via, task_id)?;
    if wf.tasks[pos].status == TaskStatus::Completed {
        return Err(Refusal::one(
            "task_id",
            "A completed task cannot be updated.",
        ));
    }
    Ok(pos)
}

/// `PUT /runs/{run}/tasks/{task}` and `PUT /tasks/{task}`. A present `owners` replaces every
/// bucket (a bucket left out is emptied); `taskdata` is checked per capture type and merged. 422
/// on `task_id` when the task is completed. The one-off route requires `title`, `deadline` and
/// `owners`, and checks that the owners exist (`directory`).
pub(crate) fn update_task(
    wf: &mut Workflow,
    via: Via<'_>,
    task_id: &str,
    body: &Map<String, Value>,
    directory: &Directory<'_>,
    at: i64,
) -> Result<usize, Refusal> {
    let pos = changeable_task(wf, via, task_id)?;
    let oneoff = matches!(via, Via::Oneoff);
    let mut v = Validator::new(body);
    if oneoff {
        for field in ["title", "deadline", "owners"] {
            v.required(field);
        }
    }
    let title = v.text("title", false, Some(1), Some(600));
    let summary = v.string("summary", false);
    let prevent_guest_comment = v.boolean("prevent_guest_comment");
    let max_assignable = v.integer("max_assignable");
    if max_assignable.is_some_and(|n| n < 0) {
        v.fail(
            "max_assignable",
            "The max assignable must be at least 0.".into(),
        );
    }
    v.url("webhook");
    let webhook = body.get("webhook").and_then(Value::as_str);
    let mut errors = std::mem::take(&mut v.errors);
    let deadline = time_field(body, "deadline", &mut errors);
    let started_at = time_field(body, "started_at", &mut errors);
    let owners = body
        .get("owners")
        .and_then(|o| parse_owners(o, "owners", &mut errors));
    if oneoff && let Some(o) = &owners {
        directory.check(o, "owners", &mut errors);
    }
    let taskdata = value_object(body, "taskdata", "capture", &mut errors);
    let mut values = wf.tasks[pos].taskdata.clone();
    if let Some(data) = taskdata {
        let changes = forms::check_all(&wf.tasks[pos].step.captures, data, "taskdata", &mut errors);
        forms::apply(&mut values, changes);
    }
    invalid_unless_ok(errors)?;
    let t = &mut wf.tasks[pos];
    if let Some(title) = title {
        t.title = title.to_string();
    }
    if let Some(summary) = summary {
        t.summary = Some(summary.to_string());
    }
    if let Some(b) = prevent_guest_comment {
        t.prevent_guest_comment = b;
    }
    if let Some(n) = max_assignable {
        t.max_assignable = n;
    }
    if let Some(w) = webhook {
        t.webhook = Some(w.to_string());
    }
    if let Some(d) = deadline {
        t.deadline = Some(d);
    }
    if let Some(s) = started_at {
        t.started_at = Some(s);
    }
    if let Some(o) = owners {
        t.owners = o;
    }
    t.taskdata = values;
    t.last_updated = at;
    Ok(pos)
}

/// `POST /tasks/{id}/captures`: saves the value of one of the task's form fields (`id`), checked
/// by its type; `null` (or any blank value) clears it. Refused as an update of the task would be
/// (completed, archived, or in an archived process), and for a missing `id` or `value` or an `id`
/// that is no field of the task's.
pub(crate) fn save_capture_value(
    wf: &mut Workflow,
    task_id: &str,
    body: &Map<String, Value>,
    at: i64,
) -> Result<usize, Refusal> {
    let pos = wf.task_pos(task_id).ok_or(Refusal::NotFound)?;
    let run = wf.tasks[pos].run_id.clone();
    changeable_task(wf, run.as_deref().map_or(Via::Oneoff, Via::Run), task_id)?;
    let mut v = Validator::new(body);
    let id = if v.required("id") {
        v.string("id", false)
    } else {
        None
    };
    let mut errors = std::mem::take(&mut v.errors);
    // `null` is a value here (it clears the field), so only a missing key is refused.
    let value = body.get("value");
    if value.is_none() {
        errors
            .entry("value".into())
            .or_default()
            .push("The value field is required.".into());
    }
    let field = id.and_then(|id| wf.tasks[pos].step.captures.iter().find(|f| f.id == id));
    if id.is_some() && field.is_none() {
        errors
            .entry("id".into())
            .or_default()
            .push("The selected id is invalid.".into());
    }
    let change = match (field, value) {
        (Some(f), Some(value)) => match forms::check_one(f, value, "value") {
            Ok(v) => Some((f.id.clone(), v)),
            Err(message) => {
                errors.entry("value".into()).or_default().push(message);
                None
            }
        },
        _ => None,
    };
    invalid_unless_ok(errors)?;
    let t = &mut wf.tasks[pos];
    forms::apply(&mut t.taskdata, change.into_iter().collect());
    t.last_updated = at;
    Ok(pos)
}

/// Makes the first `not-started` task active when no open task is active or in progress.
fn promote_next(wf: &mut Workflow, run_id: &str) {
    let ids = wf.tasks_of(run_id);
    let started = ids.iter().any(|&i| {
        matches!(
            wf.tasks[i].status,
            TaskStatus::Active | TaskStatus::InProgress
        )
    });
    if !started
        && let Some(&i) = ids
            .iter()
            .find(|&&i| wf.tasks[i].status == TaskStatus::NotStarted)
    {
        wf.tasks[i].status = TaskStatus::Active;
    }
}

/// `POST /runs/{run}/completed-tasks`. Refusals (422): `is_approved` missing on an approval task,
/// `taskdata.<capture id>` for each required capture without a value, `task_id` while the task
/// has an open problem. Completing the last open task completes the process.
///
/// The one-off route (`POST /completed-tasks`) takes standalone tasks only.
pub(crate) fn complete_task(
    wf: &mut Workflow,
    via: Via<'_>,
    body: &Map<String, Value>,
    actor: Actor<'_>,
    at: i64,
) -> Result<usize, Refusal> {
    if let Via::Run(run_id) = via {
        wf.process_pos(run_id).ok_or(Refusal::NotFound)?;
    }
    let mut v = Validator::new(body);
    let task_id = if v.required("task_id") {
        v.string("task_id", false)
    } else {
        None
    };
    let is_approved = v.boolean("is_approved");
    let override_user = member_field(&mut v, "override_user", actor.members);
    invalid_unless_ok(std::mem::take(&mut v.errors))?;
    let pos = find_task(wf, via, task_id.unwrap_or_default())?;
    if wf.tasks[pos].status == TaskStatus::Completed {
        return Ok(pos);
    }
    let mut errors = FieldErrors::new();
    let task = &wf.tasks[pos];
    if task.step.step_type == StepType::Approval && is_approved.is_none() {
        fail(
            &mut errors,
            "is_approved",
            "The is approved field is required".into(),
        );
    }
    forms::check_required(&task.step.captures, &task.taskdata, "taskdata", &mut errors);
    invalid_unless_ok(errors)?;
    if wf.task_problem(&task.id) {
        return Err(Refusal::one(
            "task_id",
            "This task has an open problem; resolve it before completing the task.",
        ));
    }
    let t = &mut wf.tasks[pos];
    t.status = TaskStatus::Completed;
    t.completed_at = Some(at);
    t.completer_id = Some(override_user.unwrap_or(actor.user));
    t.is_approved = match t.step.step_type {
        StepType::Approval | StepType::Expiring | StepType::ExpiringEmail => is_approved,
        _ => None,
    };
    t.last_updated = at;
    let Some(run_id) = t.run_id.clone() else {
        return Ok(pos);
    };
    promote_next(wf, &run_id);
    let (done, total) = wf.progress(&run_id);
    if done == total
        && let Some(p) = wf.process_pos(&run_id)
    {
        let p = &mut wf.processes[p];
        p.status = RunStatus::Complete;
        p.completed_at = Some(at);
        p.last_updated = at;
    }
    Ok(pos)
}

/// `DELETE /runs/{run}/completed-tasks/{task}` and `DELETE /completed-tasks/{task}`: the task
/// goes back to `in-progress`, and a complete process back to `active`. 422 on `task_id` unless
/// the task is completed.
pub(crate) fn reopen_task(
    wf: &mut Workflow,
    via: Via<'_>,
    task_id: &str,
    at: i64,
) -> Result<usize, Refusal> {
    let pos = find_task(wf, via, task_id)?;
    let t = &mut wf.tasks[pos];
    if t.status != TaskStatus::Completed {
        return Err(Refusal::one(
            "task_id",
            "Only a completed task can be reopened.",
        ));
    }
    t.status = TaskStatus::InProgress;
    t.completed_at = None;
    t.completer_id = None;
    t.is_approved = None;
    t.last_updated = at;
    let run_id = t.run_id.clone();
    if let Some(p) = run_id.as_deref().and_then(|r| wf.process_pos(r)) {
        let p = &mut wf.processes[p];
        if p.status == RunStatus::Complete {
            p.status = RunStatus::Active;
            p.completed_at = None;
            p.last_updated = at;
        }
    }
    Ok(pos)
}

/// Whose form a list of field definitions builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FormOf {
    /// A one-off task's `form_fields` (see [`FieldType::parse_oneoff`]).
    Oneoff,
    /// A template's `prerun` (see [`FieldType::parse_kickoff`]): an entry may name an existing
    /// field by `id`, and a table needs `columns`.
    Kickoff,
}

/// Numbered choices (`options`, `columns`): each `{"id"?: int, "<text>": str}`, ids numbered from 1
/// where left out. Errors go under `<key>.<n>`.
fn numbered(
    item: &Map<String, Value>,
    key: &str,
    text: &str,
    v: &mut Validator<'_>,
) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    match item.get(key) {
        None => {}
        Some(Value::Array(entries)) => {
            for (n, o) in entries.iter().enumerate() {
                let label = o.get(text).and_then(Value::as_str);
                // Left out, it is numbered; `null` is no id (the spec's `FlexibleId` is not nullable).
                let id = match o.get("id") {
                    None => Some(n as i64 + 1),
                    Some(id) => user_id(id),
                };
                match (id, label) {
                    (Some(id), Some(label)) => out.push((id, label.to_string())),
                    _ => v.fail(
                        &format!("{key}.{n}"),
                        format!("The {key}.{n} must have a {text} and an integer id."),
                    ),
                }
            }
        }
        Some(_) => v.fail(key, format!("The {key} must be an array.")),
    }
    out
}

/// The field definitions under `key` (a one-off task's `form_fields`, a template's `prerun`):
/// each needs `label`, `field_type` and `required`; `options` (and, for a kick-off field,
/// `columns`) are numbered choices; the server does not insist on options for a choice field.
/// Errors go under `<key>.<i>.<field>`. Each field comes back without an id of its own, with the
/// `id` the entry named, if any.
fn field_definitions(
    body: &Map<String, Value>,
    key: &str,
    form: FormOf,
    at: i64,
    errors: &mut FieldErrors,
) -> Vec<(Option<String>, Field)> {
    let items = match body.get(key) {
        None => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            fail(errors, key, format!("The {} must be an array.", label(key)));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("{key}.{i}");
        let Value::Object(item) = item else {
            fail(errors, &prefix, format!("The {prefix} must be an object."));
            continue;
        };
        let mut v = Validator::new(item);
        let name = v
            .required("label")
            .then(|| v.text("label", false, Some(1), None))
            .flatten();
        let field_type = v
            .required("field_type")
            .then(|| v.string("field_type", false))
            .flatten();
        let kind = field_type.and_then(match form {
            FormOf::Oneoff => FieldType::parse_oneoff,
            FormOf::Kickoff => FieldType::parse_kickoff,
        });
        if field_type.is_some() && kind.is_none() {
            v.fail("field_type", "The selected field type is invalid.".into());
        }
        let required = v
            .required("required")
            .then(|| v.boolean("required"))
            .flatten();
        let guidance = v.string("guidance", false);
        let position = v.integer("position");
        let id = match form {
            FormOf::Kickoff => v.string("id", false).map(str::to_string),
            FormOf::Oneoff => None,
        };
        let options = numbered(item, "options", "text", &mut v);
        let columns = match form {
            FormOf::Kickoff => numbered(item, "columns", "label", &mut v),
            FormOf::Oneoff => Vec::new(),
        };
        if form == FormOf::Kickoff && kind == Some(FieldType::Table) && columns.is_empty() {
            v.fail("columns", "A table needs at least one column.".into());
        }
        for (field, messages) in v.errors {
            let here = format!("{prefix}.{field}");
            errors.entry(here).or_default().extend(
                messages
                    .into_iter()
                    .map(|m| m.replacen("The ", &format!("The {prefix}."), 1)),
            );
        }
        if let (Some(name), Some(field_type), Some(required)) = (name, kind, required) {
            let field = Field {
                id: String::new(),
                parent_id: String::new(),
                alias: String::new(),
                label: name.to_string(),
                field_type,
                guidance: guidance.map(str::to_string),
                position: position.unwrap_or(i as i64 + 1),
                required,
                options,
                columns,
                created_at: at,
            };
            out.push((id, field));
        }
    }
    out
}

/// `POST /tasks`: a one-off task, standalone, in the process `run_id`, or (with
/// `separate_task_for_each_assignee`) one task per assignee in a new process of the hidden "MISC"
/// template, the caller its owner. Returns the position of the (first) task.
///
/// Refusals (422): the body's own rules (`title`, `task_type`, `owners`, `deadline` required;
/// types, lengths, dates, URL), owners who are no members and unknown groups
/// (`owners.users.<i>`, `owners.groups.<i>`), unknown tags (`tags.<i>`), an unknown or archived
/// `run_id`, `run_id` together with `separate_task_for_each_assignee`, and no assignee to give a
/// task to (`owners`) when one task per assignee is asked for.
pub(crate) fn create_oneoff(
    wf: &mut Workflow,
    body: &Map<String, Value>,
    actor: Actor<'_>,
    directory: &Directory<'_>,
    at: i64,
) -> Result<usize, Refusal> {
    let mut v = Validator::new(body);
    for field in ["title", "task_type", "owners", "deadline"] {
        v.required(field);
    }
    let title = v.text("title", false, Some(1), Some(600));
    let task_type = v
        .one_of(
            "task_type",
            false,
            &["task", "approval", "expiring", "email", "expiring_email"],
        )
        .and_then(StepType::parse);
    // The create-task page calls it `description`, the other pages `summary`; both are stored as
    // the summary.
    let summary = v
        .string("summary", false)
        .or(v.string("description", false));
    let fan_out = v
        .boolean("separate_task_for_each_assignee")
        .unwrap_or(false);
    let max_assignable = v.integer("max_assignable");
    if max_assignable.is_some_and(|n| n < 0) {
        v.fail(
            "max_assignable",
            "The max assignable must be at least 0.".into(),
        );
    }
    let prevent_guest_comment = v.boolean("prevent_guest_comment");
    let everyone_must_complete = v.boolean("everyone_must_complete");
    let can_complete_only_assignees = v.boolean("can_complete_only_assignees");
    let is_soft_start_date = v.boolean("is_soft_start_date");
    let top_secret = v.boolean("top_secret");
    v.url("webhook");
    let webhook = body.get("webhook").and_then(Value::as_str);
    let run_id = v.string("run_id", false);
    let position = v.integer("position");
    let mut errors = std::mem::take(&mut v.errors);
    let deadline = time_field(body, "deadline", &mut errors);
    let started_at = time_field(body, "started_at", &mut errors);
    let owners = body
        .get("owners")
        .filter(|o| !o.is_null())
        .and_then(|o| parse_owners(o, "owners", &mut errors));
    if let Some(o) = &owners {
        directory.check(o, "owners", &mut errors);
    }
    let tags = string_array(body, "tags", &mut errors);
    for (i, tag) in tags.iter().flatten().enumerate() {
        if wf.tag_pos(tag).is_none() {
            fail(
                &mut errors,
                &format!("tags.{i}"),
                format!("The selected tags.{i} is invalid."),
            );
        }
    }
    let fields: Vec<Field> =
        field_definitions(body, "form_fields", FormOf::Oneoff, at, &mut errors)
            .into_iter()
            .map(|(_, f)| f)
            .collect();
    if let Some(run_id) = run_id {
        if fan_out {
            fail(
                &mut errors,
                "run_id",
                "A task per assignee starts a process of its own; leave out run_id.".into(),
            );
        } else if wf
            .process_pos(run_id)
            .is_none_or(|p| wf.processes[p].archived_at.is_some())
        {
            fail(
                &mut errors,
                "run_id",
                "The selected run id is invalid.".into(),
            );
        }
    }
    let assignees = owners.as_ref().map(|o| directory.each_assignee(o));
    if fan_out && assignees.as_ref().is_some_and(Vec::is_empty) {
        fail(
            &mut errors,
            "owners",
            "A task per assignee needs at least one assignee.".into(),
        );
    }
    invalid_unless_ok(errors)?;
    // Each is present once the checks above passed.
    let (Some(title), Some(task_type), Some(owners), Some(deadline)) =
        (title, task_type, owners, deadline)
    else {
        return Err(Refusal::one("title", "The given data was invalid."));
    };

    let step = Step {
        id: String::new(),
        checklist_id: String::new(),
        title: title.to_string(),
        alias: String::new(),
        summary: summary.map(str::to_string),
        step_type: task_type,
        position: 0,
        deadline: None,
        assignees: Owners::default(),
        captures: Vec::new(),
        webhook: webhook.map(str::to_string),
        everyone_must_complete: everyone_must_complete.unwrap_or(false),
        can_complete_only_assignees: can_complete_only_assignees.unwrap_or(false),
        max_assignable: max_assignable.unwrap_or(0),
        prevent_guest_comment: prevent_guest_comment.unwrap_or(false),
        created_at: at,
    };
    let started_at = started_at.unwrap_or(at);
    // Each task carries the tags (and a fan-out's process too).
    let task_tags = tags.clone().unwrap_or_default();
    let make = |wf: &mut Workflow, run_id: Option<String>, owners: Owners, position: i64| {
        let id = wf.new_id();
        let mut step = step.clone();
        step.captures = fields
            .iter()
            .map(|f| Field {
                id: wf.new_id(),
                parent_id: id.clone(),
                ..f.clone()
            })
            .collect();
        Task {
            increment_id: wf.next_task_no(),
            run_id,
            oneoff: true,
            top_secret: top_secret.unwrap_or(false),
            is_soft_start_date: is_soft_start_date.unwrap_or(false),
            status: if started_at > at {
                TaskStatus::NotStarted
            } else {
                TaskStatus::Active
            },
            owners,
            position,
            started_at: Some(started_at),
            deadline: Some(deadline),
            tags: task_tags.clone(),
            id,
            ..Task::from_step(step, at)
        }
    };
    if !fan_out {
        let position = match run_id {
            Some(r) => position.unwrap_or_else(|| {
                wf.run_tasks(r)
                    .iter()
                    .map(|&i| wf.tasks[i].position)
                    .max()
                    .unwrap_or(0)
                    + 1
            }),
            None => position.unwrap_or(0),
        };
        let task = make(wf, run_id.map(str::to_string), owners, position);
        wf.push_task(task);
        return Ok(wf.tasks.len() - 1);
    }
    let run_id = wf.new_id();
    let process = Process {
        id: run_id.clone(),
        increment_id: wf.next_process_no(),
        checklist_id: MISC_TEMPLATE_ID.to_string(),
        checklist_title: "MISC".to_string(),
        kind: "procedure",
        name: title.to_string(),
        summary: summary.map(str::to_string),
        status: RunStatus::Active,
        started_by: actor.user,
        owner_id: actor.user,
        prerun: Map::new(),
        kickoff: Vec::new(),
        starred: false,
        created_at: at,
        last_updated: at,
        archived_at: None,
        completed_at: None,
        is_public: false,
        users: Vec::new(),
        groups: Vec::new(),
        parent_id: None,
        tags: tags.unwrap_or_default(),
    };
    wf.push_process(process);
    let first = wf.tasks.len();
    for (n, one) in assignees.unwrap_or_default().into_iter().enumerate() {
        let task = make(wf, Some(run_id.clone()), one, n as i64 + 1);
        wf.push_task(task);
    }
    Ok(first)
}

/// The id the hidden "MISC" template (in every organization, never listed) goes by in the
/// processes a one-off task per assignee starts.
pub(crate) const MISC_TEMPLATE_ID: &str = "00000000000000000000000000000000";

/// `DELETE /tasks/{task}`: archives a standalone task (again: no change). 404 unknown; 422 on
/// `task_id` for a process's task.
pub(crate) fn archive_oneoff(wf: &mut Workflow, task_id: &str, at: i64) -> Result<usize, Refusal> {
    let pos = standalone(wf, task_id)?;
    let t = &mut wf.tasks[pos];
    if t.archived_at.is_none() {
        t.archived_at = Some(at);
        t.last_updated = at;
    }
    Ok(pos)
}

/// `PUT /tasks/{task}/restore`: brings an archived standalone task back (a live one is left as it
/// is). 404 unknown; 422 on `task_id` for a process's task.
pub(crate) fn restore_oneoff(wf: &mut Workflow, task_id: &str, at: i64) -> Result<usize, Refusal> {
    let pos = standalone(wf, task_id)?;
    let t = &mut wf.tasks[pos];
    if t.archived_at.take().is_some() {
        t.last_updated = at;
    }
    Ok(pos)
}

/// `DELETE /tasks/{task}/delete`: removes a standalone task, archived or not, with its comments.
/// 404 unknown (and afterwards); 422 on `task_id` for a process's task.
pub(crate) fn delete_oneoff(wf: &mut Workflow, task_id: &str) -> Result<(), Refusal> {
    let pos = standalone(wf, task_id)?;
    wf.tasks.remove(pos);
    wf.reindex();
    wf.comments.retain(|c| c.task_id() != Some(task_id));
    Ok(())
}

/// What kind of comment a call posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CommentKind {
    /// `POST .../comment`: `label` from the body (default `comment`).
    Comment,
    /// `POST .../problem`: always `problem`.
    Problem,
}

/// Whether what a comment would be on exists: any task, any process (archived ones too), a live
/// template (an archived one is invisible, as to every lookup).
pub(crate) fn can_comment_on(wf: &Workflow, on: &CommentOn) -> bool {
    match on {
        CommentOn::Task(id) => wf.task_pos(id).is_some(),
        CommentOn::Process(id) => wf.process_pos(id).is_some(),
        CommentOn::Template(id) => wf.live_template_pos(id).is_some(),
    }
}

const STATES: &[&str] = &["open", "hide-for-guests", "collapsed"];
const LABELS: &[&str] = &["comment", "problem", "resolve", "improvement", "advice"];
/// The state of a comment that names none (the default the reference settles on).
pub(crate) const DEFAULT_STATE: &str = "hide-for-guests";

fn push_comment(
    wf: &mut Workflow,
    on: &CommentOn,
    content: &str,
    label: &str,
    state: &str,
    author: i64,
    at: i64,
) -> usize {
    let id = wf.new_id();
    wf.comments.push(Comment {
        id,
        on: on.clone(),
        content: content.to_string(),
        author_id: author,
        label: label.to_string(),
        state: state.to_string(),
        created_at: at,
        resolve_id: None,
    });
    wf.comments.len() - 1
}

/// Posts a comment or a problem on a task, process or template; returns the comment's position.
pub(crate) fn add_comment(
    wf: &mut Workflow,
    on: &CommentOn,
    body: &Map<String, Value>,
    kind: CommentKind,
    author: i64,
    at: i64,
) -> Result<usize, Refusal> {
    if !can_comment_on(wf, on) {
        return Err(Refusal::NotFound);
    }
    let mut v = Validator::new(body);
    let content = if v.required("content") {
        v.string("content", false)
    } else {
        None
    };
    let state = v.one_of("state", false, STATES);
    let label = match kind {
        CommentKind::Comment => v.one_of("label", false, LABELS).unwrap_or("comment"),
        CommentKind::Problem => "problem",
    };
    invalid_unless_ok(std::mem::take(&mut v.errors))?;
    let state = state.unwrap_or(DEFAULT_STATE);
    Ok(push_comment(
        wf,
        on,
        content.unwrap_or_default(),
        label,
        state,
        author,
        at,
    ))
}

/// `POST .../resolved-threads`: resolves an open problem of the task (process, template) with a
/// `resolve` comment, whose position is returned. 422 on `thread_id` unless it names an open
/// problem on that same record.
pub(crate) fn resolve_problem(
    wf: &mut Workflow,
    on: &CommentOn,
    body: &Map<String, Value>,
    author: i64,
    at: i64,
) -> Result<usize, Refusal> {
    if !can_comment_on(wf, on) {
        return Err(Refusal::NotFound);
    }
    let mut v = Validator::new(body);
    let thread_id = if v.required("thread_id") {
        v.string("thread_id", false)
    } else {
        None
    };
    let content = if v.required("content") {
        v.string("content", false)
    } else {
        None
    };
    let state = v.one_of("state", false, STATES);
    invalid_unless_ok(std::mem::take(&mut v.errors))?;
    let thread_id = thread_id.unwrap_or_default();
    let Some(problem) = wf
        .comments
        .iter()
        .position(|c| c.id == thread_id && c.on == *on && c.is_open_problem())
    else {
        return Err(Refusal::one(
            "thread_id",
            "The selected thread id is invalid.",
        ));
    };
    let pos = push_comment(
        wf,
        on,
        content.unwrap_or_default(),
        "resolve",
        state.unwrap_or(DEFAULT_STATE),
        author,
        at,
    );
    wf.comments[problem].resolve_id = Some(wf.comments[pos].id.clone());
    Ok(pos)
}

/// `DELETE /checklists/{id}`: archives a live template (an archived one is not found).
pub(crate) fn archive_template(wf: &mut Workflow, id: &str, at: i64) -> Result<(), Refusal> {
    let pos = wf.live_template_pos(id).ok_or(Refusal::NotFound)?;
    wf.templates[pos].archived_at = Some(at);
    Ok(())
}

/// `PUT /checklists/{id}/restore`: brings an archived template back (a live one is unchanged).
pub(crate) fn restore_template(wf: &mut Workflow, id: &str, at: i64) -> Result<usize, Refusal> {
    let pos = wf.template_pos(id).ok_or(Refusal::NotFound)?;
    let t = &mut wf.templates[pos];
    if t.archived_at.take().is_some() {
        t.last_updated = at;
    }
    Ok(pos)
}

/// `DELETE /checklists/{id}/delete`: removes an archived template for good; 422 on
/// `checklist_id` unless archived. Processes launched from it keep running.
pub(crate) fn delete_template(wf: &mut Workflow, id: &str) -> Result<(), Refusal> {
    let pos = wf.template_pos(id).ok_or(Refusal::NotFound)?;
    if wf.templates[pos].archived_at.is_none() {
        return Err(Refusal::one(
            "checklist_id",
            "Only an archived template can be deleted. Archive it first.",
        ));
    }
    wf.templates.remove(pos);
    wf.comments
        .retain(|c| !matches!(&c.on, CommentOn::Template(t) if t == id));
    Ok(())
}

/// The settings shared by creating and changing a template, read and checked from `body`.
struct TemplateFields<'a> {
    title: Option<&'a str>,
    summary: Option<&'a str>,
    owner_id: Option<i64>,
    webhook: Option<&'a str>,
    guidance: Option<&'a str>,
    is_public: Option<bool>,
    is_public_kickoff: Option<bool>,
    default_process_name_format: Option<&'a str>,
    auto_naming: Option<bool>,
    users: Option<Vec<i64>>,
    groups: Option<Vec<String>>,
    prerun: Option<Vec<(Option<String>, Field)>>,
    /// The sent settings of [`TEMPLATE_TEXTS`] and [`TEMPLATE_SWITCHES`].
    settings: Map<String, Value>,
}

/// Reads the fields both template calls take. `title` is required by both; `users` must be
/// members and `groups` groups (`users.<i>`, `groups.<i>`). The errors so far are in `v`.
fn template_fields<'a>(
    v: &mut Validator<'a>,
    body: &'a Map<String, Value>,
    directory: &Directory<'_>,
    at: i64,
) -> TemplateFields<'a> {
    let title = v
        .required("title")
        .then(|| v.text("title", false, Some(1), Some(250)))
        .flatten();
    let summary = v.text("summary", false, None, Some(2000));
    let owner_id = member_field(v, "owner_id", directory.members);
    v.url("webhook");
    v.url("explanation_video");
    let webhook = body.get("webhook").and_then(Value::as_str);
    let guidance = v.string("guidance", false);
    let is_public = v.boolean("is_public");
    let is_public_kickoff = v.boolean("is_public_kickoff");
    let default_process_name_format = v.text("default_process_name_format", false, None, Some(550));
    let auto_naming = v.boolean("auto_naming");
    let users = v.integer_array("users");
    for (i, u) in users.iter().flatten().enumerate() {
        if !directory.members.contains(u) {
            v.fail(
                &format!("users.{i}"),
                format!("The selected users.{i} is invalid."),
            );
        }
    }
    let mut settings = Map::new();
    for key in TEMPLATE_TEXTS {
        if let Some(s) = v.string(key, false) {
            settings.insert(key.to_string(), Value::String(s.to_string()));
        }
    }
    for key in TEMPLATE_SWITCHES {
        if let Some(b) = v.boolean(key) {
            settings.insert(key.to_string(), Value::Bool(b));
        }
    }
    let mut errors = std::mem::take(&mut v.errors);
    let groups = string_array(body, "groups", &mut errors);
    for (i, g) in groups.iter().flatten().enumerate() {
        if !directory.groups.iter().any(|group| &group.id == g) {
            fail(
                &mut errors,
                &format!("groups.{i}"),
                format!("The selected groups.{i} is invalid."),
            );
        }
    }
    let prerun = body
        .contains_key("prerun")
        .then(|| field_definitions(body, "prerun", FormOf::Kickoff, at, &mut errors));
    v.errors = errors;
    TemplateFields {
        title,
        summary,
        owner_id,
        webhook,
        guidance,
        is_public,
        is_public_kickoff,
        default_process_name_format,
        auto_naming,
        users,
        groups,
        prerun,
        settings,
    }
}

/// Gives the new fields of a kick-off form their ids (an entry that named an existing field keeps
/// that field's id, alias and creation time). 422 on `prerun.<i>.id` for an id the template does
/// not have.
fn kickoff_form(
    wf: &mut Workflow,
    template_id: &str,
    old: &[Field],
    entries: Vec<(Option<String>, Field)>,
) -> Result<Vec<Field>, Refusal> {
    let mut errors = FieldErrors::new();
    let mut out = Vec::new();
    for (i, (id, mut field)) in entries.into_iter().enumerate() {
        field.parent_id = template_id.to_string();
        match id {
            Some(id) => match old.iter().find(|f| f.id == id) {
                Some(kept) => {
                    field.alias = kept.alias.clone();
                    field.created_at = kept.created_at;
                    field.id = id;
                }
                None => {
                    let at = format!("prerun.{i}.id");
                    fail(&mut errors, &at, format!("The selected {at} is invalid."));
                }
            },
            None => {
                field.id = wf.new_id();
                field.alias = format!("{}-{}", slug(&field.label), &field.id[..6]);
            }
        }
        out.push(field);
    }
    invalid_unless_ok(errors)?;
    Ok(out)
}

/// `POST /checklists`: a template with its settings and kick-off form, and no steps. Refusals
/// (422): `title` and `type` required, lengths, URLs, and members, groups and kick-off fields as
/// [`template_fields`] and [`field_definitions`] check them (`user_id` must be a member too).
pub(crate) fn create_template(
    wf: &mut Workflow,
    body: &Map<String, Value>,
    actor: Actor<'_>,
    directory: &Directory<'_>,
    at: i64,
) -> Result<usize, Refusal> {
    let mut v = Validator::new(body);
    let kind = v
        .required("type")
        .then(|| v.one_of("type", false, &["procedure", "form", "document"]))
        .flatten();
    let user_id = member_field(&mut v, "user_id", directory.members);
    let starred = v.boolean("starred");
    let fields = template_fields(&mut v, body, directory, at);
    invalid_unless_ok(std::mem::take(&mut v.errors))?;
    let (Some(title), Some(kind)) = (fields.title, kind) else {
        return Err(Refusal::one("title", "The given data was invalid."));
    };
    let id = wf.new_id();
    let prerun = kickoff_form(wf, &id, &[], fields.prerun.unwrap_or_default())?;
    let kind = match kind {
        "form" => "form",
        "document" => "document",
        _ => "procedure",
    };
    let creator = user_id.unwrap_or(actor.user);
    let increment_id = wf.next_template_no();
    wf.templates.push(Template {
        increment_id,
        alias: format!("{}-{}", slug(title), &id[..6]),
        id,
        title: title.to_string(),
        summary: fields.summary.map(str::to_string),
        kind,
        starred: starred.unwrap_or(false),
        webhook: fields.webhook.map(str::to_string),
        guidance: fields.guidance.map(str::to_string),
        prerun,
        created_by: creator,
        owner_id: fields.owner_id.unwrap_or(creator),
        created_at: at,
        last_updated: at,
        archived_at: None,
        is_public: fields.is_public.unwrap_or(false),
        is_public_kickoff: fields.is_public_kickoff.unwrap_or(false),
        default_process_name_format: fields.default_process_name_format.map(str::to_string),
        auto_naming: fields.auto_naming.unwrap_or(false),
        users: fields.users.unwrap_or_default(),
        groups: fields.groups.unwrap_or_default(),
        steps: Vec::new(),
        tags: Vec::new(),
        settings: fields.settings,
    });
    Ok(wf.templates.len() - 1)
}

/// `PUT /checklists/{id}/steps/{step}`: changes one step of a live template (404 for an unknown
/// or archived template or an unknown step). `title` is required; what is left out is kept. Tasks
/// already launched keep the step as it was (each holds its own copy).
pub(crate) fn update_step(
    wf: &mut Workflow,
    id: &str,
    step_id: &str,
    body: &Map<String, Value>,
    at: i64,
) -> Result<(usize, usize), Refusal> {
    let pos = wf.live_template_pos(id).ok_or(Refusal::NotFound)?;
    let step = wf.templates[pos]
        .steps
        .iter()
        .position(|s| s.id == step_id)
        .ok_or(Refusal::NotFound)?;
    let mut v = Validator::new(body);
    let title = v
        .required("title")
        .then(|| v.text("title", false, Some(1), Some(600)))
        .flatten();
    let summary = v.string("summary", false);
    let step_type = v
        .one_of(
            "step_type",
            false,
            &["task", "approval", "expiring", "email", "expiring_email"],
        )
        .and_then(StepType::parse);
    v.url("webhook");
    let webhook = body.get("webhook").and_then(Value::as_str);
    let everyone_must_complete = v.boolean("everyone_must_complete");
    let can_complete_only_assignees = v.boolean("can_complete_only_assignees");
    let prevent_guest_comment = v.boolean("prevent_guest_comment");
    let max_assignable = v.integer("max_assignable");
    if max_assignable.is_some_and(|n| n < 0) {
        v.fail(
            "max_assignable",
            "The max assignable must be at least 0.".into(),
        );
    }
    invalid_unless_ok(std::mem::take(&mut v.errors))?;
    let t = &mut wf.templates[pos];
    let s = &mut t.steps[step];
    if let Some(title) = title {
        s.title = title.to_string();
    }
    if let Some(summary) = summary {
        s.summary = Some(summary.to_string());
    }
    if let Some(ty) = step_type {
        s.step_type = ty;
    }
    if let Some(url) = webhook {
        s.webhook = Some(url.to_string());
    }
    if let Some(b) = everyone_must_complete {
        s.everyone_must_complete = b;
    }
    if let Some(b) = can_complete_only_assignees {
        s.can_complete_only_assignees = b;
    }
    if let Some(b) = prevent_guest_comment {
        s.prevent_guest_comment = b;
    }
    if let Some(n) = max_assignable {
        s.max_assignable = n;
    }
    t.last_updated = at;
    Ok((pos, step))
}

/// `PUT /checklists/{id}`: changes a live template (404 unknown or archived). `title` is required;
/// `users` and `groups` are emptied when left out (Tallyfy's own trap, reproduced); a sent
/// `prerun` is the whole kick-off form (see [`kickoff_form`]), a missing one leaves it alone.
pub(crate) fn update_template(
    wf: &mut Workflow,
    id: &str,
    body: &Map<String, Value>,
    directory: &Directory<'_>,
    at: i64,
) -> Result<usize, Refusal> {
    let pos = wf.live_template_pos(id).ok_or(Refusal::NotFound)?;
    let mut v = Validator::new(body);
    let fields = template_fields(&mut v, body, directory, at);
    invalid_unless_ok(std::mem::take(&mut v.errors))?;
    let prerun = match fields.prerun {
        Some(entries) => {
            let old = wf.templates[pos].prerun.clone();
            Some(kickoff_form(wf, id, &old, entries)?)
        }
        None => None,
    };
    let t = &mut wf.templates[pos];
    if let Some(title) = fields.title {
        t.title = title.to_string();
    }
    if let Some(s) = fields.summary {
        t.summary = Some(s.to_string());
    }
    if let Some(o) = fields.owner_id {
        t.owner_id = o;
    }
    if let Some(w) = fields.webhook {
        t.webhook = Some(w.to_string());
    }
    if let Some(g) = fields.guidance {
        t.guidance = Some(g.to_string());
    }
    if let Some(b) = fields.is_public {
        t.is_public = b;
    }
    if let Some(b) = fields.is_public_kickoff {
        t.is_public_kickoff = b;
    }
    if let Some(f) = fields.default_process_name_format {
        t.default_process_name_format = Some(f.to_string());
    }
    if let Some(b) = fields.auto_naming {
        t.auto_naming = b;
    }
    t.users = fields.users.unwrap_or_default();
    t.groups = fields.groups.unwrap_or_default();
    if let Some(prerun) = prerun {
        t.prerun = prerun;
    }
    t.settings.extend(fields.settings);
    t.last_updated = at;
    Ok(pos)
}
