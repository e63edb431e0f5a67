//! The SDK's one [`Role`] type, shared by requests and responses. The request bodies themselves
//! ([`NewGuest`](crate::NewGuest), [`Invite`](crate::Invite), ...) are generated from the spec, in
//! [`crate::requests::bodies`].

/// A member's role: the one role type, in requests ([`Invite`](crate::Invite),
/// [`Members::set_role`](crate::Members::set_role)) and in responses
/// ([`Member::role`](crate::Member)).
///
/// It is open and reads any letter case: `"Admin"` and `"admin"` are both [`Role::Admin`], and a role
/// this version does not know is kept as [`Role::Other`] instead of failing a response. Requests send
/// the lowercase names the API documents (`admin`, `standard`, `light`); the API refuses any other
/// role, so a request with [`Role::Other`] (other than a known name in another case) is
/// [`Error::InvalidInput`](crate::Error::InvalidInput) and is not sent.
///
/// ```
/// use tallyfy::Role;
/// let role: Role = "Standard".parse().unwrap();
/// assert_eq!(role, Role::Standard);
/// assert_eq!(role.to_string(), "standard");
/// assert_eq!("auditor".parse::<Role>().unwrap(), Role::Other("auditor".into()));
/// // A role from a response, unknown to this version, is kept as the server spelled it:
/// let member: tallyfy::Member = serde_json::from_str(r#"{"id": 7, "role": "Auditor"}"#).unwrap();
/// assert_eq!(member.role, Some(Role::Other("Auditor".into())));
/// // ... but only the documented roles can be sent:
/// let invite = tallyfy::Invite::new("a@b.io", "A", "B", Role::Other("Auditor".into()), "Hi");
/// assert_eq!(invite.validate().unwrap_err().to_string(),
///     "invalid input: `role` must be admin, standard or light, not `Auditor`");
/// ```
pub use tallyfy_client::MemberRole as Role;
