//! [`FakeTallyfyBuilder`]: how a fake is configured and started.
//!
//! [`FakeTallyfy::builder`] is defined here rather than in `handle.rs`, so that this module builds on
//! the handle and the handle knows nothing of its builder.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::handle::FakeTallyfy;
use crate::limits::HourlyCaps;
use crate::server::{self, Shared};
use crate::shapes::Shapes;
use crate::tokens::Tokens;

/// The organization id a fake serves unless told otherwise.
pub const DEFAULT_ORG_ID: &str = "demo-org";
/// The token a fake accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "fake-token";
/// The default page-size cap (what Tallyfy's own CLI reports for the real server).
pub const DEFAULT_PAGE_CAP: u64 = 100;
/// The default seed of the random data.
pub const DEFAULT_SEED: u64 = 42;
/// How many requests [`FakeTallyfy::requests`] keeps by default (older ones are dropped).
pub const DEFAULT_RECORD_LIMIT: usize = 10_000;
/// The password every member has for the OAuth password grant unless told otherwise.
pub const DEFAULT_USER_PASSWORD: &str = "fake-password";

/// Configures a [`FakeTallyfy`]; get one from [`FakeTallyfy::builder`].
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use std::time::Duration;
/// let fake = tallyfy_fake::FakeTallyfy::builder()
///     .org_id("org-1")
///     .token("secret-token")
///     .seed_guests(250)
///     .seed_members(20)
///     .seed(7)
///     .latency(Duration::from_millis(5))
///     .page_cap(100)
///     .seat_limit(30)
///     .start()
///     .await?;
/// assert!(fake.base_url().ends_with("/api"));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `start` is awaited"]
pub struct FakeTallyfyBuilder {
    org_id: String,
    token: String,
    guests: usize,
    members: usize,
    templates: usize,
    processes: usize,
    seed: u64,
    latency: Duration,
    page_cap: u64,
    seat_limit: Option<u32>,
    listen: SocketAddr,
    record_limit: usize,
    client: Option<(String, String)>,
    token_ttl: Option<Duration>,
    user_password: String,
    log_requests: bool,
    shapes: Shapes,
    webhook_urls: Vec<String>,
    webhook_duplicates: f64,
    log_webhooks: bool,
    limits: crate::limits::Limits,
}

impl FakeTallyfy {
    /// A builder with the defaults (org `demo-org`, token `fake-token`, no guests, one member).
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// let fake = tallyfy_fake::FakeTallyfy::builder().start().await?;
    /// assert_eq!(fake.org_id(), tallyfy_fake::builder::DEFAULT_ORG_ID);
    /// # Ok(()) }
    /// ```
    pub fn builder() -> FakeTallyfyBuilder {
        FakeTallyfyBuilder::default()
    }
}

impl Default for FakeTallyfyBuilder {
    fn default() -> Self {
        Self {
            org_id: DEFAULT_ORG_ID.into(),
            token: DEFAULT_TOKEN.into(),
            client: None,
            token_ttl: None,
            user_password: DEFAULT_USER_PASSWORD.into(),
            guests: 0,
            members: 1,
            templates: 0,
            processes: 0,
            seed: DEFAULT_SEED,
            latency: Duration::ZERO,
            page_cap: DEFAULT_PAGE_CAP,
            seat_limit: None,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            record_limit: DEFAULT_RECORD_LIMIT,
            log_requests: false,
            shapes: Shapes::Canonical,
            webhook_urls: Vec::new(),
            webhook_duplicates: 0.0,
            log_webhooks: false,
            limits: crate::limits::Limits::default(),
        }
    }
}

impl FakeTallyfyBuilder {
    /// The organization id the fake serves (default [`DEFAULT_ORG_ID`]). Other ids get 403.
    pub fn org_id(mut self, org_id: impl Into<String>) -> Self {
        self.org_id = org_id.into();
        self
    }

