//! The task operations (organization list, my tasks, a process's tasks, get, update, saving one
//! form value, complete, reopen) and the one-off task operations. Comments are in `comments.rs`.
//!
//! | operation | success | refusals |
//! |---|---|---|
//! | list_tasks, list_my_tasks, list_process_tasks | 200 list (default 10 a page) | 422 bad query parameter; 404 unknown process |
//! | get_task | 200 (archived one-off tasks too) | 404 |
//! | update_task, update_oneoff_task | 200 | 404, 422 (`run_id` archived, `task_id` completed or archived, field rules, `taskdata.<id>`; one-off: `title`, `deadline`, `owners` required, owners must exist) |
//! | complete_task, complete_oneoff_task | 200 (again: 200, unchanged) | 404, 422 (`task_id`, `is_approved`, `taskdata.<id>` required, `override_user`) |
//! | reopen_task, reopen_oneoff_task | 200 | 404, 422 on `task_id` unless completed |
//! | create_oneoff_task | 201 | 422 (field rules, unknown owners, groups, tags or `run_id`) |
//! | archive_oneoff_task, delete_oneoff_task | 204 | 404 |
//! | restore_oneoff_task | 200 | 404 |
//! | save_capture_value | 200, no body | 404, 422 (`task_id` completed, `id` no field of the task, `value` by the field's type) |
//!
//! The one-off routes take standalone tasks only: a task in a process (launched, or one-off in a
//! process) is a 422 on `task_id` there, naming the process.
//!
//! Sorts are free strings in the spec, so an unknown one gives the default order.
//!
//! Status filters: `active` = active or in progress; `incomplete` = not completed; `inprogress`;
//! `not-started`; `complete`/`completed`; `hasproblem` = an open problem; `overdue` = not
//! completed and past its deadline; `due_soon` = not completed and due within 7 days; `all`.
//! Tasks of archived processes are left out of the organization and my-tasks lists unless
//! `archived=true` (or `only`) asks for them.

use axum::body::Body;
use http::{Response, StatusCode};
use serde_json::{Value, json};

use crate::pagination::PageWindow;
use crate::routes::processes::{People, actor_parts, log};
use crate::routes::request::{
    Ctx, Paging, bool_param, data, empty, enum_param, includes, int_list_param, list_response,
    no_content, nonempty, refused, sort_param,
};
use crate::state::{State, now};
use crate::workflow::Workflow;
use crate::workflow::activity::Entity;
use crate::workflow::model::{Task, TaskStatus};
use crate::workflow::ops::{self, Actor, Via};
use crate::workflow::store::DUE_SOON;
use crate::workflow::time::{ts, ts_json};

/// The default page size of the task lists.
pub const DEFAULT_PER_PAGE: u64 = 10;

const INCLUDES: &[&str] = &["run", "step", "threads", "form_fields", "tags"];
const ORG_STATUSES: &[&str] = &[
    "active",
    "complete",
    "completed",
    "incomplete",
    "inprogress",
    "overdue",
    "due_soon",
    "hasproblem",
];
const MY_STATUSES: &[&str] = &[
    "active",
    "completed",
    "complete",
    "overdue",
    "due_soon",
    "hasproblem",
    "all",
];
const RUN_STATUSES: &[&str] = &[
    "complete",
    "active",
    "active_visible",
    "incomplete",
    "inprogress",
    "not-started",
    "hasproblem",
    "overdue",
    "due_soon",
];

fn status_matches(wf: &Workflow, t: &Task, status: &str, now: i64) -> bool {
    let open = t.status != TaskStatus::Completed;
    match status {
        "active" | "active_visible" => {
            matches!(t.status, TaskStatus::Active | TaskStatus::InProgress)
        }
        "incomplete" => open,
        "inprogress" => t.status == TaskStatus::InProgress,
        "not-started" => t.status == TaskStatus::NotStarted,
        "complete" | "completed" => !open,
        "hasproblem" => wf.task_problem(&t.id),
        "overdue" => open && t.deadline.is_some_and(|d| d < now),
        "due_soon" => open && t.deadline.is_some_and(|d| d >= now && d < now + DUE_SOON),
        _ => true,
    }
}

/// Which tasks (by position) are archived: archived one-off tasks, and the tasks of archived
/// processes, gathered once per list from those processes' own tasks, so that filtering needs no
/// lookup per task.
fn archived_tasks(wf: &Workflow) -> Vec<bool> {
    let mut hidden: Vec<bool> = wf.tasks.iter().map(|t| t.archived_at.is_some()).collect();
    for p in wf.processes.iter().filter(|p| p.archived_at.is_some()) {
        for &i in wf.run_tasks(&p.id) {
            hidden[i] = true;
        }
    }
    hidden
}

