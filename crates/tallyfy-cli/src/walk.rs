//! Reading a list to the output: the walk's flags ([`WalkArgs`]: `--page`, `--concurrency`,
//! `--limit`) and [`list`], which writes one page or every page, item by item, with a progress bar
//! on a terminal stderr. Every generated list command ends here.

use crate::out::{Failure, Out};
use crate::output::{ListWriter, Row};
use clap::Args;
use futures::{Stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use tallyfy::{Client, Error, List, ListParams, Page, RateLimitStatus};

/// How a list is walked, for every list command.
#[derive(Debug, Args)]
pub struct WalkArgs {
    /// Fetch only this page (without it, every page is walked).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub page: Option<u64>,
    /// Pages fetched at once after the first.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=32))]
    pub concurrency: u64,
    /// Stop after this many items.
    #[arg(long)]
    pub limit: Option<u64>,
}

/// Writes one page (`--page`) of the list, or walks them all.
pub async fn list<P>(out: &Out, req: List<P>, args: &WalkArgs) -> Result<(), Failure>
where
    P: ListParams<Item: Row>,
{
    let req = req.concurrency(args.concurrency as usize);
    let client = req.client().clone();
    match args.page {
        Some(n) => {
            out.pages(futures::stream::once(req.page(n)), args.limit, &client)
                .await
        }
        None => out.pages(req.pages(), args.limit, &client).await,
    }
}

/// The progress bar's message: what the walk waits for, if it waits for the rate limit.
fn pacing_message(status: &RateLimitStatus) -> String {
    match status.limit {
        Some(limit) if status.waiting > 0 => format!(
            "waiting for the rate limit ({limit}): next request in {:.1}s",
            status.next_slot_in.as_secs_f64()
        ),
        _ => String::new(),
    }
}

impl Out {
    /// Writes a stream of pages, item by item, with a progress bar on a terminal stderr that
    /// says when the walk is waiting for `client`'s rate limit.
    async fn pages<T: Row>(
        &self,
        pages: impl Stream<Item = Result<Page<T>, Error>>,
        limit: Option<u64>,
        client: &Client,
    ) -> Result<(), Failure> {
        let mut pages = std::pin::pin!(pages);
        let mut writer = ListWriter::new(std::io::stdout().lock(), self.format, self.width);
        let mut progress: Option<ProgressBar> = None;
        let mut watcher: Option<tokio::task::JoinHandle<()>> = None;
        let mut written = 0u64;
        'pages: while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    writer.finish()?;
                    return Err(e.into());
                }
            };
            if progress.is_none() && std::io::stderr().is_terminal() {
                let info = page.info.as_ref();
                if info.and_then(|i| i.total_pages).unwrap_or(1) > 1 {
                    let total = info.and_then(|i| i.total).unwrap_or(0);
                    let total = limit.map_or(total, |l| l.min(total));
                    let bar = ProgressBar::new(total);
                    if let Ok(style) =
                        ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {msg}")
                    {
                        bar.set_style(style);
                    }
                    let (shown, client) = (bar.clone(), client.clone());
                    watcher = Some(tokio::spawn(async move {
                        loop {
                            shown.set_message(pacing_message(&client.rate_limit_status()));
                            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                        }
                    }));
                    progress = Some(bar);
                }
            }
            for item in &page.items {
                if limit.is_some_and(|l| written >= l) {
                    break 'pages;
                }
                writer.item(item)?;
                written += 1;
            }
            writer.flush_batch()?;
            if let Some(bar) = &progress {
                bar.set_position(written);
            }
            if limit.is_some_and(|l| written >= l) {
                break;
            }
        }
        if let Some(watcher) = watcher {
            watcher.abort();
        }
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
        writer.finish()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn the_bar_says_when_the_walk_waits_for_the_rate_limit() {
        let client = Client::builder()
            .token("t")
            .org("o")
            .rate_limit(50, Duration::from_secs(1))
            .build()
            .unwrap();
        let idle = client.rate_limit_status();
        assert_eq!(pacing_message(&idle), "");
        let mut waiting = idle;
        waiting.waiting = 3;
        waiting.next_slot_in = Duration::from_millis(1300);
        assert_eq!(
            pacing_message(&waiting),
            "waiting for the rate limit (50/1s): next request in 1.3s"
        );
    }
}
