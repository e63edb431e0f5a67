//! The guest operation written by hand until its request body is generated: [`Guests::create`], on
//! the generated handle [`Guests`] (its other operations are in [`crate::requests`]).
//!
//! Guests are addressed by email. Pass the plain address (`o'brien+tag@x.io`): it is checked (see
//! [`crate::path`]) and percent-encoded exactly once as a single path segment by the generated client.

use tallyfy_client::types;

use crate::error::Error;
use crate::inputs::NewGuest;
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
}