/// The page's task positions in the asked order: `deadline` (earliest first, none last), `newest`
/// (latest created first), `problems` (open problems first, then by deadline), `completed_newest`
/// (latest completed first), `position`; `desc` reverses the order. Ties go by serial number. Only
/// the page's own tasks are sorted (see [`PageWindow::sorted`]), and keys are computed once per task.
fn page_order(
    wf: &Workflow,
    picked: &[usize],
    field: &str,
    desc: bool,
    window: &PageWindow,
) -> Vec<usize> {
    let t = |i: usize| &wf.tasks[i];
    match field {
        "newest" => window.sorted(picked, desc, |i| {
            std::cmp::Reverse((t(i).created_at, t(i).increment_id))
        }),
        "problems" => {
            let open = wf.tasks_with_open_problems();
            window.sorted(picked, desc, |i| {
                (
                    !open.contains(t(i).id.as_str()),
                    t(i).deadline.unwrap_or(i64::MAX),
                    t(i).increment_id,
                )
            })
        }
        "completed_newest" => window.sorted(picked, desc, |i| {
            (
                std::cmp::Reverse(t(i).completed_at.unwrap_or(i64::MIN)),
                t(i).increment_id,
            )
        }),
        "position" => window.sorted(picked, desc, |i| (t(i).position, t(i).increment_id)),
        _ => window.sorted(picked, desc, |i| {
            (t(i).deadline.unwrap_or(i64::MAX), t(i).increment_id)
        }),
    }
}

/// One page of the tasks at `picked`, ordered by `field`.
fn page_of(
    st: &State,
    ctx: &Ctx<'_>,
    paging: &Paging,
    picked: &[usize],
    (field, desc): (&str, bool),
    with: &[&str],
    at: i64,
) -> Response<Body> {
    let window = paging.window(picked.len());
    let items: Vec<_> = page_order(&st.workflow, picked, field, desc, &window)
        .into_iter()
        .map(|i| st.task_item(i, with, at))
        .collect();
    list_response(ctx, &window, items)
}

/// `GET /organizations/{org}/tasks`
pub(crate) fn list(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let run = || -> Result<Response<Body>, Response<Body>> {
        let paging = Paging::read(ctx, DEFAULT_PER_PAGE, st.page_cap)?;
        let with = includes(ctx, INCLUDES)?;
        let (field, desc) = sort_param(
            ctx,
            &["sort"],
            &[
                "deadline",
                "-deadline",
                "newest",
                "-newest",
                "problems",
                "-problems",
                "completed_newest",
                "-completed_newest",
            ],
            "deadline",
            false,
        )?;
        let status = enum_param(ctx, "status", ORG_STATUSES)?;
        let owners = int_list_param(ctx, "owners");
        let oneoff = enum_param(ctx, "is_oneoff", &["true", "false"])?.map(|v| v == "true");
        let unassigned = bool_param(ctx, "unassigned")?;
        let archived = enum_param(ctx, "archived", &["only", "true"])?;
        let q = nonempty(ctx, "q").map(str::to_lowercase);
        let at = now();
        let wf = &st.workflow;
        let archived_tasks = archived_tasks(wf);
        let picked: Vec<usize> = (0..wf.tasks.len())
            .filter(|&i| {
                let t = &wf.tasks[i];
                let hidden = archived_tasks[i];
                let archived_ok = match archived {
                    Some("only") => hidden,
                    Some("true") => true,
                    _ => !hidden,
                };
                let name_ok = q.as_deref().is_none_or(|q| {
                    t.title.to_lowercase().contains(q)
                        || t.run_id
                            .as_deref()
                            .and_then(|r| wf.process_pos(r))
                            .is_some_and(|p| wf.processes[p].name.to_lowercase().contains(q))
                });
                archived_ok
                    && name_ok
                    && oneoff.is_none_or(|o| t.oneoff == o)
                    && unassigned.is_none_or(|u| t.owners.is_empty() == u)
                    && owners
                        .as_ref()
                        .is_none_or(|ids| t.owners.users.iter().any(|u| ids.contains(u)))
                    && status.is_none_or(|s| status_matches(wf, t, s, at))
            })
            .collect();
        Ok(page_of(st, ctx, &paging, &picked, (field, desc), &with, at))
    };
    run().unwrap_or_else(|res| res)
}

