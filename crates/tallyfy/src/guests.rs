//! Guest operations: [`Guests`] (from [`Client::guests`]) and the request builders [`ListGuests`]
//! (a [`List`] with [`GuestListParams`]) and [`GetGuest`].
//!
//! Guests are addressed by email. Pass the plain address (`o'brien+tag@x.io`): it is checked (see
//! [`crate::path`]) and percent-encoded exactly once as a single path segment by the generated client.

use std::future::{Future, IntoFuture};
use std::num::NonZeroU64;
use std::pin::Pin;

use tallyfy_client::types;

use crate::client::Client;
use crate::error::Error;
use crate::inputs::{GuestUpdate, NewGuest};
use crate::list::{List, ListParams, Sealed};
use crate::pagination::{Page, PageInfo};
use crate::path;
use crate::transport::ops;

/// A guest, as the API returns it. Every field is optional; unknown fields are ignored.
pub type Guest = types::Guest;

/// The guest operations of a [`Client`]'s organization.
///
/// ```no_run
/// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {
/// let guests = client.guests();
/// let created = guests.create(tallyfy::NewGuest::new("o'brien+tag@x.io").first_name("Pat")).await?;
/// let same = guests.get("o'brien+tag@x.io").with_stats().await?;
/// assert_eq!(created.id, same.id);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Guests<'c> {
    pub(crate) client: &'c Client,
}

impl Client {
    /// The guest operations.
    pub fn guests(&self) -> Guests<'_> {
        Guests::new(self)
    }
}

impl<'c> Guests<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists guests. Set options on the returned builder, then walk it with
    /// [`items`](List::items) or [`pages`](List::pages).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// let everyone = client.guests().list().collect_all().await?;
    /// assert_eq!(everyone.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListGuests {
        List::new(self.client, GuestListParams::default())
    }

    /// Gets one guest by email. Await it, or add [`with_stats`](GetGuest::with_stats) first.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// # fake.insert_guest(tallyfy_fake::SeedGuest::new("o'brien+tag@x.io"));
    /// let guest = client.guests().get("o'brien+tag@x.io").await?;
    /// assert_eq!(guest.email.as_deref(), Some("o'brien+tag@x.io"));
    /// # Ok(()) }
    /// ```
    pub fn get(&self, email: impl Into<String>) -> GetGuest<'c> {
        GetGuest {
            client: self.client,
            email: email.into(),
            with_stats: false,
        }
    }

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

/// Looks up one guest by email; await it.
///
/// ```no_run
/// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {
/// let guest = client.guests().get("o'brien+tag@x.io").with_stats().await?;
/// println!("{:?}", guest.stats);
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct GetGuest<'c> {
    client: &'c Client,
    email: String,
    with_stats: bool,
}

impl<'c> GetGuest<'c> {
    /// Includes the guest's task statistics (`with=stats`).
    pub fn with_stats(mut self) -> Self {
        self.with_stats = true;
        self
    }

    /// Sends the request (the same as awaiting the builder).
    pub async fn send(self) -> Result<Guest, Error> {
        let email = path::email_segment(&self.email)?;
        let org = self.client.org_id();
        let api = self.client.raw();
        let with = self.with_stats.then_some(types::GetGuestWith::Stats);
        let envelope = self
            .client
            .execute(ops::GET_GUEST, || api.get_guest(org, email, with))
            .await?;
        Ok(envelope.data)
    }
}

impl<'c> IntoFuture for GetGuest<'c> {
    type Output = Result<Guest, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The query parameters of the guest list (`list_guests`), set through [`ListGuests`]'s setters.
#[derive(Clone, Debug, Default)]
pub struct GuestListParams {
    q: Option<String>,
    sort: Option<String>,
    sort_by: Option<String>,
    per_page: Option<u64>,
    with_stats: bool,
    without_pagination: bool,
}

/// Lists the organization's guests, from [`Guests::list`]: a [`List`] with the guest list's own
/// options below. Read it with [`items`](List::items), [`pages`](List::pages), [`page`](List::page)
/// or [`collect_all`](List::collect_all).
///
/// ```no_run
/// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {
/// use futures::TryStreamExt;
/// let mut guests = client.guests().list().query("acme").sort("-created_at").per_page(100).with_stats().items();
/// while let Some(guest) = guests.try_next().await? {
///     println!("{:?}", guest.email);
/// }
/// # Ok(()) }
/// ```
pub type ListGuests = List<GuestListParams>;

/// The guest list's options: one setter per query parameter.
impl List<GuestListParams> {
    /// Keeps only guests whose email contains this text (`q`).
    pub fn query(mut self, text: impl Into<String>) -> Self {
        self.params().q = Some(text.into());
        self
    }

    /// Sorts by this field; a leading `-` sorts descending (`-created_at`).
    pub fn sort(mut self, field: impl Into<String>) -> Self {
        self.params().sort = Some(field.into());
        self
    }

    /// Sends `sort_by`, the guests list's other name for `sort`.
    pub fn sort_by(mut self, field: impl Into<String>) -> Self {
        self.params().sort_by = Some(field.into());
        self
    }

    /// Asks for this many guests per page (at least 1). The server may send fewer; the walk follows
    /// `total_pages` either way.
    pub fn per_page(mut self, n: u64) -> Self {
        self.params().per_page = Some(n);
        self
    }

    /// Includes each guest's task statistics (`with=stats`).
    pub fn with_stats(mut self) -> Self {
        self.params().with_stats = true;
        self
    }

    /// Asks the server for every guest in one response (`without_pagination=true`).
    pub fn without_pagination(mut self) -> Self {
        self.params().without_pagination = true;
        self
    }
}

impl Sealed for GuestListParams {}

impl ListParams for GuestListParams {
    type Item = Guest;

    fn per_page(&self) -> Option<u64> {
        self.per_page
    }

    fn single_page(&self) -> bool {
        self.without_pagination
    }

    async fn fetch(&self, client: &Client, page: Option<u64>) -> Result<Page<Guest>, Error> {
        let org = client.org_id();
        let api = client.raw();
        let with = self.with_stats.then_some(types::ListGuestsWith::Stats);
        let list = client
            .execute(ops::LIST_GUESTS, || {
                api.list_guests(
                    org,
                    page.and_then(NonZeroU64::new),
                    self.per_page.and_then(NonZeroU64::new),
                    self.q.as_deref(),
                    self.sort.as_deref(),
                    self.sort_by.as_deref(),
                    with,
                    self.without_pagination.then_some(true),
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
