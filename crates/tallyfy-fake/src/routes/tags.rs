//! The five tag operations. Tags live with the workflow records (`Workflow::tags`), which carry
//! them by id: templates and processes (`with=tags`, launch's `tags[]`).
//!
//! | operation | success | refusals |
//! |---|---|---|
//! | list | 200 list (default 10 a page, oldest first; auto-generated tags only with `all=true`) | 422 for a bad query parameter |
//! | create | 201 | 422: `title` missing, not 1..30 characters or taken (case-insensitive); `color` not `#rrggbb` |
//! | get | 200 | 404 |
//! | update | 200 | 404; 422 as create (`title` required every time; the tag's own title is not "taken") |
//! | delete | 204, empty; also for an unknown id | |
//!
//! Gaps the fake fills: `sort` is a free string; `title` and `created_at` (with or without `-`)
//! sort, anything else gives creation order. `type` is `private` for tags made through the API and
//! `auto` for the auto-generated ones. Deleting takes the tag off every template and process.

use axum::body::Body;
use http::{Response, StatusCode};
use serde_json::{Map, Value};

use crate::errors;
use crate::routes::request::{
    Ctx, Paging, bool_param, data, enum_param, list_response, no_content, nonempty, sort_param,
};
use crate::state::{State, now};
use crate::validation::Validator;
use crate::workflow::model::Tag;

/// The default page size of the tags list.
pub const DEFAULT_PER_PAGE: u64 = 10;

fn with_statistics(ctx: &Ctx<'_>) -> Result<bool, Response<Body>> {
    Ok(enum_param(ctx, "with", &["statistics"])?.is_some())
}

/// `GET /organizations/{org}/tags`
pub(crate) fn list(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let run = || -> Result<Response<Body>, Response<Body>> {
        let paging = Paging::read(ctx, DEFAULT_PER_PAGE, st.page_cap)?;
        let stats = with_statistics(ctx)?;
        let all = bool_param(ctx, "all")?.unwrap_or(false);
        let (field, desc) = sort_param(
            ctx,
            &["sort"],
            &["title", "-title", "created_at", "-created_at"],
            "created_at",
            false,
        )?;
        let q = nonempty(ctx, "q").map(str::to_lowercase);
        let wf = &st.workflow;
        let mut picked: Vec<usize> = (0..wf.tags.len())
            .filter(|&i| {
                let t = &wf.tags[i];
                (all || !t.auto_generated)
                    && q.as_deref()
                        .is_none_or(|q| t.title.to_lowercase().contains(q))
            })
            .collect();
        if field == "title" {
            picked.sort_by_cached_key(|&i| (wf.tags[i].title.to_lowercase(), i));
        } else {
            picked.sort_by_key(|&i| (wf.tags[i].created_at, i));
        }
        if desc {
            picked.reverse();
        }
        let window = paging.window(picked.len());
        let items = picked[window.start..window.start + window.count]
            .iter()
            .map(|&i| wf.tag_json(&wf.tags[i], stats))
            .collect();
        Ok(list_response(ctx, &window, items))
    };
    run().unwrap_or_else(|res| res)
}

/// Checks a tag body (`TagInput`): `title` required, 1..30 characters, not another tag's title;
/// `color` a `#rrggbb` string. Returns the title and colour (`None` when not sent).
fn check_body<'a>(
    st: &State,
    body: &'a Map<String, Value>,
    own_id: Option<&str>,
) -> Result<(&'a str, Option<&'a str>), Response<Body>> {
    let mut v = Validator::new(body);
    let title = if v.required("title") {
        v.text("title", false, Some(1), Some(30))
    } else {
        None
    };
    let color = v.string("color", false);
    if let Some(c) = color
        && !is_color(c)
    {
        v.fail("color", "The color format is invalid.".into());
    }
    if let Some(t) = title
        && st
            .workflow
            .tags
            .iter()
            .any(|x| Some(x.id.as_str()) != own_id && x.title.eq_ignore_ascii_case(t))
    {
        v.fail("title", "The title has already been taken.".into());
    }
    match title {
        Some(t) if v.ok() => Ok((t, color)),
        _ => Err(errors::validation(v.errors)),
    }
}

/// `#` and six hexadecimal digits.
fn is_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// `POST /organizations/{org}/tags`
pub(crate) fn create(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let (title, color) = match check_body(st, &body, None) {
        Ok(x) => x,
        Err(res) => return res,
    };
    let tag = Tag {
        id: st.workflow.new_id(),
        title: title.to_string(),
        color: color.map(str::to_string),
        auto_generated: false,
        created_at: now(),
    };
    let json = st.workflow.tag_json(&tag, false);
    st.workflow.tags.push(tag);
    data(StatusCode::CREATED, json)
}

/// `GET /organizations/{org}/tags/{id}`
pub(crate) fn get(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    let stats = match with_statistics(ctx) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let wf = &st.workflow;
    match wf.tag_pos(id) {
        Some(i) => data(StatusCode::OK, wf.tag_json(&wf.tags[i], stats)),
        None => errors::resource_not_found(),
    }
}

/// `PUT /organizations/{org}/tags/{id}`: `title` every time; `color` when sent.
pub(crate) fn update(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    let Some(pos) = st.workflow.tag_pos(id) else {
        return errors::resource_not_found();
    };
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let (title, color) = match check_body(st, &body, Some(id)) {
        Ok(x) => x,
        Err(res) => return res,
    };
    let tag = &mut st.workflow.tags[pos];
    tag.title = title.to_string();
    if let Some(c) = color {
        tag.color = Some(c.to_string());
    }
    let wf = &st.workflow;
    data(StatusCode::OK, wf.tag_json(&wf.tags[pos], false))
}

/// `DELETE /organizations/{org}/tags/{id}`: 204 whether or not the tag existed.
pub(crate) fn delete(st: &mut State, id: &str) -> Response<Body> {
    let wf = &mut st.workflow;
    if let Some(pos) = wf.tag_pos(id) {
        wf.tags.remove(pos);
        for t in &mut wf.templates {
            t.tags.retain(|x| x != id);
        }
        for p in &mut wf.processes {
            p.tags.retain(|x| x != id);
        }
    }
    no_content()
}