/// `GET /organizations/{org}/me/tasks`: tasks assigned to the token's user (the default
/// administrator).
pub(crate) fn list_mine(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let run = || -> Result<Response<Body>, Response<Body>> {
        let paging = Paging::read(ctx, DEFAULT_PER_PAGE, st.page_cap)?;
        let (field, desc) = sort_param(
            ctx,
            &["sort"],
            &["deadline", "-deadline", "newest", "problems"],
            "deadline",
            false,
        )?;
        let status = enum_param(ctx, "status", MY_STATUSES)?.unwrap_or("active");
        let (me, _) = actor_parts(st);
        let at = now();
        let wf = &st.workflow;
        let archived_tasks = archived_tasks(wf);
        let picked: Vec<usize> = (0..wf.tasks.len())
            .filter(|&i| {
                let t = &wf.tasks[i];
                !archived_tasks[i]
                    && t.owners.users.contains(&me)
                    && status_matches(wf, t, status, at)
            })
            .collect();
        Ok(page_of(st, ctx, &paging, &picked, (field, desc), &[], at))
    };
    run().unwrap_or_else(|res| res)
}

/// `GET /organizations/{org}/runs/{id}/tasks`
pub(crate) fn list_of_process(st: &mut State, ctx: &Ctx<'_>, run_id: &str) -> Response<Body> {
    let run = || -> Result<Response<Body>, Response<Body>> {
        if st.workflow.process_pos(run_id).is_none() {
            return Err(crate::errors::resource_not_found());
        }
        let paging = Paging::read(ctx, DEFAULT_PER_PAGE, st.page_cap)?;
        let with = includes(ctx, INCLUDES)?;
        let (field, desc) = sort_param(
            ctx,
            &["sort"],
            &["position", "-position", "deadline", "-deadline"],
            "position",
            false,
        )?;
        let status = enum_param(ctx, "status", RUN_STATUSES)?;
        let owners = int_list_param(ctx, "owners");
        let unassigned = bool_param(ctx, "unassigned")?;
        let at = now();
        let wf = &st.workflow;
        let picked: Vec<usize> = wf
            .tasks_of(run_id)
            .into_iter()
            .filter(|&i| {
                let t = &wf.tasks[i];
                unassigned.is_none_or(|u| t.owners.is_empty() == u)
                    && owners
                        .as_ref()
                        .is_none_or(|ids| t.owners.users.iter().any(|u| ids.contains(u)))
                    && status.is_none_or(|s| status_matches(wf, t, s, at))
            })
            .collect();
        Ok(page_of(st, ctx, &paging, &picked, (field, desc), &with, at))
    };
    run().unwrap_or_else(|res| res)
}

/// `GET /organizations/{org}/tasks/{id}`
pub(crate) fn get(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    let with = match includes(ctx, INCLUDES) {
        Ok(w) => w,
        Err(res) => return res,
    };
    let wf = &st.workflow;
    match wf.task_pos(id) {
        Some(i) => data(StatusCode::OK, st.task_out(i, &with, now(), false)),
        None => crate::errors::resource_not_found(),
    }
}

/// Records `verb` (described as `done`, "Completed") on the task at `pos` in the audit trail.
fn log_task(st: &mut State, pos: usize, verb: &'static str, done: &str) {
    let t = &st.workflow.tasks[pos];
    let (id, description) = (t.id.clone(), format!("{done} task: {}", t.title));
    log(st, verb, (Entity::Task, &id), description);
}

/// `POST /organizations/{org}/tasks`: 201 with the task; a task made per assignee also carries
/// its new process in `run`, bare (`{id, name, started_at}`), as Tallyfy's page shows it.
pub(crate) fn create(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let people = People::of(st);
    let at = now();
    match ops::create_oneoff(
        &mut st.workflow,
        &body,
        people.actor(),
        &people.directory(),
        at,
    ) {
        Ok(i) => {
            log_task(st, i, "created", "Created");
            let mut v = st.task_out(i, &[], at, false);
            let wf = &st.workflow;
            if let Some(p) = wf.tasks[i]
                .run_id
                .as_deref()
                .and_then(|r| wf.process_pos(r))
                && wf.processes[p].checklist_id == ops::MISC_TEMPLATE_ID
            {
                let p = &wf.processes[p];
                v["run"] = json!({"id": p.id, "name": p.name, "started_at": ts(p.created_at)});
            }
            data(StatusCode::CREATED, v)
        }
        Err(r) => refused(r),
    }
}

