//! The fake's data: guests, members and groups, and how each record becomes the JSON Tallyfy sends.
//!
//! Records are stored compactly (timestamps as Unix seconds, seeded text as `&'static str`) so that
//! 100 000 seeded guests cost little to build. They are turned into the generated
//! `tallyfy_client::types::{Guest, Member}` only when a response is written, and then every documented
//! field that has no value is written as `null`, the way Tallyfy sends it (the generated types leave
//! such fields out). Under [`Shapes::Varied`] that JSON is then rewritten into one of the documented
//! variants (see `shapes.rs`).
//!
//! Guests live in one global registry (a guest may belong to several organizations in Tallyfy); the
//! fake serves one organization, and `in_org` says whether a guest belongs to it. Guests of "another
//! organization" are registry entries with `in_org == false`: creating a guest with such an email
//! attaches the existing guest instead of creating a second one.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tallyfy_client::types::{
    FlexibleId, Group, GroupsInclude, Guest, GuestDetails, GuestStats, Member, MemberStats,
    MemberStatsInclude,
};
use tallyfy_client::{MemberRole, Timestamp};

use crate::places::{country_name, utc_offset};
use crate::shapes::Shapes;

/// Text that is usually one of the seed tables' values, sometimes a caller's string.
pub(crate) type Text = Cow<'static, str>;

/// Bytes escaped in a path segment: everything outside RFC 3986's unreserved set.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Unix seconds to the RFC 3339 text the fake writes (`2025-01-10T08:30:00Z`).
pub(crate) fn ts(secs: i64) -> Timestamp {
    Timestamp::from_datetime(DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default())
}

fn ts_opt(secs: Option<i64>) -> Option<Timestamp> {
    secs.map(ts)
}

/// The current time in Unix seconds.
pub(crate) fn now() -> i64 {
    Utc::now().timestamp()
}

pub(crate) use crate::hash::mix;

pub(crate) fn text(t: &Option<Text>) -> Option<String> {
    t.as_ref().map(|s| s.to_string())
}

/// Task statistics of a guest (shown with `with=stats`).
#[derive(Clone, Debug, Default)]
pub(crate) struct GuestStatsRecord {
    pub tasks_completed: i64,
    pub last_task_completed_at: Option<i64>,
    pub one_off_tasks_completed: i64,
    pub last_one_off_task_completed_at: Option<i64>,
}

/// One guest in the global registry.
#[derive(Clone, Debug, Default)]
pub(crate) struct GuestRecord {
    pub id: i64,
    pub email: String,
    pub first_name: Option<Text>,
    pub last_name: Option<Text>,
    pub last_accessed_at: Option<i64>,
    pub last_known_ip: Option<Text>,
    pub last_known_country: Option<Text>,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub link_code: u64,
    pub status: Option<Text>,
    pub phone_1: Option<Text>,
    pub phone_2: Option<Text>,
    pub timezone: Option<Text>,
    pub image_url: Option<Text>,
    pub contact_url: Option<Text>,
    pub company_url: Option<Text>,
    pub opportunity_url: Option<Text>,
    pub company_name: Option<Text>,
    pub opportunity_name: Option<Text>,
    pub external_sync_source: Option<Text>,
    pub external_date_creation: Option<Text>,
    pub cadence_days: Option<i64>,
    pub associated_members: Option<Vec<i64>>,
    pub last_city: Option<Text>,
    pub disabled_at: Option<i64>,
    pub disabled_by: Option<i64>,
    pub reactivated_at: Option<i64>,
    pub reactivated_by: Option<i64>,
    /// Incomplete tasks assigned to the guest; disabling is refused while this is above 0.
    pub open_tasks: u32,
    pub stats: Option<GuestStatsRecord>,
    /// Whether the guest belongs to the fake's organization (otherwise only to "another" one).
    pub in_org: bool,
}

