//! Deterministic seed data: realistic, varied guests and members from a numeric seed.
//!
//! Every value is derived from `(seed, index)` by a SplitMix64 hash, so the same seed always gives the
//! same data and building 100 000 guests takes a few milliseconds (no allocation beyond the email).
//!
//! What the seed produces:
//! - guests with ids from 10001, emails `first.last.N@domain` (unique), creation times a few minutes
//!   apart from 2023-01-01, and a mix of filled and `null` profile fields; about 40% have task
//!   statistics, about 15% have open tasks (so they cannot be disabled), about 3% are disabled;
//! - members with ids from 1001; the first is the organization's default administrator; the rest are a
//!   mix of admins, standard and light members, a few invited or disabled;
//! - three groups of members and guests;
//! - templates and processes (see `workflow::seed`).

use std::borrow::Cow;
use std::collections::HashMap;

use tallyfy_client::MemberRole;
use tallyfy_client::types::MemberStats;

use crate::places::{PLACES, TIMEZONES};
use crate::shapes::Shapes;
use crate::state::{
    GroupRecord, GuestRecord, GuestStatsRecord, MemberRecord, MemberStatus, State, Text, mix, ts,
};

/// The first seeded guest's id.
pub const FIRST_GUEST_ID: i64 = 10_001;
/// The first seeded member's id (the default administrator).
pub const FIRST_MEMBER_ID: i64 = 1_001;

/// 2023-01-01T00:00:00Z: seeded guests are created from here on.
const SEED_EPOCH: i64 = 1_672_531_200;
/// 2025-06-01T00:00:00Z: seeded activity stays before this.
const SEED_END: i64 = 1_748_736_000;

const FIRST_NAMES: &[&str] = &[
    "Ada", "Bruno", "Chloe", "Dmitri", "Elena", "Farah", "Gustavo", "Hana", "Ivan", "Jamal",
    "Keiko", "Liam", "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Umar",
    "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Aisha", "Bjorn", "Carmen", "Diego",
];
const LAST_NAMES: &[&str] = &[
    "Abbott",
    "Becker",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmerman",
];
const COMPANIES: &[(&str, &str)] = &[
    ("Acme Corp", "acme.example"),
    ("Globex", "globex.example"),
    ("Initech", "initech.example"),
    ("Umbrella Logistics", "umbrella.example"),
    ("Stark Industries", "stark.example"),
    ("Wayne Enterprises", "wayne.example"),
    ("Hooli", "hooli.example"),
    ("Vandelay Imports", "vandelay.example"),
    ("Soylent Foods", "soylent.example"),
    ("Tyrell Systems", "tyrell.example"),
];
const STATUSES: &[&str] = &["active", "prospect", "customer", "vendor"];
const JOBS: &[&str] = &[
    "Project Manager",
    "Support Agent",
    "Operations Lead",
    "Accountant",
    "Engineer",
    "Designer",
];
const TEAMS: &[&str] = &["Operations", "Finance", "Support", "Sales", "Engineering"];
const GROUP_NAMES: &[(&str, &str)] = &[
    ("Sales Team", "Everyone who sells to clients"),
    ("Onboarding", "Runs new client onboarding"),
    ("Finance Approvers", ""),
];

/// When the seeded groups were made (2024-01-01T00:00:00Z).
const GROUP_EPOCH: i64 = 1_704_067_200;

/// A small deterministic stream of numbers for one record.
struct Dice(u64);

