//! Page arithmetic and `meta.pagination`, the way Tallyfy's lists (Laravel + Fractal) report it.
//!
//! - `page` counts from 1; `per_page` is capped at the fake's page cap (default 100), and the
//!   `per_page` reported back is the one actually used;
//! - `total_pages` is `ceil(total / per_page)`, so an empty list has 0 pages;
//! - a page past the end is answered with an empty `data` and the same `total`;
//! - `links.previous` / `links.next` are full URLs of the neighbouring pages, or `null` when there is
//!   none (a page past the end links back to the last page).

use tallyfy_client::PaginationLinks;
use tallyfy_client::types::{ListMeta, Pagination};

/// Where one page sits in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageWindow {
    /// Index of the first item on the page (may be past the end).
    pub start: usize,
    /// Items on this page.
    pub count: usize,
    /// Items in the whole list.
    pub total: usize,
    /// The page size used.
    pub per_page: u64,
    /// The page number (from 1).
    pub current_page: u64,
    /// Pages in the whole list (`0` for an empty list).
    pub total_pages: u64,
}

impl PageWindow {
    /// The window of page `page` (from 1) of `total` items with `per_page` items a page.
    ///
    /// ```
    /// use tallyfy_fake::pagination::PageWindow;
    /// let w = PageWindow::new(250, 3, 100);
    /// assert_eq!((w.start, w.count, w.total_pages), (200, 50, 3));
    /// let empty = PageWindow::new(0, 1, 100);
    /// assert_eq!((empty.count, empty.total_pages), (0, 0));
    /// ```
    pub fn new(total: usize, page: u64, per_page: u64) -> Self {
        let per_page = per_page.max(1);
        let total_pages = (total as u64).div_ceil(per_page);
        let start = (page.saturating_sub(1)).saturating_mul(per_page);
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        let count = total.saturating_sub(start).min(per_page as usize);
        Self {
            start: start.min(total),
            count,
            total,
            per_page,
            current_page: page,
            total_pages,
        }
    }

    /// This window of `items` sorted by `key` (reversed when `desc`), the same items in the same
    /// order as a stable sort of the whole list would put there, without sorting the whole list:
    /// two selections (linear) cut out the window, and only its own items are sorted. A page of a
    /// 100k-item list costs two passes over the keys, not a sort of 100k keys.
    pub(crate) fn sorted<T: Copy, K: Ord>(
        &self,
        items: &[T],
        desc: bool,
        key: impl Fn(T) -> K,
    ) -> Vec<T> {
        if self.count == 0 {
            return Vec::new();
        }
        // The position in `items` breaks ties, which makes every key distinct: selecting and sorting
        // then agree with a stable sort, and reversing an order is the same as sorting backwards.
        let mut keyed: Vec<(K, usize)> = items
            .iter()
            .enumerate()
            .map(|(n, &item)| (key(item), n))
            .collect();
        let order = |a: &(K, usize), b: &(K, usize)| if desc { b.cmp(a) } else { a.cmp(b) };
        if self.start > 0 {
            keyed.select_nth_unstable_by(self.start, order);
        }
        let window = &mut keyed[self.start..];
        if self.count < window.len() {
            window.select_nth_unstable_by(self.count, order);
        }
        let window = &mut window[..self.count];
        window.sort_unstable_by(order);
        window.iter().map(|&(_, n)| items[n]).collect()
    }

    /// The previous page's number, if there is one.
    pub fn previous_page(&self) -> Option<u64> {
        (self.current_page > 1).then(|| (self.current_page - 1).min(self.total_pages.max(1)))
    }

    /// The next page's number, if there is one.
    pub fn next_page(&self) -> Option<u64> {
        (self.current_page < self.total_pages).then_some(self.current_page + 1)
    }

    /// `meta` for this page; `url_for(page)` gives the URL of another page.
    pub fn meta(&self, url_for: impl Fn(u64) -> String) -> ListMeta {
        ListMeta {
            pagination: Some(Pagination {
                total: Some(self.total as i64),
                count: Some(self.count as i64),
                per_page: Some(self.per_page as i64),
                current_page: Some(self.current_page as i64),
                total_pages: Some(self.total_pages as i64),
                links: Some(PaginationLinks {
                    previous: self.previous_page().map(&url_for),
                    next: self.next_page().map(&url_for),
                }),
            }),
        }
    }
}

/// `meta` as JSON, with `links.previous` and `links.next` always present (`null` when absent).
pub(crate) fn meta_json(meta: &ListMeta) -> serde_json::Value {
    let mut v = serde_json::to_value(meta).expect("meta always serializes");
    if let Some(serde_json::Value::Object(map)) = v.pointer_mut("/pagination/links") {
        map.entry("previous").or_insert(serde_json::Value::Null);
        map.entry("next").or_insert(serde_json::Value::Null);
    }
    v
}

/// Builds the URL of another page of the list at `base` (scheme, host and raw path), keeping every
/// query parameter of `query` except `page`.
pub(crate) fn page_url(base: &str, query: &[(String, String)], page: u64) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in query {
        if k != "page" {
            ser.append_pair(k, v);
        }
    }
    ser.append_pair("page", &page.to_string());
    format!("{base}?{}", ser.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges() {
        // Exactly one page.
        let w = PageWindow::new(100, 1, 100);
        assert_eq!((w.count, w.total_pages, w.next_page()), (100, 1, None));
        // Past the end.
        let w = PageWindow::new(250, 4, 100);
        assert_eq!(
            (w.count, w.previous_page(), w.next_page()),
            (0, Some(3), None)
        );
        // Empty list.
        let w = PageWindow::new(0, 1, 10);
        assert_eq!((w.count, w.total_pages, w.previous_page()), (0, 0, None));
        // Huge page number does not overflow.
        let w = PageWindow::new(5, u64::MAX, 100);
        assert_eq!(w.count, 0);
    }

    #[test]
    fn a_sorted_window_is_that_window_of_the_fully_sorted_list() {
        // Keys with many ties, so that the tie-break is tested too.
        let items: Vec<u64> = (0..1_000).map(|n| crate::hash::mix(n) % 50).collect();
        for desc in [false, true] {
            let mut full_positions: Vec<usize> = (0..items.len()).collect();
            full_positions.sort_by_key(|&n| items[n]);
            if desc {
                full_positions.reverse();
            }
            for per_page in [1, 7, 100, 1_000, 2_000] {
                for page in 1..=(1_000 / per_page + 2) {
                    let w = PageWindow::new(items.len(), page, per_page);
                    let positions: Vec<usize> = (0..items.len()).collect();
                    assert_eq!(
                        w.sorted(&positions, desc, |n| items[n]),
                        full_positions[w.start..w.start + w.count],
                        "page {page} of {per_page}, desc {desc}"
                    );
                }
            }
        }
    }
}