const GUEST_KEYS: &[&str] = &[
    "id",
    "email",
    "first_name",
    "last_name",
    "last_accessed_at",
    "last_known_ip",
    "last_known_country",
    "created_at",
    "deleted_at",
    "link",
    "details",
];

const GUEST_DETAIL_KEYS: &[&str] = &[
    "status",
    "phone_1",
    "phone_2",
    "timezone",
    "image_url",
    "contact_url",
    "company_url",
    "opportunity_url",
    "company_name",
    "opportunity_name",
    "external_sync_source",
    "external_date_creation",
    "cadence_days",
    "associated_members",
    "last_city",
    "last_country",
    "last_accessed_at",
    "disabled_at",
    "disabled_by",
    "reactivated_at",
    "reactivated_by",
];

const GUEST_STATS_KEYS: &[&str] = &[
    "assigned_tasks",
    "tasks_completed",
    "last_task_completed_at",
    "one_off_tasks_completed",
    "last_one_off_task_completed_at",
];

const MEMBER_KEYS: &[&str] = &[
    "id",
    "email",
    "username",
    "first_name",
    "last_name",
    "full_name",
    "profile_pic",
    "country_id",
    "is_active",
    "is_suspended",
    "last_login_at",
    "activated_at",
    "type",
    "created_at",
    "updated_at",
    "phone",
    "job_title",
    "job_description",
    "team",
    "timezone",
    "UTC_offset",
    "role",
    "status",
    "date_format",
    "is_default_admin",
    "invited_by",
    "approved_at",
    "disabled_at",
    "last_accessed_at",
    "locale",
];

/// Writes `null` for each of `keys` that `value` (an object) lacks.
fn fill_nulls(value: &mut Value, keys: &[&str]) {
    if let Value::Object(map) = value {
        for key in keys {
            map.entry(*key).or_insert(Value::Null);
        }
    }
}

impl GuestRecord {
    /// The guest's forever link.
    pub fn link(&self, org_id: &str) -> String {
        format!(
            "https://go.tallyfy.com/{}/guest/{:016x}",
            percent_encoding::utf8_percent_encode(org_id, SEGMENT),
            self.link_code
        )
    }

    /// The guest as the generated type; `stats` only when `with_stats`.
    pub fn to_guest(&self, org_id: &str, with_stats: bool) -> Guest {
        let stats = with_stats.then(|| match &self.stats {
            Some(s) => GuestStats {
                assigned_tasks: Some(i64::from(self.open_tasks)),
                tasks_completed: Some(s.tasks_completed),
                last_task_completed_at: ts_opt(s.last_task_completed_at),
                one_off_tasks_completed: Some(s.one_off_tasks_completed),
                last_one_off_task_completed_at: ts_opt(s.last_one_off_task_completed_at),
                active_tasks: None,
                completed_tasks: None,
            },
            None if self.open_tasks > 0 => GuestStats {
                assigned_tasks: Some(i64::from(self.open_tasks)),
                ..GuestStats::default()
            },
            None => GuestStats::default(),
        });
        Guest {
            id: Some(FlexibleId::Int64(self.id)),
            email: Some(self.email.clone()),
            first_name: text(&self.first_name),
            last_name: text(&self.last_name),
            last_accessed_at: ts_opt(self.last_accessed_at),
            last_known_ip: text(&self.last_known_ip),
            last_known_country: text(&self.last_known_country),
            created_at: Some(ts(self.created_at)),
            deleted_at: ts_opt(self.deleted_at),
            link: Some(self.link(org_id)),
            details: Some(GuestDetails {
                status: text(&self.status),
                phone_1: text(&self.phone_1),
                phone_2: text(&self.phone_2),
                timezone: text(&self.timezone),
                image_url: text(&self.image_url),
                contact_url: text(&self.contact_url),
                company_url: text(&self.company_url),
                opportunity_url: text(&self.opportunity_url),
                company_name: text(&self.company_name),
                opportunity_name: text(&self.opportunity_name),
                external_sync_source: text(&self.external_sync_source),
                external_date_creation: text(&self.external_date_creation),
                cadence_days: self.cadence_days,
                associated_members: self.associated_members.clone(),
                last_city: text(&self.last_city),
                last_country: text(&self.last_known_country),
                last_accessed_at: ts_opt(self.last_accessed_at),
                disabled_at: ts_opt(self.disabled_at),
                disabled_by: self.disabled_by.map(Value::from),
                reactivated_at: ts_opt(self.reactivated_at),
                reactivated_by: self.reactivated_by.map(Value::from),
                first_name: None,
                last_name: None,
                disabled_on: None,
            }),
            stats,
        }
    }

