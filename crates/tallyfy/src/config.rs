//! Building a [`Client`]: [`ClientBuilder`], [`Timeouts`], and [`Client::from_env`].
//!
//! The builder checks everything before the first request: the token is present and fits in a header,
//! the org id is usable, the base URL is absolute, and plain http is only used for loopback unless the
//! caller allows it. The token is held in a [`SecretString`] and never appears in `Debug` output.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use secrecy::SecretString;
use tallyfy_client::RequestHeaders;

use crate::auth::Renewing;
use crate::auth::{Credentials, DEFAULT_TOKEN_URL};
use crate::auth::{Kind, Renewable};
use crate::client::Client;
use crate::error::{ConfigError, Error, Flow};
use crate::pacing::RateLimit;
use crate::retry::RetryConfig;
pub use crate::timeouts::Timeouts;
use crate::transport::ops;

/// The documented API base URL.
pub const DEFAULT_BASE_URL: &str = "https://go.tallyfy.com/api";

/// The `X-Tallyfy-Client` value the docs ask for.
pub const DEFAULT_CLIENT_HEADER: &str = "APIClient";

/// The default `User-Agent`: `tallyfy-rs/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("tallyfy-rs/", env!("CARGO_PKG_VERSION"));

/// The variable [`Client::from_env`] reads the access token from.
pub const ENV_TOKEN: &str = "TALLYFY_ACCESS_TOKEN";
/// The variable [`Client::from_env`] reads the OAuth client id from (with [`ENV_CLIENT_SECRET`]).
pub const ENV_CLIENT_ID: &str = "TALLYFY_CLIENT_ID";
/// The variable [`Client::from_env`] reads the OAuth client secret from (with [`ENV_CLIENT_ID`]).
pub const ENV_CLIENT_SECRET: &str = "TALLYFY_CLIENT_SECRET";
/// The optional variable [`Client::from_env`] reads the token endpoint from (default
/// [`DEFAULT_TOKEN_URL`]).
pub const ENV_TOKEN_URL: &str = "TALLYFY_TOKEN_URL";
/// The variable [`Client::from_env`] reads the organization id from.
pub const ENV_ORG: &str = "TALLYFY_ORG_ID";
/// The optional variable [`Client::from_env`] reads the base URL from.
pub const ENV_BASE_URL: &str = "TALLYFY_BASE_URL";
/// The variable [`Client::from_env`] reads the client-side rate limit from: `N/W` (`600/60s`,
/// `50/1s`) or `off`; see [`RateLimit::parse_setting`].
pub const ENV_RATE_LIMIT: &str = "TALLYFY_RATE_LIMIT";

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment (see [`ClientBuilder::from_env`]): client
    /// credentials from `TALLYFY_CLIENT_ID` and `TALLYFY_CLIENT_SECRET` (token endpoint
    /// `TALLYFY_TOKEN_URL`, default [`DEFAULT_TOKEN_URL`]), or else the access token
    /// `TALLYFY_ACCESS_TOKEN`; `TALLYFY_ORG_ID`; the optional `TALLYFY_BASE_URL` (default
    /// `https://go.tallyfy.com/api`) and `TALLYFY_RATE_LIMIT` (default `600/60s`). A missing
    /// variable is [`ConfigError::MissingEnv`] naming it.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }
}

/// Configures and builds a [`Client`]. Start with [`Client::builder`].
///
/// ```
/// let client = tallyfy::Client::builder()
///     .token("my-personal-access-token")
///     .org("0123456789abcdef0123456789abcdef")
///     .build()?;
/// # Ok::<(), tallyfy::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    /// Two kinds of credentials given: what each was.
    conflict: Option<(String, String)>,
    token_url: String,
    org: Option<String>,
    base_url: String,
    client_header: String,
    user_agent: String,
    timeouts: Timeouts,
    retry: RetryConfig,
    rate_limit: Option<RateLimit>,
    /// A rate limit that cannot be used, reported by `build`.
    rate_limit_error: Option<ConfigError>,
    http: Http,
    allow_insecure_http: bool,
}

