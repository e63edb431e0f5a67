//! Member operations ("users" in Tallyfy's paths) written by hand until request bodies are
//! generated: [`Members::invite`], [`Members::update`] and [`Members::set_role`], on the generated
//! handle [`Members`] (its other operations are in [`crate::requests`]). Members are addressed by
//! numeric user id.

use tallyfy_client::types;

use crate::error::Error;
use crate::inputs::{Invite, MemberUpdate, Role, role_to_wire};
use crate::path;
use crate::requests::Members;
use crate::transport::ops;

/// A member, as the API returns it. Every field is optional; unknown fields are ignored, and the role
/// is the open [`Role`], which keeps roles this version does not know.
pub type Member = types::Member;

impl<'c> Members<'c> {
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
}