    /// The guest as JSON, with every documented field present (`null` when it has no value), in
    /// the variant `shapes` picks for it.
    pub fn to_json(&self, org_id: &str, with_stats: bool, shapes: Shapes) -> Value {
        let mut v = guest_json(&self.to_guest(org_id, with_stats));
        crate::shapes::guest(&mut v, shapes);
        v
    }
}

/// A generated [`Guest`] as JSON with every documented field present.
pub(crate) fn guest_json(guest: &Guest) -> Value {
    let mut v = serde_json::to_value(guest).expect("a guest always serializes");
    fill_nulls(&mut v, GUEST_KEYS);
    if let Some(details) = v.get_mut("details") {
        fill_nulls(details, GUEST_DETAIL_KEYS);
    }
    if let Some(stats) = v
        .get_mut("stats")
        .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))
    {
        fill_nulls(stats, GUEST_STATS_KEYS);
    }
    v
}

/// Whether a member is active, invited or disabled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MemberStatus {
    Active,
    Invited,
    Disabled,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Invited => "invited",
            Self::Disabled => "disabled",
        }
    }
}

/// One member of the fake's organization.
#[derive(Clone, Debug)]
pub(crate) struct MemberRecord {
    pub id: i64,
    pub email: String,
    pub username: Option<Text>,
    pub first_name: Text,
    pub last_name: Text,
    pub profile_pic: Option<Text>,
    pub country_id: Option<i64>,
    pub status: MemberStatus,
    /// Always canonical: `admin`, `standard` and `light` are their variants, never `Other`.
    pub role: MemberRole,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_login_at: Option<i64>,
    pub activated_at: Option<i64>,
    pub phone: Option<Text>,
    pub job_title: Option<Text>,
    pub job_description: Option<Text>,
    pub team: Option<Text>,
    pub timezone: Option<Text>,
    pub date_format: Option<Text>,
    pub is_default_admin: bool,
    pub invited_by: Option<i64>,
    pub approved_at: Option<i64>,
    pub disabled_at: Option<i64>,
    pub locale: Option<Text>,
    pub step_preferences: Option<bool>,
    pub stats: MemberStats,
    /// A bot user: cannot be edited or removed.
    pub bot: bool,
    /// Also a member of other organizations: only the member may edit their own profile.
    pub in_other_orgs: bool,
}

/// Which related data a members request asked for with `with=`.
#[derive(Clone, Debug, Default)]
pub(crate) struct MemberIncludes {
    pub names: Vec<String>,
}

impl MemberRecord {
    /// Whether the member takes a full seat (admins and standard members who are not disabled).
    pub fn uses_seat(&self) -> bool {
        self.status != MemberStatus::Disabled && role_uses_seat(&self.role)
    }

