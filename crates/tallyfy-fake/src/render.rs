//! The canonical guest JSON written straight to text: the same bytes as rendering the guest to a
//! `serde_json::Value` first (sorted keys, every documented field, `null` when empty), without
//! building that map. A list page of 100 guests is mostly this, so it is what a walk costs.
//!
//! The varied shapes still go through `Value` (`crate::shapes` rewrites records there); the test
//! below holds the two paths to the same bytes for every seeded guest.

use serde::Serialize;
use serde_json::Value;
use tallyfy_client::Timestamp;
use tallyfy_client::types::{FlexibleId, Guest, GuestDetails, GuestStats};

/// A guest's documented fields in key order; `None` is written as `null`.
#[derive(Serialize)]
struct Sorted<'a> {
    created_at: &'a Option<Timestamp>,
    deleted_at: &'a Option<Timestamp>,
    details: Option<SortedDetails<'a>>,
    email: &'a Option<String>,
    first_name: &'a Option<String>,
    id: &'a Option<FlexibleId>,
    last_accessed_at: &'a Option<Timestamp>,
    last_known_country: &'a Option<String>,
    last_known_ip: &'a Option<String>,
    last_name: &'a Option<String>,
    link: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<SortedStats<'a>>,
}

#[derive(Serialize)]
struct SortedDetails<'a> {
    associated_members: &'a Option<Vec<i64>>,
    cadence_days: &'a Option<i64>,
    company_name: &'a Option<String>,
    company_url: &'a Option<String>,
    contact_url: &'a Option<String>,
    disabled_at: &'a Option<Timestamp>,
    disabled_by: &'a Option<Value>,
    external_date_creation: &'a Option<String>,
    external_sync_source: &'a Option<String>,
    image_url: &'a Option<String>,
    last_accessed_at: &'a Option<Timestamp>,
    last_city: &'a Option<String>,
    last_country: &'a Option<String>,
    opportunity_name: &'a Option<String>,
    opportunity_url: &'a Option<String>,
    phone_1: &'a Option<String>,
    phone_2: &'a Option<String>,
    reactivated_at: &'a Option<Timestamp>,
    reactivated_by: &'a Option<Value>,
    status: &'a Option<String>,
    timezone: &'a Option<String>,
}

/// `stats`: `{}` when it has nothing, else every documented field.
#[derive(Serialize)]
#[serde(untagged)]
enum SortedStats<'a> {
    Empty {},
    Full {
        assigned_tasks: &'a Option<i64>,
        last_one_off_task_completed_at: &'a Option<Timestamp>,
        last_task_completed_at: &'a Option<Timestamp>,
        one_off_tasks_completed: &'a Option<i64>,
        tasks_completed: &'a Option<i64>,
    },
}

/// `guest` as canonical JSON text. `None` for a guest with a field the canonical form leaves out
/// (none does today): the caller renders such a guest through `Value`.
pub(crate) fn canonical_guest(guest: &Guest) -> Option<String> {
    let details = match &guest.details {
        None => None,
        Some(d) => Some(details(d)?),
    };
    let sorted = Sorted {
        created_at: &guest.created_at,
        deleted_at: &guest.deleted_at,
        details,
        email: &guest.email,
        first_name: &guest.first_name,
        id: &guest.id,
        last_accessed_at: &guest.last_accessed_at,
        last_known_country: &guest.last_known_country,
        last_known_ip: &guest.last_known_ip,
        last_name: &guest.last_name,
        link: &guest.link,
        stats: match &guest.stats {
            None => None,
            Some(s) => Some(stats(s)?),
        },
    };
    Some(serde_json::to_string(&sorted).expect("a guest always serializes"))
}

fn details(d: &GuestDetails) -> Option<SortedDetails<'_>> {
    // Fields of the older shapes, which the canonical form never has.
    if d.first_name.is_some() || d.last_name.is_some() || d.disabled_on.is_some() {
        return None;
    }
    Some(SortedDetails {
        associated_members: &d.associated_members,
        cadence_days: &d.cadence_days,
        company_name: &d.company_name,
        company_url: &d.company_url,
        contact_url: &d.contact_url,
        disabled_at: &d.disabled_at,
        disabled_by: &d.disabled_by,
        external_date_creation: &d.external_date_creation,
        external_sync_source: &d.external_sync_source,
        image_url: &d.image_url,
        last_accessed_at: &d.last_accessed_at,
        last_city: &d.last_city,
        last_country: &d.last_country,
        opportunity_name: &d.opportunity_name,
        opportunity_url: &d.opportunity_url,
        phone_1: &d.phone_1,
        phone_2: &d.phone_2,
        reactivated_at: &d.reactivated_at,
        reactivated_by: &d.reactivated_by,
        status: &d.status,
        timezone: &d.timezone,
    })
}

fn stats(s: &GuestStats) -> Option<SortedStats<'_>> {
    // The older names, which the canonical form never has.
    if s.active_tasks.is_some() || s.completed_tasks.is_some() {
        return None;
    }
    let empty = s.assigned_tasks.is_none()
        && s.last_one_off_task_completed_at.is_none()
        && s.last_task_completed_at.is_none()
        && s.one_off_tasks_completed.is_none()
        && s.tasks_completed.is_none();
    if empty {
        return Some(SortedStats::Empty {});
    }
    Some(SortedStats::Full {
        assigned_tasks: &s.assigned_tasks,
        last_one_off_task_completed_at: &s.last_one_off_task_completed_at,
        last_task_completed_at: &s.last_task_completed_at,
        one_off_tasks_completed: &s.one_off_tasks_completed,
        tasks_completed: &s.tasks_completed,
    })
}

#[cfg(test)]
mod tests {
    use crate::seed::{Counts, build};
    use crate::shapes::Shapes;

    /// Every seeded guest, and each with the fields seeding leaves empty set (disabled and
    /// reactivated, a cadence, open tasks without stats, odd text), renders to exactly the bytes
    /// of the `Value` path, with and without stats.
    #[test]
    fn the_direct_text_is_the_value_paths_text() {
        let counts = Counts {
            guests: 1500,
            members: 3,
            templates: 0,
            processes: 0,
        };
        let mut st = build("org-1", 11, counts, None, 100, Shapes::Canonical);
        for (i, g) in st.guests.iter_mut().enumerate() {
            match i % 5 {
                1 => {
                    g.disabled_at = Some(1_700_000_000);
                    g.disabled_by = Some(1001);
                    g.reactivated_at = Some(1_700_000_500);
                    g.reactivated_by = Some(1002);
                }
                2 => {
                    g.stats = None;
                    g.open_tasks = 3;
                }
                3 => {
                    g.cadence_days = Some(14);
                    g.associated_members = Some(vec![]);
                    g.first_name = Some("Zoë \"Z\" O'Brien\n<b>".into());
                    g.deleted_at = Some(1_600_000_000);
                }
                4 => g.stats = None,
                _ => {}
            }
        }
        for g in &st.guests {
            for with_stats in [false, true] {
                let guest = g.to_guest(&st.org_id, with_stats);
                let via_value =
                    serde_json::to_string(&g.to_json(&st.org_id, with_stats, Shapes::Canonical))
                        .unwrap();
                let direct = super::canonical_guest(&guest).expect("a canonical guest");
                assert_eq!(direct, via_value, "guest {} (stats: {with_stats})", g.id);
            }
        }
    }
}
