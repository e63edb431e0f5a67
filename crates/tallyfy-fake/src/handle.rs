//! [`FakeTallyfy`]: the handle of a running fake, to read and change its state, queue faults, look at
//! the requests it received, and shut it down.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;

use tallyfy_client::MemberRole;
use tallyfy_client::types::{Guest, Member, MemberStats};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::faults::{Fault, FaultMatch, QueuedFault};
use crate::inserts::{SeedGuest, SeedMember};
use crate::server::{RecordedRequest, Shared, lock};
use crate::state::{GuestRecord, MemberIncludes, MemberRecord, MemberStatus, canonical_role, now};

/// A running in-memory Tallyfy server on the loopback interface; start one with
/// [`FakeTallyfy::builder`].
///
/// Dropping the handle stops the server (without waiting); [`shutdown`](Self::shutdown) stops it and
/// waits until it has stopped.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use tallyfy_fake::FakeTallyfy;
///
/// let fake = FakeTallyfy::builder().seed_guests(3).start().await?;
/// let url = format!("{}/organizations/{}/guests", fake.base_url(), fake.org_id());
/// // Any HTTP client works; it must send the token and an `X-Tallyfy-Client` header.
/// // ... GET url with `Authorization: Bearer fake-token` and `X-Tallyfy-Client: APIClient` ...
/// assert_eq!(fake.guests().len(), 3);
/// fake.shutdown().await;
/// # Ok(()) }
/// ```
pub struct FakeTallyfy {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl FakeTallyfy {
    pub(crate) fn new(
        shared: Arc<Shared>,
        addr: SocketAddr,
        stop: watch::Sender<bool>,
        task: JoinHandle<()>,
    ) -> Self {
        Self {
            shared,
            addr,
            stop,
            task: Some(task),
        }
    }

    /// The base URL of the API, as documented for Tallyfy: `http://127.0.0.1:PORT/api`. The same
    /// paths also work without `/api` (as on `https://api.tallyfy.com`).
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The organization id the fake serves.
    pub fn org_id(&self) -> &str {
        &self.shared.org_id
    }