    /// The member as the generated type, with the requested includes.
    pub fn to_member(&self, state: &State, includes: &MemberIncludes) -> Member {
        let mut m = Member {
            id: Some(self.id),
            email: Some(self.email.clone()),
            username: text(&self.username),
            first_name: Some(self.first_name.to_string()),
            last_name: Some(self.last_name.to_string()),
            full_name: Some(format!("{} {}", self.first_name, self.last_name)),
            profile_pic: text(&self.profile_pic),
            country_id: self.country_id,
            is_active: Some(self.status == MemberStatus::Active),
            is_suspended: Some(false),
            last_login_at: ts_opt(self.last_login_at),
            activated_at: ts_opt(self.activated_at),
            type_: Some(if self.bot { "bot" } else { "user" }.into()),
            created_at: Some(ts(self.created_at)),
            updated_at: Some(ts(self.updated_at)),
            phone: text(&self.phone),
            job_title: text(&self.job_title),
            job_description: text(&self.job_description),
            team: text(&self.team),
            timezone: text(&self.timezone),
            utc_offset: self
                .timezone
                .as_deref()
                .and_then(utc_offset)
                .map(str::to_string),
            role: Some(self.role.clone()),
            status: Some(self.status.as_str().into()),
            date_format: text(&self.date_format),
            is_default_admin: Some(self.is_default_admin),
            invited_by: self.invited_by,
            approved_at: ts_opt(self.approved_at),
            disabled_at: ts_opt(self.disabled_at),
            last_accessed_at: ts_opt(self.last_login_at),
            locale: text(&self.locale),
            ..Member::default()
        };
        for name in &includes.names {
            match name.as_str() {
                "stats" => {
                    m.stats = Some(MemberStatsInclude {
                        data: Some(self.stats.clone()),
                    })
                }
                "groups" => {
                    m.groups = Some(GroupsInclude {
                        data: state
                            .groups
                            .iter()
                            .filter(|g| g.members.contains(&self.id))
                            .map(GroupRecord::to_group)
                            .collect(),
                    })
                }
                "organizations" => {
                    m.organizations = Some(serde_json::json!({"data": [
                        {"id": state.org_id, "name": "Fake Organization"}
                    ]}))
                }
                "country" => {
                    m.country = Some(serde_json::json!({"data": self.country_id.map(|id| {
                        serde_json::json!({"id": id, "name": country_name(id)})
                    })}))
                }
                "preferences" => m.preferences = Some(serde_json::json!({"data": []})),
                "assets" => m.assets = Some(serde_json::json!({"data": []})),
                "member_watchers" => m.member_watchers = Some(serde_json::json!({"data": []})),
                "guest_watchers" => m.guest_watchers = Some(serde_json::json!({"data": []})),
                "auth_methods" => {
                    m.auth_methods = Some(serde_json::json!({"data": [{"type": "password"}]}))
                }
                _ => {}
            }
        }
        m
    }

    /// The member as JSON, with every documented field present, in the variant the state's
    /// [`Shapes`] picks for it.
    pub fn to_json(&self, state: &State, includes: &MemberIncludes) -> Value {
        let mut v = member_json(&self.to_member(state, includes));
        crate::shapes::member(&mut v, state.shapes);
        v
    }
}

/// A generated [`Member`] as JSON with every documented field present.
pub(crate) fn member_json(member: &Member) -> Value {
    let mut v = serde_json::to_value(member).expect("a member always serializes");
    fill_nulls(&mut v, MEMBER_KEYS);
    v
}

/// Whether a role takes a full seat: admins and standard members do; light members and a role the
/// fake does not know (only seeded directly, never accepted through the API) do not.
pub(crate) fn role_uses_seat(role: &MemberRole) -> bool {
    matches!(role, MemberRole::Admin | MemberRole::Standard)
}

/// A role as the state keeps it: a documented name in any letter case becomes its variant (so
/// `MemberRole::Other("ADMIN".into())` is an admin), any other text is kept as given.
pub(crate) fn canonical_role(role: MemberRole) -> MemberRole {
    match role {
        MemberRole::Other(s) => s.parse().unwrap_or_else(|never| match never {}),
        known => known,
    }
}

