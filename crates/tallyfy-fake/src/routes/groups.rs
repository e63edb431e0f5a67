//! The five group operations, over the same groups that members' `with=groups` shows.
//!
//! | operation | success | refusals |
//! |---|---|---|
//! | list | 200 list (default 10 a page, at most 100, oldest first) | 422 for a bad query parameter, `per_page` above 100 included |
//! | create | 201 | 422: `name` missing, not 1..200 characters or taken (case-insensitive); `description` missing or not a string; `members.N` not a member; `guests.N` not an email |
//! | get | 200 | 404 |
//! | update | 201 (as documented) | 404; 422 as create for the fields sent (`description`, when sent, a string) |
//! | delete | 204, empty | 404 |
//!
//! Gaps the fake fills: `per_page` above the spec's `maximum: 100` is refused (422) rather than
//! capped, as for any value outside the schema; `sort_by` outside its enum is a 422 and the default
//! order is creation; `with=assets` adds `assets: {"data": []}` (the fake keeps no logos),
//! `with=users` adds `users: {"data": [{id, email, full_name}]}`, and `with=guests` changes nothing
//! (`guests` is already the list of emails the schema declares). Guest emails need not belong to
//! known guests. Groups made here get the ids `group_4`, `group_5`, ... after the seeded ones.

use axum::body::Body;
use http::{Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::errors;
use crate::routes::request::{
    Ctx, Paging, data, includes, list_response, no_content, nonempty, positive_param, sort_param,
};
use crate::state::{GroupRecord, State, Text, now};
use crate::validation::{Validator, is_email};

/// The default page size of the groups list.
pub const DEFAULT_PER_PAGE: u64 = 10;
/// The largest page the spec allows (`GroupPerPage`, `maximum: 100`).
pub const MAX_PER_PAGE: u64 = 100;

const INCLUDES: &[&str] = &["assets", "users", "guests"];

fn group_json(st: &State, g: &GroupRecord, with: &[&str]) -> Value {
    let mut v = g.to_json();
    for name in with {
        match *name {
            "assets" => v["assets"] = json!({"data": []}),
            "users" => {
                let users: Vec<Value> = g
                    .members
                    .iter()
                    .filter_map(|id| st.member_pos(*id))
                    .map(|i| {
                        let m = &st.members[i];
                        json!({
                            "id": m.id,
                            "email": m.email,
                            "full_name": format!("{} {}", m.first_name, m.last_name),
                        })
                    })
                    .collect();
                v["users"] = json!({ "data": users });
            }
            _ => {}
        }
    }
    v
}

fn group_pos(st: &State, id: &str) -> Option<usize> {
    st.groups.iter().position(|g| g.id == id)
}

/// `GET /organizations/{org}/groups`
pub(crate) fn list(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let run = || -> Result<Response<Body>, Response<Body>> {
        if positive_param(ctx, "per_page")?.is_some_and(|n| n > MAX_PER_PAGE) {
            return Err(errors::validation_one(
                "per_page",
                format!("The per page may not be greater than {MAX_PER_PAGE}."),
            ));
        }
        let paging = Paging::read(ctx, DEFAULT_PER_PAGE, st.page_cap.min(MAX_PER_PAGE))?;
        let with = includes(ctx, INCLUDES)?;
        let (field, desc) = sort_param(
            ctx,
            &["sort_by"],
            &["name", "created_at", "updated_at"],
            "created_at",
            true,
        )?;
        let q = nonempty(ctx, "q").map(str::to_lowercase);
        let mut picked: Vec<usize> = (0..st.groups.len())
            .filter(|&i| {
                let g = &st.groups[i];
                q.as_deref().is_none_or(|q| {
                    g.name.to_lowercase().contains(q) || g.description.to_lowercase().contains(q)
                })
            })
            .collect();
        match field {
            "name" => picked.sort_by_cached_key(|&i| (st.groups[i].name.to_lowercase(), i)),
            "updated_at" => picked.sort_by_key(|&i| (st.groups[i].last_updated, i)),
            _ => picked.sort_by_key(|&i| (st.groups[i].created_at, i)),
        }
        if desc {
            picked.reverse();
        }
        let window = paging.window(picked.len());
        let items = picked[window.start..window.start + window.count]
            .iter()
            .map(|&i| group_json(st, &st.groups[i], &with))
            .collect();
        Ok(list_response(ctx, &window, items))
    };
    run().unwrap_or_else(|res| res)
}

/// What a create or update body asks for (`None`: not sent).
struct GroupFields {
    name: Option<String>,
    description: Option<String>,
    members: Option<Vec<i64>>,
    guests: Option<Vec<String>>,
}

/// Checks a group body; `own_id` is the group being updated (its own name is not "taken").
fn check_body(
    st: &State,
    body: &Map<String, Value>,
    own_id: Option<&str>,
) -> Result<GroupFields, Response<Body>> {
    let creating = own_id.is_none();
    let mut v = Validator::new(body);
    let name = if !creating || v.required("name") {
        v.text("name", false, Some(1), Some(200))
    } else {
        None
    };
    if let Some(n) = name
        && st
            .groups
            .iter()
            .any(|g| Some(g.id.as_str()) != own_id && g.name.eq_ignore_ascii_case(n))
    {
        v.fail("name", "The name has already been taken.".into());
    }
    // `description` may be "" (so `required` does not fit): present and a string.
    let description = match body.get("description") {
        None if creating => {
            v.fail("description", "The description field is required.".into());
            None
        }
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            v.fail("description", "The description must be a string.".into());
            None
        }
    };
    let members = v.integer_array("members");
    for (i, id) in members.iter().flatten().enumerate() {
        if st.member_pos(*id).is_none() {
            v.fail(
                &format!("members.{i}"),
                format!("The selected members.{i} is invalid."),
            );
        }
    }
    let guests = match body.get("guests") {
        None => None,
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_str().filter(|s| is_email(s)) {
                    Some(s) => out.push(s.to_string()),
                    None => v.fail(
                        &format!("guests.{i}"),
                        format!("The guests.{i} must be a valid email address."),
                    ),
                }
            }
            Some(out)
        }
        Some(_) => {
            v.fail("guests", "The guests must be an array.".into());
            None
        }
    };
    if !v.ok() {
        return Err(errors::validation(v.errors));
    }
    Ok(GroupFields {
        name: name.map(str::to_string),
        description,
        members: members.map(|mut m| {
            m.dedup();
            m
        }),
        guests,
    })
}

