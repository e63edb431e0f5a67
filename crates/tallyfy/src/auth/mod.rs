//! Authentication: which [`Credentials`] a client uses, and how it keeps a valid token.
//!
//! - [`Credentials`]: a static access token (a personal access token), OAuth client credentials
//!   (optionally acting as one member), the password grant, or the caller's own [`TokenSource`];
//! - `cache`: the current token of a client, renewed single-flight before it expires;
//! - `grants`: the token requests themselves, made with the generated client's `request_token` and
//!   `request_user_token` (the spec's `authentication` operations) through the client's retries.
//!
//! A static token is the client's default `Authorization` header and costs nothing per request.
//! Every other kind is asked for a token before each attempt; the header then travels with that one
//! call (`tallyfy_client::with_authorization`).

pub(crate) mod cache;
pub(crate) mod grants;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::auth::cache::TokenCache;

/// Shown instead of a secret.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Credentials that are renewed, with what renewing needs.
pub(crate) struct Renewing {
    pub(crate) kind: Renewable,
    /// The generated client for the token endpoint (its base is the token URL without the
    /// operation's path).
    pub(crate) token_api: tallyfy_client::Client,
    /// The token requests are sent to (for messages).
    pub(crate) token_url: String,
    /// The token the API calls are sent with.
    pub(crate) cache: TokenCache,
    /// With `acting_as`: the application's own token, used to get the member's.
    pub(crate) app: TokenCache,
}

/// The documented token endpoint for client credentials.
pub const DEFAULT_TOKEN_URL: &str = "https://go.tallyfy.com/oauth/token";

/// How long before a token's expiry the client renews it: a tenth of its lifetime, at most a
/// minute. A seven-day client-credentials token is renewed a minute early; a two-second test
/// token 200 ms early. A token without `expires_in` is kept until the API refuses it.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(tallyfy::renew_margin(Duration::from_secs(604_800)), Duration::from_secs(60));
/// assert_eq!(tallyfy::renew_margin(Duration::from_secs(2)), Duration::from_millis(200));
/// ```
pub fn renew_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

/// An access token from a [`TokenSource`], and how long it lasts.
///
/// ```
/// use std::time::Duration;
/// let token = tallyfy::AccessToken::new("eyJ0eXAi...").expires_in(Duration::from_secs(3600));
/// assert!(!format!("{token:?}").contains("eyJ0"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct AccessToken {
    /// The token, sent as `Authorization: Bearer <token>`.
    pub token: SecretString,
    /// How long from now it lasts; `None` keeps it until the API answers 401.
    pub expires_in: Option<Duration>,
}

impl AccessToken {
    /// A token that lasts until the API refuses it (set [`expires_in`](Self::expires_in) if known).
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: SecretString::from(token.into()),
            expires_in: None,
        }
    }

    /// How long the token lasts from now; the client renews it [`renew_margin`] before that.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &Redacted)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// The boxed error a [`TokenSource`] may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a [`TokenSource`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, BoxError>> + Send + 'a>>;

/// Your own way of getting tokens (a vault, a sidecar, another service's cache). The client calls
/// [`token`](Self::token) when it has no token, when the last one is about to expire, and once
/// after the API refuses one with 401; calls never overlap, and callers waiting meanwhile share the
/// answer. A failure reaches them as [`TokenError::Source`](crate::TokenError::Source).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
/// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).start().await.unwrap();
/// use std::time::Duration;
/// use tallyfy::{AccessToken, TokenFuture, TokenSource};
///
/// struct Vault { token: String }
///
/// impl TokenSource for Vault {
///     fn token(&self) -> TokenFuture<'_> {
///         Box::pin(async move {
///             // Read the vault here.
///             Ok(AccessToken::new(self.token.clone()).expires_in(Duration::from_secs(3600)))
///         })
///     }
/// }
///
/// let client = tallyfy::Client::builder()
///     .credentials(tallyfy::Credentials::source(Vault { token: fake.token().to_owned() }))
///     .org(fake.org_id())
///     .base_url(fake.base_url())
///     .build()?;
/// assert_eq!(client.guests().list().collect_all().await?.len(), 3);
/// # Ok(()) }
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// A new token.
    fn token(&self) -> TokenFuture<'_>;
}

/// What a client authenticates with. Pass it to
/// [`ClientBuilder::credentials`](crate::ClientBuilder::credentials), or use the shortcuts
/// [`token`](crate::ClientBuilder::token) and
/// [`client_credentials`](crate::ClientBuilder::client_credentials).
///
/// Tallyfy's docs tell services to use client credentials: a personal access token acts as one
/// person and dies when they log out of the web app.
///
/// ```
/// use tallyfy::Credentials;
/// // A service's own application token, renewed before its seven days are up:
/// let service = Credentials::client_credentials("123", "the-client-secret");
/// // The same application acting as one member (their tasks, their name on comments):
/// let as_pat = Credentials::client_credentials("123", "the-client-secret").acting_as("pat@example.com");
/// // A member's password, renewed with the refresh token:
/// let user = Credentials::password("123", "the-client-secret", "pat@example.com", "their-password");
/// assert!(!format!("{service:?}{as_pat:?}{user:?}").contains("the-client-secret"));
/// assert!(!format!("{user:?}").contains("their-password"));
/// ```
#[derive(Clone)]
#[must_use]
pub struct Credentials {
    pub(crate) kind: Kind,
}

