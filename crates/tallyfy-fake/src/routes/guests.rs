//! The eight guest operations.
//!
//! | operation | success | refusals |
//! |---|---|---|
//! | list | 200 list | 422 for a bad `page`, `per_page`, `without_pagination` or `with` |
//! | get | 200 | 404 unknown email |
//! | create | 201 (new or attached) | 422 for each validation rule, or a member's email |
//! | update | 201 (only `associated_members` changes) | 404 unknown email, 422 not a list of integers |
//! | remove | 200 (the guest, `deleted_at` set) | 422 unknown email |
//! | disable | 200 | 404 unknown email, 403 while the guest has open tasks |
//! | enable | 200 (with a new link) | 404 unknown email |
//! | purge | 200 | 404 unknown id or email, 422 unless disabled |
//!
//! Creating a guest whose email is already a guest of this organization returns that guest (201)
//! unchanged. When the email belongs to a guest of another organization, that guest is attached to
//! this one: it keeps its id, and the fields sent fill in the ones it has no value for.

use std::borrow::Cow;

use axum::body::Body;
use http::{Response, StatusCode};
use serde_json::{Value, json};

use crate::errors;
use crate::pagination::{PageWindow, meta_json, page_url};
use crate::routes::request::{Ctx, positive_param, sort_order};
use crate::state::{GuestRecord, State, Text, now};
use crate::validation::{Validator, query_bool};

/// The default page size of the guests list.
pub const DEFAULT_PER_PAGE: u64 = 999;

fn envelope(status: StatusCode, guest: Value) -> Response<Body> {
    errors::json(status, &json!({ "data": guest }))
}

/// `GET /organizations/{org}/guests`
pub(crate) fn list(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let page = match positive_param(ctx, "page") {
        Ok(p) => p.unwrap_or(1),
        Err(res) => return res,
    };
    let per_page = match positive_param(ctx, "per_page") {
        Ok(p) => p.unwrap_or(DEFAULT_PER_PAGE).min(st.page_cap),
        Err(res) => return res,
    };
    let all = match ctx.param("without_pagination").map(query_bool) {
        None => false,
        Some(Some(b)) => b,
        Some(None) => {
            return errors::validation_one(
                "without_pagination",
                "The without pagination field must be true or false.",
            );
        }
    };
    let with_stats = match ctx.param("with") {
        None => false,
        Some("stats") => true,
        Some(_) => return errors::validation_one("with", "The selected with is invalid."),
    };
    let q = ctx
        .param("q")
        .map(str::to_lowercase)
        .filter(|q| !q.is_empty());
    let (field, desc) = sort_order(ctx, true);

    let in_storage_order = !SORTED_FIELDS.contains(&field);
    let in_org = |(_, g): &(usize, &GuestRecord)| g.in_org;
    let (window, positions): (PageWindow, Vec<usize>) = if q.is_none() && in_storage_order {
        // The common case (no search, creation order) is a slice of the organization's index.
        let index = st.org_guest_positions();
        let total = index.len();
        let window = if all {
            PageWindow::new(total, 1, total.max(1) as u64)
        } else {
            PageWindow::new(total, page, per_page)
        };
        let items = if window.count == 0 {
            // A page past the end (`start` may be beyond the list).
            Vec::new()
        } else if desc {
            let end = total - window.start;
            index[end - window.count..end]
                .iter()
                .rev()
                .copied()
                .collect()
        } else {
            index[window.start..window.start + window.count].to_vec()
        };
        (window, items)
    } else {
        let mut picked: Vec<(usize, &GuestRecord)> = st
            .guests
            .iter()
            .enumerate()
            .filter(in_org)
            .filter(|(_, g)| {
                q.as_deref()
                    .is_none_or(|q| g.email.to_lowercase().contains(q))
            })
            .collect();
        sort_guests(&mut picked, field, desc);
        let window = if all {
            PageWindow::new(picked.len(), 1, picked.len().max(1) as u64)
        } else {
            PageWindow::new(picked.len(), page, per_page)
        };
        let items = picked[window.start..window.start + window.count]
            .iter()
            .map(|(i, _)| *i)
            .collect();
        (window, items)
    };
    // Each guest's JSON comes from the render cache (see `State::guest_json_cached`); the page is
    // assembled around those fragments.
    let meta = window.meta(|p| page_url(&ctx.self_url, &ctx.query, p));
    let mut meta = meta_json(&meta);
    crate::shapes::meta(&mut meta, st.shapes, window.current_page);
    let meta = serde_json::to_string(&meta).expect("meta serializes");
    let mut out = String::with_capacity(positions.len() * 900 + meta.len() + 32);
    out.push_str("{\"data\":[");
    for (n, pos) in positions.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&st.guest_json_cached(pos, with_stats));
    }
    out.push_str("],\"meta\":");
    out.push_str(&meta);
    out.push('}');
    errors::json_bytes(StatusCode::OK, out.into_bytes())
}