    /// The bearer token the fake accepts (default [`DEFAULT_TOKEN`]).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// How many guests to generate (default 0). They are deterministic for a given [`seed`](Self::seed):
    /// ids from 10001, varied profiles, about 40% with task statistics, about 15% with open tasks and
    /// about 3% disabled.
    pub fn seed_guests(mut self, n: usize) -> Self {
        self.guests = n;
        self
    }

    /// How many members to generate (default 1, at least 1). Ids start at 1001; member 1001 is the
    /// organization's default administrator (the token's user), which cannot be removed, disabled or
    /// demoted.
    pub fn seed_members(mut self, n: usize) -> Self {
        self.members = n.max(1);
        self
    }

    /// How many templates to generate (default 0). They rotate through four designs (see the
    /// crate docs): the first has a kick-off field of every type, and the designs together have
    /// steps of every type, member and group assignees and deadlines from minutes to weeks.
    pub fn seed_templates(mut self, n: usize) -> Self {
        self.templates = n;
        self
    }

    /// How many processes to launch from the seeded templates (default 0; at least one template is
    /// generated when this is above 0). Some have tasks completed, every fourth is complete, some
    /// have an open problem and every seventh is archived; all deterministic for the seed.
    pub fn seed_processes(mut self, m: usize) -> Self {
        self.processes = m;
        self
    }

    /// The seed of the generated data (default [`DEFAULT_SEED`]).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// A delay added to every request before it is answered (default none).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// The largest page the lists return, whatever `per_page` asks (default [`DEFAULT_PAGE_CAP`]).
    /// `0` is treated as 1.
    pub fn page_cap(mut self, cap: u64) -> Self {
        self.page_cap = cap.max(1);
        self
    }

    /// The number of full seats (admins and standard members who are not disabled). Inviting, enabling
    /// or promoting into a full seat beyond it gives 409 `SEAT_POOL_EXHAUSTED`. Default: unlimited.
    pub fn seat_limit(mut self, seats: u32) -> Self {
        self.seat_limit = Some(seats);
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, a free port on the loopback interface).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// How many requests [`FakeTallyfy::requests`] keeps (default [`DEFAULT_RECORD_LIMIT`]); `0`
    /// records nothing, which suits load tests.
    pub fn record_limit(mut self, n: usize) -> Self {
        self.record_limit = n;
        self
    }

