//! Runs one parsed command against the API (or the in-process fake) and writes its result.

use crate::args::{Cli, Command, GuestCommand, ListArgs, MemberCommand};
use crate::exit;
use crate::out::{Failure, Out};
use crate::output::{ListWriter, Row};
use futures::{Stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use tallyfy::guests::ListGuests;
use tallyfy::members::ListMembers;
use tallyfy::{
    Client, DateFormat, Error, GuestUpdate, Invite, List, ListParams, MemberInclude, MemberUpdate,
    NewGuest, Page, Role, SyncSource, Timeouts,
};

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

/// Keeps the in-process fake alive for as long as the command runs.
type FakeGuard = Option<tallyfy_fake::FakeTallyfy>;

async fn connect(cli: &Cli) -> Result<(Client, FakeGuard), Failure> {
    if cli.fake {
        let fake = tallyfy_fake::FakeTallyfy::builder()
            .org_id("demo-org")
            .token("demo-token")
            .seed_guests(250)
            .seed_members(12)
            .start()
            .await
            .map_err(|e| Failure::new(exit::OTHER, format!("starting the fake: {e}")))?;
        let client = Client::builder()
            .token(fake.token())
            .org(fake.org_id())
            .base_url(fake.base_url())
            .timeouts(timeouts(cli))
            .build()?;
        return Ok((client, Some(fake)));
    }
    let mut builder = Client::builder().timeouts(timeouts(cli));
    match &cli.token {
        Some(t) => builder = builder.token(t.clone()),
        None => {
            return Err(Failure::usage(
                "no token: set TALLYFY_ACCESS_TOKEN or pass --token (or try --fake)",
            ));
        }
    }
    match &cli.org {
        Some(o) => builder = builder.org(o.clone()),
        None => {
            return Err(Failure::usage(
                "no organization: set TALLYFY_ORG_ID or pass --org (or try --fake)",
            ));
        }
    }
    if let Some(url) = &cli.base_url {
        builder = builder.base_url(url.clone());
    }
    Ok((builder.build()?, None))
}

/// The SDK's timeouts, with `--timeout` as the limit of one call (retries included); no attempt or
/// connection may outlast it.
fn timeouts(cli: &Cli) -> Timeouts {
    let mut t = Timeouts::default();
    if let Some(secs) = cli.timeout {
        t.total = std::time::Duration::from_secs(secs);
        t.per_attempt = t.per_attempt.min(t.total);
        t.connect = t.connect.min(t.total);
    }
    t
}

fn parse<T: std::str::FromStr>(field: &str, value: &str) -> Result<T, Failure>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|e| Failure::usage(format!("invalid {field} {value:?}: {e}")))
}

fn includes(with: &[String]) -> Result<Vec<MemberInclude>, Failure> {
    with.iter()
        .filter(|w| !w.is_empty())
        .map(|w| parse("--with", w))
        .collect()
}

/// The options both list commands offer. They are each operation's own query parameters, so each
/// list type says here which of its setters an option maps to.
trait SharedOptions: Sized {
    fn query(self, text: String) -> Self;
    fn sort(self, field: String) -> Self;
    fn per_page(self, n: u64) -> Self;
}

impl SharedOptions for ListGuests {
    fn query(self, text: String) -> Self {
        ListGuests::query(self, text)
    }
    fn sort(self, field: String) -> Self {
        ListGuests::sort(self, field)
    }
    fn per_page(self, n: u64) -> Self {
        ListGuests::per_page(self, n)
    }
}

impl SharedOptions for ListMembers {
    fn query(self, text: String) -> Self {
        ListMembers::query(self, text)
    }
    fn sort(self, field: String) -> Self {
        ListMembers::sort(self, field)
    }
    fn per_page(self, n: u64) -> Self {
        ListMembers::per_page(self, n)
    }
}

