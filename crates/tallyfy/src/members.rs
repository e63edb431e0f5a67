//! Member operations ("users" in Tallyfy's paths): [`Members`] (from [`Client::members`]) and the
//! request builders [`ListMembers`] (a [`List`] with [`MemberListParams`]), [`GetMember`] and
//! [`RemoveMember`]. Members are addressed by numeric user id.

use std::future::{Future, IntoFuture};
use std::num::NonZeroU64;
use std::pin::Pin;

use tallyfy_client::types;

use crate::client::Client;
use crate::error::Error;
use crate::inputs::{Invite, MemberInclude, MemberUpdate, Role, role_to_wire};
use crate::list::{List, ListParams, Sealed};
use crate::pagination::{Page, PageInfo};
use crate::path;
use crate::transport::ops;

/// A member, as the API returns it. Every field is optional; unknown fields are ignored, and the role
/// is the open [`Role`], which keeps roles this version does not know.
pub type Member = types::Member;

/// The member operations of a [`Client`]'s organization.
///
/// ```no_run
/// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {
/// use tallyfy::{Invite, Role};
/// let members = client.members();
/// let invited = members
///     .invite(Invite::new("ada@acme.example", Role::Light).first_name("Ada").last_name("L").message("Hi!"))
///     .await?;
/// let id = invited.id.expect("the server returns the new id");
/// members.set_role(id, Role::Standard).await?;
/// members.remove(id).reassign_to(1).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Members<'c> {
    pub(crate) client: &'c Client,
}

impl Client {
    /// The member operations.
    pub fn members(&self) -> Members<'_> {
        Members::new(self)
    }
}

fn with_param(includes: &[MemberInclude]) -> Option<String> {
    MemberInclude::join(includes)
}

impl<'c> Members<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists members. Set options on the returned builder, then walk it with
    /// [`items`](List::items) or [`pages`](List::pages).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// let members = client.members().list().per_page(2).collect_all().await?;
    /// assert_eq!(members.len(), fake.members().len());
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListMembers {
        List::new(self.client, MemberListParams::default())
    }

    /// Gets one member by user id (administrators only). Await it, or add
    /// [`with`](GetMember::with) first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// use tallyfy::MemberInclude;
    /// let admin = client.members().get(tallyfy_fake::DEFAULT_ADMIN_ID).with(&[MemberInclude::Groups]).await?;
    /// assert_eq!(admin.role, Some(tallyfy::Role::Admin));
    /// # Ok(()) }
    /// ```
    pub fn get(&self, user_id: i64) -> GetMember<'c> {
        GetMember {
            client: self.client,
            user_id,
            with: None,
        }
    }

    /// Invites a new member. The input is validated first; see [`Invite`]. Not retried on 5xx (it is a
    /// POST). A full seat pool is an [`Error::Api`] with status 409 and code `SEAT_POOL_EXHAUSTED`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// use tallyfy::{Invite, Role};
    /// let invite = Invite::new("ada@acme.example", Role::Light).first_name("Ada").last_name("L").message("Hi!");
    /// let member = client.members().invite(invite).await?;
    /// assert_eq!(member.status.as_deref(), Some("invited"));
    /// # Ok(()) }
    /// ```
    pub async fn invite(&self, invite: Invite) -> Result<Member, Error> {
        let body = invite.to_wire()?;
        let org = self.client.org_id();
        let api = self.client.raw();
        let envelope = self
            .client
            .execute(ops::INVITE_MEMBER, || api.invite_member(org, &body))
            .await?;
        Ok(envelope.data)
    }

    /// Updates a member's profile. The input is validated first; see [`MemberUpdate`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// let id = tallyfy_fake::DEFAULT_ADMIN_ID;
    /// let update = tallyfy::MemberUpdate::new("Grace", "Hopper", "America/New_York").job_title("Admiral");
    /// let member = client.members().update(id, update).await?;
    /// assert_eq!(member.job_title.as_deref(), Some("Admiral"));
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, user_id: i64, update: MemberUpdate) -> Result<Member, Error> {
        let user_id = path::positive_id("user_id", user_id)?;
        let body = update.to_wire()?;
        let org = self.client.org_id();
        let api = self.client.raw();
        let envelope = self
            .client
            .execute(ops::UPDATE_MEMBER, || {
                api.update_member(org, user_id, &body)
            })
            .await?;
        Ok(envelope.data)
    }

    /// Changes a member's role.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// # let id = fake.members().iter().filter_map(|m| m.id).find(|id| *id != tallyfy_fake::DEFAULT_ADMIN_ID).unwrap();
    /// let member = client.members().set_role(id, tallyfy::Role::Light).await?;
    /// assert_eq!(member.role, Some(tallyfy::Role::Light));
    /// # Ok(()) }
    /// ```
    pub async fn set_role(&self, user_id: i64, role: Role) -> Result<Member, Error> {
        let user_id = path::positive_id("user_id", user_id)?;
        let body = types::MemberRoleChange {
            role: role_to_wire(&role)?,
        };
        let org = self.client.org_id();
        let api = self.client.raw();
        let envelope = self
            .client
            .execute(ops::SET_MEMBER_ROLE, || {
                api.set_member_role(org, user_id, &body)
            })
            .await?;
        Ok(envelope.data)
    }

    /// Removes a member from the organization. Await it, or first name who takes over their work with
    /// [`reassign_to`](RemoveMember::reassign_to).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// # let id = fake.members().iter().filter_map(|m| m.id).find(|id| *id != tallyfy_fake::DEFAULT_ADMIN_ID).unwrap();
    /// client.members().remove(id).reassign_to(tallyfy_fake::DEFAULT_ADMIN_ID).await?;
    /// # Ok(()) }
    /// ```
    pub fn remove(&self, user_id: i64) -> RemoveMember<'c> {
        RemoveMember {
            client: self.client,
            user_id,
            reassign_to: None,
        }
    }
}

