//! Typed request inputs written by hand: [`NewGuest`], [`Invite`], the SDK's one
//! [`Role`] type (shared with responses) and the small enums they use.
//!
//! Each input is built with chained setters and checked against every documented limit when it is
//! sent (or earlier with `validate()`): lengths in characters, email syntax, URLs, enums and the
//! `YYYY-MM-DD HH:MM:SS` date format. A failure is [`Error::InvalidInput`] naming the field, and
//! nothing is sent.

use std::fmt;
use std::str::FromStr;

use tallyfy_client::types;

use crate::error::Error;
use crate::validate;

fn conv<T, E: fmt::Display>(field: &str, r: Result<T, E>) -> Result<T, Error> {
    r.map_err(|e| Error::invalid_input(field, e.to_string()))
}

/// A member's role: the one role type, in requests ([`Invite`],
/// [`Members::set_role`](crate::members::Members::set_role)) and in responses
/// ([`Member::role`](crate::Member)).
///
/// It is open and reads any letter case: `"Admin"` and `"admin"` are both [`Role::Admin`], and a role
/// this version does not know is kept as [`Role::Other`] instead of failing a response. Requests send
/// the lowercase names the API documents (`admin`, `standard`, `light`); the API refuses any other
/// role, so a request with [`Role::Other`] (other than a known name in another case) is
/// [`Error::InvalidInput`] and is not sent.
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
/// let invite = tallyfy::Invite::new("a@b.io", Role::Other("Auditor".into()))
///     .first_name("A").last_name("B").message("Hi");
/// assert_eq!(invite.validate().unwrap_err().to_string(),
///     "invalid input: `role` must be admin, standard or light, not `Auditor`");
/// ```
pub use tallyfy_client::MemberRole as Role;

/// The role as a request sends it: one of the documented names (`admin`, `standard`, `light`), in
/// any letter case, as its canonical variant. Requests and responses share the one open [`Role`]
/// type, so this is where a role the API does not accept (such as `owner`) is refused, before
/// anything is sent.
pub(crate) fn role_to_wire(role: &Role) -> Result<Role, Error> {
    match role.as_str().to_ascii_lowercase().as_str() {
        "admin" => Ok(Role::Admin),
        "standard" => Ok(Role::Standard),
        "light" => Ok(Role::Light),
        _ => Err(Error::invalid_input(
            "role",
            format!("must be admin, standard or light, not `{}`", role.as_str()),
        )),
    }
}

/// The only documented external system for guests: Salesforce.
///
/// ```
/// assert_eq!("salesforce".parse::<tallyfy::SyncSource>().unwrap(), tallyfy::SyncSource::Salesforce);
/// assert!("hubspot".parse::<tallyfy::SyncSource>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SyncSource {
    /// `salesforce`.
    Salesforce,
}

impl FromStr for SyncSource {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        if s.eq_ignore_ascii_case("salesforce") {
            Ok(Self::Salesforce)
        } else {
            Err(Error::invalid_input(
                "external_sync_source",
                "must be `salesforce`",
            ))
        }
    }
}

/// A guest to create with [`Guests::create`](crate::guests::Guests::create).
///
/// Only the email is required. Limits: names, company, opportunity and status at most 200 characters,
/// phones at most 20, URLs must be absolute (`https://acme.example/page`: a scheme, `://` and a host,
/// with spaces and other unsafe characters percent-encoded), `external_date_creation` is
/// `YYYY-MM-DD HH:MM:SS`. The email and URL rules are those of Tallyfy's validation; the spec's
/// `EmailAddress` and `AbsoluteUrl` describe them in full.
///
/// ```
/// let guest = tallyfy::NewGuest::new("o'brien+tag@x.io")
///     .first_name("Siobhán")
///     .company_name("Acme")
///     .company_url("https://acme.example")
///     .phone_1("+353 1 234 5678");
/// assert!(guest.validate().is_ok());
/// let bad = tallyfy::NewGuest::new("not an email");
/// assert!(bad.validate().is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewGuest {
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    company_name: Option<String>,
    opportunity_name: Option<String>,
    status: Option<String>,
    phone_1: Option<String>,
    phone_2: Option<String>,
    company_url: Option<String>,
    contact_url: Option<String>,
    image_url: Option<String>,
    opportunity_url: Option<String>,
    timezone: Option<String>,
    external_sync_source: Option<SyncSource>,
    external_date_creation: Option<String>,
}