/// A group of members and guests: served by the groups API and shown in members' `with=groups`.
///
/// Seeded groups have the ids `group_1`, `group_2`, ...; groups made through the API continue the
/// sequence (the spec treats group ids as opaque strings).
#[derive(Clone, Debug)]
pub(crate) struct GroupRecord {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub members: Vec<i64>,
    pub guests: Vec<String>,
    pub created_at: i64,
    pub last_updated: i64,
}

const GROUP_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "logo",
    "created_at",
    "last_updated",
    "updated_at",
    "deleted_at",
];

impl GroupRecord {
    pub(crate) fn to_group(&self) -> Group {
        Group {
            id: Some(FlexibleId::String(self.id.clone())),
            name: Some(self.name.to_string()),
            description: Some(self.description.to_string()),
            logo: None,
            created_at: Some(ts(self.created_at)),
            last_updated: Some(ts(self.last_updated)),
            updated_at: Some(ts(self.last_updated)),
            deleted_at: None,
            members: self
                .members
                .iter()
                .map(|id| FlexibleId::Int64(*id))
                .collect(),
            guests: self
                .guests
                .iter()
                .map(|e| FlexibleId::String(e.clone()))
                .collect(),
        }
    }

    /// The group as the groups API writes it: every field of the spec's `Group`, `null` when it
    /// has no value, `members` and `guests` always lists. `updated_at` (the older pages' name)
    /// carries `last_updated`.
    pub(crate) fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(self.to_group()).expect("a group always serializes");
        fill_nulls(&mut v, GROUP_KEYS);
        if let Value::Object(map) = &mut v {
            map.entry("members").or_insert(Value::Array(Vec::new()));
            map.entry("guests").or_insert(Value::Array(Vec::new()));
        }
        v
    }
}

/// The most guest renderings kept at once.
const RENDER_CACHE_LIMIT: usize = 20_000;

/// Everything the fake knows.
#[derive(Debug)]
pub(crate) struct State {
    pub org_id: String,
    /// Every guest of the registry, ordered by `id` (which is also creation order).
    pub guests: Vec<GuestRecord>,
    /// Lower-cased email to guest id.
    pub guest_ids: HashMap<String, i64>,
    pub next_guest_id: i64,
    pub members: Vec<MemberRecord>,
    pub next_member_id: i64,
    pub groups: Vec<GroupRecord>,
    /// The number of the next group made through the API (`group_N`).
    pub next_group_no: usize,
    pub seat_limit: Option<u32>,
    pub page_cap: u64,
    /// Which response shapes to write.
    pub shapes: Shapes,
    pub rng: u64,
    /// Bumped by every change (see `touch`); the render cache is only valid for one version.
    pub version: u64,
    /// Guest JSON by (registry position, with stats), valid for `cache_version`.
    pub render_cache: HashMap<(usize, bool), Arc<str>>,
    pub cache_version: u64,
    /// Registry positions of the organization's guests, in creation order, valid for the version
    /// in `org_index_version` (see [`org_guest_positions`](Self::org_guest_positions)).
    pub org_index: Vec<usize>,
    pub org_index_version: Option<u64>,
    /// Templates, processes, tasks and comments.
    pub workflow: crate::workflow::Workflow,
    /// The member the current request's token acts as, when it is a member's OAuth token; `None`
    /// for the fixed token and an application's token, which act as the default administrator.
    pub acting_member: Option<i64>,
    /// Webhook settings, and the webhooks the current request queued.
    pub webhooks: crate::outbox::Webhooks,
}

impl State {
    /// Marks the state as changed, so that cached JSON is rendered again.
    pub fn touch(&mut self) {
        self.version = self.version.wrapping_add(1);
    }

