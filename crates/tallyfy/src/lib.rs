//! Tallyfy's API for Rust services: guests and members, and the workflow (templates, processes,
//! tasks, comments, tags and groups).
//!
//! This crate sits on top of the generated client [`tallyfy_client`] and adds what a service needs:
//! configuration and authentication, checked inputs, email path segments that are always encoded
//! exactly once, pagination streams that walk every page, one typed [`Error`], retries and timeouts.
//!
//! # Guide
//!
//! ## Connect
//!
//! Build a [`Client`] once and clone it freely: clones share one connection pool.
//!
//! ```no_run
//! # fn run() -> tallyfy::Result<()> {
//! // From TALLYFY_ACCESS_TOKEN (or the client credentials TALLYFY_CLIENT_ID and
//! // TALLYFY_CLIENT_SECRET), TALLYFY_ORG_ID and the optional TALLYFY_BASE_URL:
//! let client = tallyfy::Client::from_env()?;
//!
//! // Or explicitly:
//! use std::time::Duration;
//! let client = tallyfy::Client::builder()
//!     .token(std::env::var("MY_TOKEN").unwrap_or_default())
//!     .org("0123456789abcdef0123456789abcdef")
//!     .timeouts(tallyfy::Timeouts::default().per_attempt(Duration::from_secs(10)))
//!     .retry(tallyfy::RetryConfig::default().max_retries(5))
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! To share a `reqwest::Client` your service already has (its pool, proxy and TLS settings), pass it
//! to [`http_client`](ClientBuilder::http_client); to start from your own `reqwest::ClientBuilder`,
//! use [`reqwest_client`](ClientBuilder::reqwest_client).
//!
//! Every request carries `Authorization: Bearer <token>` (marked sensitive; see [Authenticate a
//! service](#authenticate-a-service) for tokens the client gets and renews itself), `Accept:
//! application/json`, `X-Tallyfy-Client: APIClient` (change it with
//! [`client_header`](ClientBuilder::client_header)) and `User-Agent: tallyfy-rs/<version>`. The token
//! is never shown by `Debug`, and the client refuses plain `http` to anything but loopback unless you
//! call [`allow_insecure_http(true)`](ClientBuilder::allow_insecure_http).
//!
//! ## Authenticate a service
//!
//! A personal access token acts as one person and stops working when they log out of the web app.
//! Tallyfy's docs tell services to use OAuth client credentials instead: an application token that
//! lasts seven days, with no refresh token. Give the client the application's id and secret and it
//! does the rest: it asks the token endpoint (`POST /oauth/token`, form-encoded
//! `grant_type=client_credentials`) before the first call, keeps the token, and asks again
//! [`renew_margin`] before it expires (a tenth of its lifetime, at most a minute early).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder()
//! #     .client_credentials("4242", "app-secret")
//! #     .token_ttl(std::time::Duration::from_secs(2))
//! #     .seed_guests(30)
//! #     .start().await.unwrap();
//! // From TALLYFY_CLIENT_ID, TALLYFY_CLIENT_SECRET and TALLYFY_TOKEN_URL, Client::from_env() does the same.
//! let client = tallyfy::Client::builder()
//!     .client_credentials("4242", "app-secret")
//!     .token_url(fake.token_url()) // default: https://go.tallyfy.com/oauth/token
//!     .org(fake.org_id())
//!     .base_url(fake.base_url())
//!     .build()?;
//! let first = client.guests().list().per_page(10).page(1).await?;
//! assert_eq!(first.items.len(), 10);
//! // This fake's tokens last two seconds; the next call renews first.
//! tokio::time::sleep(std::time::Duration::from_millis(1_900)).await;
//! client.guests().list().per_page(10).page(2).await?;
//! assert_eq!(fake.token_requests(), 2);
//!
//! // Wrong or revoked credentials are a typed error, not a retry loop:
//! fake.revoke_client();
//! fake.revoke_tokens();
//! match client.guests().list().page(1).await {
//!     Err(tallyfy::Error::Token(e)) => assert_eq!(e.oauth_error(), Some("invalid_client")),
//!     other => panic!("{other:?}"),
//! }
//! # Ok(()) }
//! ```
//!
//! What the client promises:
//! - **one token request at a time:** when a token is due under many concurrent calls, one of
//!   them asks and the others wait for its answer; if that request fails, they all get its error;
//! - **one renewal after a 401:** a call refused with 401 while using a cached token (revoked,
//!   or expired early) gets a new token and is sent once more; a second 401, or a 401 to a token
//!   fetched for that very call, is the call's error;
//! - **refusals are final:** the token endpoint's 400/401 (`invalid_client`, `invalid_grant`,
//!   ...) is [`TokenError::Refused`] with the OAuth error and description, and is not retried. A
//!   5xx, a 429 or a lost connection is retried under the client's [`RetryConfig`] (asking twice
//!   only issues two tokens), and a slow endpoint is bounded by the client's [`Timeouts`]; what is
//!   left is [`TokenError::Request`];
//! - **secrets stay secret:** the client secret, passwords, refresh and access tokens are held as
//!   [`secrecy::SecretString`] (and in bodies as `tallyfy_client::Secret`), never shown by `Debug`
//!   or `Display`, and never in errors or `tracing` events. The events (target `tallyfy::auth`, at
//!   INFO) say when a token was fetched or renewed and how long it lasts.
//!
//! Other [`Credentials`]: [`acting_as(email)`](Credentials::acting_as) makes the application act
//! as one member (its token comes from `/applications/{org}/users/{email}/token`);
//! [`Credentials::password`] uses the password grant and renews with the refresh token (falling
//! back to the password if the refresh token is refused); [`Credentials::source`] takes your own
//! [`TokenSource`] (a vault, say). Two kinds at once (a token and client credentials, in the
//! builder or the environment) is [`ConfigError::ConflictingCredentials`].
//!
//! ## Receive webhooks
//!
//! Tallyfy tells a service what happened by webhook: a process was launched, a task completed, a
//! process completed. [`webhooks::Receiver`] checks a request (an optional secret in the URL,
//! then `X-Tallyfy-orgID`, both in constant time; the body's size) and decodes it into a typed
//! [`webhooks::Event`] with its kind and a dedupe key. Tallyfy signs nothing and the org id is no
//! secret, so give it a URL with a secret of yours (`?token=...`). It may deliver one event twice
//! and never retries a failed delivery: remember keys ([`webhooks::MemorySeen`], or your database
//! through [`webhooks::SeenStore`]), store before you answer, and answer 2xx to duplicates too.
//! With the `axum` feature, [`webhooks::axum::Webhook`] does all of it as an extractor:
//!
//! ```
//! # #[cfg(feature = "axum")]
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! use std::sync::{Arc, Mutex};
//! use tallyfy::webhooks::axum::{Webhook, WebhookState};
//! use tallyfy::webhooks::{MemorySeen, Receiver};
//!
//! let inbox: Arc<Mutex<Vec<String>>> = Arc::default();
//! let state = WebhookState::new(Receiver::new("demo-org").secret("token", "s3cret"))
//!     .seen(MemorySeen::default());
//! let app: axum::Router = axum::Router::new()
//!     .route("/hooks/tallyfy", axum::routing::post({
//!         let inbox = inbox.clone();
//!         move |hook: Webhook| async move {
//!             if !hook.duplicate {
//!                 inbox.lock().unwrap().push(hook.event.kind.to_string()); // store first
//!             }
//!             axum::http::StatusCode::OK
//!         }
//!     }))
//!     .with_state(state);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//! let hook_url = format!("http://{}/hooks/tallyfy?token=s3cret", listener.local_addr().unwrap());
//! tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
//!
//! // The fake posts webhooks as Tallyfy does, and every delivery twice here.
//! let fake = tallyfy_fake::FakeTallyfy::builder()
//!     .seed_templates(4)
//!     .webhook_url(hook_url)
//!     .webhook_duplicates(1.0)
//!     .start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! let blog = client.templates().list().query("Blog Post Publishing").page(1).await?;
//! let template = blog.items[0].id.as_ref().map(ToString::to_string).unwrap_or_default();
//! client.processes().launch(tallyfy::Launch::new(&template)).await?;
//! fake.wait_for_deliveries(2, std::time::Duration::from_secs(5)).await;
//! assert_eq!(*inbox.lock().unwrap(), ["process.launched"]); // the duplicate was skipped
//! # Ok(()) }
//! # #[cfg(not(feature = "axum"))] fn main() {} // `cargo test --workspace` turns the feature on
//! ```
//!
//! Without axum, call [`Receiver::parse`](webhooks::Receiver::parse) with the request's headers,
//! query and body from any framework. `tallyfy webhooks listen` prints what arrives while you
//! build a receiver. Point Tallyfy at the receiver with a template's `webhook`
//! ([`TemplateUpdate::webhook`], for every launch and task of its processes) or a step's
//! ([`StepUpdate::webhook`] through `client.templates().update_step(..)`, for that step's tasks
//! only, instead of the template's).
//!
//! ## List every guest
//!
//! [`items()`](List::items) returns a [`Paginator`], a `Stream` of `Result<Guest, Error>`
//! that fetches page after page until `total_pages`. Read it with `try_next`, so an error ends your
//! loop instead of being skipped:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(250).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! use futures::TryStreamExt;
//!
//! let mut guests = client.guests().list().sort("-created_at").per_page(100).items();
//! let mut count = 0;
//! while let Some(guest) = guests.try_next().await? {
//!     count += 1;
//!     let _email = guest.email.unwrap_or_default();
//! }
//! assert_eq!(count, 250);
//! # Ok(()) }
//! ```
//!
//! Page by page, or one page:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(250).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! use futures::TryStreamExt;
//!
//! let list = client.guests().list().per_page(100);
//! let mut pages = list.pages();
//! while let Some(page) = pages.try_next().await? {
//!     let info = page.info.as_ref();
//!     println!("page {} of {:?}: {} guests", page.number, info.and_then(|i| i.total_pages), page.items.len());
//! }
//! let third = list.page(3).await?;
//! assert_eq!(third.items.len(), 50);
//! // Four requests in flight after page 1, still in order:
//! let everyone = list.clone().concurrency(4).collect_all().await?;
//! assert_eq!(everyone.len(), 250);
//! # Ok(()) }
//! ```
//!
//! Other ways to read a list:
//! - [`pages()`](List::pages): a stream of [`Page`]s (items plus [`PageInfo`]);
//! - [`page(n)`](List::page): one page;
//! - [`collect_all()`](List::collect_all): everything in a `Vec` (holds the whole list in
//!   memory);
//! - [`concurrency(k)`](List::concurrency): after page 1, fetch up to `k` pages at once,
//!   still yielded in order, with at most `k` pages buffered;
//! - [`max_pages(n)`](List::max_pages) and
//!   [`without_pagination()`](List::without_pagination).
//!
//! A walk never loops and never ends short without saying so: it stops at `total_pages` (a later
//! page's smaller `total_pages` wins, since the list may shrink while it is walked) and at
//! [`HARD_PAGE_CAP`]. A server that ignores `page`, or an empty page while the server still claims
//! more pages, is reported as [`Error::Pagination`] (naming the page and how many items were read), so
//! an export never holds fewer items than the server without an error. A list response without
//! pagination meta is one page.
//!
//! ## Guests by email
//!
//! Pass the plain address. It goes on the wire as exactly one path segment, percent-encoded once
//! (`o'brien+tag@x.io` → `o%27brien%2Btag%40x.io`); do not encode it yourself.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! use tallyfy::NewGuest;
//!
//! let guest = client
//!     .guests()
//!     .create(NewGuest::new("o'brien+tag@x.io").first_name("Pat").company_name("Acme"))
//!     .await?;
//! let again = client.guests().get("o'brien+tag@x.io").await?;
//! assert_eq!(guest.email, again.email);
//! # Ok(()) }
//! ```
//!
//! Inputs ([`NewGuest`], [`GuestUpdate`], [`Invite`], [`MemberUpdate`], [`Role`]) are checked against
//! every documented limit before anything is sent:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! # let client = tallyfy::Client::builder().token("t").org("o").base_url("http://127.0.0.1:9/api").build().unwrap();
//! let err = client.guests().create(tallyfy::NewGuest::new("o'brien@x.io").phone_1("0".repeat(21))).await.unwrap_err();
//! assert_eq!(err.to_string(), "invalid input: `phone_1` must be at most 20 characters");
//! # }
//! ```
//!
//! ## Launch a process from a template
//!
//! A template's kick-off fields are its `prerun`; each field's `id` is the key of its value in the
//! launch. [`Form`] fills them in by label instead, choosing options by their text and checking
//! every value against its field's type (and that no required field is missing) before anything is
//! sent. The values are [`FormValue`]s, the same type a process's `prerun` reads back as.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_members(3).seed_templates(2).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! use tallyfy::{Form, FormValue, Launch};
//!
//! let found = client.templates().list().query("client onboarding").page(1).await?;
//! let template = &found.items[0];
//! let kickoff = Form::kickoff(template)
//!     .set("Client name", "Acme Corp")?
//!     .set("Primary contact email", "ops@acme.example")?
//!     .set("Start date", FormValue::date_str("2026-01-05T09:00:00Z"))?
//!     .choose("Contract type", "Fixed fee")?
//!     .choose("Region", "Europe")?
//!     .choose_all("Services", &["Consulting", "Training"])?
//!     .build()?;
//! let template_id = template.id.as_ref().map(ToString::to_string).unwrap_or_default();
//! let process = client
//!     .processes()
//!     .launch(Launch::new(&template_id).name("Onboarding: Acme Corp").prerun(kickoff))
//!     .await?;
//! assert_eq!(process.status.as_deref(), Some("active"));
//! let region_id = template.prerun.iter().find(|f| f.label.as_deref() == Some("Region"))
//!     .and_then(|f| f.id.as_ref()).map(ToString::to_string).unwrap_or_default();
//! let region = process.prerun.as_ref().and_then(|p| p.get(&region_id)).and_then(FormValue::as_choice);
//! assert_eq!(region.map(|c| c.text.as_str()), Some("Europe"));
//!
//! // Refused before sending: a missing required value, an option the field does not have.
//! let missing = Form::kickoff(template).set("Client name", "Acme")?.build().unwrap_err();
//! assert_eq!(missing.to_string(), "invalid input: `Primary contact email` is required");
//! assert!(Form::kickoff(template).choose("Region", "Mars").is_err());
//! # Ok(()) }
//! ```
//!
//! To change the assignees or the deadline of some steps' tasks, read the template's steps (their
//! ids are the keys) and pass [`types::StepOverrides`] as [`Launch::tasks`]. [`Templates::form_fields`]
//! gives a template's kick-off fields and all its steps' form fields in one call.
//!
//! ## Create and change a template
//!
//! [`Templates::create`] takes a [`NewTemplate`] (title and [`types::TemplateType`]) with its
//! kick-off form as [`types::KickoffFieldInputs`]; steps are added by other calls.
//! [`Templates::update`] needs the title every time. Its `prerun` is the whole form: an entry with
//! an existing field's `id` keeps that field (and its key in launches), one without is added, and
//! a field left out is removed. Like a process update, a call without `users` or `groups` empties
//! them.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_members(3).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! use tallyfy::types::{KickoffFieldInput, KickoffFieldInputFieldType, KickoffFieldInputs, TemplateType};
//! use tallyfy::{Form, Launch, NewTemplate, TemplateUpdate};
//!
//! let field = |label: &str, required| KickoffFieldInput {
//!     id: None,
//!     label: label.parse().expect("a label is not empty"),
//!     field_type: KickoffFieldInputFieldType::Text,
//!     required,
//!     guidance: None,
//!     position: None,
//!     options: vec![],
//!     columns: vec![],
//! };
//! let new = NewTemplate::new("Vendor review", TemplateType::Procedure)
//!     .prerun(KickoffFieldInputs(vec![field("Vendor", true)]));
//! let template = client.templates().create(new).await?;
//! let id = template.id.as_ref().unwrap().to_string();
//!
//! // Keep the field (by its id) and add one.
//! let mut vendor = field("Vendor name", true);
//! vendor.id = template.prerun[0].id.as_ref().map(ToString::to_string);
//! let form = KickoffFieldInputs(vec![vendor, field("Contract number", false)]);
//! let template = client.templates().update(&id, TemplateUpdate::new("Vendor review").prerun(form)).await?;
//! assert_eq!(template.prerun.len(), 2);
//!
//! let kickoff = Form::kickoff(&template).set("Vendor name", "Acme")?.build()?;
//! let process = client.processes().launch(Launch::new(&id).prerun(kickoff)).await?;
//! assert_eq!(process.status.as_deref(), Some("active"));
//! # Ok(()) }
//! ```
//!
//! ## Work through tasks
//!
//! [`Tasks::mine`] lists the open tasks of the token's user, [`Tasks::list`] the organization's and
//! [`Processes::tasks`] one process's. A task read with `with(&[TaskInclude::FormFields])` gives
//! [`Form::task`] its fields; [`Tasks::update`] saves the values ([`Tasks::save_value`] saves one)
//! and [`Tasks::complete`] completes it. An approval needs its decision,
//! [`Completion::is_approved`]. Completing the last open task completes the process.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_members(3).seed_templates(1).seed_processes(1).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! use futures::TryStreamExt;
//! use tallyfy::{CaptureValue, Completion, Form, FormValue, TaskInclude, TaskUpdate};
//!
//! let mine: Vec<_> = client.tasks().mine().items().try_collect().await?;
//! let task = &mine[0];
//! let (run_id, task_id) = (task.run_id.clone().unwrap_or_default(), task.id.as_ref().unwrap().to_string());
//!
//! let task = client.tasks().get(&task_id).with(&[TaskInclude::FormFields]).await?;
//! let values = Form::task(&task)
//!     .set("Call notes", "Scope and dates agreed.")?
//!     .choose("Call outcome", "Proceed")?
//!     .build()?;
//! client.tasks().update(&run_id, &task_id, TaskUpdate::new().taskdata(values)).await?;
//! // One field alone, by its id: the form field's, as `Form` found it by label.
//! let notes = task.form_fields.iter().flatten().find(|f| f.label.as_deref() == Some("Call notes"))
//!     .and_then(|f| f.id.as_ref()).map(ToString::to_string).unwrap_or_default();
//! client.tasks().save_value(&task_id, CaptureValue::new(notes, FormValue::text("Agreed on Monday."))).await?;
//! let done = client.tasks().complete(&run_id, Completion::new(&task_id)).await?;
//! assert_eq!(done.status.as_deref(), Some("completed"));
//!
//! // Every other task of the process; the approval needs a decision.
//! let rest: Vec<_> = client.processes().tasks(&run_id).items().try_collect().await?;
//! for t in rest.iter().filter(|t| t.status.as_deref() != Some("completed")) {
//!     let id = t.id.as_ref().unwrap().to_string();
//!     let mut completion = Completion::new(&id);
//!     if t.task_type.as_deref() == Some("approval") {
//!         let refused = client.tasks().complete(&run_id, completion.clone()).await.unwrap_err();
//!         assert!(refused.field_errors().contains_key("is_approved"));
//!         completion = completion.is_approved(true);
//!     }
//!     client.tasks().complete(&run_id, completion).await?;
//! }
//! let process = client.processes().get(&run_id).await?;
//! assert_eq!(process.status.as_deref(), Some("complete"));
//! # Ok(()) }
//! ```
//!
//! ## One-off tasks
//!
//! A task that no template describes: [`Tasks::create_oneoff`] with a [`NewTask`] (its title,
//! [`types::TaskType`], assignees and deadline are required), optionally with a form of its own.
//! It has routes of its own: [`Tasks::update_oneoff`] takes the title, deadline and assignees on
//! every call ([`OneoffTaskUpdate::new`] asks for them), then [`Tasks::complete_oneoff`],
//! [`Tasks::reopen_oneoff`], [`Tasks::archive_oneoff`] (hidden from the lists, kept),
//! [`Tasks::restore_oneoff`] and [`Tasks::delete_oneoff`] (for good).
//! [`NewTask::separate_task_for_each_assignee`] starts a process instead, with one task per
//! assignee; those are completed through that process, with [`Tasks::complete`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_members(3).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! use tallyfy::types::{OneoffFormField, OneoffFormFieldFieldType, OneoffFormFields, TaskType};
//! use tallyfy::{Assignees, Completion, Form, NewTask, OneoffTaskUpdate, TaskInclude};
//!
//! let me = fake.default_admin_id();
//! let reference = OneoffFormField {
//!     label: "Reference".parse().expect("a label is not empty"),
//!     field_type: OneoffFormFieldFieldType::Text,
//!     required: true,
//!     options: vec![],
//!     guidance: None,
//!     position: None,
//! };
//! let new = NewTask::new("Collect the signed NDA", TaskType::Task, Assignees::default().user(me), "2026-07-15 17:00:00")
//!     .summary("Ask the client for the scanned copy.")
//!     .form_fields(OneoffFormFields(vec![reference]));
//! let task = client.tasks().create_oneoff(new).await?;
//! assert_eq!(task.is_oneoff_task, Some(true));
//! let id = task.id.as_ref().unwrap().to_string();
//!
//! // Its required field is empty, so it cannot be completed yet.
//! let refused = client.tasks().complete_oneoff(Completion::new(&id)).await.unwrap_err();
//! assert_eq!(refused.field_errors().len(), 1);
//!
//! let task = client.tasks().get(&id).with(&[TaskInclude::FormFields]).await?;
//! let values = Form::task(&task).set("Reference", "NDA-7")?.build()?;
//! let same = OneoffTaskUpdate::new("Collect the signed NDA", "2026-07-15 17:00:00", Assignees::default().user(me));
//! client.tasks().update_oneoff(&id, same.taskdata(values)).await?;
//! let done = client.tasks().complete_oneoff(Completion::new(&id)).await?;
//! assert_eq!(done.status.as_deref(), Some("completed"));
//!
//! client.tasks().archive_oneoff(&id).await?;
//! assert!(client.tasks().get(&id).await?.archived_at.is_some());
//! # Ok(()) }
//! ```
//!
//! ## Comments and problems
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_members(3).seed_templates(1).seed_processes(1).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! # use futures::TryStreamExt;
//! # let mine: Vec<_> = client.tasks().mine().items().try_collect().await?;
//! # let (run_id, task_id) = (mine[0].run_id.clone().unwrap_or_default(), mine[0].id.as_ref().unwrap().to_string());
//! use tallyfy::{Completion, NewComment, Resolution, TaskInclude};
//!
//! // `@[<member id>]` is what notifies someone.
//! client.comments().create(&task_id, NewComment::new("Booked for Monday, @[1002]")).await?;
//! let problem = client.comments().report_problem(&task_id, "The contract is not signed yet").await?;
//! // While the problem is open the task cannot be completed.
//! assert!(client.tasks().complete(&run_id, Completion::new(&task_id)).await.is_err());
//! let problem_id = problem.id.as_ref().unwrap().to_string();
//! client.comments().resolve_problem(&task_id, Resolution::new(&problem_id, "Signed today")).await?;
//!
//! let task = client.tasks().get(&task_id).with(&[TaskInclude::Threads]).await?;
//! let threads = task.threads.unwrap_or_default();
//! assert_eq!(threads.len(), 3);
//! assert!(threads.iter().any(|c| c.label.as_deref() == Some("problem") && c.resolve_id.is_some()));
//!
//! // A process (or a template) takes comments and problems of its own; an open one shows as the
//! // process's `has_open_issue`, without holding up any task.
//! let issue = client.comments().report_problem_on_process(&run_id, "Budget not approved").await?;
//! assert!(issue.task_id.is_none());
//! assert_eq!(client.processes().get(&run_id).await?.has_open_issue, Some(true));
//! let issue_id = issue.id.as_ref().unwrap().to_string();
//! client.comments().resolve_problem_on_process(&run_id, Resolution::new(&issue_id, "Approved")).await?;
//! # Ok(()) }
//! ```
//!
//! ## A process's history
//!
//! [`Activity::list`] walks the audit trail, newest first; `entity_type(Run)` with `entity_id`
//! keeps one process's history, its tasks and their comments included. Tallyfy writes most of an
//! entry's fields as one-element lists, which [`types::TextOrTexts`] takes either way.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_members(3).seed_templates(1).seed_processes(1).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! # use futures::TryStreamExt;
//! # let mine: Vec<_> = client.tasks().mine().items().try_collect().await?;
//! # let (run_id, task_id) = (mine[0].run_id.clone().unwrap_or_default(), mine[0].id.as_ref().unwrap().to_string());
//! use tallyfy::NewComment;
//! use tallyfy::types::{ListActivityEntityType, TextOrTexts};
//!
//! client.comments().create(&task_id, NewComment::new("Booked for Monday")).await?;
//! let history: Vec<_> = client
//!     .activity()
//!     .list()
//!     .entity_type(ListActivityEntityType::Run)
//!     .entity_id(&run_id)
//!     .items()
//!     .try_collect()
//!     .await?;
//! let verb = match &history[0].verb {
//!     Some(TextOrTexts::Array(verbs)) => verbs[0].clone(),
//!     Some(TextOrTexts::String(verb)) => verb.clone(),
//!     None => String::new(),
//! };
//! assert_eq!(verb, "commented");
//! # Ok(()) }
//! ```
//!
//! ## Upload a file into a task's file field
//!
//! Uploading gives an asset record; setting it as the file field's value attaches it.
//! [`Files::upload`] checks the documented limits (100 MB, the allowed extensions) before sending,
//! and sends the file as `multipart/form-data`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_members(3).seed_templates(1).seed_processes(1).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! use futures::TryStreamExt;
//! use tallyfy::{FilePart, FileRef, Form, TaskInclude, TaskUpdate, Upload};
//!
//! let process = client.processes().list().page(1).await?.items.remove(0);
//! let run_id = process.id.as_ref().unwrap().to_string();
//! let tasks: Vec<_> = client.processes().tasks(&run_id).with(&[TaskInclude::FormFields]).items().try_collect().await?;
//! // The task with a file field, and that field.
//! let (task, field) = tasks
//!     .iter()
//!     .find_map(|t| {
//!         let field = t.form_fields.as_ref()?.iter().find(|f| f.field_type.as_deref() == Some("file"))?;
//!         Some((t, field))
//!     })
//!     .expect("a task with a file field");
//! let (task_id, field_id) = (task.id.as_ref().unwrap().to_string(), field.id.as_ref().unwrap().to_string());
//!
//! let pdf = b"%PDF-1.7 signed".to_vec();
//! let upload = Upload::new(FilePart::new("contract.pdf", pdf.clone()), &run_id, "Run".parse().unwrap(), &field_id)
//!     .step_id(task.step_id.clone().unwrap_or_default())
//!     .checklist_id(process.checklist_id.clone().unwrap_or_default());
//! let asset = client.files().upload(upload).await?;
//! let values = Form::task(task).files(&field_id, [FileRef::from(&asset)])?.build()?;
//! client.tasks().update(&run_id, &task_id, TaskUpdate::new().taskdata(values)).await?;
//!
//! let asset_id = asset.id.as_ref().unwrap().to_string();
//! assert_eq!(client.files().download(&asset_id).await?, pdf);
//! // Refused before sending: an extension the API does not take.
//! let exe = Upload::new(FilePart::new("tool.exe", vec![0]), &run_id, "Run".parse().unwrap(), &field_id);
//! assert!(client.files().upload(exe).await.is_err());
//! # Ok(()) }
//! ```
//!
//! ## Archive, restore, delete
//!
//! Archiving hides a process or template and can be undone; deleting is for good, and only for
//! what is archived.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder().seed_templates(1).seed_processes(1).start().await.unwrap();
//! # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
//! let process = client.processes().list().page(1).await?.items.remove(0);
//! let run_id = process.id.as_ref().unwrap().to_string();
//! let archived = client.processes().archive(&run_id).await?;
//! assert_eq!(archived.status.as_deref(), Some("archived"));
//! let back = client.processes().activate(&run_id).await?;
//! assert_eq!(back.status, process.status, "activating restores the status it had");
//! // Deleting needs the process archived first.
//! assert_eq!(client.processes().delete(&run_id).await.unwrap_err().status().map(|s| s.as_u16()), Some(422));
//! client.processes().archive(&run_id).await?;
//! client.processes().delete(&run_id).await?;
//! assert!(client.processes().get(&run_id).await.unwrap_err().is_not_found());
//!
//! let template_id = process.checklist_id.clone().unwrap_or_default();
//! client.templates().archive(&template_id).await?;
//! assert!(client.templates().get(&template_id).await.unwrap_err().is_not_found());
//! client.templates().restore(&template_id).await?;
//! client.templates().get(&template_id).await?;
//! # Ok(()) }
//! ```
//!
//! ## Handle errors
//!
//! Every failure is one [`Error`]. API errors keep the status, code, message, per-field messages,
//! `X-Request-Id` and raw body, whatever shape Tallyfy used. A success response whose body does not
//! match is [`Error::Decode`], with its status, request id, the JSON path that failed (`data.email`)
//! and the start of the body. `Display` gives the status, code and message:
//!
//! ```no_run
//! # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {
//! use tallyfy::Error;
//! match client.members().invite(tallyfy::Invite::new("a@b.io", "A", "B", tallyfy::Role::Admin, "Hi")).await
//! {
//!     Ok(member) => println!("invited {:?}", member.id),
//!     Err(Error::Api { status, code, .. }) if code.as_deref() == Some("SEAT_POOL_EXHAUSTED") => {
//!         println!("no seats left ({status})")
//!     }
//!     Err(e) if !e.field_errors().is_empty() => println!("rejected: {:?}", e.field_errors()),
//!     Err(e) if e.is_retryable() => println!("try again later: {e} {:?}", e.retry_after()),
//!     Err(e @ Error::Decode { .. }) => println!("unexpected body ({:?}): {e}", e.request_id()),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
//!
//! ## Retries and timeouts
//!
//! Each request is retried by [`retry::decide`], a pure function: 429 always (honouring
//! `Retry-After`), 500/502/503/504 and lost connections for GET/PUT/DELETE, connection failures
//! before sending for every method, with full-jitter exponential backoff and 3 retries by default.
//! POST requests (create guest, invite) are not retried on 5xx. [`Timeouts`] bound the connection, each
//! attempt and the whole call.
//!
//! All clones of a client draw their retries from one [`RetryBudget`]: each retry costs tokens and
//! each success earns one back, so during an outage a walk with `concurrency(8)` (or a hundred tasks
//! sharing the client) makes a bounded number of retries in all rather than multiplying the load on a
//! server that is already failing. Once the budget is spent, calls fail at once with their error until
//! successes refill it. The default (500 tokens, 5 per retry, 10 after a timeout) is never reached by a
//! healthy client; [`RetryBudget::unlimited`] turns it off.
//!
//! ## Stay under the rate limit
//!
//! Tallyfy allows 600 requests a minute per user, on a rolling window. Every client paces itself to
//! that by default, shared by all its clones and every walk's `concurrency`: a bulk job runs at the
//! speed the limit allows instead of running into 429s and backing off task by task. Set your
//! token's budget with [`ClientBuilder::rate_limit`] (or `TALLYFY_RATE_LIMIT=50/1s`), or turn it off
//! with [`ClientBuilder::no_rate_limit`] (`TALLYFY_RATE_LIMIT=off`). When the server says the
//! window is spent (`X-RateLimit-Remaining: 0`, or a 429's `Retry-After`), every call of the client
//! waits with it; an hourly cap (30 guest invites, 120 comments) is [`Error::RateLimited`] with the
//! wait, at once. See [`pacing`]; waits are `tracing` events with target `tallyfy::pacing`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
//! # let fake = tallyfy_fake::FakeTallyfy::builder()
//! #     .seed_guests(500)
//! #     .rate_limit(4, std::time::Duration::from_millis(400))
//! #     .start().await.unwrap();
//! use futures::TryStreamExt;
//! use std::time::Duration;
//!
//! // A server that allows 4 requests per 400 ms; five pages of 100, three at a time. Leave the
//! // client some headroom below the server's limit: the two clocks see each request at slightly
//! // different times, more so on a busy machine.
//! let client = tallyfy::Client::builder()
//!     .token(fake.token())
//!     .org(fake.org_id())
//!     .base_url(fake.base_url())
//!     .rate_limit(3, Duration::from_millis(400))
//!     .build()?;
//! let guests: Vec<_> = client.guests().list().per_page(100).concurrency(3).items().try_collect().await?;
//! assert_eq!(guests.len(), 500);
//! assert_eq!(fake.stats().with_status(429), 0, "paced, never refused");
//! # Ok(()) }
//! ```
//!
//! ## Observability
//!
//! Each attempt is a `tracing` span `tallyfy.request` with the operation id, method, path template
//! (never the email), status, attempt number, duration and request id. The token and emails are never
//! logged.
//!
//! ## Where Tallyfy's pages contradict each other
//!
//! Tallyfy's current API pages, its older pages and its code samples do not agree on what a response
//! looks like. The SDK decodes every shape below; each one is pinned by a decode test on the pages'
//! own samples (`tests/tests/documented_samples.rs`) or on the spec's examples.
//!
//! | what | one place | another place | what the SDK does |
//! |---|---|---|---|
//! | success status | `201` for a GET or an update | `200` | any 2xx is success |
//! | guest `id` | an integer (`1234`) | a string guest code (`"guest_code_abc123"`) | [`FlexibleId`] holds either |
//! | guest names | `first_name`, `last_name` at the top level | inside `details` | both decode; read `details.first_name` when the top-level one is absent |
//! | timestamps | `...Z`, `...+00:00`, `....000Z` | `2025-01-15 10:30:00` | [`Timestamp`] parses all four and keeps any other text instead of failing |
//! | pagination links | an object | `{}`, `[]` or `null` | [`PaginationLinks`] reads them all; the walk goes by `total_pages` |
//! | list `meta` | present | absent (older pages) | a list without `meta` is one page |
//! | role casing | `Admin`, `Standard` | `standard` | [`Role`] compares without case and keeps unknown roles |
//! | member role field | `role` | `user_role` (older list page) | both fields decode; read `user_role` when `role` is absent |
//! | member active flag | `is_active` | `active` (older list page) | both fields decode |
//! | member update time | `updated_at` | `last_updated` (older list page) | both fields decode |
//! | `groups` include | wrapped: `{"data": [...]}` | a plain array (older list page) | [`types::GroupsInclude`] accepts both and writes the wrapped one |
//! | group ids and members | integers | strings (`"group_id_1"`, guest emails) | [`FlexibleId`] in `id`, `members` and `guests` |
//! | guest `stats` | `assigned_tasks`, `tasks_completed`, ... | `active_tasks`, `completed_tasks` (older list page), or `{}` | every name decodes; `{}` is stats with nothing in them |
//! | guest disabled time | `details.disabled_at` | `details.disabled_on` (older list page) | both fields decode |
//!
//! # Features
//! - `rustls` (default): TLS through rustls, with no OpenSSL in the build.
//! - `native-tls`: TLS through the platform's library (OpenSSL on Linux); with both, this one is
//!   used. With neither, [`ClientBuilder::build`] refuses an `https://` URL (before anything is
//!   sent) unless it was given a reqwest client of the caller's own.
//! - `axum`: [`webhooks::axum`], the webhook extractor.
//!
//! # Map
//! From the bottom up; each module imports only modules listed above it.
//! - [`budget`]: [`RetryBudget`], the retries shared by all clones of a client.
//! - [`retry`]: [`RetryConfig`] and the retry policy.
//! - [`error`]: [`Error`], [`ConfigError`].
//! - [`timeouts`]: its one type, [`Timeouts`].
//! - [`path`]: [`GuestKey`], and what is refused in path segments, and why.
//! - [`pagination`]: [`Page`], [`Pages`], [`Paginator`].
//! - `validate` (private): what is wrong with a refused email address or URL, in words;
//!   [`inputs`]: the one [`Role`].
//! - [`forms`]: [`Form`], which fills in kick-off and task forms by field label and checks each
//!   value against its field's type.
//! - [`auth`]: [`Credentials`] (a static token, client credentials, the password grant, a
//!   [`TokenSource`]) and the renewable ones' token cache (`auth::cache`, single-flight).
//! - [`client`]: the [`Client`] handle; `auth::grants` (private): the token requests;
//!   [`config`]: [`ClientBuilder`], `from_env`.
//! - `transport` (private): the retry loop, timeouts and spans; it reads each operation's facts
//!   from `src/generated/operations.rs`.
//! - [`list`]: [`List`], the one builder of every list operation, and [`ListParams`]; `query` and
//!   `body` (private): the query and body values the generated builders check, join or convert.
//! - [`requests`]: generated from the spec: the resource handles (`client.guests()`), every
//!   operation's method and request type (or, for a list, its [`List`] params), and the request
//!   bodies' input types ([`requests::bodies`], re-exported here).
//! - [`guests`], [`members`]: the [`Guest`] and [`Member`] types.
//! - [`pacing`]: the requests-per-window budget every clone shares ([`RateLimit`],
//!   [`RateLimitStatus`]).
//! - [`webhooks`]: checking and decoding Tallyfy's webhooks ([`webhooks::Receiver`], typed
//!   payloads, event kinds and dedupe keys) and remembering handled ones ([`webhooks::seen`]);
//!   it uses no client.
//!
//! Generated (by `cargo xtask codegen`, never edited): `src/generated/operations.rs` and
//! `src/generated/requests.rs`. An operation added to the spec needs no hand-written line here.

