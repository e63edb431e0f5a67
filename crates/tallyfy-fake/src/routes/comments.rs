//! Comments, problem reports and their resolution ("threads"), on a task or on a process or
//! template itself: `POST .../comment`, `.../problem` and `.../resolved-threads` under `tasks/{id}`,
//! `runs/{id}` and `checklists/{id}`. The three share one body and one answer; what differs is what
//! the comment is on (404 when that does not exist; an archived template counts as not existing)
//! and what an open problem holds up: a task's stops the task from being completed, and a task's or
//! a process's own makes the process show `has_open_issue`.

use axum::body::Body;
use http::{Response, StatusCode};

use crate::routes::processes::{actor_parts, log};
use crate::routes::request::{Ctx, data, refused};
use crate::state::{State, now};
use crate::workflow::activity::Entity;
use crate::workflow::model::CommentOn;
use crate::workflow::ops::{self, CommentKind};

/// `POST .../comment` and `.../problem`.
pub(crate) fn comment(
    st: &mut State,
    ctx: &Ctx<'_>,
    on: &CommentOn,
    kind: CommentKind,
) -> Response<Body> {
    let body = match body_for(st, ctx, on) {
        Ok(b) => b,
        Err(res) => return res,
    };
    let (user, _) = actor_parts(st);
    let r = ops::add_comment(&mut st.workflow, on, &body, kind, user, now());
    match kind {
        CommentKind::Comment => reply(st, r, "commented", "Commented on"),
        CommentKind::Problem => reply(st, r, "issue-reported", "Reported a problem on"),
    }
}

/// `POST .../resolved-threads`
pub(crate) fn resolve(st: &mut State, ctx: &Ctx<'_>, on: &CommentOn) -> Response<Body> {
    let body = match body_for(st, ctx, on) {
        Ok(b) => b,
        Err(res) => return res,
    };
    let (user, _) = actor_parts(st);
    let r = ops::resolve_problem(&mut st.workflow, on, &body, user, now());
    reply(st, r, "issue-resolved", "Resolved a problem on")
}

/// The request's JSON object, once what the comment is on is known to exist (404 before the
/// body is looked at).
fn body_for(
    st: &State,
    ctx: &Ctx<'_>,
    on: &CommentOn,
) -> Result<serde_json::Map<String, serde_json::Value>, Response<Body>> {
    if !ops::can_comment_on(&st.workflow, on) {
        return Err(crate::errors::resource_not_found());
    }
    ctx.json_object()
}

/// The comment made, logged as `verb` (described as `done`, "Commented on", and what it is on) in
/// the audit trail.
fn reply(
    st: &mut State,
    r: Result<usize, ops::Refusal>,
    verb: &'static str,
    done: &str,
) -> Response<Body> {
    match r {
        Ok(i) => {
            let wf = &st.workflow;
            let c = &wf.comments[i];
            let what = match &c.on {
                CommentOn::Task(id) => wf
                    .task_pos(id)
                    .map(|t| format!("task: {}", wf.tasks[t].title)),
                CommentOn::Process(id) => wf
                    .process_pos(id)
                    .map(|p| format!("process: {}", wf.processes[p].name)),
                CommentOn::Template(id) => wf
                    .template_pos(id)
                    .map(|t| format!("template: {}", wf.templates[t].title)),
            };
            let (id, description) = (c.id.clone(), format!("{done} {}", what.unwrap_or_default()));
            let reply = data(StatusCode::CREATED, c.to_json());
            log(st, verb, (Entity::Thread, &id), description);
            reply
        }
        Err(r) => refused(r),
    }
}