#[derive(Clone)]
pub(crate) enum Kind {
    Token(SecretString),
    Renewable(Renewable),
    /// Refused by `build`, with the reason.
    Invalid(String),
}

/// Credentials whose token the client gets and renews itself.
#[derive(Clone)]
pub(crate) enum Renewable {
    ClientCredentials {
        app: App,
        acting_as: Option<String>,
    },
    Password {
        app: App,
        username: String,
        password: SecretString,
    },
    Source(Arc<dyn TokenSource>),
}

/// An OAuth application, as a token request names it.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) client_id: String,
    pub(crate) client_secret: SecretString,
    pub(crate) scope: Option<String>,
}

impl App {
    fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
            scope: None,
        }
    }
}

impl Kind {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Self::Token(_) => "an access token",
            Self::Renewable(Renewable::ClientCredentials {
                acting_as: None, ..
            }) => "client credentials",
            Self::Renewable(Renewable::ClientCredentials { .. }) => {
                "client credentials acting as a member"
            }
            Self::Renewable(Renewable::Password { .. }) => "a password grant",
            Self::Renewable(Renewable::Source(_)) => "a token source",
            Self::Invalid(_) => "invalid credentials",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Token(_) => f.debug_tuple("Token").field(&Redacted).finish(),
            Kind::Renewable(Renewable::ClientCredentials { app, acting_as }) => f
                .debug_struct("ClientCredentials")
                .field("client_id", &app.client_id)
                .field("client_secret", &Redacted)
                .field("scope", &app.scope)
                .field("acting_as", acting_as)
                .finish(),
            Kind::Renewable(Renewable::Password { app, username, .. }) => f
                .debug_struct("Password")
                .field("client_id", &app.client_id)
                .field("client_secret", &Redacted)
                .field("username", username)
                .field("password", &Redacted)
                .field("scope", &app.scope)
                .finish(),
            Kind::Renewable(Renewable::Source(_)) => f.write_str("Source(..)"),
            Kind::Invalid(reason) => f.debug_tuple("Invalid").field(reason).finish(),
        }
    }
}

impl Credentials {
    /// A fixed access token: a personal access token (six months) or an OAuth token you renew
    /// yourself. Sent as it is; never renewed.
    pub fn token(token: impl Into<String>) -> Self {
        Self::token_secret(SecretString::from(token.into()))
    }

    /// A fixed access token, already held as a secret.
    pub fn token_secret(token: SecretString) -> Self {
        Self {
            kind: Kind::Token(token),
        }
    }

    /// OAuth client credentials (Settings → Integrations → REST API → application): the client
    /// asks the token endpoint for an application token (`grant_type=client_credentials`), keeps
    /// it, and asks again [`renew_margin`] before it expires.
    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            kind: Kind::Renewable(Renewable::ClientCredentials {
                app: App::new(client_id, client_secret),
                acting_as: None,
            }),
        }
    }

    /// The password grant: the member's email and password, exchanged for an access token and a
    /// refresh token. The client renews with the refresh token, and falls back to the password if
    /// the refresh token is refused.
    pub fn password(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            kind: Kind::Renewable(Renewable::Password {
                app: App::new(client_id, client_secret),
                username: username.into(),
                password: SecretString::from(password.into()),
            }),
        }
    }

    /// Your own [`TokenSource`].
    pub fn source(source: impl TokenSource) -> Self {
        Self {
            kind: Kind::Renewable(Renewable::Source(Arc::new(source))),
        }
    }

    /// The `scope` to ask for (client credentials and password grant; Tallyfy documents `*`).
    /// Ignored by the other kinds.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        if let Kind::Renewable(
            Renewable::ClientCredentials { app, .. } | Renewable::Password { app, .. },
        ) = &mut self.kind
        {
            app.scope = Some(scope.into());
        }
        self
    }

    /// With client credentials: act as the member with this email. The client gets its
    /// application token, then the member's token from
    /// `POST /applications/{org}/users/{email}/token` (three months), and renews both as needed.
    /// On any other kind, [`build`](crate::ClientBuilder::build) refuses it.
    pub fn acting_as(mut self, email: impl Into<String>) -> Self {
        if let Kind::Renewable(Renewable::ClientCredentials { acting_as, .. }) = &mut self.kind {
            *acting_as = Some(email.into());
            return self;
        }
        Self {
            kind: Kind::Invalid(format!(
                "`acting_as` needs client credentials, not {}",
                self.describe()
            )),
        }
    }

    /// What these credentials are, in words, for errors.
    pub(crate) fn describe(&self) -> &'static str {
        self.kind.describe()
    }
}
