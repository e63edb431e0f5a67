//! [`Shapes`]: whether the fake writes one canonical JSON shape or every shape Tallyfy documents.
//!
//! Tallyfy's own pages disagree on how a response looks: ids are integers in one and strings in
//! another, timestamps come in four spellings, `meta.pagination.links` is an object, `{}`, `[]` or
//! nothing, old field names sit beside new ones, and an include is `{"data": [...]}` on one page and a
//! plain array on the next. A client tested against one shape only learns nothing about the others.
//!
//! With [`Shapes::Varied`] the fake first renders each record canonically, then rewrites that JSON
//! into one of the documented variants. The variant is picked from the record's id (a list page's
//! from its page number), never at random, so the same request always gives the same bytes and a
//! record looks the same in a list as in a get. Any four records with consecutive ids (seeded guests
//! and members have them) show every variant of every kind below.
//!
//! Guests (`k` = id mod 4):
//!
//! | `k` | `id` | timestamps | old names |
//! |---|---|---|---|
//! | 0 | integer `10004` | `2025-01-10T08:30:00Z` | no |
//! | 1 | string `"10001"` | `2025-01-10T08:30:00+00:00` | no |
//! | 2 | integer | `2025-01-10T08:30:00.000Z` | yes |
//! | 3 | string | `2025-01-10 08:30:00` | yes |
//!
//! "Old names" are the older documentation's fields, written beside the current ones with the same
//! values: `details.first_name` and `details.last_name`, `details.disabled_on` (beside
//! `details.disabled_at`, `null` when the guest is enabled), and in non-empty `stats`,
//! `active_tasks` and `completed_tasks` (beside `assigned_tasks` and `tasks_completed`). Empty guest
//! stats are `{}` in both settings. A string id is the same number as text, so it still names the
//! guest in `DELETE .../guests/{id}/delete`.
//!
//! Members (`k` = id mod 4):
//!
//! | `k` | timestamps | `role` | `groups` | old names |
//! |---|---|---|---|---|
//! | 0 | `...Z` | `admin`, `standard`, `light` | `{"data": [...]}` | no |
//! | 1 | `...+00:00` | `Admin`, `Standard`, `Light` | `{"data": [...]}` | yes |
//! | 2 | `....000Z` | lower case | `[...]` | yes |
//! | 3 | `... HH:MM:SS` | capitalised | `[...]` | no |
//!
//! A member's old names are `active` (beside `is_active`), `last_updated` (beside `updated_at`) and
//! `user_role` (beside `role`, same text), as in the members list of the older pages. The timestamps
//! inside `stats.data` follow the member's form. Group ids: `group_N` with an even `N` is written as
//! the integer `N` (the pages show group ids both ways), the others stay strings. Member ids are
//! integers in every documented sample, so they stay integers. A member in no group gets
//! `{"data": []}` or `[]` (the canonical rendering writes `{}`).
//!
//! Lists (`p` = the page number): `meta.pagination.links` is, for `p` mod 5 = 1, 2, 3, 4, 0:
//! `[]`, `{}`, `null`, absent, and the object with `previous` and `next`. Every other pagination
//! field keeps its value.
//!
//! Workflow records (`k` = the record's `increment_id` mod 4; nested records use their own):
//!
//! | record | variants |
//! |---|---|
//! | all | timestamps (`created_at`, `last_updated`, `deadline`, ...) in the four spellings above, by `k`; steps, fields, comments and tags inside a record follow its form |
//! | template | `steps` and `tags` bare arrays when `k` is odd, `{"data": [...]}` when even |
//! | process | `progress` a bare integer percent when `k` is odd; `started_by`, `owner_id`, `users`, `collaborators` as numeric strings when `k` = 2 (the spec declares them `FlexibleId`); an empty `prerun` as `[]` when `k` >= 2; a finished process's `next_task` as `{"data": []}`, `[]` or `{}` by `increment_id` mod 3 |
//! | task | `step` bare when `k` is odd; an empty `taskdata` as `[]` when `k` >= 2; form fields' answer in `value` and `field_value` (`k` 0, 3), `value` only (1) or `field_value` only (2); in lists, `owners.users` as `{id, full_name, profile_pic}` objects when `k` >= 2 |
//!
//! `increment_id`, `completer_id` and `position` stay integers (the spec declares them
//! `integer`); a template's `prerun` stays the list of kick-off fields.
//!
//! Every variant carries the same data: the same ids, emails and instants, so anything that decodes
//! them tolerantly reads the same records in both settings. What is not varied: request validation,
//! error bodies, and the typed views of [`FakeTallyfy`](crate::FakeTallyfy) (`guests()`,
//! `members()`, ...), which always show the canonical rendering.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

