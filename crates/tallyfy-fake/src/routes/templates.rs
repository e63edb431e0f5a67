//! The eight template (checklist) operations.
//!
//! | operation | success | refusals |
//! |---|---|---|
//! | list | 200 list (default 10 a page, newest update first) | 422 for a bad query parameter |
//! | get | 200 | 404 unknown or archived |
//! | form fields | 200 `{id, title, ko_form_fields, form_fields}` | 404 unknown or archived |
//! | create | 201 | 422 (`title`, `type`, lengths, URLs, members, groups, `prerun.<i>.<field>`) |
//! | update | 200 | 404 unknown or archived; 422 as create, and `prerun.<i>.id` naming no field of the template |
//! | archive | 200 message | 404 unknown or already archived |
//! | restore | 200 | 404 unknown |
//! | delete | 200 message | 404 unknown, 422 on `checklist_id` unless archived |

use axum::body::Body;
use http::{Response, StatusCode};
use serde_json::{Value, json};

use crate::errors;
use crate::routes::processes::{People, log};
use crate::routes::request::{
    Ctx, Paging, bool_param, data, enum_param, includes, list_response, nonempty, refused,
    sort_param,
};
use crate::state::{State, now};
use crate::workflow::activity::Entity;
use crate::workflow::model::Field;
use crate::workflow::ops;

/// The default page size of the templates list.
pub const DEFAULT_PER_PAGE: u64 = 10;

const INCLUDES: &[&str] = &["steps", "tags", "folder"];

/// The body of archive and delete.
fn deleted() -> Response<Body> {
    errors::json(
        StatusCode::OK,
        &json!({
            "message": "The Template was deleted, and references were also deleted from:",
            "deleted_references": {},
        }),
    )
}

/// `GET /organizations/{org}/checklists`
pub(crate) fn list(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let run = || -> Result<Response<Body>, Response<Body>> {
        let paging = Paging::read(ctx, DEFAULT_PER_PAGE, st.page_cap)?;
        let with = includes(ctx, INCLUDES)?;
        let (field, desc) = sort_param(
            ctx,
            &["sort_by", "sort"],
            &[
                "title",
                "-title",
                "created_at",
                "-created_at",
                "updated_at",
                "-updated_at",
            ],
            "-updated_at",
            false,
        )?;
        let archived = enum_param(ctx, "archived", &["only", "true"])?;
        let starred = bool_param(ctx, "starred")?;
        let kind = enum_param(ctx, "type", &["procedure", "form", "document"])?;
        let owner = match ctx.param("owner_id") {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n >= 1 => Some(n),
                Ok(_) => {
                    return Err(errors::validation_one(
                        "owner_id",
                        "The owner id must be at least 1.",
                    ));
                }
                Err(_) => {
                    return Err(errors::validation_one(
                        "owner_id",
                        "The owner id must be an integer.",
                    ));
                }
            },
        };
        let status = nonempty(ctx, "status");
        let q = nonempty(ctx, "q").map(str::to_lowercase);
        let wf = &st.workflow;
        let mut picked: Vec<usize> = (0..wf.templates.len())
            .filter(|&i| {
                let t = &wf.templates[i];
                let archived_ok = match archived {
                    Some("only") => t.archived_at.is_some(),
                    Some("true") => true,
                    _ => t.archived_at.is_none(),
                };
                archived_ok
                    && status.is_none_or(|s| s == "active")
                    && starred.is_none_or(|s| t.starred == s)
                    && kind.is_none_or(|k| t.kind == k)
                    && owner.is_none_or(|o| t.owner_id == o)
                    && q.as_deref()
                        .is_none_or(|q| t.title.to_lowercase().contains(q))
            })
            .collect();
        match field {
            "title" => picked.sort_by_cached_key(|&i| wf.templates[i].title.to_lowercase()),
            "created_at" => {
                picked.sort_by_key(|&i| (wf.templates[i].created_at, wf.templates[i].increment_id))
            }
            _ => picked
                .sort_by_key(|&i| (wf.templates[i].last_updated, wf.templates[i].increment_id)),
        }
        if desc {
            picked.reverse();
        }
        let window = paging.window(picked.len());
        let items = picked[window.start..window.start + window.count]
            .iter()
            .map(|&i| st.template_out(i, &with))
            .collect();
        Ok(list_response(ctx, &window, items))
    };
    run().unwrap_or_else(|res| res)
}

