//! `Tokens`: the OAuth side of the fake's bookkeeping. It holds the application's credentials,
//! the access and refresh tokens the token endpoint issued, their lifetimes, and how many token
//! requests came in. The API accepts an issued access token beside the fixed one until the token
//! expires or is revoked. The HTTP side is `routes/oauth.rs`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::hash::mix;

/// How long a client-credentials token lives unless configured: 7 days, as Tallyfy documents.
pub const CLIENT_CREDENTIALS_TTL: Duration = Duration::from_secs(604_800);
/// How long a password-grant (or refreshed) token lives unless configured. Tallyfy's pages say
/// one hour in one place and six months in others; the integration guide's `expires_in: 3600` is
/// used, and a client must read `expires_in` whatever it is.
pub const PASSWORD_TTL: Duration = Duration::from_secs(3_600);
/// How long an application's user token lives unless configured: 3 months, as documented.
pub const USER_TOKEN_TTL: Duration = Duration::from_secs(7_776_000);

/// Who an issued token acts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Holder {
    /// The application itself (client credentials).
    Application,
    /// A member (password grant, refresh, or an application's user token), by id.
    Member(i64),
}

#[derive(Clone, Copy, Debug)]
struct Issued {
    holder: Holder,
    expires: Instant,
}

/// What a grant hands back.
#[derive(Clone, Debug)]
pub(crate) struct Grant {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: Option<String>,
}

/// The application's credentials, the tokens issued, and the count of token requests.
#[derive(Debug)]
pub(crate) struct Tokens {
    /// `(client_id, client_secret)`; `None` when the fake has no application (every
    /// client-credentials request then fails with `invalid_client`).
    client: Option<(String, String)>,
    /// One lifetime for every grant, when configured; the documented ones otherwise.
    ttl: Option<Duration>,
    access: HashMap<String, Issued>,
    refresh: HashMap<String, i64>,
    seed: u64,
    issued: u64,
    requests: u64,
}

impl Tokens {
    pub fn new(client: Option<(String, String)>, ttl: Option<Duration>, seed: u64) -> Self {
        Self {
            client,
            ttl,
            access: HashMap::new(),
            refresh: HashMap::new(),
            seed,
            issued: 0,
            requests: 0,
        }
    }

    /// Counts a request to the token endpoint, whatever its outcome.
    pub fn count_request(&mut self) {
        self.requests += 1;
    }

    /// How many requests the token endpoint has had.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Whether these are the application's credentials.
    pub fn client_matches(&self, id: &str, secret: &str) -> bool {
        self.client
            .as_ref()
            .is_some_and(|(i, s)| i == id && s == secret)
    }

    /// Forgets the application's credentials: later client-credentials requests fail.
    pub fn revoke_client(&mut self) {
        self.client = None;
    }

    /// Revokes every access and refresh token issued so far (the fixed token keeps working).
    pub fn revoke_all(&mut self) {
        self.access.clear();
        self.refresh.clear();
    }

    /// Whom `token` acts as, if it is an issued access token that has not expired.
    pub fn holder(&self, token: &str, now: Instant) -> Option<Holder> {
        self.access
            .get(token)
            .filter(|i| i.expires > now)
            .map(|i| i.holder)
    }

    /// Issues an access token for `holder` (and a refresh token when `with_refresh`), living the
    /// configured lifetime or `default_ttl`.
    pub fn issue(
        &mut self,
        holder: Holder,
        default_ttl: Duration,
        with_refresh: bool,
        now: Instant,
    ) -> Grant {
        let ttl = self.ttl.unwrap_or(default_ttl);
        let access_token = self.fresh("fake-access");
        self.access.insert(
            access_token.clone(),
            Issued {
                holder,
                expires: now + ttl,
            },
        );
        let refresh_token = match (with_refresh, holder) {
            (true, Holder::Member(id)) => {
                let token = self.fresh("fake-refresh");
                self.refresh.insert(token.clone(), id);
                Some(token)
            }
            _ => None,
        };
        Grant {
            access_token,
            expires_in: ttl.as_secs(),
            refresh_token,
        }
    }

    /// Uses up a refresh token: the member it was issued to, once (a refresh token works once).
    pub fn take_refresh(&mut self, token: &str) -> Option<i64> {
        self.refresh.remove(token)
    }

    /// A token nobody has had: derived from the seed and a counter.
    fn fresh(&mut self, prefix: &str) -> String {
        self.issued += 1;
        let a = mix(self.seed ^ mix(self.issued ^ 0x0A07));
        let b = mix(a ^ self.issued.rotate_left(17));
        format!("{prefix}-{a:016x}{b:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_token_lives_its_ttl_and_a_refresh_token_works_once() {
        let mut t = Tokens::new(None, Some(Duration::from_secs(10)), 1);
        let at = Instant::now();
        let g = t.issue(Holder::Member(1001), PASSWORD_TTL, true, at);
        assert_eq!(g.expires_in, 10);
        assert_eq!(t.holder(&g.access_token, at), Some(Holder::Member(1001)));
        assert_eq!(
            t.holder(&g.access_token, at + Duration::from_secs(10)),
            None
        );
        let refresh = g.refresh_token.unwrap();
        assert_eq!(t.take_refresh(&refresh), Some(1001));
        assert_eq!(t.take_refresh(&refresh), None);
        let other = t.issue(Holder::Application, CLIENT_CREDENTIALS_TTL, true, at);
        assert_ne!(other.access_token, g.access_token);
        assert!(
            other.refresh_token.is_none(),
            "client credentials have no refresh token"
        );
        t.revoke_all();
        assert_eq!(t.holder(&other.access_token, at), None);
    }
}
