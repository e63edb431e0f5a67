//! The token requests: [`Client::bearer`] returns the header for the next attempt, asking the
//! token endpoint (or the caller's [`TokenSource`](crate::TokenSource)) when the cached token is
//! missing or due.
//!
//! Token requests go through the client's own retries and timeouts (`request_token` is marked
//! idempotent in the spec: asking twice only issues two tokens). A refusal (400/401 with an OAuth
//! error) is not retried.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use tallyfy_client::types::{TokenRequest, TokenRequestGrantType, TokenResponse};
use tallyfy_client::{Secret, with_authorization};

use crate::auth::cache::{Bearer, Fresh};
use crate::auth::{App, Renewable, Renewing};
use crate::client::Client;
use crate::error::{Error, Flow, TokenError};
use crate::transport::ops;

impl Client {
    /// The `Authorization` header for the next attempt of an API call.
    pub(crate) async fn bearer(&self, auth: &Renewing) -> Result<Bearer, Error> {
        auth.cache
            .get(|refresh| async move {
                let flow = primary_flow(auth, refresh.is_some());
                let renewing = auth.cache.generation() > 0;
                let fresh = self.fetch(auth, refresh).await;
                log_fetch(flow, renewing, &fresh);
                fresh
            })
            .await
            .map_err(Error::Token)
    }

    async fn fetch(
        &self,
        auth: &Renewing,
        refresh: Option<SecretString>,
    ) -> Result<Fresh, Arc<TokenError>> {
        let own = match &auth.kind {
            Renewable::ClientCredentials {
                app,
                acting_as: None,
            } => self.grant(auth, app, Grant::ClientCredentials).await,
            Renewable::ClientCredentials {
                app,
                acting_as: Some(email),
            } => return self.member_token(auth, app, email).await,
            Renewable::Password {
                app,
                username,
                password,
            } => {
                let password = Grant::Password { username, password };
                match refresh {
                    Some(refresh) => match self.grant(auth, app, Grant::Refresh(refresh)).await {
                        Err(TokenError::Refused { .. }) => {
                            tracing::debug!(
                                target: "tallyfy::auth",
                                "the refresh token was refused; using the password grant"
                            );
                            self.grant(auth, app, password).await
                        }
                        other => other,
                    },
                    None => self.grant(auth, app, password).await,
                }
            }
            Renewable::Source(source) => match source.token().await {
                Ok(token) => header(Flow::Source, &token.token).map(|header| Fresh {
                    header,
                    expires_in: token.expires_in,
                    refresh: None,
                }),
                Err(e) => Err(TokenError::Source(e)),
            },
        };
        own.map_err(Arc::new)
    }

    /// One `request_token` call.
    async fn grant(
        &self,
        auth: &Renewing,
        app: &App,
        grant: Grant<'_>,
    ) -> Result<Fresh, TokenError> {
        let flow = grant.flow();
        let mut body = TokenRequest {
            grant_type: TokenRequestGrantType::ClientCredentials,
            client_id: Some(app.client_id.clone()),
            client_secret: Some(Secret::from(&app.client_secret)),
            scope: app.scope.clone(),
            username: None,
            password: None,
            refresh_token: None,
        };
        match grant {
            Grant::ClientCredentials => {}
            Grant::Password { username, password } => {
                body.grant_type = TokenRequestGrantType::Password;
                body.username = Some(username.to_owned());
                body.password = Some(Secret::from(password));
            }
            Grant::Refresh(refresh) => {
                body.grant_type = TokenRequestGrantType::RefreshToken;
                body.refresh_token = Some(Secret::from(refresh));
                body.scope = None;
            }
        }
        let api = &auth.token_api;
        let answer: TokenResponse = self
            .execute_plain(ops::REQUEST_TOKEN, || api.request_token(&body))
            .await
            .map_err(|e| TokenError::from_request(flow, e))?;
        fresh(flow, answer)
    }