/// The environment variable [`Shapes::from_env`] reads: `canonical` or `varied`.
pub const SHAPES_ENV: &str = "TALLYFY_FAKE_SHAPES";

/// Which response shapes the fake serves (see the [module docs](self) for every variant).
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use tallyfy_fake::{FakeTallyfy, Shapes};
/// let fake = FakeTallyfy::builder().seed_guests(8).shapes(Shapes::Varied).start().await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Shapes {
    /// One shape for everything: integer ids, `Z` timestamps, `links` as an object, current field
    /// names only, wrapped includes, lower-case roles.
    #[default]
    Canonical,
    /// Tallyfy's documented variants, chosen per record from its id and per page from its number.
    Varied,
}

impl Shapes {
    /// The name used by `--shapes` and [`SHAPES_ENV`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Canonical => "canonical",
            Self::Varied => "varied",
        }
    }

    /// Reads [`SHAPES_ENV`]: unset or empty is [`Shapes::Canonical`].
    ///
    /// # Errors
    /// When the variable holds anything but `canonical` or `varied` (or is not UTF-8), so that a
    /// typo fails loudly instead of quietly testing the canonical shape.
    pub fn from_env() -> Result<Self, UnknownShapes> {
        match std::env::var(SHAPES_ENV) {
            Err(std::env::VarError::NotPresent) => Ok(Self::Canonical),
            Err(std::env::VarError::NotUnicode(raw)) => {
                Err(UnknownShapes(raw.to_string_lossy().into_owned()))
            }
            Ok(v) if v.is_empty() => Ok(Self::Canonical),
            Ok(v) => v.parse(),
        }
    }
}

impl fmt::Display for Shapes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Shapes {
    type Err = UnknownShapes;

    /// `canonical` or `varied`, exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "canonical" => Ok(Self::Canonical),
            "varied" => Ok(Self::Varied),
            other => Err(UnknownShapes(other.to_string())),
        }
    }
}

/// A shapes name that is neither `canonical` nor `varied`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownShapes(pub String);

impl fmt::Display for UnknownShapes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown shapes {:?}: expected \"canonical\" or \"varied\"",
            self.0
        )
    }
}

impl std::error::Error for UnknownShapes {}

/// The four documented spellings of one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TimeForm {
    /// `2025-01-10T08:30:00Z`
    Zulu,
    /// `2025-01-10T08:30:00+00:00`
    Offset,
    /// `2025-01-10T08:30:00.000Z`
    Millis,
    /// `2025-01-10 08:30:00`
    Space,
}

impl TimeForm {
    fn for_record(id: i64) -> Self {
        match id.rem_euclid(4) {
            0 => Self::Zulu,
            1 => Self::Offset,
            2 => Self::Millis,
            _ => Self::Space,
        }
    }