    /// The JSON text of the guest at `pos`, rendered once per state version.
    ///
    /// Lists of 100 guests are answered from these fragments; any change to the state (every
    /// non-GET request, every change through the handle) calls [`touch`](Self::touch) first, which
    /// drops the cache.
    pub fn guest_json_cached(&mut self, pos: usize, with_stats: bool) -> Arc<str> {
        if self.cache_version != self.version {
            self.render_cache.clear();
            self.cache_version = self.version;
        }
        if let Some(hit) = self.render_cache.get(&(pos, with_stats)) {
            return hit.clone();
        }
        let record = &self.guests[pos];
        let direct = match self.shapes {
            // Straight to text, without building a `Value` first (see `crate::render`).
            Shapes::Canonical => {
                crate::render::canonical_guest(&record.to_guest(&self.org_id, with_stats))
            }
            Shapes::Varied => None,
        };
        let text: Arc<str> = direct
            .unwrap_or_else(|| {
                let json = record.to_json(&self.org_id, with_stats, self.shapes);
                serde_json::to_string(&json).expect("a guest always serializes")
            })
            .into();
        // Bounded: once full, a walk over a huge list renders the rest each time rather than
        // holding every guest twice (or clearing thousands of entries at once, mid-walk).
        if self.render_cache.len() < RENDER_CACHE_LIMIT {
            self.render_cache.insert((pos, with_stats), text.clone());
        }
        text
    }

    /// Registry positions of the organization's guests in creation order, rebuilt once per state
    /// version: a page of the default sort is a slice of it, so its cost does not grow with the
    /// list.
    pub fn org_guest_positions(&mut self) -> &[usize] {
        if self.org_index_version != Some(self.version) {
            self.org_index.clear();
            let listed = self.guests.iter().enumerate().filter(|(_, g)| g.in_org);
            self.org_index.extend(listed.map(|(i, _)| i));
            self.org_index_version = Some(self.version);
        }
        &self.org_index
    }

    /// A fresh pseudo-random number (deterministic for a given seed).
    pub fn next_random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.rng)
    }

    fn guest_pos_by_id(&self, id: i64) -> Option<usize> {
        self.guests.binary_search_by_key(&id, |g| g.id).ok()
    }

    /// The registry position of the guest with this email (any organization).
    pub fn guest_pos_any(&self, email: &str) -> Option<usize> {
        let id = *self.guest_ids.get(&email.to_lowercase())?;
        self.guest_pos_by_id(id)
    }

    /// The registry position of this organization's guest with this email.
    pub fn guest_pos(&self, email: &str) -> Option<usize> {
        self.guest_pos_any(email)
            .filter(|&pos| self.guests[pos].in_org)
    }

    /// This organization's guest addressed by numeric id or by email.
    pub fn guest_pos_by_id_or_email(&self, key: &str) -> Option<usize> {
        if let Ok(id) = key.parse::<i64>()
            && let Some(pos) = self.guest_pos_by_id(id).filter(|&p| self.guests[p].in_org)
        {
            return Some(pos);
        }
        self.guest_pos(key)
    }

    /// Adds a guest to the registry with a new id and returns its position.
    pub fn push_guest(&mut self, mut record: GuestRecord) -> usize {
        record.id = self.next_guest_id;
        self.next_guest_id += 1;
        if record.link_code == 0 {
            record.link_code = self.next_random();
        }
        self.guest_ids
            .insert(record.email.to_lowercase(), record.id);
        self.guests.push(record);
        self.guests.len() - 1
    }

    /// Removes a guest from the registry for good.
    pub fn purge_guest_at(&mut self, pos: usize) -> GuestRecord {
        let record = self.guests.remove(pos);
        self.guest_ids.remove(&record.email.to_lowercase());
        for group in &mut self.groups {
            group
                .guests
                .retain(|e| !e.eq_ignore_ascii_case(&record.email));
        }
        record
    }

    /// The position of the member with this id.
    pub fn member_pos(&self, id: i64) -> Option<usize> {
        self.members.iter().position(|m| m.id == id)
    }

    /// The position of the member with this email (case-insensitive).
    pub fn member_pos_by_email(&self, email: &str) -> Option<usize> {
        let lower = email.to_lowercase();
        self.members
            .iter()
            .position(|m| m.email.to_lowercase() == lower)
    }

    /// The default administrator's id (the first admin marked as default).
    pub fn default_admin_id(&self) -> Option<i64> {
        self.members
            .iter()
            .find(|m| m.is_default_admin)
            .map(|m| m.id)
    }

    /// Full seats in use.
    pub fn seats_used(&self) -> u32 {
        self.members.iter().filter(|m| m.uses_seat()).count() as u32
    }

    /// Whether one more full seat can be taken.
    pub fn seat_available(&self) -> bool {
        self.seat_limit
            .is_none_or(|limit| self.seats_used() < limit)
    }
}