/// Fields that sort differently from the storage (creation) order.
const SORTED_FIELDS: &[&str] = &["email", "first_name", "last_name", "last_accessed_at"];

/// Sorts guests by a field; unknown fields sort by creation (the storage order). Stable, so ties
/// keep id order.
fn sort_guests(guests: &mut [(usize, &GuestRecord)], field: &str, desc: bool) {
    fn opt(t: &Option<Text>) -> Option<String> {
        t.as_deref().map(str::to_lowercase)
    }
    match field {
        "email" => guests.sort_by_cached_key(|(_, g)| g.email.to_lowercase()),
        "first_name" => guests.sort_by_cached_key(|(_, g)| opt(&g.first_name)),
        "last_name" => guests.sort_by_cached_key(|(_, g)| opt(&g.last_name)),
        "last_accessed_at" => guests.sort_by_key(|(_, g)| g.last_accessed_at),
        // `id`, `created_at` and anything unknown: creation order, which is how guests are stored.
        _ => {}
    }
    if desc {
        guests.reverse();
    }
}

/// `GET /organizations/{org}/guests/{email}`
pub(crate) fn get(st: &mut State, ctx: &Ctx<'_>, email: &str) -> Response<Body> {
    let with_stats = match ctx.param("with") {
        None => false,
        Some("stats") => true,
        Some(_) => return errors::validation_one("with", "The selected with is invalid."),
    };
    match st.guest_pos(email) {
        Some(pos) => envelope(
            StatusCode::OK,
            st.guests[pos].to_json(&st.org_id, with_stats, st.shapes),
        ),
        None => errors::resource_not_found(),
    }
}

/// `POST /organizations/{org}/guests`
pub(crate) fn create(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
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
    let mut texts: Vec<(&str, Option<&str>)> = Vec::new();
    for field in [
        "first_name",
        "last_name",
        "company_name",
        "opportunity_name",
        "status",
    ] {
        texts.push((field, v.text(field, false, None, Some(200))));
    }
    for field in ["phone_1", "phone_2"] {
        texts.push((field, v.text(field, false, None, Some(20))));
    }
    for field in ["company_url", "contact_url", "image_url", "opportunity_url"] {
        v.url(field);
        texts.push((field, body.get(field).and_then(Value::as_str)));
    }
    texts.push(("timezone", v.string("timezone", false)));
    texts.push((
        "external_sync_source",
        v.one_of("external_sync_source", false, &["salesforce"]),
    ));
    v.sql_datetime("external_date_creation");
    texts.push((
        "external_date_creation",
        body.get("external_date_creation").and_then(Value::as_str),
    ));
    if !v.ok() {
        return errors::validation(v.errors);
    }
    let email = email.unwrap_or_default();
    if st.member_pos_by_email(email).is_some() {
        return errors::validation_one(
            "email",
            "The email belongs to a member of this organization and cannot be added as a guest.",
        );
    }
    let fill = |record: &mut GuestRecord, only_missing: bool| {
        for (field, value) in &texts {
            let Some(value) = value else { continue };
            let slot = match *field {
                "first_name" => &mut record.first_name,
                "last_name" => &mut record.last_name,
                "company_name" => &mut record.company_name,
                "opportunity_name" => &mut record.opportunity_name,
                "status" => &mut record.status,
                "phone_1" => &mut record.phone_1,
                "phone_2" => &mut record.phone_2,
                "company_url" => &mut record.company_url,
                "contact_url" => &mut record.contact_url,
                "image_url" => &mut record.image_url,
                "opportunity_url" => &mut record.opportunity_url,
                "timezone" => &mut record.timezone,
                "external_sync_source" => &mut record.external_sync_source,
                "external_date_creation" => &mut record.external_date_creation,
                _ => continue,
            };
            if !only_missing || slot.is_none() {
                *slot = Some(Cow::Owned(value.to_string()));
            }
        }
    };
    let pos = match st.guest_pos_any(email) {
        Some(pos) if st.guests[pos].in_org => pos,
        Some(pos) => {
            let record = &mut st.guests[pos];
            record.in_org = true;
            record.deleted_at = None;
            fill(record, true);
            pos
        }
        None => {
            let mut record = GuestRecord {
                email: email.to_string(),
                created_at: now(),
                in_org: true,
                ..GuestRecord::default()
            };
            fill(&mut record, false);
            st.push_guest(record)
        }
    };
    envelope(
        StatusCode::CREATED,
        st.guests[pos].to_json(&st.org_id, false, st.shapes),
    )
}