    /// The bearer token the fake accepts.
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The URL of the token endpoint, `http://127.0.0.1:PORT/oauth/token` (the fake answers at
    /// `/api/oauth/token` too).
    pub fn token_url(&self) -> String {
        format!("http://{}/oauth/token", self.addr)
    }

    /// How many requests the token endpoint has had, refused ones included.
    pub fn token_requests(&self) -> u64 {
        lock(&self.shared.tokens).requests()
    }

    /// Revokes every access and refresh token issued so far: requests with them get 401 and
    /// refreshing fails. The fixed [`token`](Self::token) keeps working, and so do the application's
    /// credentials, so a client can ask for a new token.
    pub fn revoke_tokens(&self) {
        lock(&self.shared.tokens).revoke_all();
    }

    /// Forgets the application's credentials, as when an application is deleted: every token
    /// request from then on is a 401 `invalid_client`. Tokens already issued keep working until
    /// they expire or [`revoke_tokens`](Self::revoke_tokens).
    pub fn revoke_client(&self) {
        lock(&self.shared.tokens).revoke_client();
    }

    /// The requests answered so far, by status (also `GET /__fake/stats`; see [`crate::stats`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let fake = tallyfy_fake::FakeTallyfy::builder().start().await.unwrap();
    /// let stats = fake.stats();
    /// assert_eq!(stats.requests, 0);
    /// # }
    /// ```
    pub fn stats(&self) -> crate::Stats {
        crate::sync::lock(&self.shared.stats).clone()
    }

    /// Every webhook delivery attempted so far, in order: where it went, what it was about, the
    /// receiver's status or why there was none, and whether it was a deliberate duplicate. A
    /// delivery is sent after the call that caused it has been answered, so wait for it with
    /// [`wait_for_deliveries`](Self::wait_for_deliveries).
    pub fn webhook_deliveries(&self) -> Vec<crate::webhooks::Delivery> {
        lock(&self.shared.deliverer.log).clone()
    }

    /// Waits until at least `n` deliveries have been attempted, or `timeout` passes; returns them.
    pub async fn wait_for_deliveries(
        &self,
        n: usize,
        timeout: std::time::Duration,
    ) -> Vec<crate::webhooks::Delivery> {
        let until = tokio::time::Instant::now() + timeout;
        loop {
            let log = self.webhook_deliveries();
            if log.len() >= n || tokio::time::Instant::now() >= until {
                return log;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// Locks the state for a change (which drops the cached JSON).
    fn state_mut(&self) -> std::sync::MutexGuard<'_, crate::state::State> {
        let mut st = lock(&self.shared.state);
        st.touch();
        st
    }

    // ----- guests -----

    /// The organization's guests in creation order, as `GET .../guests?with=stats` shows them.
    pub fn guests(&self) -> Vec<Guest> {
        let st = lock(&self.shared.state);
        st.guests
            .iter()
            .filter(|g| g.in_org)
            .map(|g| g.to_guest(&st.org_id, true))
            .collect()
    }

    /// How many guests the organization has.
    pub fn guest_count(&self) -> usize {
        lock(&self.shared.state)
            .guests
            .iter()
            .filter(|g| g.in_org)
            .count()
    }

    /// The organization's guest with this email (case-insensitive), with stats.
    pub fn guest(&self, email: &str) -> Option<Guest> {
        let st = lock(&self.shared.state);
        st.guest_pos(email)
            .map(|pos| st.guests[pos].to_guest(&st.org_id, true))
    }

    /// Adds a guest (or replaces the one with the same email, keeping its id) and returns it.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// use tallyfy_fake::{FakeTallyfy, SeedGuest};
    /// let fake = FakeTallyfy::builder().start().await?;
    /// let g = fake.insert_guest(SeedGuest::new("o'brien+tag@x.io").open_tasks(1));
    /// assert_eq!(g.email.as_deref(), Some("o'brien+tag@x.io"));
    /// # Ok(()) }
    /// ```
    pub fn insert_guest(&self, guest: SeedGuest) -> Guest {
        let mut st = self.state_mut();
        let at = now();
        let admin = st.default_admin_id();
        let own = |s: Option<String>| s.map(Cow::Owned);
        let fill = |r: &mut GuestRecord| {
            r.first_name = own(guest.first_name.clone());
            r.last_name = own(guest.last_name.clone());
            r.company_name = own(guest.company_name.clone());
            r.open_tasks = guest.open_tasks;
            r.associated_members = guest.associated_members.clone();
            r.in_org = !guest.other_org_only;
            r.deleted_at = None;
            if guest.disabled {
                r.disabled_at = r.disabled_at.or(Some(at));
                r.disabled_by = r.disabled_by.or(admin);
            } else {
                r.disabled_at = None;
                r.disabled_by = None;
            }
        };
        let pos = match st.guest_pos_any(&guest.email) {
            Some(pos) => {
                fill(&mut st.guests[pos]);
                pos
            }
            None => {
                let mut record = GuestRecord {
                    email: guest.email.clone(),
                    created_at: at,
                    ..GuestRecord::default()
                };
                fill(&mut record);
                st.push_guest(record)
            }
        };
        st.guests[pos].to_guest(&st.org_id, true)
    }

    /// Sets a guest's number of incomplete tasks (any organization); `false` if there is no such
    /// guest. While it is above 0, disabling the guest is refused with 403.
    pub fn set_open_tasks(&self, email: &str, open_tasks: u32) -> bool {
        let mut st = self.state_mut();
        match st.guest_pos_any(email) {
            Some(pos) => {
                st.guests[pos].open_tasks = open_tasks;
                true
            }
            None => false,
        }
    }

    // ----- members -----

    /// The organization's members in id order, with their groups and stats included.
    pub fn members(&self) -> Vec<Member> {
        let st = lock(&self.shared.state);
        let incl = MemberIncludes {
            names: vec!["groups".into(), "stats".into()],
        };
        st.members.iter().map(|m| m.to_member(&st, &incl)).collect()
    }

    /// The member with this id, with groups and stats included.
    pub fn member(&self, id: i64) -> Option<Member> {
        let st = lock(&self.shared.state);
        let incl = MemberIncludes {
            names: vec!["groups".into(), "stats".into()],
        };
        st.member_pos(id)
            .map(|p| st.members[p].to_member(&st, &incl))
    }

    /// The default administrator's id (1001 with the seeded data).
    pub fn default_admin_id(&self) -> i64 {
        lock(&self.shared.state)
            .default_admin_id()
            .unwrap_or(crate::seed::FIRST_MEMBER_ID)
    }

    /// Adds a member (ignoring the seat limit) and returns it.
    ///
    /// Its role may be one the API would refuse in a request (`MemberRole::Other`): the fake then
    /// serves it as given, so a test can check how its code takes a role it does not know, and
    /// counts it as taking no full seat. Only `admin` and `standard` take one.
    pub fn insert_member(&self, member: SeedMember) -> Member {
        let mut st = self.state_mut();
        let at = now();
        let id = st.next_member_id;
        st.next_member_id += 1;
        let status = if member.disabled {
            MemberStatus::Disabled
        } else if member.invited {
            MemberStatus::Invited
        } else {
            MemberStatus::Active
        };
        let invited_by = st.default_admin_id();
        st.members.push(MemberRecord {
            id,
            email: member.email,
            username: None,
            first_name: Cow::Owned(member.first_name),
            last_name: Cow::Owned(member.last_name),
            profile_pic: None,
            country_id: None,
            status,
            role: canonical_role(member.role),
            created_at: at,
            updated_at: at,
            last_login_at: None,
            activated_at: (!member.invited).then_some(at),
            phone: None,
            job_title: None,
            job_description: None,
            team: None,
            timezone: Some(Cow::Borrowed("UTC")),
            date_format: None,
            is_default_admin: false,
            invited_by,
            approved_at: Some(at),
            disabled_at: member.disabled.then_some(at),
            locale: None,
            step_preferences: None,
            stats: MemberStats::default(),
            bot: member.bot,
            in_other_orgs: member.in_other_orgs,
        });
        let pos = st.members.len() - 1;
        st.members[pos].to_member(&st, &MemberIncludes::default())
    }

    /// Changes a member's role directly (no seat check, and any role, as with
    /// [`insert_member`](Self::insert_member)); `false` if there is no such member.
    pub fn set_member_role(&self, id: i64, role: MemberRole) -> bool {
        let mut st = self.state_mut();
        match st.member_pos(id) {
            Some(p) => {
                st.members[p].role = canonical_role(role);
                true
            }
            None => false,
        }
    }

    /// Changes the seat limit (`None`: unlimited).
    pub fn set_seat_limit(&self, seats: Option<u32>) {
        self.state_mut().seat_limit = seats;
    }

    /// Full seats in use (admins and standard members who are not disabled).
    pub fn seats_used(&self) -> u32 {
        lock(&self.shared.state).seats_used()
    }

    // ----- faults -----

    /// Makes the next `times` requests (of any kind) fail with `fault`.
    pub fn inject(&self, fault: Fault, times: usize) {
        self.inject_matching(FaultMatch::any(), fault, times);
    }

    /// Makes the next `times` requests that match `matcher` fail with `fault`. Faults are used in the
    /// order they were queued; a request takes at most one.
    pub fn inject_matching(&self, matcher: FaultMatch, fault: Fault, times: usize) {
        if times == 0 {
            return;
        }
        lock(&self.shared.faults).push(QueuedFault {
            matcher,
            fault,
            remaining: times,
        });
    }

    /// Uses of queued faults that are still waiting.
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).iter().map(|q| q.remaining).sum()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    // ----- requests -----

    /// The requests received so far, oldest first (the most recent
    /// [`record_limit`](crate::FakeTallyfyBuilder::record_limit) of them).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).iter().cloned().collect()
    }

    /// The most recent request.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        lock(&self.shared.requests).back().cloned()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    // ----- lifecycle -----

    /// Stops accepting connections, lets requests in flight finish (for up to a second or two), and
    /// waits until the server has stopped.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl std::fmt::Debug for FakeTallyfy {
    // Written by hand: the state can hold 100 000 guests.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeTallyfy")
            .field("base_url", &self.base_url())
            .field("org_id", &self.org_id())
            .field("guests", &self.guest_count())
            .finish_non_exhaustive()
    }
}

impl Drop for FakeTallyfy {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}
