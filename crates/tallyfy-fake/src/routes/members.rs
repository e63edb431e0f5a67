//! The nine member operations.
//!
//! | operation | success | refusals |
//! |---|---|---|
//! | list | 200 list | 422 for a bad `page`, `per_page` or `with` |
//! | get | 200 | 404 unknown id |
//! | invite | 200, status `invited` | 422 per rule or an existing member's email, 409 no seat |
//! | update | 200 | 404, 422 per rule |
//! | set role | 200 | 404, 422 bad role, 409 no seat, 400 demoting the default admin |
//! | remove | 200 (the member as removed) | 404, 400 default admin, 422 bad `to` |
//! | disable | 200 | 404, 400 default admin |
//! | enable | 200 | 404, 409 no seat |
//! | purge | 200 | 404, 422 unless disabled |
//!
//! Seats: admins and standard members who are not disabled take a full seat; light members take
//! none. With a seat limit, inviting an admin or standard member, enabling one, or raising a light
//! member to admin or standard needs a free seat, else 409 `SEAT_POOL_EXHAUSTED`.

use std::borrow::Cow;

use axum::body::Body;
use http::{Response, StatusCode};
use serde_json::{Value, json};
use tallyfy_client::MemberRole;
use tallyfy_client::types::MemberStats;

use crate::errors;
use crate::pagination::{PageWindow, meta_json, page_url};
use crate::routes::request::{Ctx, positive_param, sort_order};
use crate::state::{MemberIncludes, MemberRecord, MemberStatus, State, now, role_uses_seat};
use crate::validation::{Validator, is_url, query_bool};

/// The default page size of the members list.
pub const DEFAULT_PER_PAGE: u64 = 9999;

/// The related data `with=` may ask for.
pub const INCLUDES: &[&str] = &[
    "groups",
    "stats",
    "organizations",
    "preferences",
    "assets",
    "member_watchers",
    "guest_watchers",
    "auth_methods",
    "country",
];

/// Country ids the fake knows (for `country_id` in updates).
const KNOWN_COUNTRY_IDS: std::ops::RangeInclusive<i64> = 1..=250;

/// The roles a request may give, exactly as spelled here: the body's role is checked against this
/// list (422 otherwise) before [`role_from`] reads it. `MemberRole` is open, so nothing else would
/// refuse `owner` or `Admin`.
const ROLES: &[&str] = &["admin", "standard", "light"];

/// The role of a request, once checked against [`ROLES`].
fn role_from(s: &str) -> MemberRole {
    match s {
        "admin" => MemberRole::Admin,
        "standard" => MemberRole::Standard,
        _ => MemberRole::Light,
    }
}

fn envelope(member: Value) -> Response<Body> {
    errors::json(StatusCode::OK, &json!({ "data": member }))
}

fn includes(ctx: &Ctx<'_>) -> Result<MemberIncludes, Response<Body>> {
    let Some(raw) = ctx.param("with") else {
        return Ok(MemberIncludes::default());
    };
    let names: Vec<String> = raw.split(',').map(str::to_string).collect();
    if names.iter().any(|n| !INCLUDES.contains(&n.as_str())) {
        return Err(errors::validation_one(
            "with",
            "The selected with is invalid.",
        ));
    }
    Ok(MemberIncludes { names })
}

fn find(st: &State, raw_id: &str) -> Option<usize> {
    raw_id.parse::<i64>().ok().and_then(|id| st.member_pos(id))
}