/// `PUT /organizations/{org}/guests/{email}`
pub(crate) fn update(st: &mut State, ctx: &Ctx<'_>, email: &str) -> Response<Body> {
    let Some(pos) = st.guest_pos(email) else {
        return errors::resource_not_found();
    };
    let body = match ctx.json_object() {
        Ok(b) => b,
        Err(res) => return res,
    };
    let mut v = Validator::new(&body);
    // The ids are not checked against the members: the documentation names no such rule.
    let ids = v.integer_array("associated_members");
    if !v.ok() {
        return errors::validation(v.errors);
    }
    if let Some(mut ids) = ids {
        ids.dedup();
        st.guests[pos].associated_members = Some(ids);
    }
    envelope(
        StatusCode::CREATED,
        st.guests[pos].to_json(&st.org_id, false, st.shapes),
    )
}

/// `DELETE /organizations/{org}/guests/{email}`
pub(crate) fn remove(st: &mut State, email: &str) -> Response<Body> {
    let Some(pos) = st.guest_pos(email) else {
        return errors::validation_one("email", "The selected email is invalid.");
    };
    let at = now();
    let record = &mut st.guests[pos];
    record.in_org = false;
    record.deleted_at = Some(at);
    let removed = record.email.clone();
    for group in &mut st.groups {
        group.guests.retain(|e| !e.eq_ignore_ascii_case(&removed));
    }
    envelope(
        StatusCode::OK,
        st.guests[pos].to_json(&st.org_id, false, st.shapes),
    )
}

/// `DELETE /organizations/{org}/guests/{email}/disable`
pub(crate) fn disable(st: &mut State, email: &str) -> Response<Body> {
    let Some(pos) = st.guest_pos(email) else {
        return errors::resource_not_found();
    };
    let admin = st.default_admin_id();
    let record = &mut st.guests[pos];
    if record.open_tasks > 0 {
        return errors::simple(
            StatusCode::FORBIDDEN,
            "Cannot disable guest with incomplete tasks.",
            None,
        );
    }
    if record.disabled_at.is_none() {
        record.disabled_at = Some(now());
        record.disabled_by = admin;
    }
    envelope(
        StatusCode::OK,
        st.guests[pos].to_json(&st.org_id, false, st.shapes),
    )
}

/// `PUT /organizations/{org}/guests/{email}/enable`: always issues a new link.
pub(crate) fn enable(st: &mut State, email: &str) -> Response<Body> {
    let Some(pos) = st.guest_pos(email) else {
        return errors::resource_not_found();
    };
    let admin = st.default_admin_id();
    let code = st.next_random() | 1;
    let record = &mut st.guests[pos];
    if record.disabled_at.take().is_some() {
        record.disabled_by = None;
        record.reactivated_at = Some(now());
        record.reactivated_by = admin;
    }
    record.link_code = code;
    envelope(
        StatusCode::OK,
        st.guests[pos].to_json(&st.org_id, false, st.shapes),
    )
}

/// `DELETE /organizations/{org}/guests/{id or email}/delete`
pub(crate) fn purge(st: &mut State, key: &str) -> Response<Body> {
    let Some(pos) = st.guest_pos_by_id_or_email(key) else {
        return errors::resource_not_found();
    };
    if st.guests[pos].disabled_at.is_none() {
        return errors::simple(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Please disable the guest before deletion.",
            None,
        );
    }
    let record = st.purge_guest_at(pos);
    envelope(StatusCode::OK, record.to_json(&st.org_id, false, st.shapes))
}