/// `POST /organizations/{org}/groups`
pub(crate) fn create(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let f = match check_body(st, &body, None) {
        Ok(f) => f,
        Err(res) => return res,
    };
    let at = now();
    let id = format!("group_{}", st.next_group_no);
    st.next_group_no += 1;
    let g = GroupRecord {
        id,
        name: Text::Owned(f.name.unwrap_or_default()),
        description: Text::Owned(f.description.unwrap_or_default()),
        members: f.members.unwrap_or_default(),
        guests: f.guests.unwrap_or_default(),
        created_at: at,
        last_updated: at,
    };
    let json = group_json(st, &g, &[]);
    st.groups.push(g);
    data(StatusCode::CREATED, json)
}

/// `GET /organizations/{org}/groups/{id}`
pub(crate) fn get(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    let with = match includes(ctx, INCLUDES) {
        Ok(w) => w,
        Err(res) => return res,
    };
    match group_pos(st, id) {
        Some(i) => data(StatusCode::OK, group_json(st, &st.groups[i], &with)),
        None => errors::resource_not_found(),
    }
}

/// `PUT /organizations/{org}/groups/{id}`: the fields sent replace; 201 as documented.
pub(crate) fn update(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    let Some(pos) = group_pos(st, id) else {
        return errors::resource_not_found();
    };
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let f = match check_body(st, &body, Some(id)) {
        Ok(f) => f,
        Err(res) => return res,
    };
    let g = &mut st.groups[pos];
    if let Some(n) = f.name {
        g.name = Text::Owned(n);
    }
    if let Some(d) = f.description {
        g.description = Text::Owned(d);
    }
    if let Some(m) = f.members {
        g.members = m;
    }
    if let Some(gs) = f.guests {
        g.guests = gs;
    }
    g.last_updated = now();
    data(StatusCode::CREATED, group_json(st, &st.groups[pos], &[]))
}

/// `DELETE /organizations/{org}/groups/{id}`: 204; members and guests stay.
pub(crate) fn delete(st: &mut State, id: &str) -> Response<Body> {
    match group_pos(st, id) {
        Some(i) => {
            st.groups.remove(i);
            no_content()
        }
        None => errors::resource_not_found(),
    }
}
