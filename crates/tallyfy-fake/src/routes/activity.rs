//! The activity feed (`GET /activity-feeds`): the audit trail the workflow calls write, filtered
//! and paged (20 a page unless asked).
//!
//! | filter | keeps |
//! |---|---|
//! | `entity_type`, `entity_id` | activity about that record, or about what belongs to it (a process's tasks and their comments, a task's comments); `step` keeps nothing, as the fake records no step changes |
//! | `type`, `verb` | that category, that action |
//! | `actor_id`, `actor_email`, `actor_type` | by that member (an unknown email keeps nothing); `guest` keeps nothing, as guests act through no API call |
//! | `source` | `Member` keeps everything, the others nothing |
//! | `created_after`, `created_before` | on or after, on or before that day (`YYYY-MM-DD`) |
//! | `search` | whose description contains the text, in any letter case (2 to 100 characters) |
//! | `field`, `origin_type`, `origin_id` | nothing: the fake records no field changes and no automatic launches |
//!
//! `sort` is `-created_at` (newest first, the default) or `created_at`; the spec leaves it a free
//! string, so anything else gives the default order.

use axum::body::Body;
use http::Response;
use serde_json::{Value, json};

use crate::errors;
use crate::routes::request::{
    Ctx, Paging, enum_param, list_response, nonempty, positive_param, sort_param,
};
use crate::state::{State, text};
use crate::workflow::activity::{Activity, Entity};

/// The default page size of the activity feed.
pub const DEFAULT_PER_PAGE: u64 = 20;

const TYPES: &[&str] = &[
    "Comment",
    "Task",
    "Step",
    "Process",
    "Blueprint",
    "User",
    "Organization",
    "Tag",
    "Group",
];
const VERBS: &[&str] = &[
    "created",
    "updated",
    "owners-updated",
    "uploaded",
    "completed",
    "uncompleted",
    "deleted",
    "re-ordered",
    "commented",
    "issue-reported",
    "issue-resolved",
    "archived",
    "unarchived",
    "re-opened",
    "emitted",
    "enabled",
    "disabled",
    "comment-deleted",
    "invited",
    "invite-accepted",
    "linked",
    "unlinked",
];

/// A `YYYY-MM-DD` day parameter as its first second (`end`: its last second).
fn day_param(ctx: &Ctx<'_>, name: &str, end: bool) -> Result<Option<i64>, Response<Body>> {
    let Some(raw) = ctx.param(name) else {
        return Ok(None);
    };
    let day = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        errors::validation_one(
            name,
            format!(
                "The {} does not match the format Y-m-d.",
                name.replace('_', " ")
            ),
        )
    })?;
    let start = day
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp();
    Ok(Some(if end { start + 86_399 } else { start }))
}

/// The member's card as the feed shows the actor.
fn actor_card(st: &State, id: i64) -> Option<Value> {
    let m = &st.members[st.member_pos(id)?];
    Some(json!({
        "email": m.email,
        "username": text(&m.username),
        "first_name": m.first_name,
        "last_name": m.last_name,
        "full_name": format!("{} {}", m.first_name, m.last_name),
        "profile_pic": text(&m.profile_pic),
        "resize_profile_pic": text(&m.profile_pic),
    }))
}

/// `GET /organizations/{org}/activity-feeds`
pub(crate) fn list(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let run = || -> Result<Response<Body>, Response<Body>> {
        let paging = Paging::read(ctx, DEFAULT_PER_PAGE, st.page_cap)?;
        let entity_type = enum_param(
            ctx,
            "entity_type",
            &["checklist", "run", "step", "task", "thread"],
        )?;
        let entity_id = nonempty(ctx, "entity_id");
        let kind = enum_param(ctx, "type", TYPES)?;
        let verb = enum_param(ctx, "verb", VERBS)?;
        let actor_type = enum_param(ctx, "actor_type", &["user", "guest"])?;
        let actor_id = positive_param(ctx, "actor_id")?.map(|n| n as i64);
        let source = enum_param(ctx, "source", &["Member", "Guest", "Webhook"])?;
        let origin = enum_param(ctx, "origin_type", &["checklist", "run", "step", "task"])?;
        let after = day_param(ctx, "created_after", false)?;
        let before = day_param(ctx, "created_before", true)?;
        let search = match ctx.param("search") {
            None => None,
            Some(s) if (2..=100).contains(&s.chars().count()) => Some(s.to_lowercase()),
            Some(_) => {
                return Err(errors::validation_one(
                    "search",
                    "The search must be between 2 and 100 characters.",
                ));
            }
        };
        let (_, newest_first) = sort_param(
            ctx,
            &["sort"],
            &["-created_at", "created_at"],
            "-created_at",
            false,
        )?;
        // An email names its member; an unknown one names nobody.
        let by_email = ctx
            .param("actor_email")
            .map(|e| st.member_pos_by_email(e).map(|p| st.members[p].id));
        // Filters the fake has nothing for keep nothing.
        let nothing = entity_type == Some("step")
            || actor_type == Some("guest")
            || source.is_some_and(|s| s != "Member")
            || nonempty(ctx, "field").is_some()
            || origin.is_some()
            || nonempty(ctx, "origin_id").is_some()
            || by_email == Some(None);
        let entity = entity_type.and_then(Entity::parse);
        let keep = |a: &Activity| {
            !nothing
                && (entity.is_none() && entity_id.is_none() || a.concerns(entity, entity_id))
                && kind.is_none_or(|k| a.kind() == k)
                && verb.is_none_or(|v| a.verb == v)
                && actor_id.is_none_or(|id| a.actor_id == id)
                && by_email.flatten().is_none_or(|id| a.actor_id == id)
                && after.is_none_or(|t| a.created_at >= t)
                && before.is_none_or(|t| a.created_at <= t)
                && search
                    .as_deref()
                    .is_none_or(|q| a.description.to_lowercase().contains(q))
        };
        let mut picked: Vec<&Activity> =
            st.workflow.activities.iter().filter(|a| keep(a)).collect();
        if newest_first {
            picked.reverse();
        }
        let window = paging.window(picked.len());
        let items = picked[window.start..window.start + window.count]
            .iter()
            .map(|a| a.to_json(&st.org_id, actor_card(st, a.actor_id)))
            .collect();
        Ok(list_response(ctx, &window, items))
    };
    run().unwrap_or_else(|res| res)
}
