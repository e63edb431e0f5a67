//! All 17 operations through the generated `tallyfy_client::Client`: every answer of the fake must
//! decode into the spec's types, and the client's strict path encoding must reach the right guest.

use serde_json::json;
use tallyfy_client::Client;
use tallyfy_client::reqwest;
use tallyfy_client::types::{
    FlexibleId, GuestCreate, GuestUpdate, ListGuestsWith, MemberInvite, MemberRoleChange,
    MemberUpdate,
};
use tallyfy_fake::FakeTallyfy;

fn client(fake: &FakeTallyfy) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {}", fake.token()).parse().unwrap(),
    );
    headers.insert("X-Tallyfy-Client", "APIClient".parse().unwrap());
    headers.insert(reqwest::header::ACCEPT, "application/json".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .no_proxy()
        .build()
        .unwrap();
    Client::new_with_client(&fake.base_url(), http, Default::default())
}

#[tokio::test]
async fn guest_operations_decode_into_the_generated_types() {
    let fake = FakeTallyfy::builder()
        .org_id("0123456789abcdef0123456789abcdef")
        .seed_guests(30)
        .seed_members(4)
        .start()
        .await
        .unwrap();
    let c = client(&fake);
    let org = fake.org_id().to_string();

    let page = c
        .list_guests(
            &org,
            Some(2.try_into().unwrap()),
            Some(10.try_into().unwrap()),
            None,
            Some("-created_at"),
            None,
            Some(ListGuestsWith::Stats),
            None,
        )
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.data.len(), 10);
    let p = page.meta.unwrap().pagination.unwrap();
    assert_eq!(
        (p.total, p.total_pages, p.current_page),
        (Some(30), Some(3), Some(2))
    );
    let links = p.links.unwrap();
    assert!(links.previous.is_some() && links.next.is_some());
    assert!(page.data.iter().all(|g| g.stats.is_some()));
    assert!(page.data[0].created_at.as_ref().unwrap().parsed().is_some());

    let email = "o'brien+tag/x%y#z?w@x.io";
    let body: GuestCreate = serde_json::from_value(json!({
        "email": email,
        "first_name": "Aoife",
        "external_date_creation": "2025-01-15 10:30:00",
        "external_sync_source": "salesforce"
    }))
    .unwrap();
    let created = c.create_guest(&org, &body).await.unwrap();
    assert_eq!(created.status(), 201);
    let created = created.into_inner().data;
    assert_eq!(created.email.as_deref(), Some(email));

    let got = c
        .get_guest(&org, email, None)
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(got.id, created.id);
    let update: GuestUpdate =
        serde_json::from_value(json!({"associated_members": [1001, 1002]})).unwrap();
    let updated = c
        .update_guest(&org, email, &update)
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(
        updated.details.unwrap().associated_members,
        Some(vec![1001, 1002])
    );
    let disabled = c
        .disable_guest(&org, email)
        .await
        .unwrap()
        .into_inner()
        .data;
    assert!(disabled.details.unwrap().disabled_at.is_some());
    let enabled = c.enable_guest(&org, email).await.unwrap().into_inner().data;
    assert_ne!(enabled.link, disabled.link);
    c.disable_guest(&org, email).await.unwrap();
    let Some(FlexibleId::Int64(id)) = created.id else {
        panic!("numeric id expected")
    };
    c.purge_guest(&org, &id.to_string()).await.unwrap();
    assert!(fake.guest(email).is_none());

    let other = fake.guests()[3].email.clone().unwrap();
    let removed = c
        .remove_guest(&org, &other)
        .await
        .unwrap()
        .into_inner()
        .data;
    assert!(removed.deleted_at.is_some());
    // A refusal arrives as an error with its status and body.
    let err = c.remove_guest(&org, &other).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
}

#[tokio::test]
async fn member_operations_decode_into_the_generated_types() {
    let fake = FakeTallyfy::builder()
        .seed_members(6)
        .start()
        .await
        .unwrap();
    let c = client(&fake);
    let org = fake.org_id().to_string();

    let with = "groups,stats,country".parse().unwrap();
    let list = c
        .list_members(&org, None, None, None, Some("-id"), Some(&with))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(list.data.len(), 6);
    assert_eq!(list.data[0].id, Some(1006));
    assert!(
        list.data
            .iter()
            .all(|m| m.stats.is_some() && m.groups.is_some())
    );

    let with = "stats".parse().unwrap();
    let admin = c
        .get_member(&org, 1001, Some(&with))
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(admin.is_default_admin, Some(true));
    assert_eq!(admin.role, Some(tallyfy_client::MemberRole::Admin));

    let invite: MemberInvite = serde_json::from_value(json!({
        "email": "new.user@example.com",
        "first_name": "Charlie",
        "last_name": "Brown",
        "role": "light",
        "message": "Welcome!"
    }))
    .unwrap();
    let invited = c
        .invite_member(&org, &invite)
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(invited.status.as_deref(), Some("invited"));
    let id = invited.id.unwrap();

    let update: MemberUpdate = serde_json::from_value(json!({
        "first_name": "Charlie",
        "last_name": "Black",
        "timezone": "Europe/London",
        "date_format": "dd/mm/yyyy"
    }))
    .unwrap();
    let updated = c
        .update_member(&org, id, &update)
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(updated.full_name.as_deref(), Some("Charlie Black"));
    let role: MemberRoleChange = serde_json::from_value(json!({"role": "standard"})).unwrap();
    let promoted = c
        .set_member_role(&org, id, &role)
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(promoted.role, Some(tallyfy_client::MemberRole::Standard));

    c.disable_member(&org, id).await.unwrap();
    c.enable_member(&org, id).await.unwrap();
    c.disable_member(&org, id).await.unwrap();
    c.purge_member(&org, id).await.unwrap();
    assert!(fake.member(id).is_none());

    let removed = c
        .remove_member(&org, 1002, std::num::NonZeroU64::new(1001), Some(true))
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(removed.id, Some(1002));
    let err = c.remove_member(&org, 1001, None, None).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
}
