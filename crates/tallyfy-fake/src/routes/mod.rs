//! Routing: from a raw request target to one of the spec's 75 operations (17 for guests and
//! members, 40 for templates, processes, tasks and comments, 5 for tags, 5 for groups, 5 for files,
//! 1 for the activity feed, and the 2 token requests of `oauth.rs`), and the checks every call
//! passes.
//!
//! The order of checks, for every request that a queued fault did not answer:
//! 1. the path, with or without the `/api` prefix, must be one of the API's paths, else 404
//!    `ENDPOINT_NOT_FOUND`;
//! 2. the method must be one the path accepts, else 405 with `Allow`;
//! 3. `Authorization: Bearer <token>` must carry the fake's token, and `X-Tallyfy-Client` must be
//!    present (any value), else 401;
//! 4. the organization in the path must be the fake's, else 403;
//! 5. with rate limits on (`crate::limits`), the token's rolling window must have room, and a
//!    guest invite or a comment must fit in the organization's hourly cap, else 429;
//! 6. the operation's own checks (see `guests.rs`, `members.rs`, `templates.rs`, `processes.rs`,
//!    `tasks.rs`, `comments.rs` and the others).
//!
//! Routing is done here rather than with a router crate so that each path segment is split on the raw
//! `/` and then percent-decoded exactly once: `a%2Fb%40x.io` is one segment, `a/b@x.io`, and `+` stays
//! `+`.

// Handlers return `Result<_, Response>` so that a refusal is one `?` or `return` away; a response is
// built once per request, so boxing it to shrink the `Err` variant would buy nothing.
#![allow(clippy::result_large_err)]

pub(crate) mod activity;
pub(crate) mod comments;
pub(crate) mod files;
pub(crate) mod groups;
pub(crate) mod guests;
pub(crate) mod members;
mod oauth;
pub(crate) mod processes;
mod request;
pub(crate) mod tags;
pub(crate) mod tasks;
pub(crate) mod templates;

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, Method, Response, header};
use percent_encoding::percent_decode_str;

use crate::errors;
use crate::limits::{self, Capped, Limiter};
use crate::state::State;
use crate::sync::lock;
use crate::tokens::{Holder, Tokens};
use crate::workflow::model::CommentOn;
use crate::workflow::ops::{CommentKind, Via};
use request::Ctx;

/// One of the API's paths, with its decoded parameters.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Guests,
    Guest(String),
    GuestDisable(String),
    GuestEnable(String),
    GuestPurge(String),
    Users,
    UserInvite,
    User(String),
    UserRole(String),
    UserDisable(String),
    UserEnable(String),
    UserPurge(String),
    Templates,
    Template(String),
    TemplateRestore(String),
    TemplatePurge(String),
    Runs,
    Run(String),
    RunActivate(String),
    RunPurge(String),
    RunTasks(String),
    RunTask(String, String),
    CompletedTasks(String),
    CompletedTask(String, String),
    Tasks,
    MyTasks,
    Task(String),
    TaskRestore(String),
    TaskPurge(String),
    OneoffCompleted,
    OneoffCompletedTask(String),
    TemplateFormFields(String),
    TemplateStep(String, String),
    TaskCaptures(String),
    /// `.../comment` on a task, process or template.
    Comment(CommentOn),
    /// `.../problem`.
    Problem(CommentOn),
    /// `.../resolved-threads`.
    Resolve(CommentOn),
    Tags,
    Tag(String),
    Groups,
    Group(String),
    FileUpload,
    Assets,
    Asset(String),
    File(String),
    FileDownload(String),
    Activity,
}