impl State {
    /// A member's full name and picture, for a task's `owners.users` objects.
    fn member_card(&self, id: i64) -> Option<(String, Option<String>)> {
        let m = &self.members[self.member_pos(id)?];
        Some((
            format!("{} {}", m.first_name, m.last_name),
            text(&m.profile_pic),
        ))
    }

    /// The template at `pos` as JSON, in the variant the state's [`Shapes`] picks for it.
    pub fn template_out(&self, pos: usize, with: &[&str]) -> Value {
        let wf = &self.workflow;
        let mut v = wf.template_json(&wf.templates[pos], with);
        crate::shapes::template(&mut v, self.shapes);
        v
    }

    /// The process at `pos` as JSON, in its variant.
    pub fn process_out(&self, pos: usize, with: &[&str], at: i64) -> Value {
        let wf = &self.workflow;
        let mut v = wf.process_json(&wf.processes[pos], with, at);
        crate::shapes::process(&mut v, self.shapes, &|id| self.member_card(id));
        v
    }

    /// The task at `pos` as JSON, in its variant (`in_list`: as an item of a list).
    pub fn task_out(&self, pos: usize, with: &[&str], at: i64, in_list: bool) -> Value {
        let wf = &self.workflow;
        let mut v = wf.task_json(&wf.tasks[pos], with, at);
        crate::shapes::task(&mut v, self.shapes, in_list, &|id| self.member_card(id));
        v
    }

    /// The task at `pos` as an item of a list. In the canonical shape (which `task_out` leaves as
    /// the records have it) it is written straight from the records, with no JSON value built in
    /// between: that halves what a page of tasks costs.
    pub fn task_item(&self, pos: usize, with: &[&str], at: i64) -> TaskItem<'_> {
        let wf = &self.workflow;
        match self.shapes {
            Shapes::Canonical => TaskItem::Direct(wf.task_view(&wf.tasks[pos], with, at)),
            Shapes::Varied => TaskItem::Shaped(self.task_out(pos, with, at, true)),
        }
    }
}

/// A task of a list page: see [`State::task_item`].
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
#[expect(
    clippy::large_enum_variant,
    reason = "items live for one page, in one Vec; boxing would cost an allocation each"
)]
pub(crate) enum TaskItem<'a> {
    Direct(crate::workflow::store::TaskView<'a>),
    Shaped(Value),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_written_straight_to_a_list_is_the_tasks_json() {
        let counts = crate::seed::Counts {
            guests: 1,
            members: 3,
            templates: 5,
            processes: 30,
        };
        let st = crate::seed::build("org", 7, counts, None, 100, Shapes::Canonical);
        let with = ["run", "step", "threads", "form_fields", "tags"];
        assert!(st.workflow.tasks.len() > 50);
        for pos in 0..st.workflow.tasks.len() {
            for with in [&with[..], &[]] {
                let item = st.task_item(pos, with, 1_800_000_000);
                assert!(matches!(item, TaskItem::Direct(_)));
                assert_eq!(
                    serde_json::to_value(&item).unwrap(),
                    st.task_out(pos, with, 1_800_000_000, true),
                    "task {pos}"
                );
            }
        }
    }
}