    /// Prints one line per request to stderr (`fake-00000001 GET /api/... -> 200`), for debugging
    /// a client against the fake. Off by default.
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log_requests = on;
        self
    }

    /// Prints one line per webhook delivery attempt to stderr (`webhook task.completed ->
    /// http://host/path: 200`, or `: failed (why)`), the URL without its query, which may carry a
    /// secret. Off by default; the binary always turns it on, so that a failed delivery is never
    /// silent there either.
    pub fn log_webhooks(mut self, on: bool) -> Self {
        self.log_webhooks = on;
        self
    }

    /// Which response shapes to serve (default [`Shapes::Canonical`]). [`Shapes::Varied`] writes
    /// each guest, member and list page in one of Tallyfy's documented variants (string or integer
    /// ids, four timestamp spellings, four forms of `links`, old field names beside new ones, plain
    /// or wrapped `groups`, capitalised roles), chosen from the record's id; see [`crate::shapes`].
    pub fn shapes(mut self, shapes: Shapes) -> Self {
        self.shapes = shapes;
        self
    }

    /// An application the token endpoint (`POST /oauth/token`) knows: the client-credentials,
    /// password and refresh grants need this `client_id` (a number, as Tallyfy's are) and
    /// `client_secret`. Without it every token request is a 401 `invalid_client`. The fixed
    /// [`token`](Self::token) keeps working beside the tokens issued.
    pub fn client_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client = Some((id.into(), secret.into()));
        self
    }

    /// How long every token the fake issues lives (default: the documented lifetimes, 7 days for
    /// client credentials, 1 hour for the password and refresh grants, 3 months for an
    /// application's user token; see [`crate::tokens`]). A short one lets a test watch tokens
    /// expire.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = Some(ttl);
        self
    }

    /// The password every member has for the password grant (default [`DEFAULT_USER_PASSWORD`]);
    /// the `username` is the member's email.
    pub fn user_password(mut self, password: impl Into<String>) -> Self {
        self.user_password = password.into();
        self
    }

    /// Sends every webhook to `url` too (repeatable), besides the URLs set on templates, steps and
    /// one-off tasks; see [`crate::webhooks`].
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_urls.push(url.into());
        self
    }

    /// Sends this share of webhook deliveries (0 to 1) a second time, as Tallyfy may, to test a
    /// receiver's idempotency (default 0). Exactly that share: 0.5 doubles every other one.
    pub fn webhook_duplicates(mut self, rate: f64) -> Self {
        self.webhook_duplicates = if rate.is_finite() {
            rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// Enforces Tallyfy's rate limits (off by default): at most `requests` requests per token in
    /// any rolling `window` (Tallyfy's are 600 and 60 seconds), and the documented hourly caps
    /// ([`HourlyCaps::DOCUMENTED`], unless [`hourly_caps`](Self::hourly_caps) says otherwise).
    /// A refusal is a 429 with `Retry-After`, and every response carries
    /// `X-RateLimit-Remaining`; see [`crate::limits`]. A `requests` of 0 is taken as 1.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// let fake = tallyfy_fake::FakeTallyfy::builder()
    ///     .rate_limit(2, Duration::from_secs(60))
    ///     .start()
    ///     .await
    ///     .unwrap();
    /// let http = reqwest::Client::new();
    /// let url = format!("{}/organizations/{}/guests", fake.base_url(), fake.org_id());
    /// let mut statuses = Vec::new();
    /// for _ in 0..3 {
    ///     let res = http
    ///         .get(&url)
    ///         .bearer_auth(fake.token())
    ///         .header("X-Tallyfy-Client", "APIClient")
    ///         .send()
    ///         .await
    ///         .unwrap();
    ///     statuses.push(res.status().as_u16());
    /// }
    /// assert_eq!(statuses, [200, 200, 429]);
    /// assert_eq!(fake.stats().with_status(429), 1);
    /// # }
    /// ```
    pub fn rate_limit(mut self, requests: u32, window: Duration) -> Self {
        self.limits.per_token = Some((requests.max(1), window));
        if self.limits.hourly.is_none() {
            self.limits.hourly = Some(HourlyCaps::DOCUMENTED);
        }
        self
    }

    /// Enforces these hourly caps per organization (with or without [`rate_limit`](Self::rate_limit)).
    pub fn hourly_caps(mut self, caps: HourlyCaps) -> Self {
        self.limits.hourly = Some(caps);
        self
    }

    /// Builds the data, binds the address and starts serving on the current Tokio runtime.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start(self) -> std::io::Result<FakeTallyfy> {
        let (listener, addr) = server::bind(self.listen).await?;
        let state = crate::seed::build(
            &self.org_id,
            self.seed,
            crate::seed::Counts {
                guests: self.guests,
                members: self.members,
                templates: self.templates,
                processes: self.processes,
            },
            self.seat_limit,
            self.page_cap,
            self.shapes,
        );
        let mut state = state;
        state.webhooks.urls = self.webhook_urls;
        let deliverer = crate::webhooks::Deliverer::start(
            self.org_id.clone(),
            self.webhook_duplicates,
            self.log_webhooks,
        );
        let shared = Arc::new(Shared {
            deliverer,
            limiter: crate::limits::Limiter::new(self.limits),
            stats: Mutex::default(),
            org_id: self.org_id,
            token: self.token,
            host: addr.to_string(),
            latency: self.latency,
            state: Mutex::new(state),
            faults: Mutex::new(Vec::new()),
            requests: Mutex::new(VecDeque::new()),
            record_limit: self.record_limit,
            log_requests: self.log_requests,
            counter: AtomicU64::new(0),
            tokens: Mutex::new(Tokens::new(self.client, self.token_ttl, self.seed)),
            user_password: self.user_password,
        });
        let (tx, rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(server::run(listener, shared.clone(), rx));
        Ok(FakeTallyfy::new(shared, addr, tx, task))
    }
}
