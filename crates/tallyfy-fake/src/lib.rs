//! An in-memory Tallyfy server with the documented behaviour of the guest, member and workflow API
//! (templates, processes, tasks and comments), for tests and demos.
//!
//! It is not a mock that replays canned examples: it keeps state, validates input the way Tallyfy
//! documents (Laravel 422 bodies, seat limits, open-task rules), paginates exactly, decodes each path
//! segment once, and can be told to fail (429, 5xx, HTML pages, truncated bodies, dropped
//! connections, delays). Its guest and member JSON is built from the generated
//! `tallyfy_client::types`, so a spec change that breaks it shows up at compile time; the workflow
//! records are written with `serde_json` (every documented field present, `null` when empty) and
//! checked against the spec by the tests. The `tallyfy-fake` binary serves the same thing from the
//! command line.
//!
//! # Example
//! ```no_run
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tallyfy_fake::{FakeTallyfy, Fault, RetryAfter};
//!
//! let fake = FakeTallyfy::builder()
//!     .org_id("org-1")
//!     .token("secret-token")
//!     .seed_guests(250)
//!     .seed_members(20)
//!     .seed_templates(5)
//!     .seed_processes(12)
//!     .start()
//!     .await?;
//! // Point the code under test at fake.base_url() ("http://127.0.0.1:PORT/api") with the token.
//! fake.inject(Fault::RateLimited { retry_after: RetryAfter::Seconds(1) }, 1);
//! // ... run the code under test ...
//! for request in fake.requests() {
//!     println!("{} {}", request.method, request.target); // raw, as sent on the wire
//! }
//! fake.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Map
//! - [`builder`]: [`FakeTallyfyBuilder`], the configuration (org, token, an OAuth application and
//!   token lifetime, seed data including templates and processes, latency, page cap, seat limit)
//!   and `start`.
//! - [`handle`]: [`FakeTallyfy`], the running server: URL, state, faults, recorded requests,
//!   shutdown.
//! - [`inserts`]: [`SeedGuest`] and [`SeedMember`], for setting up state directly.
//! - [`faults`]: [`Fault`], [`RetryAfter`] and [`FaultMatch`].
//! - [`server`]: the HTTP/1.1 server and [`RecordedRequest`].
//! - [`pagination`]: page arithmetic and `meta.pagination`.
//! - [`shapes`]: [`Shapes`], canonical JSON or every documented variant of it.
//! - [`validation`]: the input rules (email, URL and date checks are public).
//! - [`errors`]: the documented error bodies.
//! - [`tokens`]: the OAuth tokens issued and their documented lifetimes.
//! - [`limits`]: Tallyfy's rate limits, when asked ([`HourlyCaps`]), and [`stats`]: requests
//!   answered by status ([`Stats`], also at `GET /__fake/stats`).
//! - [`webhooks`]: the webhooks that launches and completions queue, their documented payloads,
//!   and the background task that posts them once each (the [`webhooks::Delivery`] log).
//! - `routes` (private): routing and the 75 operations (`routes/guests.rs`, `routes/members.rs`,
//!   `routes/templates.rs`, `routes/processes.rs`, `routes/tasks.rs`, `routes/comments.rs`,
//!   `routes/tags.rs`, `routes/groups.rs`, `routes/files.rs`, `routes/activity.rs`), and the OAuth
//!   token endpoint and an application's user token (`routes/oauth.rs`).
//! - `render` (private): a canonical guest's JSON written straight to text, the bulk of a list
//!   page.
//! - `seed`, `state`, `workflow`, `places` and `hash` (private), each importing only the ones after
//!   it: the deterministic seed data, the stored guests and members and their JSON, the workflow
//!   records (`workflow/`: model, form-value checks, store, operations, seed), the time zone and
//!   country tables, and the one hash all generated data comes from; `sync` holds the one lock
//!   helper, and `outbox` the webhooks a request queued (the state holds it; [`webhooks`] sends
//!   it).
//!
//! # Behaviour in brief
//! - Paths are served under `/api/organizations/...` and `/organizations/...`.
//! - OAuth (`routes/oauth.rs`): with an application configured
//!   ([`FakeTallyfyBuilder::client_credentials`], `--client-id`/`--client-secret`), `POST
//!   /oauth/token` (and `/api/oauth/token`) takes form-encoded client-credentials, password (a
//!   member's email and [`builder::DEFAULT_USER_PASSWORD`] unless configured) and refresh grants and
//!   answers `{token_type, expires_in, access_token}` (plus `refresh_token` for the last two); the
//!   API takes an issued token beside the fixed one until it expires (401 after). Refusals have
//!   the OAuth shape: JSON bodies 400 `invalid_request`, unknown grants 400
//!   `unsupported_grant_type`, wrong or non-numeric clients 401 `invalid_client`, bad passwords
//!   and used refresh tokens 400 `invalid_grant`. `POST /api/applications/{org}/users/{email}/token`
//!   gives an application a member's token (3 months). [`FakeTallyfy::token_requests`],
//!   [`revoke_tokens`](FakeTallyfy::revoke_tokens) and [`revoke_client`](FakeTallyfy::revoke_client)
//!   let tests watch and break it.
//! - Unknown path: 404 `{"error": true, "message": "API endpoint not found", "code":
//!   "ENDPOINT_NOT_FOUND"}`; wrong method: 405 with `Allow`; missing or wrong bearer token, or no
//!   `X-Tallyfy-Client` header: 401; another organization: 403.
//! - Lists: `page` from 1, `per_page` defaults 999 (guests) / 9999 (members) capped at the page cap,
//!   exact `meta.pagination` with `links.previous`/`links.next` URLs or `null`.
//! - Ids: seeded members from 1001 (1001 is the default administrator), seeded guests from 10001;
//!   templates, steps, fields, processes, tasks and comments have 32-hex ids derived from the seed
//!   and a counter.
//! - Workflow lists (templates, processes, organization tasks, my tasks, a process's tasks):
//!   `per_page` defaults to 10 (capped at the page cap), `without_pagination=true` on the process
//!   and task lists returns everything; a query parameter outside its enum or pattern is a 422,
//!   an unknown `sort`/`sort_by` (free strings in the spec) gives the default order.
//! - Templates: archived ones answer 404 on get and launch and are listed with `archived=only`
//!   (or `true`); `restore` brings them back; `delete` only removes an archived one (else 422).
//! - Launch: an unknown or archived `checklist_id` is 404. `prerun` is checked per field type
//!   (`workflow/forms.rs`), each required kick-off field without a value gives
//!   `prerun.<id>: ["<label> is required"]`, unknown keys are dropped, `prerun: []` counts as
//!   none. One task per step in position order: owners from `tasks.<step id>.owners`, else the
//!   step's assignees, else the launcher; deadline from `tasks.<step id>.deadline`, else launch
//!   time plus the step's offset, else 5 days; the first task `active`, the others `not-started`
//!   (whenever no open task is active or in progress, the first not-started one becomes active).
//!   Without `name`: `"<template title> - YYYY-MM-DD"`.
//! - Tasks: the token's user is the default administrator (my tasks: tasks whose `owners.users`
//!   has 1001; completer unless `override_user`), or the member a member's OAuth token was issued
//!   to (password grant, refresh, an application's user token). Completing needs `is_approved` on an approval,
//!   a value in every required capture and no open problem (422 each); completing a completed
//!   task answers 200 and changes nothing; the last one completes the process (`complete`,
//!   `completed_at`, 100%). Reopening needs a completed task and puts a complete process back to
//!   `active`. Updating a completed task is a 422; a present `owners` replaces all three buckets.
//!   `POST /tasks/{id}/captures` saves one form value by the same rules and answers 200 with no
//!   body.
//! - Processes: `PUT` empties `users`/`groups` left out of the body (Tallyfy's documented trap) and
//!   refuses archived processes (422 `Cannot update archived processes.`); archiving writes
//!   `status: "archived"` and keeps the status underneath for `activate`; `delete` removes only an
//!   archived process (else 422), with its tasks and comments, and answers 200 with an empty body.
//! - Templates can be created and changed: a `prerun` sent to `PUT` is the whole kick-off form (a
//!   field named by `id` keeps its id, others are added, the rest removed); `users`/`groups` left
//!   out are emptied, as for processes. `GET /checklists/{id}/form-fields` answers one object: the
//!   kick-off fields (`ko_form_fields`) and every step's form fields (`form_fields`).
//! - One-off tasks (`POST /tasks`): `run_id` null unless it names a process; with
//!   `separate_task_for_each_assignee`, a process of the hidden MISC template with one task per
//!   assignee. Their own routes (`PUT /tasks/{id}` with title, deadline and owners every time,
//!   `/completed-tasks`, archive, restore, delete) refuse a process's task with 422 on `task_id`.
//!   Their `tags` are kept and shown with `with=tags`.
//! - Activity (`routes/activity.rs`): every workflow call the fake serves is recorded and listed
//!   newest first, 20 a page, with the documented filters; seeding records nothing.
//! - Comments (`routes/comments.rs`): on a task, or on a process or template itself
//!   (`/runs/{id}/comment`, `/checklists/{id}/problem`, ...; then `task_id` is `null`). A task's
//!   problem sets its `problem` and blocks its completion, and a task's or process's own problem
//!   sets the process's `has_open_issue`, until a resolution (`resolved-threads`, on the same
//!   record) gives the problem its `resolve_id`. Task comments are read with
//!   `GET /tasks/{id}?with=threads`; those on processes and templates show in the activity feed.
//!   A comment without `state` gets `hide-for-guests`.
//! - Tags (`routes/tags.rs`): seeded ones sit on templates and processes (`with=tags`,
//!   `with=statistics` counts them); launch's `tags[]` must name existing tags; titles are unique;
//!   deleting answers 204 even for an unknown id. Groups (`routes/groups.rs`) are the same groups
//!   members' `with=groups` shows; `per_page` above 100 is a 422; update answers 201.
//! - Files (`routes/files.rs`): `POST /file` or `/assets` with a `multipart/form-data` body (parsed
//!   by the fake; anything else is a 422 on `name`), the asset record, the download of the exact bytes, and
//!   delete (200, empty). Bytes are kept in memory, at most 1 GiB together.
//! - [`Shapes::Varied`] also varies templates, processes and tasks (timestamps, bare or wrapped
//!   includes, `progress` as a number, `value`/`field_value`, owner objects, `next_task` and PHP's
//!   `[]`; see [`shapes`]).
//! - Shapes ([`FakeTallyfyBuilder::shapes`], `--shapes`): [`Shapes::Canonical`] (the default)
//!   writes one shape: integer ids, `2025-01-10T08:30:00Z` timestamps, `links` as an object,
//!   current field names only, includes wrapped in `{"data": ...}`, lower-case roles.
//!   [`Shapes::Varied`] writes each record in one of Tallyfy's documented variants, picked from its
//!   id (a list page's from its page number), so the same request always gives the same bytes and
//!   any four consecutive ids show every variant: guest ids as integers or as numeric strings
//!   (`"10001"`); timestamps as `...T08:30:00Z`, `...T08:30:00+00:00`, `...T08:30:00.000Z` or
//!   `... 08:30:00` (one instant, four spellings); `links` as `[]`, `{}`, `null`, absent or the
//!   object; the old names beside the new (guest `details.first_name`/`last_name`,
//!   `details.disabled_on`, stats `active_tasks`/`completed_tasks`; member `active`,
//!   `last_updated`, `user_role`); member `groups` wrapped or as a plain array, group ids as
//!   strings or integers; roles as `admin` or `Admin`, `standard` or `Standard`. The data stays the
//!   same: same ids, emails and instants. [`Shapes::from_env`] reads `TALLYFY_FAKE_SHAPES`, so a
//!   test suite can be run under both.
//! - Members the token's user may not change: the default administrator (400 on role change away from
//!   admin, remove and disable), bots ([`SeedMember::bot`]: 400 on update and remove) and members of
//!   other organizations too ([`SeedMember::in_other_orgs`]: 403 on update).