impl Route {
    fn allowed(&self) -> &'static [&'static str] {
        match self {
            Route::Guests => &["GET", "POST"],
            Route::Guest(_) => &["GET", "PUT", "DELETE"],
            Route::GuestDisable(_) => &["DELETE"],
            Route::GuestEnable(_) => &["PUT"],
            Route::GuestPurge(_) => &["DELETE"],
            Route::Users => &["GET"],
            Route::UserInvite => &["POST"],
            Route::User(_) => &["GET", "PUT", "DELETE"],
            Route::UserRole(_) => &["PUT"],
            Route::UserDisable(_) => &["DELETE"],
            Route::UserEnable(_) => &["PUT"],
            Route::UserPurge(_) => &["DELETE"],
            Route::Templates => &["GET", "POST"],
            Route::Template(_) => &["GET", "PUT", "DELETE"],
            Route::TemplateRestore(_) => &["PUT"],
            Route::TemplatePurge(_) => &["DELETE"],
            Route::Runs => &["GET", "POST"],
            Route::Run(_) => &["GET", "PUT", "DELETE"],
            Route::RunActivate(_) => &["PUT"],
            Route::RunPurge(_) => &["DELETE"],
            Route::RunTasks(_) => &["GET"],
            Route::RunTask(..) => &["PUT"],
            Route::CompletedTasks(_) => &["POST"],
            Route::CompletedTask(..) => &["DELETE"],
            Route::Tasks => &["GET", "POST"],
            Route::MyTasks => &["GET"],
            Route::Task(_) => &["GET", "PUT", "DELETE"],
            Route::TaskRestore(_) => &["PUT"],
            Route::TaskPurge(_) | Route::OneoffCompletedTask(_) => &["DELETE"],
            Route::OneoffCompleted => &["POST"],
            Route::Comment(_) | Route::Problem(_) | Route::Resolve(_) => &["POST"],
            Route::TemplateFormFields(_) => &["GET"],
            Route::TemplateStep(..) => &["PUT"],
            Route::TaskCaptures(_) => &["POST"],
            Route::Tags | Route::Groups => &["GET", "POST"],
            Route::Tag(_) | Route::Group(_) => &["GET", "PUT", "DELETE"],
            Route::FileUpload | Route::Assets => &["POST"],
            Route::Asset(_) | Route::FileDownload(_) => &["GET"],
            Route::File(_) => &["GET", "DELETE"],
            Route::Activity => &["GET"],
        }
    }
}