impl Dice {
    fn new(seed: u64, kind: u64, index: u64) -> Self {
        Self(mix(seed ^ mix(kind.wrapping_mul(0x1000_0000_01B3) ^ index)))
    }
    fn next(&mut self) -> u64 {
        self.0 = mix(self.0);
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// Builds seeded guest number `i` (0-based).
fn guest(seed: u64, i: usize, spacing: i64, member_ids: &[i64]) -> GuestRecord {
    let mut d = Dice::new(seed, 1, i as u64);
    let first = d.pick(FIRST_NAMES);
    let last = d.pick(LAST_NAMES);
    let (company, domain) = d.pick(COMPANIES);
    let (city, country, _) = d.pick(PLACES);
    let created_at = SEED_EPOCH + i as i64 * spacing;
    let accessed = d.chance(70);
    let last_accessed_at =
        accessed.then(|| created_at + (d.next() % (SEED_END - created_at).max(1) as u64) as i64);
    let has_stats = d.chance(40);
    let open_tasks = if d.chance(15) {
        1 + d.below(5) as u32
    } else {
        0
    };
    let disabled = open_tasks == 0 && d.chance(3);
    let named = d.chance(90);
    let with_company = d.chance(75);
    let t = |s: &'static str| Some(Cow::Borrowed(s));
    GuestRecord {
        id: FIRST_GUEST_ID + i as i64,
        email: format!("{}.{}.{}@{}", lower(first), lower(last), i + 1, domain),
        first_name: if named { t(first) } else { None },
        last_name: if named { t(last) } else { None },
        last_accessed_at,
        last_known_ip: accessed.then(|| {
            Cow::Owned(format!(
                "198.51.100.{}",
                1 + d.below(254) // TEST-NET-2 addresses only
            ))
        }),
        last_known_country: accessed.then_some(Cow::Borrowed(country)),
        created_at,
        deleted_at: None,
        link_code: d.next() | 1,
        status: if d.chance(60) {
            t(d.pick(STATUSES))
        } else {
            None
        },
        phone_1: d
            .chance(50)
            .then(|| Cow::Owned(format!("+1-555-{:04}", d.below(10_000)))),
        phone_2: None,
        timezone: if d.chance(80) {
            t(d.pick(TIMEZONES).0)
        } else {
            None
        },
        image_url: None,
        contact_url: None,
        company_url: with_company.then(|| Cow::Owned(format!("https://{domain}"))),
        opportunity_url: None,
        company_name: if with_company { t(company) } else { None },
        opportunity_name: None,
        external_sync_source: None,
        external_date_creation: None,
        cadence_days: d.chance(10).then(|| 7 * (1 + d.below(4) as i64)),
        associated_members: (!member_ids.is_empty() && d.chance(20))
            .then(|| vec![member_ids[d.below(member_ids.len())]]),
        last_city: accessed.then_some(Cow::Borrowed(city)),
        disabled_at: disabled.then_some(created_at + 86_400),
        disabled_by: disabled.then_some(FIRST_MEMBER_ID),
        reactivated_at: None,
        reactivated_by: None,
        open_tasks,
        stats: has_stats.then(|| {
            let done = d.below(40) as i64;
            GuestStatsRecord {
                tasks_completed: done,
                last_task_completed_at: (done > 0).then_some(created_at + 3 * 86_400),
                one_off_tasks_completed: d.below(5) as i64,
                last_one_off_task_completed_at: None,
            }
        }),
        in_org: true,
    }
}

/// Builds seeded member number `j` (0-based); member 0 is the default administrator.
fn member(seed: u64, j: usize) -> MemberRecord {
    let mut d = Dice::new(seed, 2, j as u64);
    let first = d.pick(FIRST_NAMES);
    let last = d.pick(LAST_NAMES);
    let id = FIRST_MEMBER_ID + j as i64;
    let role = if j == 0 {
        MemberRole::Admin
    } else {
        match d.below(10) {
            0 => MemberRole::Admin,
            1..=6 => MemberRole::Standard,
            _ => MemberRole::Light,
        }
    };
    let status = if j == 0 {
        MemberStatus::Active
    } else {
        match d.below(20) {
            0 | 1 => MemberStatus::Invited,
            2 => MemberStatus::Disabled,
            _ => MemberStatus::Active,
        }
    };
    let created_at = SEED_EPOCH - 86_400 * (400 - (j as i64 % 400));
    let (_, _, country_id) = d.pick(PLACES);
    let active = status == MemberStatus::Active;
    let t = |s: &'static str| Some(Cow::Borrowed(s)) as Option<Text>;
    MemberRecord {
        id,
        email: format!("{}.{}{}@fake-org.example", lower(first), lower(last), id),
        username: Some(Cow::Owned(format!("{}{}", lower(first), id))),
        first_name: Cow::Borrowed(first),
        last_name: Cow::Borrowed(last),
        profile_pic: None,
        country_id: Some(country_id),
        status,
        role,
        created_at,
        updated_at: created_at + 86_400,
        last_login_at: active.then(|| SEED_END - (d.below(90 * 86_400) as i64)),
        activated_at: (status != MemberStatus::Invited).then_some(created_at),
        phone: d
            .chance(50)
            .then(|| Cow::Owned(format!("+1-555-{:04}", d.below(10_000)))),
        job_title: if d.chance(70) { t(d.pick(JOBS)) } else { None },
        job_description: None,
        team: if d.chance(60) { t(d.pick(TEAMS)) } else { None },
        timezone: t(d.pick(TIMEZONES).0),
        date_format: t(if d.chance(50) {
            "mm/dd/yyyy"
        } else {
            "dd/mm/yyyy"
        }),
        is_default_admin: j == 0,
        invited_by: (j != 0).then_some(FIRST_MEMBER_ID),
        approved_at: Some(created_at),
        disabled_at: (status == MemberStatus::Disabled).then_some(created_at + 30 * 86_400),
        locale: t("en"),
        step_preferences: None,
        stats: MemberStats {
            steps_created: Some(d.below(60) as i64),
            tasks_completed: Some(d.below(200) as i64),
            processes_launched: Some(d.below(30) as i64),
            checklists_created: Some(d.below(10) as i64),
            last_step_created_at: active.then(|| ts(SEED_END - 86_400)),
        },
        bot: false,
        in_other_orgs: false,
    }
}

/// How many records of each kind to generate.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counts {
    pub guests: usize,
    pub members: usize,
    pub templates: usize,
    pub processes: usize,
}

/// Builds the whole initial state.
pub(crate) fn build(
    org_id: &str,
    seed: u64,
    counts: Counts,
    seat_limit: Option<u32>,
    page_cap: u64,
    shapes: Shapes,
) -> State {
    let Counts {
        guests,
        members,
        templates,
        processes,
    } = counts;
    let members: Vec<MemberRecord> = (0..members).map(|j| member(seed, j)).collect();
    let member_ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    // Creation times stay between 2023-01-01 and 2025-06-01 however many guests there are.
    let spacing = ((SEED_END - SEED_EPOCH) / guests.max(1) as i64).clamp(1, 3_600);
    let guests: Vec<GuestRecord> = (0..guests)
        .map(|i| guest(seed, i, spacing, &member_ids))
        .collect();
    let guest_ids: HashMap<String, i64> = guests
        .iter()
        .map(|g| (g.email.to_lowercase(), g.id))
        .collect();
    let groups = GROUP_NAMES
        .iter()
        .enumerate()
        .map(|(k, &(name, description))| GroupRecord {
            id: format!("group_{}", k + 1),
            name: Text::Borrowed(name),
            description: Text::Borrowed(description),
            created_at: GROUP_EPOCH + k as i64 * 86_400,
            last_updated: GROUP_EPOCH + k as i64 * 86_400 + 3_600,
            members: member_ids.iter().copied().skip(k).step_by(3).collect(),
            guests: guests
                .iter()
                .skip(k)
                .step_by(50)
                .take(5)
                .map(|g| g.email.clone())
                .collect(),
        })
        .collect();
    State {
        org_id: org_id.to_string(),
        next_guest_id: FIRST_GUEST_ID + guests.len() as i64,
        guests,
        guest_ids,
        next_member_id: FIRST_MEMBER_ID + members.len() as i64,
        members,
        next_group_no: GROUP_NAMES.len() + 1,
        groups,
        seat_limit,
        page_cap,
        shapes,
        rng: mix(seed ^ 0xFACE),
        version: 0,
        render_cache: HashMap::new(),
        cache_version: 0,
        org_index: Vec::new(),
        org_index_version: None,
        acting_member: None,
        webhooks: Default::default(),
        // With no seeded member, the workflow's people are the default administrator's id.
        workflow: crate::workflow::seed::build(
            seed,
            templates,
            processes,
            if member_ids.is_empty() {
                &[FIRST_MEMBER_ID]
            } else {
                &member_ids
            },
        ),
    }
}