/// `PUT /organizations/{org}/runs/{run}/tasks/{task}` and `PUT /organizations/{org}/tasks/{task}`
pub(crate) fn update(st: &mut State, ctx: &Ctx<'_>, via: Via<'_>, task_id: &str) -> Response<Body> {
    let wf = &st.workflow;
    let known = match via {
        Via::Run(run_id) => {
            wf.process_pos(run_id).is_some()
                && wf
                    .task_pos(task_id)
                    .is_some_and(|t| wf.tasks[t].run_id.as_deref() == Some(run_id))
        }
        Via::Oneoff => wf.task_pos(task_id).is_some(),
    };
    if !known {
        return crate::errors::resource_not_found();
    }
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let people = People::of(st);
    let at = now();
    match ops::update_task(
        &mut st.workflow,
        via,
        task_id,
        &body,
        &people.directory(),
        at,
    ) {
        Ok(i) => {
            log_task(st, i, "updated", "Updated");
            data(StatusCode::OK, st.task_out(i, &[], at, false))
        }
        Err(r) => refused(r),
    }
}

/// `POST /organizations/{org}/tasks/{id}/captures`: one form value; `200` with no body (Tallyfy
/// documents none).
pub(crate) fn save_capture_value(st: &mut State, ctx: &Ctx<'_>, task_id: &str) -> Response<Body> {
    if st.workflow.task_pos(task_id).is_none() {
        return crate::errors::resource_not_found();
    }
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    match ops::save_capture_value(&mut st.workflow, task_id, &body, now()) {
        Ok(i) => {
            log_task(st, i, "updated", "Updated");
            empty(StatusCode::OK)
        }
        Err(r) => refused(r),
    }
}

/// A task's state after completing or reopening it; a process's task also names the tasks its
/// rules changed (none, in the fake).
fn task_state(t: &Task) -> Value {
    let mut v = json!({
        "id": t.id,
        "title": t.title,
        "status": if t.status == TaskStatus::Completed { "completed" } else { "in-progress" },
        "completed_at": ts_json(t.completed_at),
        "completer_id": t.completer_id,
        "is_approved": t.is_approved,
    });
    if t.status != TaskStatus::Completed {
        v["completer_guest_id"] = Value::Null;
    }
    if t.run_id.is_some() {
        v["tasks_changed_by_rules"] = json!({});
    }
    v
}

/// `POST /organizations/{org}/runs/{run}/completed-tasks` and `POST /organizations/{org}/completed-tasks`
pub(crate) fn complete(st: &mut State, ctx: &Ctx<'_>, via: Via<'_>) -> Response<Body> {
    if let Via::Run(run_id) = via
        && st.workflow.process_pos(run_id).is_none()
    {
        return crate::errors::resource_not_found();
    }
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let (user, members) = actor_parts(st);
    let actor = Actor {
        user,
        members: &members,
    };
    let at = now();
    match ops::complete_task(&mut st.workflow, via, &body, actor, at) {
        Ok(i) => {
            log_task(st, i, "completed", "Completed");
            st.queue_task_webhooks(i, at);
            data(StatusCode::OK, task_state(&st.workflow.tasks[i]))
        }
        Err(r) => refused(r),
    }
}

/// `DELETE /organizations/{org}/runs/{run}/completed-tasks/{task}` and
/// `DELETE /organizations/{org}/completed-tasks/{task}`
pub(crate) fn reopen(st: &mut State, via: Via<'_>, task_id: &str) -> Response<Body> {
    match ops::reopen_task(&mut st.workflow, via, task_id, now()) {
        Ok(i) => {
            log_task(st, i, "uncompleted", "Reopened");
            data(StatusCode::OK, task_state(&st.workflow.tasks[i]))
        }
        Err(r) => refused(r),
    }
}

/// `DELETE /organizations/{org}/tasks/{task}`: 204.
pub(crate) fn archive(st: &mut State, task_id: &str) -> Response<Body> {
    match ops::archive_oneoff(&mut st.workflow, task_id, now()) {
        Ok(i) => {
            log_task(st, i, "archived", "Archived");
            no_content()
        }
        Err(r) => refused(r),
    }
}

/// `PUT /organizations/{org}/tasks/{task}/restore`: 200 with the task.
pub(crate) fn restore(st: &mut State, task_id: &str) -> Response<Body> {
    let at = now();
    match ops::restore_oneoff(&mut st.workflow, task_id, at) {
        Ok(i) => {
            log_task(st, i, "unarchived", "Restored");
            data(StatusCode::OK, st.task_out(i, &[], at, false))
        }
        Err(r) => refused(r),
    }
}

/// `DELETE /organizations/{org}/tasks/{task}/delete`: 204.
pub(crate) fn delete(st: &mut State, task_id: &str) -> Response<Body> {
    let title = st
        .workflow
        .task_pos(task_id)
        .map(|t| st.workflow.tasks[t].title.clone());
    match ops::delete_oneoff(&mut st.workflow, task_id) {
        Ok(()) => {
            let description = format!("Deleted task: {}", title.unwrap_or_default());
            log(st, "deleted", (Entity::Task, task_id), description);
            no_content()
        }
        Err(r) => refused(r),
    }
}