/// Percent-decodes one raw path segment, once. `None` when the result is not UTF-8.
fn decode(segment: &str) -> Option<String> {
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// Matches a raw path (no query) to an organization id and a route.
fn match_route(raw_path: &str) -> Option<(String, Route)> {
    let path = raw_path.strip_prefix("/api").unwrap_or(raw_path);
    let rest = path.strip_prefix('/')?;
    let segs: Vec<&str> = rest.split('/').collect();
    if segs.len() < 3 || segs[0] != "organizations" || segs.iter().any(|s| s.is_empty()) {
        return None;
    }
    let org = decode(segs[1])?;
    let route = match (segs[2], &segs[3..]) {
        ("guests", []) => Route::Guests,
        ("guests", [g]) => Route::Guest(decode(g)?),
        ("guests", [g, "disable"]) => Route::GuestDisable(decode(g)?),
        ("guests", [g, "enable"]) => Route::GuestEnable(decode(g)?),
        ("guests", [g, "delete"]) => Route::GuestPurge(decode(g)?),
        ("users", []) => Route::Users,
        ("users", ["invite"]) => Route::UserInvite,
        ("users", [u]) => Route::User(decode(u)?),
        ("users", [u, "role"]) => Route::UserRole(decode(u)?),
        ("users", [u, "disable"]) => Route::UserDisable(decode(u)?),
        ("users", [u, "enable"]) => Route::UserEnable(decode(u)?),
        ("users", [u, "delete"]) => Route::UserPurge(decode(u)?),
        ("checklists", []) => Route::Templates,
        ("checklists", [c]) => Route::Template(decode(c)?),
        ("checklists", [c, "restore"]) => Route::TemplateRestore(decode(c)?),
        ("checklists", [c, "delete"]) => Route::TemplatePurge(decode(c)?),
        ("checklists", [c, "form-fields"]) => Route::TemplateFormFields(decode(c)?),
        ("checklists", [c, "steps", s]) => Route::TemplateStep(decode(c)?, decode(s)?),
        ("checklists", [c, "comment"]) => Route::Comment(CommentOn::Template(decode(c)?)),
        ("checklists", [c, "problem"]) => Route::Problem(CommentOn::Template(decode(c)?)),
        ("checklists", [c, "resolved-threads"]) => Route::Resolve(CommentOn::Template(decode(c)?)),
        ("runs", []) => Route::Runs,
        ("runs", [r]) => Route::Run(decode(r)?),
        ("runs", [r, "activate"]) => Route::RunActivate(decode(r)?),
        ("runs", [r, "delete"]) => Route::RunPurge(decode(r)?),
        ("runs", [r, "comment"]) => Route::Comment(CommentOn::Process(decode(r)?)),
        ("runs", [r, "problem"]) => Route::Problem(CommentOn::Process(decode(r)?)),
        ("runs", [r, "resolved-threads"]) => Route::Resolve(CommentOn::Process(decode(r)?)),
        ("runs", [r, "tasks"]) => Route::RunTasks(decode(r)?),
        ("runs", [r, "tasks", t]) => Route::RunTask(decode(r)?, decode(t)?),
        ("runs", [r, "completed-tasks"]) => Route::CompletedTasks(decode(r)?),
        ("runs", [r, "completed-tasks", t]) => Route::CompletedTask(decode(r)?, decode(t)?),
        ("tasks", []) => Route::Tasks,
        ("me", ["tasks"]) => Route::MyTasks,
        ("tasks", [t]) => Route::Task(decode(t)?),
        ("tasks", [t, "restore"]) => Route::TaskRestore(decode(t)?),
        ("tasks", [t, "delete"]) => Route::TaskPurge(decode(t)?),
        ("completed-tasks", []) => Route::OneoffCompleted,
        ("completed-tasks", [t]) => Route::OneoffCompletedTask(decode(t)?),
        ("tasks", [t, "captures"]) => Route::TaskCaptures(decode(t)?),
        ("tasks", [t, "comment"]) => Route::Comment(CommentOn::Task(decode(t)?)),
        ("tasks", [t, "problem"]) => Route::Problem(CommentOn::Task(decode(t)?)),
        ("tasks", [t, "resolved-threads"]) => Route::Resolve(CommentOn::Task(decode(t)?)),
        ("tags", []) => Route::Tags,
        ("tags", [t]) => Route::Tag(decode(t)?),
        ("groups", []) => Route::Groups,
        ("groups", [g]) => Route::Group(decode(g)?),
        ("file", []) => Route::FileUpload,
        ("file", [f]) => Route::File(decode(f)?),
        ("file", [f, "dl"]) => Route::FileDownload(decode(f)?),
        ("assets", []) => Route::Assets,
        ("assets", [a]) => Route::Asset(decode(a)?),
        ("activity-feeds", []) => Route::Activity,
        _ => return None,
    };
    Some((org, route))
}

/// The fake's fixed configuration, as the routes need it.
pub(crate) struct Config<'a> {
    pub org_id: &'a str,
    pub token: &'a str,
    pub host: &'a str,
    /// The OAuth tokens issued, which the API accepts beside `token` until they expire.
    pub tokens: &'a std::sync::Mutex<Tokens>,
    /// The password every member has for the password grant.
    pub user_password: &'a str,
    /// The rate limits, when on.
    pub limits: &'a Limiter,
}

/// The token of an `Authorization: Bearer ...` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(rest)
        })
}

/// Whether the headers carry the fixed token or an issued one that has not expired, and a client
/// header; the 401 otherwise (an expired token gets the same answer as an unknown one). Gives the
/// member a member's token acts as (`None`: the default administrator).
fn check_auth(headers: &HeaderMap, cfg: &Config<'_>) -> Result<Option<i64>, Response<Body>> {
    let holder = bearer(headers).and_then(|b| {
        if b == cfg.token {
            return Some(None);
        }
        match lock(cfg.tokens).holder(b, std::time::Instant::now())? {
            Holder::Member(id) => Some(Some(id)),
            Holder::Application => Some(None),
        }
    });
    let Some(member) = holder else {
        return Err(errors::unauthenticated("Unauthenticated."));
    };
    if !headers.contains_key("x-tallyfy-client") {
        return Err(errors::unauthenticated(
            "Unauthenticated. The X-Tallyfy-Client header is required.",
        ));
    }
    Ok(member)
}

