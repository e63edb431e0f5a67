//! [`List`]: the one request builder of every page-numbered list operation, and [`ListParams`], the
//! trait each operation's query parameters implement.
//!
//! What every list has is defined here once: how it is read ([`items`](List::items),
//! [`pages`](List::pages), [`page`](List::page), [`collect_all`](List::collect_all)), how it is walked
//! ([`concurrency`](List::concurrency), [`max_pages`](List::max_pages)) and the checks that refuse a
//! bad option with [`Error::InvalidInput`] before any request. What differs between operations, their
//! query parameters, lives in a params struct per operation ([`ListGuestsParams`], [`ListMembersParams`])
//! with one setter per parameter in an `impl List<ThatParams>` block next to it.
//!
//! [`ListGuestsParams`]: crate::requests::ListGuestsParams
//! [`ListMembersParams`]: crate::requests::ListMembersParams

use std::future::Future;
use std::sync::Arc;

use futures::TryStreamExt;

use crate::client::Client;
use crate::error::Error;
use crate::pagination::{self, Item, Page, Pages, Paginator, Walk};

mod sealed {
    /// Only the SDK implements [`ListParams`](super::ListParams).
    pub trait Sealed {}
}

pub(crate) use sealed::Sealed;

/// The query parameters of one list operation, and how to fetch one page with them.
///
/// Implemented by the SDK for each list operation ([`ListGuestsParams`](crate::requests::ListGuestsParams),
/// [`ListMembersParams`](crate::requests::ListMembersParams)) and sealed: a page can only be fetched through
/// the client's private transport (retries, timeouts, spans), so an implementation outside the crate
/// could not do its one job, and sealing lets the SDK add to the trait without breaking anyone.
///
/// ```
/// // Works for any list: guests, members, ...
/// fn first_page_only<P: tallyfy::ListParams>(list: &tallyfy::List<P>) -> tallyfy::List<P> {
///     list.clone().max_pages(1)
/// }
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
/// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).start().await.unwrap();
/// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
/// let one_page = first_page_only(&client.guests().list().per_page(2)).collect_all().await?;
/// assert_eq!(one_page.len(), 2);
/// # Ok(()) }
/// ```
pub trait ListParams: Sealed + Clone + std::fmt::Debug + Send + Sync + 'static {
    /// What the list yields.
    type Item: Item;

    /// The page size asked for, which [`List`] checks before any request.
    fn per_page(&self) -> Option<u64>;

    /// The largest page size the API documents for this list, if it documents one.
    fn max_per_page(&self) -> Option<u64> {
        None
    }

    /// Whether the request asks for the whole list in one response (`without_pagination`): the walk
    /// then stops after the first response and sends no page number.
    fn single_page(&self) -> bool {
        false
    }

    /// Fetches page `page` (from 1), or the one response of a [`single_page`](Self::single_page)
    /// request when `None`.
    fn fetch(
        &self,
        client: &Client,
        page: Option<u64>,
    ) -> impl Future<Output = Result<Page<Self::Item>, Error>> + Send;
}

/// A list request, from `list()` on [`Guests`](crate::Guests) or [`Members`](crate::Members).
///
/// Set the operation's own options (see [`ListGuests`](crate::requests::ListGuests) and
/// [`ListMembers`](crate::requests::ListMembers)) and how to walk it, then choose how to read:
/// [`items`](Self::items) (every item), [`pages`](Self::pages) (page by page), [`page`](Self::page)
/// (one page) or [`collect_all`](Self::collect_all). The builder is not consumed by reading, and
/// clones are cheap: the options sit behind an `Arc`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
/// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(250).start().await.unwrap();
/// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
/// use futures::TryStreamExt;
/// let list = client.guests().list().sort("-created_at").per_page(100);
/// let mut guests = list.items();
/// let mut count = 0;
/// while let Some(_guest) = guests.try_next().await? {
///     count += 1;
/// }
/// assert_eq!(count, 250);
/// assert_eq!(list.page(3).await?.items.len(), 50);
/// assert_eq!(list.clone().concurrency(4).collect_all().await?.len(), 250);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a list does nothing until read with items(), pages(), page() or collect_all()"]
pub struct List<P: ListParams> {
    client: Client,
    params: Arc<P>,
    concurrency: usize,
    max_pages: Option<u64>,
}

impl<P: ListParams> List<P> {
    /// The client the list's requests go through (its pacing is the walk's; see
    /// [`Client::rate_limit_status`]).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A list with these parameters, one request at a time, every page.
    pub(crate) fn new(client: &Client, params: P) -> Self {
        Self {
            client: client.clone(),
            params: Arc::new(params),
            concurrency: 1,
            max_pages: None,
        }
    }

    /// The parameters, to change; copied first only if a clone of this list still shares them.
    pub(crate) fn params(&mut self) -> &mut P {
        Arc::make_mut(&mut self.params)
    }

    /// Fetches pages 2..N with up to `k` requests in flight (default 1, at least 1), still yielding
    /// them in order. At most `k` pages are held in memory.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(30).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// let guests = client.guests().list().per_page(5).concurrency(4).collect_all().await?;
    /// assert_eq!(guests.len(), 30);
    /// let err = client.guests().list().concurrency(0).collect_all().await.unwrap_err();
    /// assert_eq!(err.to_string(), "invalid input: `concurrency` must be at least 1");
    /// # Ok(()) }
    /// ```
    pub fn concurrency(mut self, k: usize) -> Self {
        self.concurrency = k;
        self
    }

