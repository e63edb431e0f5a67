//! What a test hands to [`FakeTallyfy::insert_guest`](crate::FakeTallyfy::insert_guest) and
//! [`FakeTallyfy::insert_member`](crate::FakeTallyfy::insert_member) to set up the state it needs.
//!
//! [`SeedGuest`] and [`SeedMember`] are hand-written seed data, beside the generated seed data of
//! `seed_guests(n)` and `seed_members(n)`. They go straight into the fake's state, past the API's
//! validation, so they are deliberately not the SDK's request types (`tallyfy::NewGuest`,
//! `tallyfy::Invite`).

use tallyfy_client::MemberRole;

/// A guest to seed the fake with directly (not through the API).
///
/// ```
/// use tallyfy_fake::SeedGuest;
/// let g = SeedGuest::new("o'brien+tag@x.io").name("Aoife", "O'Brien").open_tasks(2);
/// assert_eq!(g.open_tasks, 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeedGuest {
    /// The email address (unique, compared case-insensitively).
    pub email: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Company name (`details.company_name`).
    pub company_name: Option<String>,
    /// Incomplete tasks: while above 0, disabling the guest is refused with 403.
    pub open_tasks: u32,
    /// Whether the guest starts disabled.
    pub disabled: bool,
    /// Member ids in `details.associated_members`.
    pub associated_members: Option<Vec<i64>>,
    /// Put the guest in another organization only, so that creating it through the API attaches it.
    pub other_org_only: bool,
}

impl SeedGuest {
    /// A guest with only an email.
    pub fn new(email: impl Into<String>) -> Self {
        Self {
            email: email.into(),
            ..Self::default()
        }
    }

    /// Sets the first and last name.
    pub fn name(mut self, first: impl Into<String>, last: impl Into<String>) -> Self {
        self.first_name = Some(first.into());
        self.last_name = Some(last.into());
        self
    }

    /// Sets the company name.
    pub fn company(mut self, company: impl Into<String>) -> Self {
        self.company_name = Some(company.into());
        self
    }

    /// Sets the number of incomplete tasks.
    pub fn open_tasks(mut self, n: u32) -> Self {
        self.open_tasks = n;
        self
    }

    /// Starts the guest disabled.
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }

    /// Sets the associated members.
    pub fn associated_members(mut self, ids: Vec<i64>) -> Self {
        self.associated_members = Some(ids);
        self
    }

    /// Makes the guest belong to another organization only (see the field's docs).
    pub fn in_other_org(mut self) -> Self {
        self.other_org_only = true;
        self
    }
}

/// A member to seed the fake with directly (not through the API).
///
/// ```
/// use tallyfy_fake::SeedMember;
/// use tallyfy_client::MemberRole;
/// let m = SeedMember::new("light@x.io", "Lee", "Light").role(MemberRole::Light);
/// assert_eq!(m.role, MemberRole::Light);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeedMember {
    /// The email address.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Role (default `standard`). Any role, even one a request could not give: see
    /// [`FakeTallyfy::insert_member`](crate::FakeTallyfy::insert_member).
    pub role: MemberRole,
    /// Whether the member starts disabled.
    pub disabled: bool,
    /// Whether the member has only been invited (status `invited`).
    pub invited: bool,
    /// Whether this is a bot user (`type: "bot"`), which cannot be edited or removed.
    pub bot: bool,
    /// Whether the member also belongs to other organizations, so that only they may edit their
    /// own profile (the token's user, the default administrator, gets a 403).
    pub in_other_orgs: bool,
}

impl SeedMember {
    /// An active standard member.
    pub fn new(
        email: impl Into<String>,
        first_name: impl Into<String>,
        last_name: impl Into<String>,
    ) -> Self {
        Self {
            email: email.into(),
            first_name: first_name.into(),
            last_name: last_name.into(),
            role: MemberRole::Standard,
            disabled: false,
            invited: false,
            bot: false,
            in_other_orgs: false,
        }
    }

    /// Sets the role.
    pub fn role(mut self, role: MemberRole) -> Self {
        self.role = role;
        self
    }

    /// Starts the member disabled.
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }

    /// Starts the member as invited (not yet accepted).
    pub fn invited(mut self) -> Self {
        self.invited = true;
        self
    }

    /// Makes the member a bot user: updating or removing it answers 400.
    ///
    /// ```
    /// use tallyfy_fake::SeedMember;
    /// assert!(SeedMember::new("bot@x.io", "Build", "Bot").bot().bot);
    /// ```
    pub fn bot(mut self) -> Self {
        self.bot = true;
        self
    }

    /// Makes the member one who also belongs to other organizations: updating their profile
    /// answers 403, because only they may change it and the fake's token belongs to the default
    /// administrator.
    ///
    /// ```
    /// use tallyfy_fake::SeedMember;
    /// assert!(SeedMember::new("shared@x.io", "Sam", "Shared").in_other_orgs().in_other_orgs);
    /// ```
    pub fn in_other_orgs(mut self) -> Self {
        self.in_other_orgs = true;
        self
    }
}