    fn write(self, at: DateTime<Utc>) -> String {
        match self {
            Self::Zulu => at.to_rfc3339_opts(SecondsFormat::Secs, true),
            Self::Offset => at.to_rfc3339_opts(SecondsFormat::Secs, false),
            Self::Millis => at.to_rfc3339_opts(SecondsFormat::Millis, true),
            Self::Space => at.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }
}

/// Rewrites each of `keys` in `obj` that holds an RFC 3339 timestamp into `form`.
fn retime(obj: &mut Map<String, Value>, keys: &[&str], form: TimeForm) {
    for key in keys {
        if let Some(Value::String(s)) = obj.get_mut(*key)
            && let Ok(at) = DateTime::parse_from_rfc3339(s)
        {
            *s = form.write(at.with_timezone(&Utc));
        }
    }
}

const GUEST_TIMES: &[&str] = &["created_at", "deleted_at", "last_accessed_at"];
const GUEST_DETAIL_TIMES: &[&str] = &[
    "last_accessed_at",
    "disabled_at",
    "reactivated_at",
    "disabled_on",
];
const GUEST_STATS_TIMES: &[&str] = &["last_task_completed_at", "last_one_off_task_completed_at"];
const MEMBER_TIMES: &[&str] = &[
    "last_login_at",
    "activated_at",
    "created_at",
    "updated_at",
    "last_updated",
    "approved_at",
    "disabled_at",
    "last_accessed_at",
];
const MEMBER_STATS_TIMES: &[&str] = &["last_step_created_at"];

/// Copies `from` to `to` in `obj` (a `null` when `from` is missing).
fn alias(obj: &mut Map<String, Value>, from: &str, to: &str) {
    let value = obj.get(from).cloned().unwrap_or(Value::Null);
    obj.insert(to.to_string(), value);
}

/// A canonically rendered record's object and integer id, when it is to be varied.
fn varied_record(v: &mut Value, shapes: Shapes) -> Option<(&mut Map<String, Value>, i64)> {
    if shapes == Shapes::Canonical {
        return None;
    }
    let obj = v.as_object_mut()?;
    let id = obj.get("id").and_then(Value::as_i64)?;
    Some((obj, id))
}

/// Rewrites a canonically rendered guest into its variant.
pub(crate) fn guest(v: &mut Value, shapes: Shapes) {
    let Some((obj, id)) = varied_record(v, shapes) else {
        return;
    };
    let k = id.rem_euclid(4);
    let form = TimeForm::for_record(id);
    let old_names = k >= 2;
    if k % 2 == 1 {
        obj.insert("id".into(), Value::String(id.to_string()));
    }
    retime(obj, GUEST_TIMES, form);
    let (first, last) = (
        obj.get("first_name").cloned(),
        obj.get("last_name").cloned(),
    );
    if let Some(details) = obj.get_mut("details").and_then(Value::as_object_mut) {
        if old_names {
            details.insert("first_name".into(), first.unwrap_or(Value::Null));
            details.insert("last_name".into(), last.unwrap_or(Value::Null));
            alias(details, "disabled_at", "disabled_on");
        }
        retime(details, GUEST_DETAIL_TIMES, form);
    }
    if let Some(stats) = obj.get_mut("stats").and_then(Value::as_object_mut)
        && !stats.is_empty()
    {
        if old_names {
            alias(stats, "assigned_tasks", "active_tasks");
            alias(stats, "tasks_completed", "completed_tasks");
        }
        retime(stats, GUEST_STATS_TIMES, form);
    }
}

/// Rewrites a canonically rendered member into its variant.
pub(crate) fn member(v: &mut Value, shapes: Shapes) {
    let Some((obj, id)) = varied_record(v, shapes) else {
        return;
    };
    let k = id.rem_euclid(4);
    let capitalised = k % 2 == 1;
    let plain_groups = k >= 2;
    let old_names = k == 1 || k == 2;
    if capitalised && let Some(Value::String(role)) = obj.get_mut("role") {
        *role = capitalise(role);
    }
    if old_names {
        alias(obj, "is_active", "active");
        alias(obj, "updated_at", "last_updated");
        alias(obj, "role", "user_role");
    }
    let form = TimeForm::for_record(id);
    retime(obj, MEMBER_TIMES, form);
    if let Some(stats) = obj
        .get_mut("stats")
        .and_then(|s| s.get_mut("data"))
        .and_then(Value::as_object_mut)
    {
        retime(stats, MEMBER_STATS_TIMES, form);
    }
    if let Some(groups) = obj.get_mut("groups").and_then(Value::as_object_mut) {
        // The canonical rendering leaves `data` out when it is empty; both forms here write it.
        let mut list = groups.remove("data").unwrap_or(Value::Array(Vec::new()));
        if let Some(items) = list.as_array_mut() {
            items.iter_mut().for_each(group);
        }
        if plain_groups {
            obj.insert("groups".into(), list);
        } else {
            groups.insert("data".into(), list);
        }
    }
}

/// Writes a group id `group_N` with an even `N` as the integer `N`.
fn group(v: &mut Value) {
    let Some(id) = v.get_mut("id") else { return };
    let n = id
        .as_str()
        .and_then(|s| s.strip_prefix("group_"))
        .and_then(|n| n.parse::<i64>().ok());
    if let Some(n) = n.filter(|n| n % 2 == 0) {
        *id = Value::from(n);
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Rewrites a list's `meta` (canonical, with `links` an object) for page `page`.
pub(crate) fn meta(v: &mut Value, shapes: Shapes, page: u64) {
    if shapes == Shapes::Canonical {
        return;
    }
    let Some(pagination) = v.get_mut("pagination").and_then(Value::as_object_mut) else {
        return;
    };
    match page % 5 {
        1 => {
            pagination.insert("links".into(), Value::Array(Vec::new()));
        }
        2 => {
            pagination.insert("links".into(), Value::Object(Map::new()));
        }
        3 => {
            pagination.insert("links".into(), Value::Null);
        }
        4 => {
            pagination.remove("links");
        }
        _ => {}
    }
}

/// Timestamp keys of the workflow records (templates, steps, fields, processes, tasks, comments,
/// tags, assets).
const WORKFLOW_TIMES: &[&str] = &[
    "created_at",
    "last_updated",
    "updated_at",
    "archived_at",
    "completed_at",
    "started_at",
    "deadline",
    "due_date",
    "deleted_at",
    "uploaded_at",
];

/// Keys whose values are form values keyed by field id: their text is data, never retimed.
const FORM_VALUE_KEYS: &[&str] = &["prerun", "taskdata", "value", "field_value"];

/// The variant number of a workflow record: its `increment_id` mod 4.
fn workflow_k(obj: &Map<String, Value>) -> Option<i64> {
    obj.get("increment_id")
        .and_then(Value::as_i64)
        .map(|n| n.rem_euclid(4))
}

/// Retimes every workflow timestamp in `v` and below it. A nested record with its own
/// `increment_id` (a task inside a process, ...) uses its own form; anything else, its parent's.
fn retime_tree(v: &mut Value, form: TimeForm) {
    match v {
        Value::Object(obj) => {
            let form = workflow_k(obj).map_or(form, TimeForm::for_record);
            retime(obj, WORKFLOW_TIMES, form);
            for (key, child) in obj.iter_mut() {
                if !FORM_VALUE_KEYS.contains(&key.as_str()) {
                    retime_tree(child, form);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| retime_tree(i, form)),
        _ => {}
    }
}

/// Unwraps `obj[key]` from `{"data": x}` to `x`.
fn unwrap_include(obj: &mut Map<String, Value>, key: &str) {
    if let Some(Value::Object(inc)) = obj.get_mut(key)
        && let Some(inner) = inc.remove("data")
    {
        obj.insert(key.into(), inner);
    }
}

/// The records included as `obj[key].data` (a list or one record), for rewriting them too.
fn included<'a>(obj: &'a mut Map<String, Value>, key: &str) -> Vec<&'a mut Value> {
    match obj.get_mut(key).and_then(|i| i.get_mut("data")) {
        Some(Value::Array(items)) => items.iter_mut().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    }
}

/// An empty form-value object written as PHP's `[]`.
fn php_empty(obj: &mut Map<String, Value>, key: &str) {
    if obj
        .get(key)
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty)
    {
        obj.insert(key.into(), Value::Array(Vec::new()));
    }
}

/// A member id written as its numeric string.
fn id_as_text(v: &mut Value) {
    if let Some(n) = v.as_i64() {
        *v = Value::String(n.to_string());
    }
}

/// What a task's `owners.users` object needs about a member: full name and picture.
pub(crate) type MemberCard<'a> = &'a dyn Fn(i64) -> Option<(String, Option<String>)>;

/// Rewrites a canonically rendered template (and its includes) into its variant.
///
/// `k` = `increment_id` mod 4: timestamps in form `k`; `steps` and `tags` bare arrays when `k` is
/// odd (wrapped in `{"data": ...}` when even).
pub(crate) fn template(v: &mut Value, shapes: Shapes) {
    if shapes == Shapes::Canonical {
        return;
    }
    let Some(k) = v.as_object().and_then(workflow_k) else {
        return;
    };
    retime_tree(v, TimeForm::for_record(k));
    template_rest(v, k);
}

fn template_rest(v: &mut Value, k: i64) {
    let Some(obj) = v.as_object_mut() else { return };
    if k % 2 == 1 {
        unwrap_include(obj, "steps");
        unwrap_include(obj, "tags");
    }
}

/// Rewrites a canonically rendered process (and its includes) into its variant.
///
/// `k` = `increment_id` mod 4: timestamps in form `k`; `progress` a bare percentage when `k` is
/// odd; member ids (`started_by`, `owner_id`, `users`, `collaborators`, all `FlexibleId` in the
/// spec) as numeric strings when `k` is 2; an empty `prerun` as `[]` when `k` is 2 or 3.
/// `next_task` of a finished process is, by `increment_id` mod 3: `{"data": []}`, `[]`, `{}`.
/// Included tasks and the template follow their own variants.
pub(crate) fn process(v: &mut Value, shapes: Shapes, cards: MemberCard<'_>) {
    if shapes == Shapes::Canonical {
        return;
    }
    let Some(k) = v.as_object().and_then(workflow_k) else {
        return;
    };
    retime_tree(v, TimeForm::for_record(k));
    process_rest(v, k, cards);
}

fn process_rest(v: &mut Value, k: i64, cards: MemberCard<'_>) {
    let Some(obj) = v.as_object_mut() else { return };
    let n = obj.get("increment_id").and_then(Value::as_i64).unwrap_or(0);
    if k % 2 == 1
        && let Some(p) = obj.get("progress").and_then(|p| p.get("percent")).cloned()
    {
        obj.insert("progress".into(), p);
    }
    if k == 2 {
        for key in ["started_by", "owner_id"] {
            if let Some(id) = obj.get_mut(key) {
                id_as_text(id);
            }
        }
        for key in ["users", "collaborators"] {
            if let Some(Value::Array(ids)) = obj.get_mut(key) {
                ids.iter_mut().for_each(id_as_text);
            }
        }
    }
    if k >= 2 {
        php_empty(obj, "prerun");
    }
    for t in included(obj, "tasks") {
        task_rest(t, false, cards);
    }
    for t in included(obj, "next_task") {
        task_rest(t, false, cards);
    }
    for t in included(obj, "checklist") {
        let tk = t.as_object().and_then(workflow_k).unwrap_or(0);
        template_rest(t, tk);
    }
    let finished = obj
        .get("next_task")
        .and_then(|x| x.get("data"))
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty);
    if finished {
        let empty = match n.rem_euclid(3) {
            0 => serde_json::json!({"data": []}),
            1 => Value::Array(Vec::new()),
            _ => Value::Object(Map::new()),
        };
        obj.insert("next_task".into(), empty);
    }
}

/// Rewrites a canonically rendered task (and its includes) into its variant.
///
/// `k` = `increment_id` mod 4: timestamps in form `k`; `step` bare when `k` is odd; an empty
/// `taskdata` as `[]` when `k` is 2 or 3; each form field's answer as `value` and `field_value`
/// (`k` 0 and 3), `value` only (1) or `field_value` only (2); in a list (`in_list`), `owners.users`
/// as `{id, full_name, profile_pic}` objects when `k` is 2 or 3 (integers otherwise).
pub(crate) fn task(v: &mut Value, shapes: Shapes, in_list: bool, cards: MemberCard<'_>) {
    if shapes == Shapes::Canonical {
        return;
    }
    let Some(k) = v.as_object().and_then(workflow_k) else {
        return;
    };
    retime_tree(v, TimeForm::for_record(k));
    task_rest(v, in_list, cards);
}

fn task_rest(v: &mut Value, in_list: bool, cards: MemberCard<'_>) {
    let Some(obj) = v.as_object_mut() else { return };
    let Some(k) = workflow_k(obj) else { return };
    if k >= 2 {
        php_empty(obj, "taskdata");
    }
    for f in included(obj, "form_fields") {
        if let Some(f) = f.as_object_mut() {
            match k {
                1 => {
                    f.remove("field_value");
                }
                2 => {
                    f.remove("value");
                }
                _ => {}
            }
        }
    }
    if in_list
        && k >= 2
        && let Some(Value::Array(users)) = obj.get_mut("owners").and_then(|o| o.get_mut("users"))
    {
        for u in users.iter_mut() {
            if let Some(id) = u.as_i64() {
                let (full_name, pic) = cards(id).unwrap_or_default();
                *u = serde_json::json!({"id": id, "full_name": full_name, "profile_pic": pic});
            }
        }
    }
    for r in included(obj, "run") {
        let rk = r.as_object().and_then(workflow_k).unwrap_or(0);
        process_rest(r, rk, cards);
    }
    if k % 2 == 1 {
        unwrap_include(obj, "step");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_parse_exactly() {
        assert_eq!("canonical".parse(), Ok(Shapes::Canonical));
        assert_eq!("varied".parse(), Ok(Shapes::Varied));
        for bad in ["Varied", "varied ", "", "vary"] {
            assert_eq!(bad.parse::<Shapes>(), Err(UnknownShapes(bad.into())));
        }
        assert_eq!(Shapes::default(), Shapes::Canonical);
        assert_eq!(Shapes::Varied.to_string(), "varied");
    }

    #[test]
    fn the_four_forms_spell_one_instant() {
        let at = DateTime::parse_from_rfc3339("2025-01-10T08:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let spelled: Vec<String> = (0..4).map(|k| TimeForm::for_record(k).write(at)).collect();
        assert_eq!(
            spelled,
            [
                "2025-01-10T08:30:00Z",
                "2025-01-10T08:30:00+00:00",
                "2025-01-10T08:30:00.000Z",
                "2025-01-10 08:30:00",
            ]
        );
    }

    #[test]
    fn canonical_leaves_the_json_alone() {
        let original = json!({"id": 10003, "created_at": "2025-01-10T08:30:00Z", "details": {}});
        let mut v = original.clone();
        guest(&mut v, Shapes::Canonical);
        member(&mut v, Shapes::Canonical);
        meta(&mut v, Shapes::Canonical, 1);
        assert_eq!(v, original);
    }

    #[test]
    fn roles_are_capitalised_by_their_first_letter() {
        assert_eq!(capitalise("admin"), "Admin");
        assert_eq!(capitalise("light"), "Light");
        assert_eq!(capitalise(""), "");
    }
}
