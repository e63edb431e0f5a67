//! Hostile field values: random text around every documented length limit, in any script. A value
//! over its limit is refused by name with no request sent; a value within it reaches the fake, which
//! applies the same rule (counting characters, not bytes) and accepts it.

use proptest::prelude::*;
use tallyfy::{Error, Invite, NewGuest, Role};
use tallyfy_fake::FakeTallyfy;
use tallyfy_tests::client_for;

/// The length-limited text fields of create-guest and invite, with their limits in characters.
const GUEST_FIELDS: &[(&str, usize)] = &[
    ("first_name", 200),
    ("last_name", 200),
    ("company_name", 200),
    ("opportunity_name", 200),
    ("status", 200),
    ("phone_1", 20),
    ("phone_2", 20),
];
const INVITE_FIELDS: &[(&str, usize)] = &[("first_name", 32), ("last_name", 32), ("message", 5000)];

fn set_guest(g: NewGuest, field: &str, value: String) -> NewGuest {
    match field {
        "first_name" => g.first_name(value),
        "last_name" => g.last_name(value),
        "company_name" => g.company_name(value),
        "opportunity_name" => g.opportunity_name(value),
        "status" => g.status(value),
        "phone_1" => g.phone_1(value),
        "phone_2" => g.phone_2(value),
        other => unreachable!("{other}"),
    }
}

fn invite(field: &str, value: String, n: u64) -> Invite {
    let i = Invite::new(
        format!("invitee.{n}@hostile.example"),
        "F",
        "L",
        Role::Light,
        "m",
    );
    match field {
        "first_name" => i.first_name(value),
        "last_name" => i.last_name(value),
        "message" => i.message(value),
        other => unreachable!("{other}"),
    }
}

/// `len` characters drawn from ASCII, accented Latin, CJK and emoji (1 to 4 bytes each in UTF-8).
fn text_of_len(len: usize, seed: u64) -> String {
    const ALPHABET: &[char] = &[
        'a', 'Z', '7', ' ', '-', 'é', 'ß', 'Ж', '中', '文', '😀', '\'', '+',
    ];
    (0..len)
        .map(|i| ALPHABET[(seed as usize + i * 7) % ALPHABET.len()])
        .collect()
}

#[derive(Debug)]
enum Outcome {
    Refused(String),
    Sent,
}

fn outcome<T>(result: Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Sent,
        Err(Error::InvalidInput { field, .. }) => Outcome::Refused(field),
        Err(other) => panic!("unexpected error: {other}"),
    }
}

#[test]
fn limits_are_enforced_by_name_before_sending_and_agree_with_the_server() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (fake, client) = rt.block_on(async {
        let fake = FakeTallyfy::builder()
            .shapes(tallyfy_tests::shapes_from_env())
            .record_limit(100_000)
            .start()
            .await
            .unwrap();
        let client = client_for(&fake);
        (fake, client)
    });
    let config = ProptestConfig {
        cases: 200,
        ..ProptestConfig::default()
    };
    let counter = std::sync::atomic::AtomicU64::new(0);
    proptest!(config, |(guest in any::<bool>(), which in any::<prop::sample::Index>(), delta in -3i64..=3, seed in any::<u64>())| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let fields = if guest { GUEST_FIELDS } else { INVITE_FIELDS };
        let (field, limit) = fields[which.index(fields.len())];
        let len = (limit as i64 + delta).max(0) as usize;
        let value = text_of_len(len, seed);
        let before = fake.requests().len();
        let result = rt.block_on(async {
            if guest {
                let g = set_guest(NewGuest::new(format!("guest.{n}@hostile.example")), field, value.clone());
                outcome(client.guests().create(g).await)
            } else {
                outcome(client.members().invite(invite(field, value.clone(), n)).await)
            }
        });
        let sent = fake.requests().len() - before;
        match result {
            Outcome::Refused(named) => {
                prop_assert!(len > limit || len == 0, "{field} of {len} chars (limit {limit}) was refused");
                prop_assert_eq!(named, field);
                prop_assert_eq!(sent, 0, "a refused value must not be sent");
            }
            Outcome::Sent => {
                prop_assert!(len <= limit, "{field} of {len} chars (limit {limit}) was sent");
                prop_assert_eq!(sent, 1);
            }
        }
    });
}