/// `GET /organizations/{org}/checklists/{id}`
pub(crate) fn get(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    let with = match includes(ctx, INCLUDES) {
        Ok(w) => w,
        Err(res) => return res,
    };
    let wf = &st.workflow;
    match wf.live_template_pos(id) {
        Some(i) => data(StatusCode::OK, st.template_out(i, &with)),
        None => errors::resource_not_found(),
    }
}

/// `GET /organizations/{org}/checklists/{id}/form-fields`: the kick-off fields and every step's
/// form fields, in step order, in one object.
pub(crate) fn form_fields(st: &mut State, id: &str) -> Response<Body> {
    let wf = &st.workflow;
    let Some(i) = wf.live_template_pos(id) else {
        return errors::resource_not_found();
    };
    let t = &wf.templates[i];
    let captures: Vec<Value> = t
        .steps
        .iter()
        .flat_map(|s| s.captures.iter().map(Field::capture_json))
        .collect();
    let kickoff: Vec<Value> = t.prerun.iter().map(Field::kickoff_json).collect();
    data(
        StatusCode::OK,
        json!({"id": t.id, "title": t.title, "ko_form_fields": kickoff, "form_fields": captures}),
    )
}

/// Records `verb` (described as `done`, "Archived") on the template `id` in the audit trail.
fn log_template(st: &mut State, id: &str, verb: &'static str, done: &str) {
    let title = st
        .workflow
        .template_pos(id)
        .map(|t| st.workflow.templates[t].title.clone())
        .unwrap_or_default();
    log(
        st,
        verb,
        (Entity::Checklist, id),
        format!("{done} template: {title}"),
    );
}

/// `POST /organizations/{org}/checklists`
pub(crate) fn create(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let people = People::of(st);
    let (actor, directory) = (people.actor(), people.directory());
    match ops::create_template(&mut st.workflow, &body, actor, &directory, now()) {
        Ok(i) => {
            let id = st.workflow.templates[i].id.clone();
            log_template(st, &id, "created", "Created");
            data(StatusCode::CREATED, st.template_out(i, &[]))
        }
        Err(r) => refused(r),
    }
}

/// `PUT /organizations/{org}/checklists/{id}`
pub(crate) fn update(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    if st.workflow.live_template_pos(id).is_none() {
        return errors::resource_not_found();
    }
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let people = People::of(st);
    match ops::update_template(&mut st.workflow, id, &body, &people.directory(), now()) {
        Ok(i) => {
            log_template(st, id, "updated", "Updated");
            data(StatusCode::OK, st.template_out(i, &[]))
        }
        Err(r) => refused(r),
    }
}

/// `PUT /organizations/{org}/checklists/{id}/steps/{step}`
pub(crate) fn update_step(st: &mut State, ctx: &Ctx<'_>, id: &str, step: &str) -> Response<Body> {
    if st.workflow.live_template_pos(id).is_none() {
        return errors::resource_not_found();
    }
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    match ops::update_step(&mut st.workflow, id, step, &body, now()) {
        Ok((t, s)) => {
            log_template(st, id, "updated", "Updated");
            data(StatusCode::OK, st.workflow.templates[t].steps[s].to_json())
        }
        Err(r) => refused(r),
    }
}

/// `DELETE /organizations/{org}/checklists/{id}`
pub(crate) fn archive(st: &mut State, id: &str) -> Response<Body> {
    match ops::archive_template(&mut st.workflow, id, now()) {
        Ok(()) => {
            log_template(st, id, "archived", "Archived");
            deleted()
        }
        Err(r) => refused(r),
    }
}

/// `PUT /organizations/{org}/checklists/{id}/restore`
pub(crate) fn restore(st: &mut State, id: &str) -> Response<Body> {
    match ops::restore_template(&mut st.workflow, id, now()) {
        Ok(i) => {
            log_template(st, id, "unarchived", "Restored");
            data(StatusCode::OK, st.template_out(i, &[]))
        }
        Err(r) => refused(r),
    }
}

/// `DELETE /organizations/{org}/checklists/{id}/delete`
pub(crate) fn delete(st: &mut State, id: &str) -> Response<Body> {
    // Named while it is still there.
    let title = st
        .workflow
        .template_pos(id)
        .map(|t| st.workflow.templates[t].title.clone());
    match ops::delete_template(&mut st.workflow, id) {
        Ok(()) => {
            let description = format!("Deleted template: {}", title.unwrap_or_default());
            log(st, "deleted", (Entity::Checklist, id), description);
            deleted()
        }
        Err(r) => refused(r),
    }
}