    /// The member's token, asked for with the application's token (renewed once if the API
    /// refuses a cached one).
    async fn member_token(
        &self,
        auth: &Renewing,
        app_credentials: &App,
        email: &str,
    ) -> Result<Fresh, Arc<TokenError>> {
        let refused = |e: Error| Arc::new(TokenError::from_request(Flow::UserToken, e));
        let email = crate::path::email_segment(email).map_err(refused)?;
        let org = self.org_id();
        let mut renewed = false;
        loop {
            let app = auth
                .app
                .get(|_| async {
                    let fresh = self
                        .grant(auth, app_credentials, Grant::ClientCredentials)
                        .await;
                    log_fetch(Flow::ClientCredentials, auth.app.generation() > 0, &fresh);
                    fresh.map_err(Arc::new)
                })
                .await?;
            let api = self.raw();
            let result: Result<TokenResponse, Error> = self
                .execute_plain(ops::REQUEST_USER_TOKEN, || {
                    with_authorization(app.header.clone(), api.request_user_token(org, email))
                })
                .await;
            match result {
                Ok(answer) => return fresh(Flow::UserToken, answer).map_err(Arc::new),
                Err(e)
                    if e.status() == Some(reqwest::StatusCode::UNAUTHORIZED)
                        && !app.fresh
                        && !renewed =>
                {
                    auth.app.invalidate(app.generation);
                    renewed = true;
                }
                Err(e) => return Err(refused(e)),
            }
        }
    }
}

/// Which flow a fetch starts with, for the log.
fn primary_flow(auth: &Renewing, have_refresh: bool) -> Flow {
    match &auth.kind {
        Renewable::ClientCredentials {
            acting_as: Some(_), ..
        } => Flow::UserToken,
        Renewable::ClientCredentials { .. } => Flow::ClientCredentials,
        Renewable::Password { .. } if have_refresh => Flow::Refresh,
        Renewable::Password { .. } => Flow::Password,
        Renewable::Source(_) => Flow::Source,
    }
}

/// What one token request asks for.
enum Grant<'a> {
    ClientCredentials,
    Password {
        username: &'a str,
        password: &'a SecretString,
    },
    Refresh(SecretString),
}

impl Grant<'_> {
    fn flow(&self) -> Flow {
        match self {
            Self::ClientCredentials => Flow::ClientCredentials,
            Self::Password { .. } => Flow::Password,
            Self::Refresh(_) => Flow::Refresh,
        }
    }
}

/// A token response as a cache entry.
fn fresh(flow: Flow, answer: TokenResponse) -> Result<Fresh, TokenError> {
    let token = answer.access_token.into_secret_string();
    Ok(Fresh {
        header: header(flow, &token)?,
        expires_in: answer
            .expires_in
            .filter(|s| *s > 0)
            .map(|s| Duration::from_secs(s.unsigned_abs())),
        refresh: answer.refresh_token.map(Secret::into_secret_string),
    })
}

/// `Bearer <token>`, marked sensitive.
pub(crate) fn header(flow: Flow, token: &SecretString) -> Result<HeaderValue, TokenError> {
    let token = token.expose_secret().trim();
    if token.is_empty() {
        return Err(TokenError::Unusable { flow });
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| TokenError::Unusable { flow })?;
    value.set_sensitive(true);
    Ok(value)
}

/// `-v` in the CLI shows these: when a token was fetched or renewed, and for how long (never the
/// token).
fn log_fetch(flow: Flow, renewing: bool, result: &Result<Fresh, impl std::fmt::Display>) {
    let what = if renewing { "renewed" } else { "fetched" };
    match result {
        Ok(fresh) => tracing::info!(
            target: "tallyfy::auth",
            flow = %flow,
            expires_in_s = fresh.expires_in.map(|d| d.as_secs()),
            "{what} an access token"
        ),
        Err(e) => tracing::warn!(target: "tallyfy::auth", flow = %flow, "no access token: {e}"),
    }
}