/// Looks up one member; await it.
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct GetMember<'c> {
    client: &'c Client,
    user_id: i64,
    with: Option<String>,
}

impl<'c> GetMember<'c> {
    /// Includes related data (`with=groups,stats`, ...).
    pub fn with(mut self, includes: &[MemberInclude]) -> Self {
        self.with = with_param(includes);
        self
    }

    /// Sends the request (the same as awaiting the builder).
    pub async fn send(self) -> Result<Member, Error> {
        let user_id = path::positive_id("user_id", self.user_id)?;
        let with = self
            .with
            .as_deref()
            .map(types::GetMemberWith::try_from)
            .transpose()
            .map_err(|e| Error::invalid_input("with", e.to_string()))?;
        let org = self.client.org_id();
        let api = self.client.raw();
        let envelope = self
            .client
            .execute(ops::GET_MEMBER, || {
                api.get_member(org, user_id, with.as_ref())
            })
            .await?;
        Ok(envelope.data)
    }
}

impl<'c> IntoFuture for GetMember<'c> {
    type Output = Result<Member, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Removes one member; await it.
///
/// ```no_run
/// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {
/// let removed = client.members().remove(42).reassign_to(7).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct RemoveMember<'c> {
    client: &'c Client,
    user_id: i64,
    reassign_to: Option<i64>,
}

impl<'c> RemoveMember<'c> {
    /// Hands the member's tasks and processes to this member (`with_reassignment=true&to=<id>`).
    pub fn reassign_to(mut self, user_id: i64) -> Self {
        self.reassign_to = Some(user_id);
        self
    }

    /// Sends the request (the same as awaiting the builder).
    pub async fn send(self) -> Result<Member, Error> {
        let user_id = path::positive_id("user_id", self.user_id)?;
        let to = self
            .reassign_to
            .map(|to| path::positive_id("to", to))
            .transpose()?;
        if to == Some(user_id) {
            return Err(Error::invalid_input(
                "to",
                "must differ from the member being removed",
            ));
        }
        let org = self.client.org_id();
        let api = self.client.raw();
        let envelope = self
            .client
            .execute(ops::REMOVE_MEMBER, || {
                api.remove_member(org, user_id, to, to.map(|_| true))
            })
            .await?;
        Ok(envelope.data)
    }
}

impl<'c> IntoFuture for RemoveMember<'c> {
    type Output = Result<Member, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The query parameters of the member list (`list_members`), set through [`ListMembers`]'s setters.
#[derive(Clone, Debug, Default)]
pub struct MemberListParams {
    q: Option<String>,
    sort: Option<String>,
    per_page: Option<u64>,
    with: Option<String>,
}

/// Lists the organization's members, from [`Members::list`]: a [`List`] with the member list's own
/// options below, read like any list.
///
/// ```no_run
/// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {
/// use futures::TryStreamExt;
/// use tallyfy::MemberInclude;
/// let mut members = client.members().list().with(&[MemberInclude::Groups]).per_page(100).items();
/// while let Some(member) = members.try_next().await? {
///     println!("{:?} {:?}", member.email, member.role);
/// }
/// # Ok(()) }
/// ```
pub type ListMembers = List<MemberListParams>;

/// The member list's options: one setter per query parameter.
impl List<MemberListParams> {
    /// Keeps only members whose name or email contains this text (`q`).
    pub fn query(mut self, text: impl Into<String>) -> Self {
        self.params().q = Some(text.into());
        self
    }

    /// Sorts by this field; a leading `-` sorts descending.
    pub fn sort(mut self, field: impl Into<String>) -> Self {
        self.params().sort = Some(field.into());
        self
    }

    /// Asks for this many members per page (at least 1). The server may send fewer.
    pub fn per_page(mut self, n: u64) -> Self {
        self.params().per_page = Some(n);
        self
    }

    /// Includes related data for each member (`with=groups,stats`, ...).
    pub fn with(mut self, includes: &[MemberInclude]) -> Self {
        self.params().with = with_param(includes);
        self
    }
}

impl Sealed for MemberListParams {}

impl ListParams for MemberListParams {
    type Item = Member;

    fn per_page(&self) -> Option<u64> {
        self.per_page
    }

    async fn fetch(&self, client: &Client, page: Option<u64>) -> Result<Page<Member>, Error> {
        let org = client.org_id();
        let api = client.raw();
        let with = self
            .with
            .as_deref()
            .map(types::ListMembersWith::try_from)
            .transpose()
            .map_err(|e| Error::invalid_input("with", e.to_string()))?;
        let list = client
            .execute(ops::LIST_MEMBERS, || {
                api.list_members(
                    org,
                    page.and_then(NonZeroU64::new),
                    self.per_page.and_then(NonZeroU64::new),
                    self.q.as_deref(),
                    self.sort.as_deref(),
                    with.as_ref(),
                )
            })
            .await?;
        Ok(Page {
            items: list.data,
            number: page.unwrap_or(1),
            info: PageInfo::from_meta(list.meta),
        })
    }
}
