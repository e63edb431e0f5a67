//! The seven process (run) operations; the process's task list is in `tasks.rs`.
//!
//! | operation | success | refusals |
//! |---|---|---|
//! | list | 200 list (default 10 a page, newest first; archived ones only when asked) | 422 for a bad query parameter |
//! | launch | 201 | 422 body rules, 404 unknown or archived template, 422 `prerun.<id>` / `tasks.<step id>...` |
//! | get | 200 (archived ones too) | 404 |
//! | update | 200 (`users`/`groups` emptied when left out) | 404, 422 (`run_id` when archived) |
//! | archive | 200, `status: "archived"` | 404 |
//! | activate | 200, the status it had | 404 |
//! | delete | 200, empty body | 404, 422 on `run_id` unless archived |

use axum::body::Body;
use http::{Response, StatusCode};

use crate::errors;
use crate::routes::request::{
    Ctx, Paging, bool_param, data, enum_param, includes, int_list_param, list_response, nonempty,
    refused, sort_param,
};
use crate::state::{State, now};
use crate::workflow::Workflow;
use crate::workflow::activity::Entity;
use crate::workflow::model::{Process, RunStatus, TaskStatus};
use crate::workflow::ops::{self, Actor, Directory, GroupMembers};

/// The default page size of the processes list.
pub const DEFAULT_PER_PAGE: u64 = 10;

const INCLUDES: &[&str] = &["checklist", "tasks", "tags", "next_task", "form_fields"];
const STATUSES: &[&str] = &[
    "active",
    "complete",
    "problem",
    "issue",
    "improvement",
    "delayed",
    "archived",
    "starred",
];

/// The token's user and the organization's member ids.
pub(crate) fn actor_parts(st: &State) -> (i64, Vec<i64>) {
    (acting_user(st), st.members.iter().map(|m| m.id).collect())
}

/// The token's user: the member a member's OAuth token was issued to, else the default
/// administrator.
fn acting_user(st: &State) -> i64 {
    st.acting_member
        .or_else(|| st.default_admin_id())
        .unwrap_or(crate::seed::FIRST_MEMBER_ID)
}

/// Records in the audit trail that the token's user did `verb` to `subject` just now.
pub(crate) fn log(
    st: &mut State,
    verb: &'static str,
    subject: (Entity, &str),
    description: String,
) {
    let user = acting_user(st);
    st.workflow.log(verb, subject, description, user, now());
}

/// Who a call acts as and whom it may assign: the token's user, the organization's member ids,
/// and its groups with their members and guests.
pub(crate) struct People {
    user: i64,
    members: Vec<i64>,
    groups: Vec<GroupMembers>,
}

impl People {
    pub(crate) fn of(st: &State) -> Self {
        let (user, members) = actor_parts(st);
        let groups = st
            .groups
            .iter()
            .map(|g| GroupMembers {
                id: g.id.clone(),
                members: g.members.clone(),
                guests: g.guests.clone(),
            })
            .collect();
        Self {
            user,
            members,
            groups,
        }
    }

    pub(crate) fn actor(&self) -> Actor<'_> {
        Actor {
            user: self.user,
            members: &self.members,
        }
    }

    pub(crate) fn directory(&self) -> Directory<'_> {
        Directory {
            members: &self.members,
            groups: &self.groups,
        }
    }
}

fn status_matches(wf: &Workflow, p: &Process, status: &str, now: i64) -> bool {
    let live = p.archived_at.is_none();
    match status {
        "active" => live && p.status == RunStatus::Active,
        "complete" => live && p.status == RunStatus::Complete,
        "problem" | "issue" => live && wf.has_open_issue(&p.id),
        "delayed" => {
            live && wf
                .run_tasks(&p.id)
                .iter()
                .map(|&i| &wf.tasks[i])
                .any(|t| t.status != TaskStatus::Completed && t.deadline.is_some_and(|d| d < now))
        }
        "archived" => !live,
        "starred" => live && p.starred,
        _ => false,
    }
}

