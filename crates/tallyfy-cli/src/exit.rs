//! Exit codes, fixed by the product: scripts rely on them.

use tallyfy::Error;

/// Success.
pub const OK: u8 = 0;
/// Anything not listed below.
pub const OTHER: u8 = 1;
/// A usage error or invalid input; no request was sent. (clap uses 2 for usage errors too.)
pub const USAGE: u8 = 2;
/// The guest, member or organization was not found.
pub const NOT_FOUND: u8 = 3;
/// 401 or 403: the token was refused or may not do this.
pub const UNAUTHORIZED: u8 = 4;
/// 422: the server rejected the input (each field error is printed).
pub const VALIDATION: u8 = 5;
/// Still rate limited after the retries.
pub const RATE_LIMITED: u8 = 6;
/// 409: a conflict, such as no free seat.
pub const CONFLICT: u8 = 7;

/// The exit code for an SDK error.
pub fn code_for(err: &Error) -> u8 {
    match err {
        Error::InvalidInput { .. } | Error::Config(_) => USAGE,
        Error::RateLimited { .. } => RATE_LIMITED,
        // The token endpoint refused the credentials: as a 401 would.
        Error::Token(e) if matches!(**e, tallyfy::TokenError::Refused { .. }) => UNAUTHORIZED,
        _ => match err.status().map(|s| s.as_u16()) {
            Some(404) => NOT_FOUND,
            Some(401 | 403) => UNAUTHORIZED,
            Some(422) => VALIDATION,
            Some(409) => CONFLICT,
            Some(429) => RATE_LIMITED,
            _ => OTHER,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};
    use tallyfy::reqwest::{StatusCode, header::HeaderMap};

    fn status(code: u16) -> Error {
        Error::from_response_parts(
            StatusCode::from_u16(code).unwrap(),
            &HeaderMap::new(),
            br#"{"message": "m"}"#,
            SystemTime::now(),
        )
    }

    #[test]
    fn every_status_maps_to_its_documented_code() {
        #[rustfmt::skip]
        let table: &[(u16, u8)] = &[
            (400, OTHER), (401, UNAUTHORIZED), (403, UNAUTHORIZED), (404, NOT_FOUND),
            (405, OTHER), (409, CONFLICT), (410, OTHER), (422, VALIDATION), (429, RATE_LIMITED),
            (500, OTHER), (502, OTHER), (503, OTHER), (504, OTHER), (418, OTHER),
        ];
        for &(code, want) in table {
            assert_eq!(code_for(&status(code)), want, "HTTP {code}");
        }
    }

    #[test]
    fn errors_without_a_status_map_to_usage_or_other() {
        let decode = Error::Decode {
            status: Some(StatusCode::OK),
            request_id: None,
            path: Some("data".into()),
            snippet: "{".into(),
            source: serde_json::from_str::<u8>("x").unwrap_err(),
        };
        // Built without any I/O: a URL with no host fails in reqwest's request builder.
        let transport = Error::Transport {
            source: tallyfy::reqwest::Client::new()
                .get("http://")
                .build()
                .unwrap_err(),
        };
        let table = [
            (Error::invalid_input("email", "must contain `@`"), USAGE),
            (
                Error::Config(tallyfy::ConfigError::MissingEnv {
                    var: "TALLYFY_ORG_ID",
                }),
                USAGE,
            ),
            (
                Error::Timeout {
                    kind: tallyfy::TimeoutKind::Total,
                    after: Duration::from_secs(1),
                },
                OTHER,
            ),
            (
                Error::Pagination {
                    page: 3,
                    reason: "page 3 was empty".into(),
                },
                OTHER,
            ),
            (decode, OTHER),
            (transport, OTHER),
        ];
        for (err, want) in table {
            assert_eq!(code_for(&err), want, "{err}");
        }
    }
}