    /// Stops after `n` pages (at least 1).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(30).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// let first_two = client.guests().list().per_page(10).max_pages(2).collect_all().await?;
    /// assert_eq!(first_two.len(), 20);
    /// # Ok(()) }
    /// ```
    pub fn max_pages(mut self, n: u64) -> Self {
        self.max_pages = Some(n);
        self
    }

    fn page_size(&self) -> (Option<u64>, Option<u64>) {
        (self.params.per_page(), self.params.max_per_page())
    }

    fn walk(&self) -> Walk<P::Item> {
        let invalid = check_options(self.page_size(), self.concurrency, self.max_pages).err();
        let client = self.client.clone();
        let params = self.params.clone();
        let single = params.single_page();
        Walk {
            fetch: Arc::new(move |n| {
                let client = client.clone();
                let params = params.clone();
                Box::pin(async move { params.fetch(&client, (!single).then_some(n)).await })
            }),
            concurrency: self.concurrency,
            max_pages: self.max_pages,
            cap: pagination::HARD_PAGE_CAP,
            single,
            invalid,
        }
    }

    /// Every item, as a stream that fetches pages as it goes. An invalid option is the stream's one
    /// error, before any request.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).seed_members(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// use futures::TryStreamExt;
    /// let mut members = client.members().list().per_page(2).items();
    /// while let Some(member) = members.try_next().await? {
    ///     assert!(member.id.is_some());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn items(&self) -> Paginator<P::Item> {
        pagination::paginator(self.walk())
    }

    /// Every page, as a stream.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(5).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// use futures::TryStreamExt;
    /// let sizes: Vec<usize> = client.guests().list().per_page(2).pages().map_ok(|p| p.items.len()).try_collect().await?;
    /// assert_eq!(sizes, [2, 2, 1]);
    /// # Ok(()) }
    /// ```
    pub fn pages(&self) -> Pages<P::Item> {
        pagination::pages(self.walk())
    }

    /// Fetches page `n` (from 1) only.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(5).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// let list = client.guests().list().per_page(2);
    /// assert_eq!(list.page(3).await?.items.len(), 1);
    /// assert!(list.page(0).await.unwrap_err().to_string().contains("`page` must be at least 1"));
    /// # Ok(()) }
    /// ```
    pub async fn page(&self, n: u64) -> Result<Page<P::Item>, Error> {
        check_options(self.page_size(), 1, None)?;
        if n == 0 {
            return Err(Error::invalid_input("page", "must be at least 1"));
        }
        self.params.fetch(&self.client, Some(n)).await
    }

    /// Fetches every page and returns all items in one `Vec`. This holds the whole list in memory;
    /// prefer [`items`](Self::items) for large organizations.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
    /// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_guests(3).start().await.unwrap();
    /// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
    /// assert_eq!(client.guests().list().collect_all().await?.len(), 3);
    /// # Ok(()) }
    /// ```
    pub async fn collect_all(&self) -> Result<Vec<P::Item>, Error> {
        self.items().try_collect().await
    }
}

/// The checks every list makes before its first request.
fn check_options(
    (per_page, most): (Option<u64>, Option<u64>),
    concurrency: usize,
    max_pages: Option<u64>,
) -> Result<(), Error> {
    if per_page == Some(0) {
        return Err(Error::invalid_input("per_page", "must be at least 1"));
    }
    if let (Some(p), Some(most)) = (per_page, most)
        && p > most
    {
        return Err(Error::invalid_input(
            "per_page",
            format!("must be at most {most} (the largest page this list serves)"),
        ));
    }
    if per_page.is_some_and(|p| p > i64::MAX as u64) {
        return Err(Error::invalid_input("per_page", "is too large"));
    }
    if concurrency == 0 {
        return Err(Error::invalid_input("concurrency", "must be at least 1"));
    }
    if max_pages == Some(0) {
        return Err(Error::invalid_input("max_pages", "must be at least 1"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Result<(), Error>) -> Option<String> {
        match r {
            Err(Error::InvalidInput { field, .. }) => Some(field),
            Err(other) => panic!("not InvalidInput: {other}"),
            Ok(()) => None,
        }
    }

    #[test]
    fn every_option_is_checked() {
        assert_eq!(field(check_options((None, None), 1, None)), None);
        assert_eq!(field(check_options((Some(100), Some(100)), 1, None)), None);
        assert_eq!(
            field(check_options((Some(101), Some(100)), 1, None)).as_deref(),
            Some("per_page")
        );
        assert_eq!(field(check_options((Some(1), None), 32, Some(1))), None);
        assert_eq!(
            field(check_options((Some(i64::MAX as u64), None), 1, None)),
            None
        );
        assert_eq!(
            field(check_options((Some(0), None), 1, None)).as_deref(),
            Some("per_page")
        );
        assert_eq!(
            field(check_options((Some(i64::MAX as u64 + 1), None), 1, None)).as_deref(),
            Some("per_page")
        );
        assert_eq!(
            field(check_options((None, None), 0, None)).as_deref(),
            Some("concurrency")
        );
        assert_eq!(
            field(check_options((None, None), 1, Some(0))).as_deref(),
            Some("max_pages")
        );
    }
}
