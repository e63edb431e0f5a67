//! The OAuth routes: the token endpoint, `POST /oauth/token` (also at `/api/oauth/token`, as the
//! docs give both), and an application's user token,
//! `POST /api/applications/{org}/users/{email}/token`. The tokens themselves live in
//! [`Tokens`](crate::tokens::Tokens).
//!
//! | request | answer |
//! |---|---|
//! | a body that is not form-encoded (JSON, say) | 400 `invalid_request` |
//! | no `grant_type`, or one the fake does not know | 400 `unsupported_grant_type` |
//! | `client_credentials` with the application's `client_id` and `client_secret` | 200 `{token_type, expires_in, access_token}` (7 days unless configured) |
//! | a `client_id` that is not a number, or credentials that are not the application's | 401 `invalid_client` |
//! | `password` with a member's email as `username` and the fake's user password | 200, plus `refresh_token` (1 hour unless configured) |
//! | `refresh_token` with a refresh token not used before | 200, a new access and refresh token |
//! | a wrong password, an unknown member, a used or unknown refresh token | 400 `invalid_grant` |
//! | an application's user token, with a client-credentials token, for a member | 200 (3 months unless configured) |
//! | ... with another kind of token, or none | 401; another organization: 403; an unknown email: 404 |
//!
//! The OAuth errors have Laravel Passport's shape: `{"error", "error_description", "message"}`.

use std::time::Instant;

use axum::body::Body;
use http::{HeaderMap, Method, Response, StatusCode, header};
use serde_json::json;

use crate::errors;
use crate::state::{MemberStatus, State};
use crate::sync::lock;
use crate::tokens::{CLIENT_CREDENTIALS_TTL, Grant, Holder, PASSWORD_TTL, Tokens, USER_TOKEN_TTL};

/// One of the OAuth routes, from a raw path.
pub(crate) enum OauthRoute {
    Token,
    /// An application's token for the member with this (decoded) email, in this organization.
    UserToken {
        org: String,
        email: String,
    },
}

/// The OAuth route a raw path names, if any.
pub(crate) fn route(raw_path: &str) -> Option<OauthRoute> {
    let path = raw_path.strip_prefix("/api").unwrap_or(raw_path);
    if path == "/oauth/token" {
        return Some(OauthRoute::Token);
    }
    let segs: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    match segs.as_slice() {
        ["applications", org, "users", email, "token"] => Some(OauthRoute::UserToken {
            org: super::decode(org)?,
            email: super::decode(email)?,
        }),
        _ => None,
    }
}

/// The fake's OAuth settings and tokens, and the state to find members in.
pub(crate) struct Oauth<'a> {
    pub org_id: &'a str,
    pub tokens: &'a std::sync::Mutex<Tokens>,
    pub state: &'a std::sync::Mutex<State>,
    /// The password every member has for the password grant.
    pub user_password: &'a str,
}

/// Answers a request to an OAuth route (POST only).
pub(crate) fn answer(
    oauth: &Oauth<'_>,
    route: OauthRoute,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Response<Body> {
    if method != Method::POST {
        return errors::method_not_allowed(&["POST"]);
    }
    match route {
        OauthRoute::Token => token(oauth, headers, body),
        OauthRoute::UserToken { org, email } => user_token(oauth, headers, &org, &email),
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response<Body> {
    errors::json(
        status,
        &json!({"error": error, "error_description": description, "message": description}),
    )
}

fn granted(g: &Grant) -> Response<Body> {
    let mut body = json!({
        "token_type": "Bearer",
        "expires_in": g.expires_in,
        "access_token": g.access_token,
    });
    if let Some(refresh) = &g.refresh_token {
        body["refresh_token"] = json!(refresh);
    }
    errors::json(StatusCode::OK, &body)
}

/// The active member with this email, by id.
fn active_member(state: &std::sync::Mutex<State>, email: &str) -> Option<i64> {
    let st = lock(state);
    st.member_pos_by_email(email)
        .map(|i| &st.members[i])
        .filter(|m| m.status == MemberStatus::Active)
        .map(|m| m.id)
}

/// `POST /oauth/token`
fn token(oauth: &Oauth<'_>, headers: &HeaderMap, body: &[u8]) -> Response<Body> {
    lock(oauth.tokens).count_request();
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if !form_encoded {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body must be form-encoded (application/x-www-form-urlencoded).",
        );
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let grant = field("grant_type");
    if !matches!(
        grant,
        Some("client_credentials" | "password" | "refresh_token")
    ) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        );
    }
    let client_ok = match (field("client_id"), field("client_secret")) {
        (Some(id), Some(secret)) => {
            id.bytes().all(|b| b.is_ascii_digit()) && lock(oauth.tokens).client_matches(id, secret)
        }
        _ => false,
    };
    if !client_ok {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        );
    }
    let now = Instant::now();
    match grant {
        Some("client_credentials") => {
            let g =
                lock(oauth.tokens).issue(Holder::Application, CLIENT_CREDENTIALS_TTL, false, now);
            granted(&g)
        }
        Some("password") => {
            let (Some(username), Some(password)) = (field("username"), field("password")) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "The request is missing a required parameter: username and password.",
                );
            };
            match active_member(oauth.state, username).filter(|_| password == oauth.user_password) {
                Some(id) => {
                    granted(&lock(oauth.tokens).issue(Holder::Member(id), PASSWORD_TTL, true, now))
                }
                None => oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The user credentials were incorrect.",
                ),
            }
        }
        _ => {
            let Some(refresh) = field("refresh_token") else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "The request is missing a required parameter: refresh_token.",
                );
            };
            let mut tokens = lock(oauth.tokens);
            match tokens.take_refresh(refresh) {
                Some(id) => granted(&tokens.issue(Holder::Member(id), PASSWORD_TTL, true, now)),
                None => oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The refresh token is invalid.",
                ),
            }
        }
    }
}

/// `POST /api/applications/{org}/users/{email}/token`: needs the application's own token.
fn user_token(oauth: &Oauth<'_>, headers: &HeaderMap, org: &str, email: &str) -> Response<Body> {
    let bearer = super::bearer(headers);
    let now = Instant::now();
    let holder = bearer.and_then(|b| lock(oauth.tokens).holder(b, now));
    if holder != Some(Holder::Application) {
        return errors::unauthenticated("Unauthenticated.");
    }
    if org != oauth.org_id {
        return errors::simple(
            StatusCode::FORBIDDEN,
            "You don't have application's permissions for this organization!",
            None,
        );
    }
    match active_member(oauth.state, email) {
        Some(id) => {
            granted(&lock(oauth.tokens).issue(Holder::Member(id), USER_TOKEN_TTL, false, now))
        }
        None => errors::resource_not_found(),
    }
}