/// Where the HTTP client comes from.
enum Http {
    /// A new `reqwest::Client`, with the SDK's headers as default headers.
    New,
    /// The caller's builder, with the SDK's headers added as default headers.
    Builder(Box<reqwest::ClientBuilder>),
    /// The caller's built client; the SDK's headers are added to each request.
    Built(reqwest::Client),
}

impl Http {
    /// The HTTP client, and the headers the generated client must add to each request itself: none
    /// when `headers` could become the client's default headers, all of them for a built client.
    fn finish(
        self,
        headers: HeaderMap,
        connect: Duration,
    ) -> Result<(reqwest::Client, RequestHeaders), ConfigError> {
        let builder = match self {
            Http::Built(client) => return Ok((client, RequestHeaders::new(headers))),
            Http::Builder(builder) => *builder,
            Http::New => reqwest::ClientBuilder::new(),
        };
        let client = builder
            .default_headers(headers)
            .connect_timeout(connect)
            .build()
            .map_err(ConfigError::Http)?;
        Ok((client, RequestHeaders::default()))
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("token_url", &self.token_url)
            .field("org", &self.org)
            .field("base_url", &self.base_url)
            .field("client_header", &self.client_header)
            .field("user_agent", &self.user_agent)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field(
                "reqwest_client",
                &match self.http {
                    Http::New => None,
                    Http::Builder(_) => Some("caller's builder"),
                    Http::Built(_) => Some("caller's client"),
                },
            )
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            conflict: None,
            token_url: DEFAULT_TOKEN_URL.to_owned(),
            org: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            client_header: DEFAULT_CLIENT_HEADER.to_owned(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            timeouts: Timeouts::default(),
            retry: RetryConfig::default(),
            rate_limit: Some(RateLimit::DOCUMENTED),
            rate_limit_error: None,
            http: Http::New,
            allow_insecure_http: false,
        }
    }
}

