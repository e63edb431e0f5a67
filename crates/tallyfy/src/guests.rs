//! Guest operations written by hand until request bodies are generated: [`Guests::create`] and
//! [`Guests::update`], on the generated handle [`Guests`] (its other operations are in
//! [`crate::requests`]).
//!
//! Guests are addressed by email. Pass the plain address (`o'brien+tag@x.io`): it is checked (see
//! [`crate::path`]) and percent-encoded exactly once as a single path segment by the generated client.

use tallyfy_client::types;

use crate::error::Error;
use crate::inputs::{GuestUpdate, NewGuest};
use crate::path;
use crate::requests::Guests;
use crate::transport::ops;

/// A guest, as the API returns it. Every field is optional; unknown fields are ignored.
pub type Guest = types::Guest;

impl<'c> Guests<'c> {
    /// Adds a guest to the organization (or attaches an existing guest of another organization).
    /// The input is validated first; see [`NewGuest`]. Not retried on 5xx (it is a POST).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// let guest = client.guests().create(tallyfy::NewGuest::new("new@acme.example").first_name("New")).await?;
    /// assert_eq!(guest.first_name.as_deref(), Some("New"));
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, guest: NewGuest) -> Result<Guest, Error> {
        let body = guest.to_wire()?;
        let org = self.client.org_id();
        let api = self.client.raw();
        let envelope = self
            .client
            .execute(ops::CREATE_GUEST, || api.create_guest(org, &body))
            .await?;
        Ok(envelope.data)
    }

    /// Replaces the guest's associated members.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// # let email = fake.guests()[0].email.clone().unwrap();
    /// let admin = tallyfy_fake::DEFAULT_ADMIN_ID;
    /// let guest = client.guests().update(&email, tallyfy::GuestUpdate::associated_members([admin])).await?;
    /// assert_eq!(guest.details.unwrap().associated_members, Some(vec![admin]));
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, email: &str, update: GuestUpdate) -> Result<Guest, Error> {
        let email = path::email_segment(email)?;
        let body = update.to_wire()?;
        let org = self.client.org_id();
        let api = self.client.raw();
        let envelope = self
            .client
            .execute(ops::UPDATE_GUEST, || api.update_guest(org, email, &body))
            .await?;
        Ok(envelope.data)
    }
}
