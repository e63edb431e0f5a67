//! Members ("users" in Tallyfy's paths): the [`Member`] type. Their operations are generated from
//! the spec, on the handle [`Members`](crate::Members) (see [`crate::requests`]). Members are
//! addressed by numeric user id.

use tallyfy_client::types;

/// A member, as the API returns it. Every field is optional; unknown fields are ignored, and the role
/// is the open [`Role`](crate::Role), which keeps roles this version does not know.
pub type Member = types::Member;
