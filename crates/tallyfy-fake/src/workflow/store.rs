//! [`Workflow`]: every template, process, task and comment; ids; lookups; and the JSON of the
//! records whose rendering reads other records (a process's progress reads its tasks, a task's
//! `problem` reads its comments).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::{Value, json};

use super::activity::{Activity, Entity};
use super::model::{
    Asset, Comment, CommentOn, Field, Owners, Process, RunStatus, Tag, Task, TaskStatus, Template,
};
use super::time::{Stamp, ts, ts_json};
use crate::hash::mix;

/// Tasks that are due within this many seconds count as `due_soon`.
pub(crate) const DUE_SOON: i64 = 7 * 86_400;

/// The workflow records of the fake's organization.
#[derive(Debug, Default)]
pub(crate) struct Workflow {
    seed: u64,
    /// How many ids have been handed out; the next id is derived from the seed and this.
    ids_issued: u64,
    pub templates: Vec<Template>,
    /// In launch order. Add with `push_process`; after removing any, call `reindex`.
    pub processes: Vec<Process>,
    /// In launch order, each process's tasks in position order. Add with `push_task`.
    pub tasks: Vec<Task>,
    /// Process id to position in `processes`.
    process_index: HashMap<String, usize>,
    /// Task id to position in `tasks`.
    task_index: HashMap<String, usize>,
    /// Each process's tasks (positions in `tasks`), so that what a process shows costs its own
    /// tasks, not every task of the organization.
    run_tasks: HashMap<String, Vec<usize>>,
    /// In creation order.
    pub comments: Vec<Comment>,
    /// In creation order.
    pub tags: Vec<Tag>,
    /// Uploaded files, in upload order.
    pub assets: Vec<Asset>,
    /// The audit trail, oldest first. Add with `log`.
    pub activities: Vec<Activity>,
    /// Bytes held by `assets`, kept under [`ASSET_BYTES_LIMIT`].
    pub asset_bytes: usize,
    next_template_no: i64,
    next_process_no: i64,
    next_task_no: i64,
}

/// The template settings the fake keeps and shows but does not act on: text, `null` until a call
/// sets it...
pub(crate) const TEMPLATE_TEXTS: &[&str] =
    &["folder_id", "icon", "explanation_video", "public_cover"];
/// ...and switches, `false` until a call sets them.
pub(crate) const TEMPLATE_SWITCHES: &[&str] = &[
    "is_featured",
    "dual_version_enabled",
    "folderize_process",
    "tag_process",
    "allow_launcher_change_name",
    "can_add_oot",
];

/// The most bytes the uploaded files may hold together (1 GiB); an upload past it is a 422 on
/// `name`, so a long-running demo cannot be made to eat the machine's memory.
pub(crate) const ASSET_BYTES_LIMIT: usize = 1 << 30;

/// A serial number counter's first value.
const FIRST_INCREMENT: i64 = 1;