/// `GET /organizations/{org}/users`
pub(crate) fn list(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let page = match positive_param(ctx, "page") {
        Ok(p) => p.unwrap_or(1),
        Err(res) => return res,
    };
    let per_page = match positive_param(ctx, "per_page") {
        Ok(p) => p.unwrap_or(DEFAULT_PER_PAGE).min(st.page_cap),
        Err(res) => return res,
    };
    let incl = match includes(ctx) {
        Ok(i) => i,
        Err(res) => return res,
    };
    let q = ctx
        .param("q")
        .map(str::to_lowercase)
        .filter(|q| !q.is_empty());
    let (field, desc) = sort_order(ctx, false);
    let mut picked: Vec<&MemberRecord> = st
        .members
        .iter()
        .filter(|m| {
            q.as_deref().is_none_or(|q| {
                m.first_name.to_lowercase().contains(q)
                    || m.last_name.to_lowercase().contains(q)
                    || m.email.to_lowercase().contains(q)
            })
        })
        .collect();
    match field {
        "id" => picked.sort_by_key(|m| m.id),
        "email" => picked.sort_by_cached_key(|m| m.email.to_lowercase()),
        "first_name" => picked.sort_by_cached_key(|m| m.first_name.to_lowercase()),
        "last_name" => picked.sort_by_cached_key(|m| m.last_name.to_lowercase()),
        "last_login_at" => picked.sort_by_key(|m| m.last_login_at),
        "updated_at" => picked.sort_by_key(|m| m.updated_at),
        _ => picked.sort_by_key(|m| (m.created_at, m.id)),
    }
    if desc {
        picked.reverse();
    }
    let window = PageWindow::new(picked.len(), page, per_page);
    let data: Vec<Value> = picked[window.start..window.start + window.count]
        .iter()
        .map(|m| m.to_json(st, &incl))
        .collect();
    let meta = window.meta(|p| page_url(&ctx.self_url, &ctx.query, p));
    let mut meta = meta_json(&meta);
    crate::shapes::meta(&mut meta, st.shapes, window.current_page);
    errors::json(StatusCode::OK, &json!({ "data": data, "meta": meta }))
}

/// `GET /organizations/{org}/users/{id}`
pub(crate) fn get(st: &mut State, ctx: &Ctx<'_>, raw_id: &str) -> Response<Body> {
    let incl = match includes(ctx) {
        Ok(i) => i,
        Err(res) => return res,
    };
    match find(st, raw_id) {
        Some(pos) => envelope(st.members[pos].to_json(st, &incl)),
        None => errors::resource_not_found(),
    }
}

/// `POST /organizations/{org}/users/invite`
pub(crate) fn invite(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let mut v = Validator::new(&body);
    let email = if v.required("email") {
        v.email("email")
    } else {
        None
    };
    let first = v.required("first_name");
    let first = first
        .then(|| v.text("first_name", false, Some(1), Some(32)))
        .flatten();
    let last = v.required("last_name");
    let last = last
        .then(|| v.text("last_name", false, Some(1), Some(32)))
        .flatten();
    let role = v.required("role");
    let role = role.then(|| v.one_of("role", false, ROLES)).flatten();
    if v.required("message") {
        v.text("message", false, Some(1), Some(5000));
    }
    if !v.ok() {
        return errors::validation(v.errors);
    }
    let (Some(email), Some(first), Some(last), Some(role)) = (email, first, last, role) else {
        return errors::validation(v.errors);
    };
    if st.member_pos_by_email(email).is_some() {
        return errors::validation_one("email", "The email has already been taken.");
    }
    let role = role_from(role);
    if role_uses_seat(&role) && !st.seat_available() {
        return errors::seat_pool_exhausted();
    }
    let at = now();
    let id = st.next_member_id;
    st.next_member_id += 1;
    let record = MemberRecord {
        id,
        email: email.to_string(),
        username: None,
        first_name: Cow::Owned(first.to_string()),
        last_name: Cow::Owned(last.to_string()),
        profile_pic: None,
        country_id: None,
        status: MemberStatus::Invited,
        role,
        created_at: at,
        updated_at: at,
        last_login_at: None,
        activated_at: None,
        phone: None,
        job_title: None,
        job_description: None,
        team: None,
        timezone: None,
        date_format: None,
        is_default_admin: false,
        invited_by: st.default_admin_id(),
        approved_at: Some(at),
        disabled_at: None,
        locale: None,
        step_preferences: None,
        stats: MemberStats::default(),
        bot: false,
        in_other_orgs: false,
    };
    st.members.push(record);
    let pos = st.members.len() - 1;
    envelope(st.members[pos].to_json(st, &MemberIncludes::default()))
}