#![warn(missing_docs)]
// docs.rs marks what a feature adds (`[package.metadata.docs.rs]` passes `--cfg docsrs`).
#![cfg_attr(docsrs, feature(doc_cfg))]
// The guide links to `webhooks::axum`, which only exists with the `axum` feature; docs.rs and
// `cargo xtask release-check` build the docs with it, and there every link must resolve.
#![cfg_attr(not(feature = "axum"), allow(rustdoc::broken_intra_doc_links))]

/// The README's examples, compiled as doctests, so that the registry's page shows code that builds.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod auth;
mod body;
pub mod budget;
pub mod client;
pub mod config;
pub mod error;
pub mod forms;
pub mod guests;
pub mod inputs;
pub mod list;
pub mod members;
pub mod pacing;
pub mod pagination;
pub mod path;
mod query;
/// One request type per operation that the generator describes completely, with the method on
/// its resource handle that returns it (`cargo xtask codegen` writes this module from the spec).
#[path = "generated/requests.rs"]
pub mod requests;
pub mod retry;
pub mod timeouts;
mod transport;
mod validate;
pub mod webhooks;

pub use auth::{
    AccessToken, BoxError, Credentials, DEFAULT_TOKEN_URL, TokenFuture, TokenSource, renew_margin,
};
pub use budget::RetryBudget;
pub use client::Client;
pub use config::{ClientBuilder, DEFAULT_BASE_URL, Timeouts};
pub use error::{ConfigError, Error, FieldErrors, Flow, Result, TimeoutKind, TokenError};
pub use forms::Form;
pub use guests::Guest;
pub use inputs::Role;
pub use list::{List, ListParams};
pub use members::Member;
pub use pacing::{RateLimit, RateLimitStatus};
pub use pagination::{HARD_PAGE_CAP, Page, PageInfo, Pages, Paginator};
pub use path::GuestKey;
pub use requests::bodies::*;
pub use requests::handles::*;
pub use retry::RetryConfig;
pub use secrecy::{ExposeSecret, SecretString};
pub use tallyfy_client::types::{
    GroupInclude, MemberInclude, ProcessInclude, TaskInclude, TemplateInclude,
};
/// Form values (kick-off `prerun`, task `taskdata`) and included records, as the generated client
/// reads and writes them.
pub use tallyfy_client::{Assignees, Choice, FilePart, FileRef, FormValue, FormValues, Many, One};

/// The reqwest version this crate uses, so a caller's `reqwest::ClientBuilder` always fits.
pub use tallyfy_client::reqwest;
/// The generated wire types (guests, members, their details and stats).
pub use tallyfy_client::types;
/// Tolerant wire types used in responses.
pub use tallyfy_client::{PaginationLinks, Timestamp, types::FlexibleId};