/// Applies the shared list options to any list, then writes one page (`--page`) or walks them all.
async fn list_walk<P>(out: &Out, req: List<P>, args: &ListArgs) -> Result<(), Failure>
where
    P: ListParams<Item: Row>,
    List<P>: SharedOptions,
{
    let mut req = req.concurrency(args.concurrency as usize);
    if let Some(q) = &args.query {
        req = req.query(q.clone());
    }
    if let Some(s) = &args.sort {
        req = req.sort(s.clone());
    }
    if let Some(n) = args.per_page {
        req = req.per_page(n);
    }
    match args.page {
        Some(n) => {
            out.pages(futures::stream::once(req.page(n)), args.limit)
                .await
        }
        None => out.pages(req.pages(), args.limit).await,
    }
}

/// Runs the command.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let out = Out::new(cli.output);
    let (client, _fake) = connect(&cli).await?;
    match cli.command {
        Command::Guests(cmd) => guests(&client, &out, cmd).await,
        Command::Members(cmd) => members(&client, &out, cmd).await,
    }
}

async fn guests(client: &Client, out: &Out, cmd: GuestCommand) -> Result<(), Failure> {
    let guests = client.guests();
    match cmd {
        GuestCommand::List { list, with_stats } => {
            let req = guests.list();
            let req = if with_stats { req.with_stats() } else { req };
            list_walk(out, req, &list).await
        }
        GuestCommand::Get { email, with_stats } => {
            let mut req = guests.get(email);
            if with_stats {
                req = req.with_stats();
            }
            out.one(&req.send().await?)
        }
        GuestCommand::Create(a) => {
            let mut g = NewGuest::new(a.email);
            macro_rules! set {
                ($($field:ident),*) => { $( if let Some(v) = a.$field { g = g.$field(v); } )* };
            }
            set!(
                first_name,
                last_name,
                company_name,
                phone_1,
                phone_2,
                timezone,
                company_url,
                contact_url,
                image_url,
                opportunity_name,
                opportunity_url,
                status,
                external_date_creation
            );
            if let Some(src) = a.external_sync_source {
                g = g.external_sync_source(parse::<SyncSource>("--external-sync-source", &src)?);
            }
            out.one(&guests.create(g).await?)
        }
        GuestCommand::Update {
            email,
            associated_members,
        } => {
            let ids = associated_members
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(|s| parse::<i64>("--associated-members", s))
                .collect::<Result<Vec<_>, _>>()?;
            out.one(
                &guests
                    .update(&email, GuestUpdate::associated_members(ids))
                    .await?,
            )
        }
        GuestCommand::Generated(operation) => operation.run(client, out).await,
    }
}

async fn members(client: &Client, out: &Out, cmd: MemberCommand) -> Result<(), Failure> {
    let members = client.members();
    match cmd {
        MemberCommand::List { list, with } => {
            list_walk(out, members.list().with(&includes(&with)?), &list).await
        }
        MemberCommand::Get { id, with } => {
            out.one(&members.get(id).with(&includes(&with)?).send().await?)
        }
        MemberCommand::Invite {
            email,
            first_name,
            last_name,
            role,
            message,
        } => {
            let invite = Invite::new(email, parse::<Role>("--role", &role)?)
                .first_name(first_name)
                .last_name(last_name)
                .message(message);
            out.one(&members.invite(invite).await?)
        }
        MemberCommand::Update(a) => {
            let mut u = MemberUpdate::new(a.first_name, a.last_name, a.timezone);
            if let Some(v) = a.phone {
                u = u.phone(v);
            }
            if let Some(v) = a.job_title {
                u = u.job_title(v);
            }
            if let Some(v) = a.job_description {
                u = u.job_description(v);
            }
            if let Some(v) = a.team {
                u = u.team(v);
            }
            if let Some(v) = a.country_id {
                u = u.country_id(v);
            }
            if let Some(v) = a.date_format {
                u = u.date_format(parse::<DateFormat>("--date-format", &v)?);
            }
            out.one(&members.update(a.id, u).await?)
        }
        MemberCommand::SetRole { id, role } => {
            out.one(&members.set_role(id, parse::<Role>("ROLE", &role)?).await?)
        }
        MemberCommand::Remove { id, reassign_to } => {
            let mut req = members.remove(id);
            if let Some(to) = reassign_to {
                req = req.reassign_to(to);
            }
            out.one(&req.send().await?)
        }
        MemberCommand::Generated(operation) => operation.run(client, out).await,
    }
}
