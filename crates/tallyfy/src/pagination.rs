//! Walking Tallyfy's page-numbered lists: [`Page`], [`PageInfo`], the page stream [`Pages`] and the
//! item stream [`Paginator`].
//!
//! A walk fetches page 1, reads `meta.pagination.total_pages`, then pages 2 to N, with up to
//! `concurrency` requests in flight, yielded in order. It stops:
//! - after page `total_pages` (or at once when `total_pages` is 0 or 1); when a later page's meta gives
//!   a smaller `total_pages` (the list shrank during the walk), the later figure wins;
//! - on an empty page that its own meta calls the last one (or that lies beyond its own
//!   `total_pages`: the list shrank);
//! - after `max_pages` pages, if set;
//! - after a single page when the response has no pagination meta;
//! - with an error after [`HARD_PAGE_CAP`] pages, or when the server sends the previous page's items
//!   again or reports a different page than the one asked for (it ignores `page`): never a loop;
//! - with an error on an empty page while more pages are still claimed (its own meta, or page 1's
//!   when it has none, says the list goes on): ending quietly there would return fewer items than the
//!   server holds. The error names the empty page and how many items were read before it.
//!
//! An error is yielded once, then the stream ends. Retries happen per request, below the walk, so one
//! 429 on page 7 does not end it. At most `concurrency` pages are buffered, whatever the total.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, FusedStream, Stream, StreamExt};
use tallyfy_client::PaginationLinks;
use tallyfy_client::types;

use crate::error::Error;

/// The most pages any walk fetches; a list that claims more ends with [`Error::Pagination`].
pub const HARD_PAGE_CAP: u64 = 100_000;

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items.
    pub items: Vec<T>,
    /// The page number that was asked for (from 1).
    pub number: u64,
    /// The server's pagination meta, when it sent one.
    pub info: Option<PageInfo>,
}

/// The `meta.pagination` of a list response. Each number is `None` when missing or negative.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageInfo {
    /// Items in the whole list.
    pub total: Option<u64>,
    /// Items on this page.
    pub count: Option<u64>,
    /// The page size the server used (it may differ from the one asked for).
    pub per_page: Option<u64>,
    /// The page number the server says it sent.
    pub current_page: Option<u64>,
    /// Pages in the whole list.
    pub total_pages: Option<u64>,
    /// Links to the neighbouring pages, when sent.
    pub links: PaginationLinks,
}

impl PageInfo {
    pub(crate) fn from_meta(meta: Option<types::ListMeta>) -> Option<Self> {
        let p = meta?.pagination?;
        let n = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
        Some(Self {
            total: n(p.total),
            count: n(p.count),
            per_page: n(p.per_page),
            current_page: n(p.current_page),
            total_pages: n(p.total_pages),
            links: p.links.unwrap_or_default(),
        })
    }
}

mod item {
    /// What the walk needs from an item: something that tells two items apart, to notice a server
    /// that sends the same page twice. Each list's item type has it generated from the spec
    /// (`src/generated/requests.rs`). Public only in name, so that it can bound
    /// [`ListParams::Item`](crate::ListParams::Item); no path outside the crate reaches it.
    pub trait Item: Send + 'static {
        /// A text that differs between two different items of one list.
        fn identity(&self) -> String;
    }
}

pub(crate) use item::Item;

/// Fetches page `n`.
pub(crate) type Fetch<T> =
    Arc<dyn Fn(u64) -> BoxFuture<'static, Result<Page<T>, Error>> + Send + Sync>;

/// Everything a walk needs.
pub(crate) struct Walk<T> {
    pub(crate) fetch: Fetch<T>,
    pub(crate) concurrency: usize,
    pub(crate) max_pages: Option<u64>,
    /// The hard page cap ([`HARD_PAGE_CAP`]; smaller in tests).
    pub(crate) cap: u64,
    /// Stop after the first response (`without_pagination`).
    pub(crate) single: bool,
    /// An option that was invalid: the walk yields it and ends.
    pub(crate) invalid: Option<Error>,
}

/// A stream of [`Page`]s. Yields `Result<Page<T>, Error>`; after an error it ends.
///
/// ```
/// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {
/// use futures::TryStreamExt;
/// let mut pages = client.guests().list().per_page(100).pages();
/// while let Some(page) = pages.try_next().await? {
///     println!("page {}: {} guests", page.number, page.items.len());
/// }
/// # Ok(()) }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    inner: BoxStream<'static, Result<Page<T>, Error>>,
    done: bool,
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// The page stream of a walk.
pub(crate) fn pages<T: Item>(walk: Walk<T>) -> Pages<T> {
    Pages {
        inner: walk_pages(walk),
        done: false,
    }
}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let next = self.inner.as_mut().poll_next(cx);
        if matches!(next, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            self.done = true;
        }
        next
    }
}