#![warn(missing_docs)]

/// The README's examples, compiled as doctests, so that the registry's page shows code that builds.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod builder;
pub mod errors;
pub mod faults;
pub mod handle;
pub mod inserts;
pub mod limits;
pub mod pagination;
pub mod server;
pub mod shapes;
pub mod stats;
pub mod tokens;
pub mod validation;
pub mod webhooks;

mod hash;
mod outbox;
mod places;
mod render;
mod routes;
mod seed;
mod state;
mod sync;
mod workflow;

pub use builder::FakeTallyfyBuilder;
pub use faults::{Fault, FaultMatch, RetryAfter};
pub use handle::FakeTallyfy;
pub use inserts::{SeedGuest, SeedMember};
pub use limits::HourlyCaps;
pub use server::RecordedRequest;
pub use shapes::{Shapes, UnknownShapes};
pub use stats::Stats;

/// The default page size of the guests list (before the page cap).
pub const GUESTS_DEFAULT_PER_PAGE: u64 = routes::guests::DEFAULT_PER_PAGE;
/// The default page size of the members list (before the page cap).
pub const MEMBERS_DEFAULT_PER_PAGE: u64 = routes::members::DEFAULT_PER_PAGE;
/// The first seeded member's id: the default administrator.
pub const DEFAULT_ADMIN_ID: i64 = seed::FIRST_MEMBER_ID;
/// The first seeded guest's id.
pub const FIRST_GUEST_ID: i64 = seed::FIRST_GUEST_ID;
