//! Guests: the [`Guest`] type. Their operations are generated from the spec, on the handle
//! [`Guests`](crate::Guests) (see [`crate::requests`]).
//!
//! Guests are addressed by email. Pass the plain address (`o'brien+tag@x.io`): it is checked (see
//! [`crate::path`]) and percent-encoded exactly once as a single path segment by the generated client.

use tallyfy_client::types;

/// A guest, as the API returns it. Every field is optional; unknown fields are ignored.
pub type Guest = types::Guest;