impl<T> FusedStream for Pages<T> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

/// A stream of every item of a list, page after page. Yields `Result<T, Error>`; after an error it
/// ends.
///
/// Read it with `try_next`, so that an error stops your loop instead of being skipped:
///
/// ```
/// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {
/// use futures::TryStreamExt;
/// let mut guests = client.guests().list().query("acme").sort("-created_at").per_page(100).items();
/// while let Some(guest) = guests.try_next().await? {
///     println!("{:?}", guest.email);
/// }
/// # Ok(()) }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Paginator<T> {
    pages: Pages<T>,
    current: std::vec::IntoIter<T>,
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("buffered_items", &self.current.len())
            .field("done", &self.pages.done)
            .finish()
    }
}

/// The item stream of a walk.
pub(crate) fn paginator<T: Item>(walk: Walk<T>) -> Paginator<T> {
    Paginator {
        pages: pages(walk),
        current: Vec::new().into_iter(),
    }
}

impl<T> Paginator<T> {
    /// The page stream underneath, with the items of the current page that were not yet yielded
    /// dropped.
    pub fn into_pages(self) -> Pages<T> {
        self.pages
    }
}

impl<T> Unpin for Paginator<T> {}

impl<T> Stream for Paginator<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Ready(Some(Ok(page))) => self.current = page.items.into_iter(),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.current.len(), None)
    }
}

impl<T> FusedStream for Paginator<T> {
    fn is_terminated(&self) -> bool {
        self.pages.done && self.current.len() == 0
    }
}

enum State<T> {
    Start(Walk<T>),
    Rest {
        pages: BoxStream<'static, (u64, Result<Page<T>, Error>)>,
        previous: Vec<String>,
        cap_reached: Option<u64>,
        /// The `total_pages` page 1 claimed (a later page's own meta overrides it for that page).
        claimed: u64,
        /// Items in the pages yielded so far.
        read: u64,
    },
    Done,
}

fn identities<T: Item>(items: &[T]) -> Vec<String> {
    items.iter().map(Item::identity).collect()
}

fn check_page<T: Item>(page: &Page<T>, previous: Option<&[String]>) -> Result<Vec<String>, Error> {
    let asked = page.number;
    if let Some(sent) = page.info.as_ref().and_then(|i| i.current_page)
        && sent != asked
    {
        return Err(Error::Pagination {
            page: asked,
            reason: format!(
                "asked for page {asked}, the server sent page {sent} (it seems to ignore `page`)"
            ),
        });
    }
    let ids = identities(&page.items);
    if previous.is_some_and(|prev| !prev.is_empty() && prev == ids.as_slice()) {
        return Err(Error::Pagination {
            page: asked,
            reason: "the server sent the previous page's items again (it seems to ignore `page`)"
                .into(),
        });
    }
    Ok(ids)
}

/// Whether a page's own meta says no page follows it (the latest word on `total_pages` wins).
fn page_is_last<T>(page: &Page<T>) -> bool {
    page.info
        .as_ref()
        .and_then(|i| i.total_pages)
        .is_some_and(|total| page.number >= total)
}

/// The error for an empty page while the list still claims pages after it: items are missing.
fn empty_page(number: u64, claimed: u64, read: u64) -> Error {
    Error::Pagination {
        page: number,
        reason: format!(
            "page {number} was empty but the server still claims {claimed} pages; \
             {read} items were read before it, so the list was not read completely"
        ),
    }
}