/// Answers one request that no fault intercepted.
pub(crate) fn dispatch(
    cfg: &Config<'_>,
    state: &std::sync::Mutex<State>,
    method: &Method,
    raw_path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response<Body> {
    if let Some(route) = oauth::route(raw_path) {
        let settings = oauth::Oauth {
            org_id: cfg.org_id,
            tokens: cfg.tokens,
            state,
            user_password: cfg.user_password,
        };
        return oauth::answer(&settings, route, method, headers, body);
    }
    let Some((org, route)) = match_route(raw_path) else {
        return errors::endpoint_not_found();
    };
    let allowed = route.allowed();
    if !allowed.contains(&method.as_str()) {
        return errors::method_not_allowed(allowed);
    }
    let member = match check_auth(headers, cfg) {
        Ok(member) => member,
        Err(res) => return res,
    };
    if org != cfg.org_id {
        return errors::wrong_org();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or(cfg.host);
    let ctx = Ctx {
        query: raw_query
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default(),
        body,
        self_url: format!("http://{host}{raw_path}"),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    };
    if !cfg.limits.is_on() {
        return answer(state, route, method, &ctx, member);
    }
    let now = std::time::Instant::now();
    let token = bearer(headers).unwrap_or_default();
    let remaining = match cfg.limits.admit(token, now) {
        Ok(remaining) => remaining,
        Err(refused) => {
            let mut res = limits::too_many(&refused);
            limits::set_remaining(&mut res, 0);
            return res;
        }
    };
    let capped = match (&route, method.as_str()) {
        (Route::Guests, "POST") => Some(Capped::GuestInvite),
        (Route::Comment(_) | Route::Problem(_), _) => Some(Capped::Comment),
        _ => None,
    };
    let mut res = match capped.map(|action| cfg.limits.check_cap(action, now)) {
        Some(Err(refused)) => limits::too_many(&refused),
        _ => answer(state, route, method, &ctx, member),
    };
    if let Some(action) = capped
        && res.status().is_success()
    {
        cfg.limits.record_cap(action, now);
    }
    if let Some(remaining) = remaining {
        limits::set_remaining(&mut res, remaining);
    }
    res
}

/// Answers a request that passed the checks every call shares, as `member` (`None`: the default
/// administrator).
fn answer(
    state: &std::sync::Mutex<State>,
    route: Route,
    method: &Method,
    ctx: &Ctx<'_>,
    member: Option<i64>,
) -> Response<Body> {
    let mut st = lock(state);
    let st = &mut *st;
    st.acting_member = member;
    if method != Method::GET {
        // Anything but a read may change the state: drop the render cache.
        st.touch();
    }
    match (route, method.as_str()) {
        (Route::Guests, "GET") => guests::list(st, ctx),
        (Route::Guests, _) => guests::create(st, ctx),
        (Route::Guest(e), "GET") => guests::get(st, ctx, &e),
        (Route::Guest(e), "PUT") => guests::update(st, ctx, &e),
        (Route::Guest(e), _) => guests::remove(st, &e),
        (Route::GuestDisable(e), _) => guests::disable(st, &e),
        (Route::GuestEnable(e), _) => guests::enable(st, &e),
        (Route::GuestPurge(e), _) => guests::purge(st, &e),
        (Route::Users, _) => members::list(st, ctx),
        (Route::UserInvite, _) => members::invite(st, ctx),
        (Route::User(id), "GET") => members::get(st, ctx, &id),
        (Route::User(id), "PUT") => members::update(st, ctx, &id),
        (Route::User(id), _) => members::remove(st, ctx, &id),
        (Route::UserRole(id), _) => members::set_role(st, ctx, &id),
        (Route::UserDisable(id), _) => members::disable(st, &id),
        (Route::UserEnable(id), _) => members::enable(st, &id),
        (Route::UserPurge(id), _) => members::purge(st, &id),
        (Route::Templates, "GET") => templates::list(st, ctx),
        (Route::Templates, _) => templates::create(st, ctx),
        (Route::Template(id), "GET") => templates::get(st, ctx, &id),
        (Route::Template(id), "PUT") => templates::update(st, ctx, &id),
        (Route::Template(id), _) => templates::archive(st, &id),
        (Route::TemplateRestore(id), _) => templates::restore(st, &id),
        (Route::TemplatePurge(id), _) => templates::delete(st, &id),
        (Route::Runs, "GET") => processes::list(st, ctx),
        (Route::Runs, _) => processes::launch(st, ctx),
        (Route::Run(id), "GET") => processes::get(st, ctx, &id),
        (Route::Run(id), "PUT") => processes::update(st, ctx, &id),
        (Route::Run(id), _) => processes::archive(st, &id),
        (Route::RunActivate(id), _) => processes::activate(st, &id),
        (Route::RunPurge(id), _) => processes::delete(st, &id),
        (Route::RunTasks(id), _) => tasks::list_of_process(st, ctx, &id),
        (Route::RunTask(run, task), _) => tasks::update(st, ctx, Via::Run(&run), &task),
        (Route::CompletedTasks(run), _) => tasks::complete(st, ctx, Via::Run(&run)),
        (Route::CompletedTask(run, task), _) => tasks::reopen(st, Via::Run(&run), &task),
        (Route::Tasks, "GET") => tasks::list(st, ctx),
        (Route::Tasks, _) => tasks::create(st, ctx),
        (Route::MyTasks, _) => tasks::list_mine(st, ctx),
        (Route::Task(id), "GET") => tasks::get(st, ctx, &id),
        (Route::Task(id), "PUT") => tasks::update(st, ctx, Via::Oneoff, &id),
        (Route::Task(id), _) => tasks::archive(st, &id),
        (Route::TaskRestore(id), _) => tasks::restore(st, &id),
        (Route::TaskPurge(id), _) => tasks::delete(st, &id),
        (Route::OneoffCompleted, _) => tasks::complete(st, ctx, Via::Oneoff),
        (Route::OneoffCompletedTask(id), _) => tasks::reopen(st, Via::Oneoff, &id),
        (Route::TemplateFormFields(id), _) => templates::form_fields(st, &id),
        (Route::TemplateStep(id, step), _) => templates::update_step(st, ctx, &id, &step),
        (Route::TaskCaptures(id), _) => tasks::save_capture_value(st, ctx, &id),
        (Route::Comment(on), _) => comments::comment(st, ctx, &on, CommentKind::Comment),
        (Route::Problem(on), _) => comments::comment(st, ctx, &on, CommentKind::Problem),
        (Route::Resolve(on), _) => comments::resolve(st, ctx, &on),
        (Route::Tags, "GET") => tags::list(st, ctx),
        (Route::Tags, _) => tags::create(st, ctx),
        (Route::Tag(id), "GET") => tags::get(st, ctx, &id),
        (Route::Tag(id), "PUT") => tags::update(st, ctx, &id),
        (Route::Tag(id), _) => tags::delete(st, &id),
        (Route::Groups, "GET") => groups::list(st, ctx),
        (Route::Groups, _) => groups::create(st, ctx),
        (Route::Group(id), "GET") => groups::get(st, ctx, &id),
        (Route::Group(id), "PUT") => groups::update(st, ctx, &id),
        (Route::Group(id), _) => groups::delete(st, &id),
        (Route::FileUpload | Route::Assets, _) => files::upload(st, ctx),
        (Route::Asset(id), _) => files::get(st, ctx, &id),
        (Route::FileDownload(id), _) => files::download(st, &id),
        (Route::File(id), "GET") => files::view(st, &id),
        (Route::File(id), _) => files::delete(st, &id),
        (Route::Activity, _) => activity::list(st, ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_decoded_once_and_slashes_do_not_split() {
        let (org, route) =
            match_route("/api/organizations/o%2D1/guests/a%2Fb%2540c%40x.io").unwrap();
        assert_eq!(org, "o-1");
        assert_eq!(route, Route::Guest("a/b%40c@x.io".into()));
        let (_, route) = match_route("/organizations/o/guests/a+b@x.io/disable").unwrap();
        assert_eq!(route, Route::GuestDisable("a+b@x.io".into()));
        assert!(match_route("/api/organization/o/guests").is_none());
        assert!(match_route("/api/organizations/o/guests/").is_none());
        assert!(match_route("/api/organizations/o/users/1/nope").is_none());
    }
}