/// `GET /organizations/{org}/runs`
pub(crate) fn list(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let run = || -> Result<Response<Body>, Response<Body>> {
        let paging = Paging::read(ctx, DEFAULT_PER_PAGE, st.page_cap)?;
        let with = includes(ctx, INCLUDES)?;
        let (field, desc) = sort_param(
            ctx,
            &["sort", "sort_by"],
            &["name", "-name", "created_at", "-created_at"],
            "-created_at",
            false,
        )?;
        let status = enum_param(ctx, "status", STATUSES)?;
        let archived = enum_param(ctx, "archived", &["only", "true"])?;
        let owners = int_list_param(ctx, "owners");
        let starred = bool_param(ctx, "starred")?;
        let kind = enum_param(ctx, "type", &["procedure", "form", "document"])?;
        let checklist = nonempty(ctx, "checklist_id");
        let q = nonempty(ctx, "q").map(str::to_lowercase);
        let at = now();
        let wf = &st.workflow;
        let mut picked: Vec<usize> = (0..wf.processes.len())
            .filter(|&i| {
                let p = &wf.processes[i];
                let archived_ok = match (archived, status) {
                    (Some("only"), _) | (_, Some("archived")) => p.archived_at.is_some(),
                    (Some("true"), _) => true,
                    _ => p.archived_at.is_none(),
                };
                let owner_ok = owners.as_ref().is_none_or(|ids| {
                    ids.contains(&p.owner_id)
                        || wf
                            .run_tasks(&p.id)
                            .iter()
                            .any(|&i| wf.tasks[i].owners.users.iter().any(|u| ids.contains(u)))
                });
                archived_ok
                    && owner_ok
                    && status.is_none_or(|s| s == "archived" || status_matches(wf, p, s, at))
                    && starred.is_none_or(|s| p.starred == s)
                    && kind.is_none_or(|k| p.kind == k)
                    && checklist.is_none_or(|c| p.checklist_id == c)
                    && q.as_deref()
                        .is_none_or(|q| p.name.to_lowercase().contains(q))
            })
            .collect();
        match field {
            "name" => picked.sort_by_cached_key(|&i| {
                (
                    wf.processes[i].name.to_lowercase(),
                    wf.processes[i].increment_id,
                )
            }),
            _ => {
                picked.sort_by_key(|&i| (wf.processes[i].created_at, wf.processes[i].increment_id))
            }
        }
        if desc {
            picked.reverse();
        }
        let window = paging.window(picked.len());
        let items = picked[window.start..window.start + window.count]
            .iter()
            .map(|&i| st.process_out(i, &with, at))
            .collect();
        Ok(list_response(ctx, &window, items))
    };
    run().unwrap_or_else(|res| res)
}

/// `POST /organizations/{org}/runs`
pub(crate) fn launch(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
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
    match ops::launch(&mut st.workflow, &body, actor, at) {
        Ok(i) => {
            log_process(st, i, "created", "Launched");
            st.queue_process_webhook(i, at);
            data(StatusCode::CREATED, st.process_out(i, &[], at))
        }
        Err(r) => refused(r),
    }
}

/// `GET /organizations/{org}/runs/{id}`
pub(crate) fn get(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    let with = match includes(ctx, INCLUDES) {
        Ok(w) => w,
        Err(res) => return res,
    };
    let wf = &st.workflow;
    match wf.process_pos(id) {
        Some(i) => data(StatusCode::OK, st.process_out(i, &with, now())),
        None => errors::resource_not_found(),
    }
}

/// Records `verb` (described as `done`, "Archived") on the process at `pos` in the audit trail.
fn log_process(st: &mut State, pos: usize, verb: &'static str, done: &str) {
    let p = &st.workflow.processes[pos];
    let (id, description) = (p.id.clone(), format!("{done} process: {}", p.name));
    log(st, verb, (Entity::Run, &id), description);
}

/// The process after a change, logged as `verb` / `done` (see [`log_process`]).
fn answer(
    st: &mut State,
    r: Result<usize, ops::Refusal>,
    verb: &'static str,
    done: &str,
) -> Response<Body> {
    match r {
        Ok(i) => {
            log_process(st, i, verb, done);
            data(StatusCode::OK, st.process_out(i, &[], now()))
        }
        Err(r) => refused(r),
    }
}

/// `PUT /organizations/{org}/runs/{id}`
pub(crate) fn update(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    if st.workflow.process_pos(id).is_none() {
        return errors::resource_not_found();
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
    let r = ops::update_process(&mut st.workflow, id, &body, actor, now());
    answer(st, r, "updated", "Updated")
}

/// `DELETE /organizations/{org}/runs/{id}`
pub(crate) fn archive(st: &mut State, id: &str) -> Response<Body> {
    let r = ops::archive_process(&mut st.workflow, id, now());
    answer(st, r, "archived", "Archived")
}

/// `PUT /organizations/{org}/runs/{id}/activate`
pub(crate) fn activate(st: &mut State, id: &str) -> Response<Body> {
    let r = ops::activate_process(&mut st.workflow, id, now());
    answer(st, r, "unarchived", "Activated")
}

/// `DELETE /organizations/{org}/runs/{id}/delete`: 200 with an empty body.
pub(crate) fn delete(st: &mut State, id: &str) -> Response<Body> {
    let name = st
        .workflow
        .process_pos(id)
        .map(|p| st.workflow.processes[p].name.clone());
    match ops::delete_process(&mut st.workflow, id) {
        Ok(()) => {
            let description = format!("Deleted process: {}", name.unwrap_or_default());
            log(st, "deleted", (Entity::Run, id), description);
            crate::routes::request::empty(StatusCode::OK)
        }
        Err(r) => refused(r),
    }
}