fn walk_pages<T: Item>(walk: Walk<T>) -> BoxStream<'static, Result<Page<T>, Error>> {
    stream::unfold(State::Start(walk), |state| async move {
        match state {
            State::Done => None,
            State::Start(walk) => {
                if let Some(e) = walk.invalid {
                    return Some((Err(e), State::Done));
                }
                let page = match (walk.fetch)(1).await {
                    Ok(page) => page,
                    Err(e) => return Some((Err(e), State::Done)),
                };
                if walk.single {
                    return Some((Ok(page), State::Done));
                }
                let previous = match check_page(&page, None) {
                    Ok(ids) => ids,
                    Err(e) => return Some((Err(e), State::Done)),
                };
                let total_pages = page.info.as_ref().and_then(|i| i.total_pages).unwrap_or(1);
                let cap = walk.cap;
                let limit = walk.max_pages.unwrap_or(u64::MAX).min(cap);
                let last = total_pages.min(limit);
                if page.items.is_empty() && total_pages > 1 {
                    return Some((Err(empty_page(1, total_pages, 0)), State::Done));
                }
                if last <= 1 {
                    return Some((Ok(page), State::Done));
                }
                let cap_reached =
                    (total_pages > cap && walk.max_pages.is_none_or(|m| m > cap)).then_some(cap);
                let fetch = walk.fetch.clone();
                let pages = stream::iter(2..=last)
                    .map(move |n| {
                        let fetch = fetch.clone();
                        async move { (n, fetch(n).await) }
                    })
                    .buffered(walk.concurrency.max(1))
                    .boxed();
                let read = page.items.len() as u64;
                Some((
                    Ok(page),
                    State::Rest {
                        pages,
                        previous,
                        cap_reached,
                        claimed: total_pages,
                        read,
                    },
                ))
            }
            State::Rest {
                mut pages,
                previous,
                cap_reached,
                claimed,
                read,
            } => match pages.next().await {
                None => cap_reached.map(|cap| {
                    (
                        Err(Error::Pagination {
                            page: cap + 1,
                            reason: format!(
                                "the list claims more than {cap} pages, the most a walk fetches"
                            ),
                        }),
                        State::Done,
                    )
                }),
                Some((_, Err(e))) => Some((Err(e), State::Done)),
                // The list shrank while it was walked: this empty page is at or past its own end.
                Some((_, Ok(page))) if page.items.is_empty() && page_is_last(&page) => None,
                Some((_, Ok(page))) if page.items.is_empty() => {
                    let claimed = page
                        .info
                        .as_ref()
                        .and_then(|i| i.total_pages)
                        .unwrap_or(claimed);
                    Some((Err(empty_page(page.number, claimed, read)), State::Done))
                }
                Some((_, Ok(page))) => match check_page(&page, Some(&previous)) {
                    // The list shrank while it was walked: this page's meta says it is the last.
                    Ok(_) if page_is_last(&page) => Some((Ok(page), State::Done)),
                    Ok(ids) => {
                        let read = read + page.items.len() as u64;
                        Some((
                            Ok(page),
                            State::Rest {
                                pages,
                                previous: ids,
                                cap_reached,
                                claimed,
                                read,
                            },
                        ))
                    }
                    Err(e) => Some((Err(e), State::Done)),
                },
            },
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::TryStreamExt;

    /// A walk over an in-memory list that claims `total_pages` pages of one guest each.
    fn walk(total_pages: u64, cap: u64, max_pages: Option<u64>) -> Walk<types::Guest> {
        Walk {
            fetch: Arc::new(move |n| {
                Box::pin(async move {
                    let guest = types::Guest {
                        id: Some(types::FlexibleId::Int64(n as i64)),
                        ..Default::default()
                    };
                    Ok(Page {
                        items: vec![guest],
                        number: n,
                        info: Some(PageInfo {
                            current_page: Some(n),
                            total_pages: Some(total_pages),
                            ..PageInfo::default()
                        }),
                    })
                })
            }),
            concurrency: 2,
            max_pages,
            cap,
            single: false,
            invalid: None,
        }
    }

    #[tokio::test]
    async fn the_hard_cap_ends_the_walk_with_an_error() {
        let mut pages = pages(walk(1_000_000, 5, None));
        let mut seen = Vec::new();
        let err = loop {
            match pages.try_next().await {
                Ok(Some(page)) => seen.push(page.number),
                Ok(None) => panic!("ended quietly"),
                Err(e) => break e,
            }
        };
        assert_eq!(seen, vec![1, 2, 3, 4, 5]);
        assert!(matches!(err, Error::Pagination { page: 6, .. }), "{err}");
        assert!(pages.try_next().await.unwrap().is_none());
        assert!(pages.is_terminated());
    }

    #[tokio::test]
    async fn max_pages_below_the_cap_ends_quietly() {
        let all: Vec<_> = paginator(walk(1_000_000, 5, Some(3)))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(all.len(), 3);
        let all: Vec<_> = paginator(walk(4, 5, None)).try_collect().await.unwrap();
        assert_eq!(all.len(), 4);
    }
}
