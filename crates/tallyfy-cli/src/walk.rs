//! Reading a list to the output: the walk's flags ([`WalkArgs`]: `--page`, `--concurrency`,
//! `--limit`) and [`list`], which writes one page or every page, item by item, with a progress bar
//! on a terminal stderr. Every generated list command ends here.

use crate::out::{Failure, Out};
use crate::output::{ListWriter, Row};
use clap::Args;
use futures::{Stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use tallyfy::{Error, List, ListParams, Page};

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
    match args.page {
        Some(n) => {
            out.pages(futures::stream::once(req.page(n)), args.limit)
                .await
        }
        None => out.pages(req.pages(), args.limit).await,
    }
}

impl Out {
    /// Writes a stream of pages, item by item, with a progress bar on a terminal stderr.
    async fn pages<T: Row>(
        &self,
        pages: impl Stream<Item = Result<Page<T>, Error>>,
        limit: Option<u64>,
    ) -> Result<(), Failure> {
        let mut pages = std::pin::pin!(pages);
        let mut writer = ListWriter::new(std::io::stdout().lock(), self.format, self.width);
        let mut progress: Option<ProgressBar> = None;
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
                        ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec}")
                    {
                        bar.set_style(style);
                    }
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
        if let Some(bar) = progress {
            bar.finish_and_clear();
        }
        writer.finish()?;
        Ok(())
    }
}