impl ClientBuilder {
    /// The access token (a personal access token or an OAuth access token), sent as
    /// `Authorization: Bearer <token>`: [`Credentials::token`].
    pub fn token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::token(token))
    }

    /// The access token, already held as a secret.
    pub fn token_secret(self, token: SecretString) -> Self {
        self.credentials(Credentials::token_secret(token))
    }

    /// OAuth client credentials, the way Tallyfy's docs tell services to authenticate:
    /// [`Credentials::client_credentials`]. The token comes from [`token_url`](Self::token_url).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().client_credentials("7", "s3cret").seed_guests(2).start().await.unwrap();
    /// let client = tallyfy::Client::builder()
    ///     .client_credentials("7", "s3cret")
    ///     .token_url(fake.token_url())
    ///     .org(fake.org_id())
    ///     .base_url(fake.base_url())
    ///     .build()?;
    /// assert_eq!(client.guests().list().collect_all().await?.len(), 2);
    /// assert_eq!(fake.token_requests(), 1);
    /// # Ok(()) }
    /// ```
    pub fn client_credentials(
        self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials(Credentials::client_credentials(client_id, client_secret))
    }

    /// What the client authenticates with (see [`Credentials`]). Giving two different kinds
    /// (here, [`token`](Self::token) or [`client_credentials`](Self::client_credentials)) makes
    /// [`build`](Self::build) fail with [`ConfigError::ConflictingCredentials`].
    ///
    /// ```
    /// let err = tallyfy::Client::builder()
    ///     .token("t")
    ///     .client_credentials("7", "s3cret")
    ///     .org("o")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "both an access token and client credentials were given; use one");
    /// ```
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        if let Some(previous) = &self.credentials
            && previous.describe() != credentials.describe()
            && self.conflict.is_none()
        {
            self.conflict = Some((
                previous.describe().to_owned(),
                credentials.describe().to_owned(),
            ));
        }
        self.credentials = Some(credentials);
        self
    }

    /// The OAuth token endpoint (default [`DEFAULT_TOKEN_URL`], `https://go.tallyfy.com/oauth/token`;
    /// the docs also give `https://account.tallyfy.com/oauth/token` and
    /// `https://go.tallyfy.com/api/oauth/token`). It must end in `/oauth/token`, and plain http is
    /// refused as for the base URL. Unused with a static token or a token source.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// The organization id (from Settings → Organization in Tallyfy).
    pub fn org(mut self, org_id: impl Into<String>) -> Self {
        self.org = Some(org_id.into());
        self
    }

    /// The API base URL, such as the default [`DEFAULT_BASE_URL`] or `https://api.tallyfy.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The `X-Tallyfy-Client` header (default `APIClient`).
    pub fn client_header(mut self, value: impl Into<String>) -> Self {
        self.client_header = value.into();
        self
    }

    /// The `User-Agent` header (default `tallyfy-rs/<version>`).
    pub fn user_agent(mut self, value: impl Into<String>) -> Self {
        self.user_agent = value.into();
        self
    }

    /// Connect, per-attempt and total timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The retry policy (see [`RetryConfig`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Paces the client (and every clone) to at most `requests` per rolling window of `per`; the
    /// default is Tallyfy's documented 600 per 60 seconds ([`RateLimit::DOCUMENTED`]). See
    /// [`crate::pacing`]. Zero requests or an empty window fail [`build`](Self::build).
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = tallyfy::Client::builder()
    ///     .token("t")
    ///     .org("o")
    ///     .rate_limit(50, Duration::from_secs(1))
    ///     .build()?;
    /// assert_eq!(client.rate_limit_status().limit.unwrap().to_string(), "50/1s");
    /// # Ok::<(), tallyfy::Error>(())
    /// ```
    pub fn rate_limit(mut self, requests: u32, per: Duration) -> Self {
        match RateLimit::new(requests, per) {
            Ok(limit) => {
                self.rate_limit = Some(limit);
                self.rate_limit_error = None;
            }
            Err(e) => self.rate_limit_error = Some(e),
        }
        self
    }

    /// No client-side pacing: requests go as fast as they are made, and a 429 is only retried
    /// (as Tallyfy's own clients do). For a token with a budget of its own, or a server without
    /// limits.
    ///
    /// ```
    /// let client = tallyfy::Client::builder().token("t").org("o").no_rate_limit().build()?;
    /// assert_eq!(client.rate_limit_status().limit, None);
    /// # Ok::<(), tallyfy::Error>(())
    /// ```
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self.rate_limit_error = None;
        self
    }

    /// Starts from your own `reqwest::ClientBuilder` (proxies, root certificates, pool settings). The
    /// client adds its default headers, user agent and connect timeout to it. To share a client that
    /// is already built, use [`http_client`](Self::http_client) instead; whichever is called last
    /// applies.
    ///
    /// ```
    /// use tallyfy::reqwest;
    /// let client = tallyfy::Client::builder()
    ///     .token("t")
    ///     .org("o")
    ///     .reqwest_client(reqwest::Client::builder().pool_max_idle_per_host(4))
    ///     .build()?;
    /// # Ok::<(), tallyfy::Error>(())
    /// ```
    pub fn reqwest_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Http::Builder(Box::new(builder));
        self
    }

    /// Uses a `reqwest::Client` that is already built, sharing its connection pool, TLS and proxy
    /// settings with the rest of your service. A built client cannot gain default headers, so the
    /// SDK's headers (`Authorization`, `Accept`, `X-Tallyfy-Client`, `User-Agent`) are added to each
    /// request instead; they take precedence over the client's own default headers of the same
    /// names. [`Timeouts::connect`] does not apply: connecting is the client's business. Whichever of
    /// this and [`reqwest_client`](Self::reqwest_client) is called last applies.
    ///
    /// ```
    /// use tallyfy::reqwest;
    /// let shared = reqwest::Client::new();
    /// let client = tallyfy::Client::builder()
    ///     .token("t")
    ///     .org("o")
    ///     .http_client(shared.clone())
    ///     .build()?;
    /// # Ok::<(), tallyfy::Error>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Http::Built(client);
        self
    }

    /// Allows plain `http` to hosts other than loopback. Off by default: the token would cross the
    /// network unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// A builder filled from the environment. Empty variables count as missing.
    ///
    /// - `TALLYFY_CLIENT_ID` and `TALLYFY_CLIENT_SECRET`: client credentials, with the token
    ///   endpoint `TALLYFY_TOKEN_URL` if set; one without the other is
    ///   [`ConfigError::MissingEnv`] naming the other;
    /// - otherwise `TALLYFY_ACCESS_TOKEN`; both kinds set is
    ///   [`ConfigError::ConflictingCredentials`];
    /// - `TALLYFY_ORG_ID`, and `TALLYFY_BASE_URL` if set;
    /// - `TALLYFY_RATE_LIMIT` if set: `N/W` such as `50/1s` ([`rate_limit`](Self::rate_limit)) or
    ///   `off` ([`no_rate_limit`](Self::no_rate_limit)); anything else is
    ///   [`ConfigError::InvalidSetting`] naming the variable.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), but reads the variables through `lookup` (a secret
    /// store, a test's map, ...).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let vars = HashMap::from([("TALLYFY_ACCESS_TOKEN", "t")]);
    /// let err = tallyfy::ClientBuilder::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap_err();
    /// assert_eq!(err.to_string(), "environment variable TALLYFY_ORG_ID is not set");
    ///
    /// let vars = HashMap::from([
    ///     ("TALLYFY_ACCESS_TOKEN", "t"),
    ///     ("TALLYFY_CLIENT_ID", "7"),
    ///     ("TALLYFY_CLIENT_SECRET", "s3cret"),
    ///     ("TALLYFY_ORG_ID", "o"),
    /// ]);
    /// let err = tallyfy::ClientBuilder::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "both TALLYFY_ACCESS_TOKEN and TALLYFY_CLIENT_ID/TALLYFY_CLIENT_SECRET were given; use one"
    /// );
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |var: &'static str| lookup(var).filter(|v| !v.trim().is_empty());
        let token = get(ENV_TOKEN);
        let credentials = match (get(ENV_CLIENT_ID), get(ENV_CLIENT_SECRET), token) {
            (Some(_), Some(_), Some(_)) => {
                return Err(ConfigError::ConflictingCredentials {
                    first: ENV_TOKEN.to_owned(),
                    second: format!("{ENV_CLIENT_ID}/{ENV_CLIENT_SECRET}"),
                }
                .into());
            }
            (Some(id), Some(secret), None) => Credentials::client_credentials(id, secret),
            (Some(_), None, _) => {
                return Err(ConfigError::MissingEnv {
                    var: ENV_CLIENT_SECRET,
                }
                .into());
            }
            (None, Some(_), _) => return Err(ConfigError::MissingEnv { var: ENV_CLIENT_ID }.into()),
            (None, None, Some(token)) => Credentials::token(token),
            (None, None, None) => return Err(ConfigError::MissingEnv { var: ENV_TOKEN }.into()),
        };
        let org = get(ENV_ORG).ok_or(ConfigError::MissingEnv { var: ENV_ORG })?;
        let mut builder = Self::default().credentials(credentials).org(org);
        if let Some(url) = get(ENV_TOKEN_URL) {
            builder = builder.token_url(url);
        }
        if let Some(url) = get(ENV_BASE_URL) {
            builder = builder.base_url(url);
        }
        if let Some(setting) = get(ENV_RATE_LIMIT) {
            builder = match RateLimit::parse_setting(&setting) {
                Ok(Some(limit)) => builder.rate_limit(limit.requests(), limit.per()),
                Ok(None) => builder.no_rate_limit(),
                // The parser's reason, under the variable's name.
                Err(ConfigError::InvalidSetting { reason, .. }) => {
                    let name = ENV_RATE_LIMIT;
                    return Err(ConfigError::InvalidSetting { name, reason }.into());
                }
                Err(other) => return Err(other.into()),
            };
        }
        Ok(builder)
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] when the token or org is missing or unusable, the base URL is not
    /// an absolute http(s) URL, or it is plain http to a non-loopback host without
    /// [`allow_insecure_http`](Self::allow_insecure_http).
    ///
    /// ```
    /// let err = tallyfy::Client::builder()
    ///     .token("t")
    ///     .org("o")
    ///     .base_url("http://tallyfy.example/api")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, tallyfy::Error::Config(tallyfy::ConfigError::InsecureHttp { .. })));
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        if let Some((first, second)) = self.conflict {
            return Err(ConfigError::ConflictingCredentials { first, second }.into());
        }
        if let Some(e) = self.rate_limit_error {
            return Err(e.into());
        }
        let credentials = self.credentials.ok_or(ConfigError::MissingToken)?;
        let org = self.org.ok_or(ConfigError::MissingOrg)?;
        crate::path::org_segment(&org).map_err(|reason| ConfigError::InvalidOrg { reason })?;
        // Without a TLS feature the SDK's own reqwest client cannot speak https; a caller's
        // client (or builder) may, through reqwest features of the caller's own.
        let https = BUILT_WITH_TLS || !matches!(self.http, Http::New);
        let urls = UrlPolicy {
            allow_insecure_http: self.allow_insecure_http,
            https,
        };
        let base_url = check_base_url(&self.base_url, urls)?;
        let t = self.timeouts;
        for (name, d) in [
            ("timeouts.connect", t.connect),
            ("timeouts.per_attempt", t.per_attempt),
            ("timeouts.total", t.total),
        ] {
            if d.is_zero() {
                return Err(ConfigError::InvalidSetting {
                    name,
                    reason: "must be longer than zero".into(),
                }
                .into());
            }
        }

        let mut headers = HeaderMap::new();
        // A static token is a default header; renewable credentials send theirs per call.
        let static_authorization = match &credentials.kind {
            Kind::Token(token) => {
                let auth = crate::auth::grants::header(Flow::Source, token)
                    .map_err(|_| ConfigError::InvalidToken)?;
                headers.insert(AUTHORIZATION, auth.clone());
                auth
            }
            Kind::Invalid(reason) => {
                return Err(ConfigError::InvalidCredentials {
                    reason: reason.clone(),
                }
                .into());
            }
            Kind::Renewable(
                Renewable::ClientCredentials { app, .. } | Renewable::Password { app, .. },
            ) if app.client_id.trim().is_empty() => {
                return Err(ConfigError::InvalidCredentials {
                    reason: "the client id is empty".into(),
                }
                .into());
            }
            _ => HeaderValue::from_static(""),
        };
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("x-tallyfy-client"),
            HeaderValue::from_str(&self.client_header).map_err(|_| ConfigError::InvalidHeader {
                name: "X-Tallyfy-Client",
            })?,
        );
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| ConfigError::InvalidHeader { name: "User-Agent" })?;
        headers.insert(USER_AGENT, user_agent);

        let (http, per_request) = self.http.finish(headers, t.connect)?;
        let auth = match &credentials.kind {
            Kind::Token(_) | Kind::Invalid(_) => None,
            Kind::Renewable(kind) => {
                let token_url = check_token_url(&self.token_url, urls)?;
                let token_base = &token_url[..token_url.len() - ops::REQUEST_TOKEN.path.len()];
                Some(Renewing {
                    kind: kind.clone(),
                    token_api: tallyfy_client::Client::new_with_client(
                        token_base,
                        http.clone(),
                        per_request.clone(),
                    ),
                    token_url,
                    cache: Default::default(),
                    app: Default::default(),
                })
            }
        };

        Ok(Client::from_parts(crate::client::Parts {
            api: tallyfy_client::Client::new_with_client(&base_url, http, per_request),
            org,
            base_url,
            client_header: self.client_header,
            user_agent: self.user_agent,
            timeouts: t,
            budget: crate::budget::Bucket::new(self.retry.budget),
            retry: self.retry,
            credentials,
            auth,
            static_authorization,
            pacer: self.rate_limit.map(crate::pacing::Pacer::new),
        }))
    }
}

