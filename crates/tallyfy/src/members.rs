//! The member operation ("users" in Tallyfy's paths) written by hand until its request body is
//! generated: [`Members::invite`], on the generated handle [`Members`] (its other operations are in
//! [`crate::requests`]). Members are addressed by numeric user id.

use tallyfy_client::types;

use crate::error::Error;
use crate::inputs::Invite;
use crate::requests::Members;
use crate::transport::ops;

/// A member, as the API returns it. Every field is optional; unknown fields are ignored, and the role
/// is the open [`Role`](crate::Role), which keeps roles this version does not know.
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
}