impl Workflow {
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            next_template_no: FIRST_INCREMENT,
            next_process_no: FIRST_INCREMENT,
            next_task_no: FIRST_INCREMENT,
            ..Self::default()
        }
    }

    /// A new 32-hex id, derived from the seed and how many ids came before it.
    pub fn new_id(&mut self) -> String {
        self.ids_issued += 1;
        let a = mix(self.seed ^ mix(self.ids_issued));
        let b = mix(a ^ self.ids_issued.rotate_left(32));
        format!("{a:016x}{b:016x}")
    }

    pub fn next_template_no(&mut self) -> i64 {
        self.next_template_no += 1;
        self.next_template_no - 1
    }

    pub fn next_process_no(&mut self) -> i64 {
        self.next_process_no += 1;
        self.next_process_no - 1
    }

    pub fn next_task_no(&mut self) -> i64 {
        self.next_task_no += 1;
        self.next_task_no - 1
    }

    /// The tag with this id.
    pub fn tag_pos(&self, id: &str) -> Option<usize> {
        self.tags.iter().position(|t| t.id == id)
    }

    /// The asset with this id.
    pub fn asset_pos(&self, id: &str) -> Option<usize> {
        self.assets.iter().position(|a| a.id == id)
    }

    /// A tag's JSON, with `statistics` (live and archived templates and processes carrying it)
    /// when asked.
    pub fn tag_json(&self, t: &Tag, with_statistics: bool) -> Value {
        let mut v = t.to_json();
        if with_statistics {
            let count = |archived: bool, tpl: bool| -> usize {
                if tpl {
                    self.templates
                        .iter()
                        .filter(|x| x.archived_at.is_some() == archived && x.tags.contains(&t.id))
                        .count()
                } else {
                    self.processes
                        .iter()
                        .filter(|x| x.archived_at.is_some() == archived && x.tags.contains(&t.id))
                        .count()
                }
            };
            v["statistics"] = json!({"data": {
                "active_template": count(false, true),
                "archived_template": count(true, true),
                "active_process": count(false, false),
                "archived_process": count(true, false),
            }});
        }
        v
    }

    /// The JSON of the tags with these ids (unknown ids are left out).
    fn tags_json(&self, ids: &[String]) -> Value {
        let tags: Vec<Value> = ids
            .iter()
            .filter_map(|id| self.tag_pos(id))
            .map(|i| self.tags[i].to_json())
            .collect();
        json!({ "data": tags })
    }

    /// The template with this id, archived or not.
    pub fn template_pos(&self, id: &str) -> Option<usize> {
        self.templates.iter().position(|t| t.id == id)
    }

    /// The template with this id unless it is archived (archived templates are invisible to
    /// lookups: get and launch answer 404).
    pub fn live_template_pos(&self, id: &str) -> Option<usize> {
        self.template_pos(id)
            .filter(|&p| self.templates[p].archived_at.is_none())
    }

    pub fn process_pos(&self, id: &str) -> Option<usize> {
        self.process_index.get(id).copied()
    }

    /// Records that `actor` did `verb` to `subject` at `at`.
    pub fn log(
        &mut self,
        verb: &'static str,
        subject: (Entity, &str),
        description: String,
        actor: i64,
        at: i64,
    ) {
        // What the subject belongs to, found from the records.
        let (parent, run) = match subject.0 {
            Entity::Task => {
                let run = self
                    .task_pos(subject.1)
                    .and_then(|t| self.tasks[t].run_id.clone());
                (run.clone().map(|r| (Entity::Run, r)), None)
            }
            Entity::Thread => match self.comments.iter().find(|c| c.id == subject.1) {
                Some(c) => match &c.on {
                    CommentOn::Task(t) => {
                        let run = self.task_pos(t).and_then(|i| self.tasks[i].run_id.clone());
                        (Some((Entity::Task, t.clone())), run)
                    }
                    CommentOn::Process(r) => (Some((Entity::Run, r.clone())), None),
                    CommentOn::Template(t) => (Some((Entity::Checklist, t.clone())), None),
                },
                None => (None, None),
            },
            Entity::Run => {
                let template = self
                    .process_pos(subject.1)
                    .map(|p| self.processes[p].checklist_id.clone());
                (template.map(|t| (Entity::Checklist, t)), None)
            }
            Entity::Checklist => (None, None),
        };
        self.activities.push(Activity {
            id: self.activities.len() as i64 + 1,
            verb,
            subject: (subject.0, subject.1.to_string()),
            parent,
            run,
            description,
            actor_id: actor,
            created_at: at,
        });
    }

    pub fn task_pos(&self, id: &str) -> Option<usize> {
        self.task_index.get(id).copied()
    }

    pub fn push_process(&mut self, p: Process) {
        self.process_index
            .insert(p.id.clone(), self.processes.len());
        self.processes.push(p);
    }

    pub fn push_task(&mut self, t: Task) {
        self.task_index.insert(t.id.clone(), self.tasks.len());
        if let Some(run_id) = &t.run_id {
            self.run_tasks
                .entry(run_id.clone())
                .or_default()
                .push(self.tasks.len());
        }
        self.tasks.push(t);
    }

    /// Rebuilds the id indexes after processes or tasks were removed.
    pub fn reindex(&mut self) {
        self.process_index = (0..self.processes.len())
            .map(|i| (self.processes[i].id.clone(), i))
            .collect();
        self.task_index = (0..self.tasks.len())
            .map(|i| (self.tasks[i].id.clone(), i))
            .collect();
        self.run_tasks.clear();
        for (i, t) in self.tasks.iter().enumerate() {
            if let Some(run_id) = &t.run_id {
                self.run_tasks.entry(run_id.clone()).or_default().push(i);
            }
        }
    }

    /// The positions of a process's tasks, in the order they were made.
    pub fn run_tasks(&self, run_id: &str) -> &[usize] {
        self.run_tasks.get(run_id).map_or(&[], Vec::as_slice)
    }

    /// The positions of a process's tasks, in position order.
    pub fn tasks_of(&self, run_id: &str) -> Vec<usize> {
        let mut out = self.run_tasks(run_id).to_vec();
        out.sort_by_key(|&i| (self.tasks[i].position, self.tasks[i].increment_id));
        out
    }

    /// Whether the task has a problem nobody has resolved.
    pub fn task_problem(&self, task_id: &str) -> bool {
        self.comments
            .iter()
            .any(|c| c.task_id() == Some(task_id) && c.is_open_problem())
    }

    /// The ids of the tasks with a problem nobody has resolved.
    pub fn tasks_with_open_problems(&self) -> HashSet<&str> {
        self.comments
            .iter()
            .filter(|c| c.is_open_problem())
            .filter_map(Comment::task_id)
            .collect()
    }

    /// Whether the process itself, or any of its tasks, has an open problem.
    pub fn has_open_issue(&self, run_id: &str) -> bool {
        self.comments
            .iter()
            .filter(|c| c.is_open_problem())
            .any(|c| match &c.on {
                CommentOn::Process(r) => r == run_id,
                CommentOn::Task(t) => self
                    .task_pos(t)
                    .is_some_and(|i| self.tasks[i].run_id.as_deref() == Some(run_id)),
                CommentOn::Template(_) => false,
            })
    }

    /// The process's status as written: `archived` while archived, else `active` or `complete`.
    pub fn process_status(p: &Process) -> &'static str {
        match (p.archived_at, p.status) {
            (Some(_), _) => "archived",
            (None, RunStatus::Active) => "active",
            (None, RunStatus::Complete) => "complete",
        }
    }

    /// How many processes were launched from a template.
    pub fn started_processes(&self, template_id: &str) -> usize {
        self.processes
            .iter()
            .filter(|p| p.checklist_id == template_id)
            .count()
    }

    /// A template's JSON; `includes` are names from `with` (`steps`, `tags`, `folder`).
    pub fn template_json(&self, t: &Template, includes: &[&str]) -> Value {
        let mut v = json!({
            "id": t.id,
            "increment_id": t.increment_id,
            "title": t.title,
            "summary": t.summary,
            "type": t.kind,
            "status": "active",
            "starred": t.starred,
            "webhook": t.webhook,
            "guidance": t.guidance,
            "alias": t.alias,
            "prerun": t.prerun.iter().map(Field::kickoff_json).collect::<Vec<_>>(),
            "created_by": t.created_by,
            "owner_id": t.owner_id,
            "started_processes": self.started_processes(&t.id),
            "created_at": ts(t.created_at),
            "last_updated": ts(t.last_updated),
            "archived_at": ts_json(t.archived_at),
            "automated_actions": [],
            "steps_count": t.steps.len(),
            "is_public": t.is_public,
            "is_public_kickoff": t.is_public_kickoff,
            "default_process_name_format": t.default_process_name_format,
            "auto_naming": t.auto_naming,
            "users": t.users,
            "groups": t.groups,
        });
        for (keys, unset) in [
            (TEMPLATE_TEXTS, Value::Null),
            (TEMPLATE_SWITCHES, json!(false)),
        ] {
            for key in keys {
                v[*key] = t.settings.get(*key).cloned().unwrap_or(unset.clone());
            }
        }
        for name in includes {
            let include = match *name {
                "steps" => json!({"data": t.steps.iter().map(|s| s.to_json()).collect::<Vec<_>>()}),
                "tags" => self.tags_json(&t.tags),
                "folder" => json!({"data": null}),
                _ => continue,
            };
            v[*name] = include;
        }
        v
    }

    /// Progress of a process: `(complete, total)` tasks.
    pub fn progress(&self, run_id: &str) -> (usize, usize) {
        let mine = self.run_tasks(run_id).iter().map(|&i| &self.tasks[i]);
        let (mut done, mut total) = (0, 0);
        for t in mine {
            total += 1;
            if t.status == TaskStatus::Completed {
                done += 1;
            }
        }
        (done, total)
    }

    /// The first incomplete task by earliest deadline (ties by position), if any.
    pub fn next_task(&self, run_id: &str) -> Option<usize> {
        self.tasks_of(run_id)
            .into_iter()
            .filter(|&i| self.tasks[i].status != TaskStatus::Completed)
            .min_by_key(|&i| {
                (
                    self.tasks[i].deadline.unwrap_or(i64::MAX),
                    self.tasks[i].position,
                )
            })
    }

    /// A process's JSON; `includes` are names from `with` (`checklist`, `tasks`, `tags`,
    /// `next_task`, `form_fields`). `now` decides which tasks are late.
    pub fn process_json(&self, p: &Process, includes: &[&str], now: i64) -> Value {
        let task_ids = self.tasks_of(&p.id);
        let (done, total) = self.progress(&p.id);
        let percent = (done * 100 + total / 2).checked_div(total).unwrap_or(0);
        let open = || {
            task_ids
                .iter()
                .map(|&i| &self.tasks[i])
                .filter(|t| t.status != TaskStatus::Completed)
        };
        let late = open()
            .filter(|t| t.deadline.is_some_and(|d| d < now))
            .count();
        let due_date = task_ids
            .iter()
            .filter_map(|&i| self.tasks[i].deadline)
            .max();
        let mut collaborators: Vec<i64> = task_ids
            .iter()
            .flat_map(|&i| self.tasks[i].owners.users.iter().copied())
            .collect();
        collaborators.sort_unstable();
        collaborators.dedup();
        let mut v = json!({
            "id": p.id,
            "increment_id": p.increment_id,
            "checklist_id": p.checklist_id,
            "checklist_title": p.checklist_title,
            "name": p.name,
            "summary": p.summary,
            "status": Self::process_status(p),
            "progress": {"complete": done, "total": total, "percent": percent},
            "whole_progress": percent,
            "started_by": p.started_by,
            "owner_id": p.owner_id,
            "prerun": p.prerun,
            "prerun_status": "complete",
            "starred": p.starred,
            "created_at": ts(p.created_at),
            "started_at": ts(p.created_at),
            "last_updated": ts(p.last_updated),
            "archived_at": ts_json(p.archived_at),
            "completed_at": ts_json(p.completed_at),
            "due_date": ts_json(due_date),
            "late_tasks": late,
            "collaborators": collaborators,
            "type": p.kind,
            "is_public": p.is_public,
            "users": p.users,
            "groups": p.groups,
            "parent_id": p.parent_id,
            "has_open_issue": self.has_open_issue(&p.id),
        });
        for name in includes {
            let include = match *name {
                // Left out once the template is deleted for good.
                "checklist" => match self.template_pos(&p.checklist_id) {
                    Some(i) => json!({"data": self.template_json(&self.templates[i], &[])}),
                    None => continue,
                },
                "tasks" => json!({"data": task_ids
                    .iter()
                    .map(|&i| self.task_json(&self.tasks[i], &[], now))
                    .collect::<Vec<_>>()}),
                "tags" => self.tags_json(&p.tags),
                "next_task" => json!({"data": self
                    .next_task(&p.id)
                    .map(|i| self.task_json(&self.tasks[i], &[], now))
                    .into_iter()
                    .collect::<Vec<_>>()}),
                "form_fields" => json!({"data": p
                    .kickoff
                    .iter()
                    .map(|f| f.form_field_json(p.prerun.get(&f.id)))
                    .collect::<Vec<_>>()}),
                _ => continue,
            };
            v[*name] = include;
        }
        v
    }

    /// A task's JSON; `includes` are names from `with` (`run`, `step`, `threads`, `form_fields`,
    /// `tags`).
    pub fn task_json(&self, t: &Task, includes: &[&str], now: i64) -> Value {
        serde_json::to_value(self.task_view(t, includes, now)).expect("a task always serializes")
    }

    /// The task as [`TaskView`]: what [`task_json`](Self::task_json) holds, written straight from
    /// the records when serialized.
    pub fn task_view<'a>(&'a self, t: &'a Task, includes: &[&str], now: i64) -> TaskView<'a> {
        let process = t
            .run_id
            .as_deref()
            .and_then(|r| self.process_pos(r))
            .map(|i| &self.processes[i]);
        // A one-off task's step is its own, in no template: it has no id to show.
        let step = (!t.oneoff).then_some(&t.step);
        let mut view = TaskView {
            alias: step.map(|s| s.alias.as_str()),
            archived_at: Stamp(t.archived_at.or(process.and_then(|p| p.archived_at))),
            can_complete_only_assignees: t.step.can_complete_only_assignees,
            checklist_id: t.checklist_id.as_deref(),
            completed_at: Stamp(t.completed_at),
            completer_id: t.completer_id,
            created_at: Stamp(Some(t.created_at)),
            deadline: Stamp(t.deadline),
            everyone_must_complete: t.step.everyone_must_complete,
            form_fields: None,
            id: &t.id,
            increment_id: t.increment_id,
            is_approved: t.is_approved,
            is_completable: t.status != TaskStatus::Completed,
            is_oneoff_task: t.oneoff,
            is_soft_start_date: t.is_soft_start_date,
            last_updated: Stamp(Some(t.last_updated)),
            max_assignable: t.max_assignable,
            owners: &t.owners,
            position: t.position,
            prevent_guest_comment: t.prevent_guest_comment,
            problem: self.task_problem(&t.id),
            run: None,
            run_id: t.run_id.as_deref(),
            started_at: Stamp(t.started_at),
            status: t.status.as_str(),
            status_label: t.status.label(),
            step: None,
            step_id: step.map(|s| s.id.as_str()),
            summary: t.summary.as_deref(),
            tags: None,
            task_type: t.step.step_type.as_str(),
            taskdata: &t.taskdata,
            threads: None,
            title: &t.title,
            top_secret: t.top_secret,
            webhook: t.webhook.as_deref(),
        };
        for name in includes {
            match *name {
                "run" => {
                    view.run =
                        Some(json!({"data": process.map(|p| self.process_json(p, &[], now))}))
                }
                "step" => view.step = step.map(|s| json!({"data": s.to_json()})),
                "threads" => {
                    view.threads = Some(json!({"data": self
                        .comments
                        .iter()
                        .filter(|c| c.task_id() == Some(t.id.as_str()))
                        .map(Comment::to_json)
                        .collect::<Vec<_>>()}))
                }
                "tags" => view.tags = Some(self.tags_json(&t.tags)),
                "form_fields" => {
                    view.form_fields = Some(json!({"data": t
                        .step
                        .captures
                        .iter()
                        .map(|f| f.form_field_json(t.taskdata.get(&f.id)))
                        .collect::<Vec<_>>()}))
                }
                _ => {}
            }
        }
        view
    }
}