/// `PUT /organizations/{org}/users/{id}`
pub(crate) fn update(st: &mut State, ctx: &Ctx<'_>, raw_id: &str) -> Response<Body> {
    let Some(pos) = find(st, raw_id) else {
        return errors::resource_not_found();
    };
    if st.members[pos].bot {
        return errors::bot_not_editable();
    }
    if st.members[pos].in_other_orgs && Some(st.members[pos].id) != st.default_admin_id() {
        return errors::profile_owned_elsewhere();
    }
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let mut v = Validator::new(&body);
    let mut names = [None, None];
    for (slot, field) in names.iter_mut().zip(["first_name", "last_name"]) {
        if v.required(field) {
            *slot = v.text(field, false, Some(1), Some(32));
            if slot.is_some_and(is_url) {
                v.fail(
                    field,
                    format!("The {} may not be a URL.", field.replace('_', " ")),
                );
            }
        }
    }
    let timezone = if v.required("timezone") {
        v.text("timezone", false, Some(1), None)
    } else {
        None
    };
    let phone = v.text("phone", false, None, Some(20));
    let job_title = v.string("job_title", true);
    let job_description = v.string("job_description", true);
    let team = v.string("team", true);
    let country_id = v.integer("country_id");
    if country_id.is_some_and(|id| !KNOWN_COUNTRY_IDS.contains(&id)) {
        v.fail("country_id", "The selected country id is invalid.".into());
    }
    let date_format = v.one_of("date_format", false, &["mm/dd/yyyy", "dd/mm/yyyy"]);
    let step_preferences = v.boolean("step_preferences");
    if !v.ok() {
        return errors::validation(v.errors);
    }
    let owned = |s: &str| Cow::Owned(s.to_string());
    let m = &mut st.members[pos];
    if let [Some(first), Some(last)] = names {
        m.first_name = owned(first);
        m.last_name = owned(last);
    }
    m.timezone = timezone.map(owned);
    if let Some(p) = phone {
        m.phone = Some(owned(p));
    }
    // Nullable fields: `null` clears them, absence leaves them.
    if body.contains_key("job_title") {
        m.job_title = job_title.map(owned);
    }
    if body.contains_key("job_description") {
        m.job_description = job_description.map(owned);
    }
    if body.contains_key("team") {
        m.team = team.map(owned);
    }
    if country_id.is_some() {
        m.country_id = country_id;
    }
    if let Some(f) = date_format {
        m.date_format = Some(owned(f));
    }
    if step_preferences.is_some() {
        m.step_preferences = step_preferences;
    }
    m.updated_at = now();
    envelope(st.members[pos].to_json(st, &MemberIncludes::default()))
}

/// `PUT /organizations/{org}/users/{id}/role`
pub(crate) fn set_role(st: &mut State, ctx: &Ctx<'_>, raw_id: &str) -> Response<Body> {
    let Some(pos) = find(st, raw_id) else {
        return errors::resource_not_found();
    };
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let mut v = Validator::new(&body);
    let role = if v.required("role") {
        v.one_of("role", false, ROLES)
    } else {
        None
    };
    let Some(role) = role.filter(|_| v.ok()) else {
        return errors::validation(v.errors);
    };
    let role = role_from(role);
    let m = &st.members[pos];
    if m.is_default_admin && role != MemberRole::Admin {
        return errors::default_admin();
    }
    let needs_seat = m.status != MemberStatus::Disabled && !m.uses_seat() && role_uses_seat(&role);
    if needs_seat && !st.seat_available() {
        return errors::seat_pool_exhausted();
    }
    let m = &mut st.members[pos];
    m.role = role;
    m.updated_at = now();
    envelope(st.members[pos].to_json(st, &MemberIncludes::default()))
}