/// Checks the token URL as [`check_base_url`] does (the client secret travels to it), and that it
/// ends in the token operation's path, which the generated client appends to what comes before.
fn check_token_url(raw: &str, urls: UrlPolicy) -> Result<String, ConfigError> {
    let url = check_base_url(raw, urls).map_err(|e| match e {
        ConfigError::InvalidBaseUrl { url, reason } => ConfigError::InvalidTokenUrl { url, reason },
        other => other,
    })?;
    if !url.ends_with(ops::REQUEST_TOKEN.path) {
        return Err(ConfigError::InvalidTokenUrl {
            url: raw.to_owned(),
            reason: format!("must end in {}", ops::REQUEST_TOKEN.path),
        });
    }
    Ok(url)
}

/// Whether this build has a TLS backend (the `rustls` or `native-tls` feature).
const BUILT_WITH_TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// Which URLs the client can use.
#[derive(Clone, Copy)]
struct UrlPolicy {
    /// Plain http to a host that is not loopback ([`ClientBuilder::allow_insecure_http`]).
    allow_insecure_http: bool,
    /// https: the HTTP client has a TLS backend.
    https: bool,
}

/// Checks the base URL and returns it without a trailing slash (the generated client appends paths
/// starting with `/`).
fn check_base_url(raw: &str, urls: UrlPolicy) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let url = url::Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    let host = url.host().ok_or_else(|| invalid("has no host"))?;
    match url.scheme() {
        "https" if !urls.https => {
            return Err(invalid(
                "this build of tallyfy has no TLS backend: turn on its `rustls` (default) or `native-tls` feature, or pass your own client with `http_client`",
            ));
        }
        "https" => {}
        "http" => {
            let loopback = match host {
                url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
                url::Host::Ipv4(ip) => IpAddr::V4(ip).is_loopback(),
                url::Host::Ipv6(ip) => IpAddr::V6(ip).is_loopback(),
            };
            if !loopback && !urls.allow_insecure_http {
                return Err(ConfigError::InsecureHttp {
                    host: host.to_string(),
                });
            }
        }
        _ => {
            return Err(invalid(
                "must start with https:// (or http:// for loopback)",
            ));
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let strict = UrlPolicy {
            allow_insecure_http: false,
            https: true,
        };
        let ok = |u: &str| check_base_url(u, strict).unwrap();
        assert_eq!(
            ok("https://go.tallyfy.com/api/"),
            "https://go.tallyfy.com/api"
        );
        assert_eq!(ok("https://api.tallyfy.com"), "https://api.tallyfy.com");
        assert_eq!(ok("http://127.0.0.1:8080/api"), "http://127.0.0.1:8080/api");
        assert_eq!(ok("http://[::1]:8080/api"), "http://[::1]:8080/api");
        assert_eq!(ok("http://localhost:1/api"), "http://localhost:1/api");
        assert!(matches!(
            check_base_url("http://tallyfy.example/api", strict),
            Err(ConfigError::InsecureHttp { .. })
        ));
        assert!(matches!(
            check_base_url("http://10.0.0.1/api", strict),
            Err(ConfigError::InsecureHttp { .. })
        ));
        assert!(
            check_base_url(
                "http://tallyfy.example/api",
                UrlPolicy {
                    allow_insecure_http: true,
                    ..strict
                }
            )
            .is_ok()
        );
        for bad in [
            "go.tallyfy.com/api",
            "ftp://x.io",
            "https://u:p@x.io/api",
            "https://x.io/api?x=1",
            "",
        ] {
            assert!(
                matches!(
                    check_base_url(bad, strict),
                    Err(ConfigError::InvalidBaseUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn without_tls_https_is_refused_before_anything_is_sent() {
        let no_tls = UrlPolicy {
            allow_insecure_http: false,
            https: false,
        };
        let e = check_base_url("https://go.tallyfy.com/api", no_tls).unwrap_err();
        assert!(e.to_string().contains("no TLS backend"), "{e}");
        assert!(e.to_string().contains("`rustls`"), "{e}");
        let e = check_token_url("https://go.tallyfy.com/oauth/token", no_tls).unwrap_err();
        assert!(matches!(e, ConfigError::InvalidTokenUrl { .. }), "{e}");
        // Loopback http needs no TLS.
        assert!(check_base_url("http://127.0.0.1:1/api", no_tls).is_ok());
    }

    #[test]
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    fn with_a_tls_feature_the_default_client_takes_https() {
        const { assert!(BUILT_WITH_TLS) };
        assert!(Client::builder().token("t").org("o").build().is_ok());
    }

    #[test]
    fn the_rate_limit_comes_from_the_builder_or_the_environment() {
        let status = |b: ClientBuilder| b.build().unwrap().rate_limit_status().limit;
        let base = || Client::builder().token("t").org("o");
        assert_eq!(status(base()), Some(RateLimit::DOCUMENTED), "on by default");
        assert_eq!(status(base().no_rate_limit()), None);
        let fifty = RateLimit::new(50, Duration::from_secs(1)).unwrap();
        assert_eq!(
            status(base().rate_limit(50, Duration::from_secs(1))),
            Some(fifty)
        );
        // A bad setting fails the build, unless a later one replaces it.
        let e = base()
            .rate_limit(0, Duration::from_secs(1))
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("at least one request"), "{e}");
        assert!(
            base()
                .rate_limit(0, Duration::ZERO)
                .no_rate_limit()
                .build()
                .is_ok()
        );

        let env = |setting: &'static str| {
            ClientBuilder::from_lookup(move |k| match k {
                ENV_TOKEN | ENV_ORG => Some("x".to_owned()),
                ENV_RATE_LIMIT => Some(setting.to_owned()),
                _ => None,
            })
        };
        assert_eq!(status(env("50/1s").unwrap()), Some(fifty));
        assert_eq!(status(env("off").unwrap()), None);
        let Err(Error::Config(ConfigError::InvalidSetting { name, reason })) = env("lots") else {
            panic!("a bad TALLYFY_RATE_LIMIT is refused")
        };
        assert_eq!(name, ENV_RATE_LIMIT);
        assert!(reason.contains("\"lots\""), "{reason}");
    }

    #[test]
    fn missing_pieces_are_named() {
        let e = Client::builder().org("o").build().unwrap_err();
        assert!(matches!(e, Error::Config(ConfigError::MissingToken)));
        let e = Client::builder().token("t").build().unwrap_err();
        assert!(matches!(e, Error::Config(ConfigError::MissingOrg)));
        let e = Client::builder().token(" ").org("o").build().unwrap_err();
        assert!(matches!(e, Error::Config(ConfigError::InvalidToken)));
        let e = Client::builder()
            .token("a\nb")
            .org("o")
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config(ConfigError::InvalidToken)));
        let e = Client::builder().token("t").org("..").build().unwrap_err();
        assert!(matches!(e, Error::Config(ConfigError::InvalidOrg { .. })));
        let e = Client::builder()
            .token("t")
            .org("o")
            .client_header("bad\nvalue")
            .build()
            .unwrap_err();
        assert!(matches!(
            e,
            Error::Config(ConfigError::InvalidHeader {
                name: "X-Tallyfy-Client"
            })
        ));
        let e = Client::builder()
            .token("t")
            .org("o")
            .timeouts(Timeouts {
                total: Duration::ZERO,
                ..Timeouts::default()
            })
            .build()
            .unwrap_err();
        assert!(matches!(
            e,
            Error::Config(ConfigError::InvalidSetting { .. })
        ));
    }

    #[test]
    fn env_lookup_names_the_missing_variable() {
        let none = |_: &str| None;
        let e = ClientBuilder::from_lookup(none).unwrap_err();
        assert_eq!(
            e.to_string(),
            "environment variable TALLYFY_ACCESS_TOKEN is not set"
        );
        let only_token = |k: &str| (k == ENV_TOKEN).then(|| "t".to_owned());
        let e = ClientBuilder::from_lookup(only_token).unwrap_err();
        assert!(matches!(
            e,
            Error::Config(ConfigError::MissingEnv {
                var: "TALLYFY_ORG_ID"
            })
        ));
        let empty_org = |k: &str| Some(if k == ENV_ORG { "" } else { "x" }.to_owned());
        assert!(ClientBuilder::from_lookup(empty_org).is_err());
        let all = |k: &str| {
            Some(match k {
                ENV_TOKEN => "t".into(),
                ENV_ORG => "o".into(),
                ENV_BASE_URL => "http://127.0.0.1:9/api".into(),
                _ => return None,
            })
        };
        let client = ClientBuilder::from_lookup(all).unwrap().build().unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/api");
        let defaults = |k: &str| matches!(k, ENV_TOKEN | ENV_ORG).then(|| "x".to_owned());
        let client = ClientBuilder::from_lookup(defaults)
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    }
}
