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