/// `DELETE /organizations/{org}/users/{id}?with_reassignment=&to=`
pub(crate) fn remove(st: &mut State, ctx: &Ctx<'_>, raw_id: &str) -> Response<Body> {
    let Some(pos) = find(st, raw_id) else {
        return errors::resource_not_found();
    };
    let reassign = match ctx.param("with_reassignment").map(query_bool) {
        None => false,
        Some(Some(b)) => b,
        Some(None) => {
            return errors::validation_one(
                "with_reassignment",
                "The with reassignment field must be true or false.",
            );
        }
    };
    let to = match ctx.param("to").map(|s| s.trim().parse::<i64>()) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return errors::validation_one("to", "The to must be an integer."),
    };
    if st.members[pos].bot {
        return errors::bot_not_removable();
    }
    if st.members[pos].is_default_admin {
        return errors::default_admin();
    }
    let id = st.members[pos].id;
    let heir = if reassign {
        let Some(to) = to else {
            return errors::validation_one(
                "to",
                "The to field is required when with reassignment is true.",
            );
        };
        let valid = to != id
            && st
                .member_pos(to)
                .is_some_and(|p| st.members[p].status != MemberStatus::Disabled);
        if !valid {
            return errors::validation_one("to", "The selected to is invalid.");
        }
        Some(to)
    } else {
        None
    };
    let mut removed = st.members.remove(pos);
    removed.status = MemberStatus::Disabled;
    removed.updated_at = now();
    for group in &mut st.groups {
        group.members.retain(|m| *m != id);
    }
    for guest in &mut st.guests {
        if let Some(list) = guest.associated_members.as_mut()
            && list.contains(&id)
        {
            list.retain(|m| *m != id);
            if let Some(heir) = heir.filter(|h| !list.contains(h)) {
                list.push(heir);
            }
        }
    }
    envelope(removed.to_json(st, &MemberIncludes::default()))
}

/// `DELETE /organizations/{org}/users/{id}/disable`
pub(crate) fn disable(st: &mut State, raw_id: &str) -> Response<Body> {
    let Some(pos) = find(st, raw_id) else {
        return errors::resource_not_found();
    };
    if st.members[pos].is_default_admin {
        return errors::default_admin();
    }
    let m = &mut st.members[pos];
    if m.status != MemberStatus::Disabled {
        m.status = MemberStatus::Disabled;
        m.disabled_at = Some(now());
        m.updated_at = now();
    }
    envelope(st.members[pos].to_json(st, &MemberIncludes::default()))
}

/// `PUT /organizations/{org}/users/{id}/enable`
pub(crate) fn enable(st: &mut State, raw_id: &str) -> Response<Body> {
    let Some(pos) = find(st, raw_id) else {
        return errors::resource_not_found();
    };
    if st.members[pos].status == MemberStatus::Disabled {
        if role_uses_seat(&st.members[pos].role) && !st.seat_available() {
            return errors::seat_pool_exhausted();
        }
        let m = &mut st.members[pos];
        m.status = if m.activated_at.is_some() {
            MemberStatus::Active
        } else {
            MemberStatus::Invited
        };
        m.disabled_at = None;
        m.updated_at = now();
    }
    envelope(st.members[pos].to_json(st, &MemberIncludes::default()))
}

/// `DELETE /organizations/{org}/users/{id}/delete`
pub(crate) fn purge(st: &mut State, raw_id: &str) -> Response<Body> {
    let Some(pos) = find(st, raw_id) else {
        return errors::resource_not_found();
    };
    if st.members[pos].status != MemberStatus::Disabled {
        return errors::simple(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Please disable the member before deletion.",
            None,
        );
    }
    let removed = st.members.remove(pos);
    let id = removed.id;
    for group in &mut st.groups {
        group.members.retain(|m| *m != id);
    }
    for guest in &mut st.guests {
        if let Some(list) = guest.associated_members.as_mut() {
            list.retain(|m| *m != id);
        }
    }
    envelope(removed.to_json(st, &MemberIncludes::default()))
}