/// A task as the API shows it, borrowed from the records. Keys in alphabetical order, as a JSON
/// object built from a map would have them; the includes (`run`, `step`, `threads`,
/// `form_fields`) only when asked.
#[derive(Debug, Serialize)]
pub(crate) struct TaskView<'a> {
    alias: Option<&'a str>,
    archived_at: Stamp,
    can_complete_only_assignees: bool,
    checklist_id: Option<&'a str>,
    completed_at: Stamp,
    completer_id: Option<i64>,
    created_at: Stamp,
    deadline: Stamp,
    everyone_must_complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    form_fields: Option<Value>,
    id: &'a str,
    increment_id: i64,
    is_approved: Option<bool>,
    is_completable: bool,
    is_oneoff_task: bool,
    is_soft_start_date: bool,
    last_updated: Stamp,
    max_assignable: i64,
    owners: &'a Owners,
    position: i64,
    prevent_guest_comment: bool,
    problem: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<Value>,
    run_id: Option<&'a str>,
    started_at: Stamp,
    status: &'static str,
    status_label: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<Value>,
    step_id: Option<&'a str>,
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Value>,
    task_type: &'static str,
    taskdata: &'a serde_json::Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threads: Option<Value>,
    title: &'a str,
    top_secret: bool,
    webhook: Option<&'a str>,
}