macro_rules! setters {
    ($ty:ty { $($(#[$doc:meta])* $name:ident),* $(,)? }) => {
        impl $ty {
            $(
                $(#[$doc])*
                pub fn $name(mut self, value: impl Into<String>) -> Self {
                    self.$name = Some(value.into());
                    self
                }
            )*
        }
    };
}

setters!(NewGuest {
    /// First name (at most 200 characters).
    first_name,
    /// Last name (at most 200 characters).
    last_name,
    /// Company name (at most 200 characters).
    company_name,
    /// Opportunity name (at most 200 characters).
    opportunity_name,
    /// A free-text status (at most 200 characters).
    status,
    /// First phone number (at most 20 characters).
    phone_1,
    /// Second phone number (at most 20 characters).
    phone_2,
    /// The company's web site (an http or https URL).
    company_url,
    /// A contact page (an http or https URL).
    contact_url,
    /// A picture of the guest (an http or https URL).
    image_url,
    /// The opportunity's URL (an http or https URL).
    opportunity_url,
    /// An IANA time zone such as `America/Chicago`.
    timezone,
    /// When the guest was created in the external system, as `YYYY-MM-DD HH:MM:SS`.
    external_date_creation,
});

impl NewGuest {
    /// A new guest with this email address (checked when sent).
    pub fn new(email: impl Into<String>) -> Self {
        Self {
            email: email.into(),
            ..Self::default()
        }
    }

    /// The system the guest comes from.
    pub fn external_sync_source(mut self, source: SyncSource) -> Self {
        self.external_sync_source = Some(source);
        self
    }

    /// The email address.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// Checks every field against the documented limits.
    pub fn validate(&self) -> Result<(), Error> {
        self.to_wire().map(|_| ())
    }

    pub(crate) fn to_wire(&self) -> Result<types::GuestCreate, Error> {
        validate::email("email", &self.email)?;
        let texts = [
            ("first_name", &self.first_name, 200),
            ("last_name", &self.last_name, 200),
            ("company_name", &self.company_name, 200),
            ("opportunity_name", &self.opportunity_name, 200),
            ("status", &self.status, 200),
            ("phone_1", &self.phone_1, 20),
            ("phone_2", &self.phone_2, 20),
        ];
        for (field, value, max) in texts {
            if let Some(v) = value {
                validate::max_chars(field, v, max)?;
                validate::no_controls(field, v)?;
            }
        }
        if let Some(tz) = &self.timezone {
            validate::no_controls("timezone", tz)?;
        }
        for (field, value) in [
            ("company_url", &self.company_url),
            ("contact_url", &self.contact_url),
            ("image_url", &self.image_url),
            ("opportunity_url", &self.opportunity_url),
        ] {
            if let Some(v) = value {
                validate::url(field, v)?;
            }
        }
        if let Some(d) = &self.external_date_creation {
            validate::datetime("external_date_creation", d)?;
        }
        fn opt<T: TryFrom<String, Error = E>, E: fmt::Display>(
            field: &str,
            v: &Option<String>,
        ) -> Result<Option<T>, Error> {
            v.clone().map(|v| conv(field, T::try_from(v))).transpose()
        }
        Ok(types::GuestCreate {
            email: conv("email", self.email.as_str().try_into())?,
            first_name: opt("first_name", &self.first_name)?,
            last_name: opt("last_name", &self.last_name)?,
            company_name: opt("company_name", &self.company_name)?,
            opportunity_name: opt("opportunity_name", &self.opportunity_name)?,
            status: opt("status", &self.status)?,
            phone_1: opt("phone_1", &self.phone_1)?,
            phone_2: opt("phone_2", &self.phone_2)?,
            company_url: opt("company_url", &self.company_url)?,
            contact_url: opt("contact_url", &self.contact_url)?,
            image_url: opt("image_url", &self.image_url)?,
            opportunity_url: opt("opportunity_url", &self.opportunity_url)?,
            timezone: self.timezone.clone(),
            external_sync_source: self
                .external_sync_source
                .map(|SyncSource::Salesforce| types::GuestCreateExternalSyncSource::Salesforce),
            external_date_creation: opt("external_date_creation", &self.external_date_creation)?,
        })
    }
}

/// An invitation for a new member, for [`Members::invite`](crate::members::Members::invite).
///
/// Every field is required by the API: email, first and last name (1 to 32 characters each), role and
/// a message (1 to 5000 characters).
///
/// ```
/// use tallyfy::{Invite, Role};
/// let invite = Invite::new("new.hire@acme.example", Role::Standard)
///     .first_name("Ada")
///     .last_name("Lovelace")
///     .message("Welcome aboard!");
/// assert!(invite.validate().is_ok());
/// let missing = Invite::new("new.hire@acme.example", Role::Light);
/// assert!(missing.validate().is_err()); // no names, no message
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invite {
    email: String,
    role: Role,
    first_name: Option<String>,
    last_name: Option<String>,
    message: Option<String>,
}

setters!(Invite {
    /// First name (required, at most 32 characters).
    first_name,
    /// Last name (required, at most 32 characters).
    last_name,
    /// The personal note in the invitation email (required, at most 5000 characters).
    message,
});

impl Invite {
    /// An invitation for this address with this role.
    pub fn new(email: impl Into<String>, role: Role) -> Self {
        Self {
            email: email.into(),
            role,
            first_name: None,
            last_name: None,
            message: None,
        }
    }

    /// Checks every field against the documented limits.
    pub fn validate(&self) -> Result<(), Error> {
        self.to_wire().map(|_| ())
    }

    pub(crate) fn to_wire(&self) -> Result<types::MemberInvite, Error> {
        validate::email("email", &self.email)?;
        let first = validate::required("first_name", self.first_name.as_deref())?;
        validate::max_chars("first_name", first, 32)?;
        validate::no_controls("first_name", first)?;
        let last = validate::required("last_name", self.last_name.as_deref())?;
        validate::max_chars("last_name", last, 32)?;
        validate::no_controls("last_name", last)?;
        let message = validate::required("message", self.message.as_deref())?;
        validate::max_chars("message", message, 5000)?;
        Ok(types::MemberInvite {
            email: conv("email", self.email.as_str().try_into())?,
            first_name: conv("first_name", first.try_into())?,
            last_name: conv("last_name", last.try_into())?,
            message: conv("message", message.try_into())?,
            role: role_to_wire(&self.role)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: Error) -> String {
        match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("not InvalidInput: {other}"),
        }
    }

    #[test]
    fn new_guest_limits() {
        let ok = NewGuest::new("a@b.com");
        assert!(ok.validate().is_ok());
        let cases = [
            (NewGuest::new("nope"), "email"),
            (
                NewGuest::new("a@b.com").first_name("x".repeat(201)),
                "first_name",
            ),
            (NewGuest::new("a@b.com").status("x".repeat(201)), "status"),
            (NewGuest::new("a@b.com").phone_2("1".repeat(21)), "phone_2"),
            (
                NewGuest::new("a@b.com").company_url("acme.com"),
                "company_url",
            ),
            (
                NewGuest::new("a@b.com").image_url("https://x.io/a b.png"),
                "image_url",
            ),
            (
                NewGuest::new("a@b.com").external_date_creation("2025-01-15T10:30:00Z"),
                "external_date_creation",
            ),
        ];
        for (guest, field) in cases {
            assert_eq!(field_of(guest.validate().unwrap_err()), field);
        }
        let full = NewGuest::new("a@b.com")
            .first_name("é".repeat(200))
            .phone_1("1".repeat(20))
            .external_sync_source(SyncSource::Salesforce)
            .external_date_creation("2025-01-15 10:30:00");
        let wire = full.to_wire().unwrap();
        let json = serde_json::to_value(&wire).unwrap();
        assert_eq!(json["external_sync_source"], "salesforce");
        assert_eq!(json["external_date_creation"], "2025-01-15 10:30:00");
    }

    #[test]
    fn invite_limits() {
        let base = || {
            Invite::new("a@b.com", Role::Admin)
                .first_name("A")
                .last_name("B")
                .message("hi")
        };
        assert!(base().validate().is_ok());
        assert_eq!(
            field_of(Invite::new("a@b.com", Role::Admin).validate().unwrap_err()),
            "first_name"
        );
        assert_eq!(
            field_of(base().first_name("x".repeat(33)).validate().unwrap_err()),
            "first_name"
        );
        assert_eq!(
            field_of(base().last_name("").validate().unwrap_err()),
            "last_name"
        );
        assert_eq!(
            field_of(base().message("x".repeat(5001)).validate().unwrap_err()),
            "message"
        );
        assert!(base().message("x".repeat(5000)).validate().is_ok());
        let json = serde_json::to_value(base().to_wire().unwrap()).unwrap();
        assert_eq!(json["role"], "admin");
    }

    #[test]
    fn enums_parse() {
        assert_eq!("ADMIN".parse::<Role>().unwrap(), Role::Admin);
        assert_eq!("light".parse::<Role>().unwrap(), Role::Light);
        assert_eq!(
            "owner".parse::<Role>().unwrap(),
            Role::Other("owner".into())
        );
        for (role, wire) in [
            (Role::Admin, Role::Admin),
            (Role::Standard, Role::Standard),
            (Role::Light, Role::Light),
            (Role::Other("LIGHT".into()), Role::Light),
            (Role::Other("Admin".into()), Role::Admin),
        ] {
            assert_eq!(role_to_wire(&role).unwrap(), wire, "{role:?}");
        }
        for other in ["owner", "", " admin"] {
            let role = Role::Other(other.into());
            assert_eq!(field_of(role_to_wire(&role).unwrap_err()), "role");
        }
    }
}
