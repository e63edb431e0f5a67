//! The form-value model against every value shape Tallyfy's docs show, the round trips, and the
//! tolerance rules: decoding a single value never fails.

use chrono::TimeZone;
use serde_json::{Value, json};
use tallyfy_client::{Assignees, Choice, FileRef, FormValue, FormValues};

fn decode(v: Value) -> FormValue {
    serde_json::from_value(v).expect("a form value never fails to decode")
}

fn encode(v: &FormValue) -> Value {
    serde_json::to_value(v).unwrap()
}

/// `raw` decodes to `want`, and is written back as `canonical`, which decodes to `want` again.
#[track_caller]
fn pin(raw: Value, want: FormValue, canonical: Value) {
    let got = decode(raw.clone());
    assert_eq!(got, want, "{raw}");
    assert_eq!(encode(&got), canonical, "{raw}");
    assert_eq!(got.to_json(), canonical, "{raw}");
    assert_eq!(decode(canonical.clone()), want, "{canonical}");
}

/// `raw` is already canonical: it decodes to `want` and is written back unchanged.
#[track_caller]
fn pin_exact(raw: Value, want: FormValue) {
    pin(raw.clone(), want, raw);
}

#[test]
fn update_task_table_of_shapes() {
    // tasks/update-task.md, the "Value to send" table.
    pin_exact(
        json!("2025-12-31T23:59:59Z"),
        FormValue::text("2025-12-31T23:59:59Z"),
    );
    pin_exact(json!("Full-time"), FormValue::text("Full-time"));
    pin(
        json!({ "id": 3, "text": "Office 365", "value": null }),
        FormValue::choice(3, "Office 365"),
        json!({"id": 3, "text": "Office 365"}),
    );
    pin_exact(
        json!([{ "id": 1, "text": "Slack", "selected": true }]),
        FormValue::choices([(1, "Slack")]),
    );
    pin_exact(json!(["Widget", "3"]), FormValue::table(["Widget", "3"]));
    pin_exact(
        json!({ "users": [12345], "guests": ["guest@example.com"], "groups": ["group_id"] }),
        FormValue::assignees(
            Assignees::default()
                .user(12345)
                .guest("guest@example.com")
                .group("group_id"),
        ),
    );
}

#[test]
fn update_task_multiple_field_types_in_one_call() {
    // tasks/update-task.md, "Multiple field types in one call" (the `taskdata` object, comments
    // dropped). Read from text: a `serde_json::Value` would sort the keys.
    let body = r#"{
        "e4238158ad0949d4ad78c55125b28a99": "normal text field",
        "ad789434de1c4d5fade2193d237c5716": "Text Area content here",
        "7a54e215a9904096851360917080599f": "yes",
        "8c0161f92eba4d3da7182fed348f3421": "2025-12-20T14:23:18.128Z",
        "0e4b280880cc4407a06478a2faa8052b": {
            "id": 2,
            "text": "Office 365",
            "value": null
        },
        "fe316c2ac44a421cafbf128c9462b8e9": [
            {
                "id": 1,
                "text": "Slack",
                "value": null,
                "required": true,
                "selected": true
            },
            {
                "id": 2,
                "text": "Teams",
                "value": null,
                "required": false,
                "selected": false
            }
        ]
    }"#;
    let values: FormValues = serde_json::from_str(body).unwrap();
    let ids: Vec<&str> = values.iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "e4238158ad0949d4ad78c55125b28a99",
            "ad789434de1c4d5fade2193d237c5716",
            "7a54e215a9904096851360917080599f",
            "8c0161f92eba4d3da7182fed348f3421",
            "0e4b280880cc4407a06478a2faa8052b",
            "fe316c2ac44a421cafbf128c9462b8e9",
        ],
        "the document's order is kept"
    );
    let get = |id| values.get(id).unwrap();
    assert_eq!(
        get("e4238158ad0949d4ad78c55125b28a99").as_text(),
        Some("normal text field")
    );
    assert_eq!(
        get("7a54e215a9904096851360917080599f").as_text(),
        Some("yes")
    );
    let date = get("8c0161f92eba4d3da7182fed348f3421").as_date().unwrap();
    assert_eq!(date.to_rfc3339(), "2025-12-20T14:23:18.128+00:00");
    assert_eq!(
        get("0e4b280880cc4407a06478a2faa8052b").as_choice(),
        Some(&Choice::new(2, "Office 365"))
    );
    // Teams is listed with `selected: false`: not chosen.
    assert_eq!(
        get("fe316c2ac44a421cafbf128c9462b8e9").as_choices(),
        Some(&[Choice::new(1, "Slack")][..])
    );
    assert_eq!(
        serde_json::to_value(&values).unwrap(),
        json!({
            "e4238158ad0949d4ad78c55125b28a99": "normal text field",
            "ad789434de1c4d5fade2193d237c5716": "Text Area content here",
            "7a54e215a9904096851360917080599f": "yes",
            "8c0161f92eba4d3da7182fed348f3421": "2025-12-20T14:23:18.128Z",
            "0e4b280880cc4407a06478a2faa8052b": {"id": 2, "text": "Office 365"},
            "fe316c2ac44a421cafbf128c9462b8e9": [{"id": 1, "text": "Slack", "selected": true}],
        })
    );
}

#[test]
fn update_task_code_samples_and_response() {
    // tasks/update-task.md, the Python sample's dropdown.
    pin(
        json!({ "id": 3, "text": "Selected Option C", "value": null }),
        FormValue::choice(3, "Selected Option C"),
        json!({"id": 3, "text": "Selected Option C"}),
    );
    // tasks/update-task.md, the JavaScript, Java, Go and C++ samples' text values.
    for text in [
        "Updated value from JS",
        "new value",
        "Java value",
        "Option B",
        "Value set by C++",
    ] {
        pin_exact(json!(text), FormValue::text(text));
    }
    // tasks/update-task.md, the C# sample sends a number to a text field.
    pin_exact(
        json!(123.45),
        FormValue::number(serde_json::Number::from_f64(123.45).unwrap()),
    );
    // tasks/update-task.md, the response's `taskdata` (its `...` elided).
    let values: FormValues = serde_json::from_value(json!({
        "text_field_id_example": "Updated value from JS",
        "dropdown_field_id_example": { "id": 3 },
        "radio_button_field_id": "Option B"
    }))
    .unwrap();
    assert_eq!(values.len(), 3);
    // A dropdown without its text is no choice: kept as received.
    assert_eq!(
        values.get("dropdown_field_id_example"),
        Some(&FormValue::Other(json!({ "id": 3 })))
    );
}

#[test]
fn launch_process_prerun_shapes() {
    // processes/launch-process.md, "Populating kick-off fields with prerun".
    pin_exact(json!("Your text value"), FormValue::text("Your text value"));
    pin_exact(
        json!("YYYY-MM-DDTHH:mm:ss.sssZ"),
        FormValue::text("YYYY-MM-DDTHH:mm:ss.sssZ"),
    );
    pin_exact(
        json!("Selected Option Value"),
        FormValue::text("Selected Option Value"),
    );
    pin(
        json!({ "id": 2, "text": "Option Text", "value": null }),
        FormValue::choice(2, "Option Text"),
        json!({"id": 2, "text": "Option Text"}),
    );
    pin(
        json!([{ "id": 1, "text": "Option 1", "value": null, "selected": true }]),
        FormValue::choices([(1, "Option 1")]),
        json!([{"id": 1, "text": "Option 1", "selected": true}]),
    );
    pin_exact(json!(["Widget", "3"]), FormValue::table(["Widget", "3"]));
    pin_exact(
        json!({ "users": [12345], "guests": ["guest@example.com"], "groups": ["group_id"] }),
        FormValue::assignees(
            Assignees::default()
                .user(12345)
                .guest("guest@example.com")
                .group("group_id"),
        ),
    );
    let file = json!([{ "id": "asset_id", "filename": "report.pdf", "version": 1, "url": "...", "uploaded_from": "ko_field", "subject": { "id": "template_id", "type": "Checklist" } }]);
    let v = decode(file.clone());
    let files = v.as_files().unwrap();
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(f.id(), Some("asset_id"));
    assert_eq!(f.filename(), Some("report.pdf"));
    assert_eq!(f.version(), Some(1));
    assert_eq!(f.url(), Some("..."));
    assert_eq!(f.uploaded_from(), Some("ko_field"));
    assert_eq!(f.subject(), Some((Some("template_id"), Some("Checklist"))));
    assert_eq!(encode(&v), file);
    let built = FormValue::files([FileRef::new("asset_id")
        .with_filename("report.pdf")
        .with_version(1)
        .with_url("...")
        .with_uploaded_from("ko_field")
        .with_subject("template_id", "Checklist")]);
    assert_eq!(built, v);
}

#[test]
fn launch_process_bodies() {
    // processes/launch-process.md, "Sending a table value".
    let values: FormValues = serde_json::from_value(json!({
        "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4": ["Widget", "3"]
    }))
    .unwrap();
    assert_eq!(
        values,
        FormValues::new().set(
            "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4",
            FormValue::table(["Widget", "3"])
        )
    );
    // processes/launch-process.md, the JavaScript sample's `prerun`.
    let values: FormValues = serde_json::from_value(json!({
        "kickoff_field_id_1": "Customer XYZ",
        "kickoff_field_id_2": "2025-01-15T12:00:00Z"
    }))
    .unwrap();
    let at = chrono::Utc.with_ymd_and_hms(2025, 1, 15, 12, 0, 0).unwrap();
    assert_eq!(
        values,
        FormValues::new()
            .set("kickoff_field_id_1", "Customer XYZ")
            .set("kickoff_field_id_2", FormValue::date(at))
    );
    assert_eq!(
        values.get("kickoff_field_id_2").unwrap().as_date(),
        Some(at)
    );
    // processes/launch-process.md, the Python sample's `prerun`.
    let values: FormValues = serde_json::from_value(json!({
        "prerun_id_cust_name": "ACME Corp",
        "prerun_id_details": "High priority request."
    }))
    .unwrap();
    assert_eq!(
        serde_json::to_value(&values).unwrap(),
        json!({"prerun_id_cust_name": "ACME Corp", "prerun_id_details": "High priority request."})
    );
}

#[test]
fn get_process_and_guides() {
    // processes/get-process.md, the response's empty `prerun`.
    let values: FormValues = serde_json::from_value(json!({})).unwrap();
    assert!(values.is_empty());
    // guides/templates-processes.md, the launch body's `prerun` ("2499.99" stays a string).
    let body = json!({
        "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6": "John Smith",
        "3c9d1e7fa4b820516d8e2f7a9c0b4d15": "2499.99",
        "9f2b7c1e4a6d8035b1c7e9d2f4a6b801": "Engineering team needs upgraded hardware"
    });
    let values: FormValues = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        values.get("3c9d1e7fa4b820516d8e2f7a9c0b4d15"),
        Some(&FormValue::text("2499.99"))
    );
    assert_eq!(serde_json::to_value(&values).unwrap(), body);
}

#[test]
fn get_task_form_field_value() {
    // tasks/get-task.md, a dropdown's `value` in `form_fields`.
    pin_exact(
        json!({ "id": 1, "text": "Approved" }),
        FormValue::choice(1, "Approved"),
    );
}

#[test]
fn webhook_values() {
    // webhooks/webhook-payload-structure.md, the process's `prerun`.
    let body = json!({
        "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6": "Widget Suppliers Inc",
        "3c9d1e7fa4b820516d8e2f7a9c0b4d15": "Service Agreement",
        "9f2b7c1e4a6d8035b1c7e9d2f4a6b801": "50000",
        "6e4a2c80f19b3d75e0a8c246b93f157d": "normal"
    });
    let values: FormValues = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(values.len(), 4);
    assert!(values.iter().all(|(_, v)| v.as_text().is_some()));
    assert_eq!(serde_json::to_value(&values).unwrap(), body);
    // webhooks/webhook-payload-structure.md, the task's `assets` (version as a string).
    let assets = json!([
      {
        "id": "asset123",
        "filename": "signed-contract.pdf",
        "version": "1",
        "public_link": "https://api.tallyfy.com/organizations/org789/file/asset123/dl"
      }
    ]);
    let v = decode(assets.clone());
    let f = &v.as_files().unwrap()[0];
    assert_eq!(f.version(), Some(1));
    assert_eq!(
        f.get("public_link").and_then(Value::as_str),
        Some("https://api.tallyfy.com/organizations/org789/file/asset123/dl")
    );
    assert_eq!(
        encode(&v),
        assets,
        "every key kept, the version's string too"
    );
}

#[test]
fn upload_attach_file_values() {
    // files/upload-attach-file.md, "Body for task fields" (the value of the capture).
    pin_exact(
        json!([
          {
            "id": "asset_id_abc123xyz",
            "filename": "document.pdf",
            "version": 1,
            "uploaded_from": "capture_id_abc123",
            "uploaded_at": "2024-01-15T10:00:00Z",
            "step_id": "step_id_xyz789",
            "source": "local",
            "uploaded_to_s3": true,
            "subject": {
              "id": "run_id_abc",
              "type": "Run"
            }
          }
        ]),
        FormValue::files([FileRef::new("asset_id_abc123xyz")
            .with_filename("document.pdf")
            .with_version(1)
            .with_uploaded_from("capture_id_abc123")
            .with_key("uploaded_at", "2024-01-15T10:00:00Z")
            .with_key("step_id", "step_id_xyz789")
            .with_key("source", "local")
            .with_key("uploaded_to_s3", true)
            .with_subject("run_id_abc", "Run")]),
    );
    // files/upload-attach-file.md, the upload's response `data` is what goes in the list.
    let Value::Object(asset) = json!({
        "id": "asset_id_abc123xyz",
        "filename": "document.pdf",
        "version": 1,
        "uploaded_from": "capture_id_abc123",
        "uploaded_at": "2024-01-15T10:00:00Z",
        "step_id": "step_id_xyz789",
        "source": "local",
        "system": null,
        "uploaded_to_s3": true,
        "subject": {
          "id": "run_id_abc",
          "type": "Run"
        }
    }) else {
        unreachable!()
    };
    let v = FormValue::files([FileRef::from_object(asset.clone())]);
    assert_eq!(encode(&v), Value::Array(vec![Value::Object(asset)]));
}

#[test]
fn constructors_write_the_documented_shapes() {
    let at = chrono::Utc
        .with_ymd_and_hms(2025, 12, 31, 23, 59, 59)
        .unwrap();
    for (value, wire) in [
        (FormValue::text("yes"), json!("yes")),
        (FormValue::date(at), json!("2025-12-31T23:59:59Z")),
        (
            FormValue::date_str("2026-03-01 09:00:00"),
            json!("2026-03-01 09:00:00"),
        ),
        (FormValue::number(3), json!(3)),
        (FormValue::boolean(true), json!(true)),
        (
            FormValue::choice(2, "Office 365"),
            json!({"id": 2, "text": "Office 365"}),
        ),
        (
            FormValue::choices([(1, "Slack"), (2, "Teams")]),
            json!([
                {"id": 1, "text": "Slack", "selected": true},
                {"id": 2, "text": "Teams", "selected": true},
            ]),
        ),
        (FormValue::table(["a", "b"]), json!(["a", "b"])),
        (
            FormValue::assignees(Assignees::default().user(1001).guest("g@x.io").group("g1")),
            json!({"users": [1001], "guests": ["g@x.io"], "groups": ["g1"]}),
        ),
        (
            FormValue::assignees(Assignees::default()),
            json!({"users": [], "guests": [], "groups": []}),
        ),
        (
            FormValue::files([FileRef::new("a1").with_full_url("https://x/dl")]),
            json!([{"id": "a1", "full_url": "https://x/dl"}]),
        ),
        (FormValue::empty(), json!(null)),
    ] {
        assert_eq!(encode(&value), wire, "{value:?}");
        assert_eq!(decode(wire.clone()), value, "{wire}");
    }
}

#[test]
fn tolerance() {
    // Numeric-string choice ids, in a dropdown and a multiselect.
    pin(
        json!({"id": "2", "text": "Office 365"}),
        FormValue::choice(2, "Office 365"),
        json!({"id": 2, "text": "Office 365"}),
    );
    pin(
        json!([{"id": "1", "text": "Slack", "selected": true}, {"id": 2, "text": "Teams"}]),
        FormValue::choices([(1, "Slack"), (2, "Teams")]),
        json!([
            {"id": 1, "text": "Slack", "selected": true},
            {"id": 2, "text": "Teams", "selected": true},
        ]),
    );
    // `value` of any kind in a dropdown is ignored.
    for value in [json!(null), json!("x"), json!(3)] {
        assert_eq!(
            decode(json!({"id": 2, "text": "Office 365", "value": value})),
            FormValue::choice(2, "Office 365")
        );
    }
    // Missing and null buckets.
    for (raw, want) in [
        (json!({"users": [1001]}), Assignees::default().user(1001)),
        (
            json!({"guests": ["g@x.io"]}),
            Assignees::default().guest("g@x.io"),
        ),
        (
            json!({"groups": ["g1"], "users": null}),
            Assignees::default().group("g1"),
        ),
        (
            json!({"users": ["1001", 1002]}),
            Assignees::default().user(1001).user(1002),
        ),
        (
            json!({"users": [], "guests": [], "groups": []}),
            Assignees::default(),
        ),
    ] {
        assert_eq!(decode(raw.clone()), FormValue::assignees(want), "{raw}");
    }
    // Version as a string, kept as a string.
    let raw = json!([{"id": "a1", "filename": "f.pdf", "version": "2"}]);
    let v = decode(raw.clone());
    assert_eq!(v.as_files().unwrap()[0].version(), Some(2));
    assert_eq!(encode(&v), raw);
    // A multiselect in which nothing is selected chose nothing: it clears the field.
    let v = decode(json!([{"id": 1, "text": "Slack", "selected": false}]));
    assert_eq!(v, FormValue::Choices(vec![]));
    assert!(v.is_empty());
    assert_eq!(encode(&v), json!([]));
}

#[test]
fn empty_values_clear() {
    for raw in [json!(null), json!(""), json!([])] {
        let v = decode(raw.clone());
        assert_eq!(v, FormValue::Empty, "{raw}");
        assert!(v.is_empty());
        assert_eq!(encode(&v), json!(null));
    }
    assert!(FormValue::text("").is_empty());
    assert!(FormValue::choices(Vec::<Choice>::new()).is_empty());
    assert!(FormValue::files([]).is_empty());
    assert_eq!(decode(encode(&FormValue::text(""))), FormValue::Empty);
    // `[""]` is a one-column table with an empty cell, not an empty value.
    assert_eq!(decode(json!([""])), FormValue::table([""]));
    assert!(!decode(json!([""])).is_empty());
    // Not empty either.
    for v in [json!(0), json!(false), json!(" "), json!({})] {
        assert!(!decode(v.clone()).is_empty(), "{v}");
    }
}

#[test]
fn unrecognised_shapes_are_kept_as_they_came() {
    for raw in [
        json!({}),
        json!({"value": "x"}),
        json!({"text": "Office 365"}),
        json!({"id": 2}),
        json!({"id": "two", "text": "Office 365"}),
        json!({"id": 2.5, "text": "Office 365"}),
        json!({"id": 2, "text": null}),
        json!({"users": [1], "roles": ["r1"]}),
        json!({"users": "1001"}),
        json!({"users": [{"id": 1001}]}),
        json!({"guests": [3]}),
        json!({"groups": [7]}),
        json!([1, 2]),
        json!(["a", 1]),
        json!(["a", null]),
        json!([["a"]]),
        json!([{"id": 1}]),
        json!([{"id": 1, "text": "Slack"}, {"filename": "f.pdf"}]),
        json!([{"id": 1, "text": "Slack"}, "Teams"]),
        json!([{"name": "f.pdf"}]),
        json!([{}]),
    ] {
        let v = decode(raw.clone());
        assert_eq!(v, FormValue::Other(raw.clone()), "{raw}");
        assert_eq!(encode(&v), raw, "{raw}");
    }
}

/// Every JSON value built from assorted leaves, up to two levels of arrays and objects, decodes,
/// and what it decodes to is written as JSON that decodes to the same value again (for the values
/// that do not clear a field; those become `Empty`).
#[test]
fn arbitrary_json_never_fails_and_reencodes_stably() {
    let leaves = [
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(u64::MAX),
        json!(1.5),
        json!(""),
        json!("a"),
        json!("12"),
        json!("2025-12-31T23:59:59Z"),
    ];
    let keys = [
        "id", "text", "value", "selected", "users", "guests", "groups", "filename", "url",
        "full_url", "version", "x",
    ];
    let mut level1: Vec<Value> = leaves.to_vec();
    level1.push(json!([]));
    level1.push(json!({}));
    for a in &leaves {
        level1.push(json!([a]));
        for b in &leaves {
            level1.push(json!([a, b]));
        }
    }
    for k in keys {
        for a in &leaves {
            level1.push(json!({ k: a }));
            level1.push(json!({ k: [a] }));
            for k2 in keys {
                level1.push(json!({ k: a, k2: a }));
            }
        }
    }
    let mut all = level1.clone();
    for a in level1.iter().step_by(7) {
        all.push(json!([a]));
        all.push(json!([a, a]));
        for k in keys {
            all.push(json!({ k: a }));
        }
    }
    assert!(all.len() > 5_000, "{}", all.len());
    for raw in all {
        let v: FormValue = serde_json::from_value(raw.clone())
            .unwrap_or_else(|e| panic!("{raw} failed to decode: {e}"));
        let text = serde_json::to_string(&raw).unwrap();
        let from_text: FormValue = serde_json::from_str(&text).unwrap();
        assert_eq!(from_text, v, "{raw}");
        let wire = encode(&v);
        let again = decode(wire.clone());
        if v.is_empty() {
            assert_eq!(again, FormValue::Empty, "{raw}");
        } else {
            assert_eq!(again, v, "{raw} -> {wire}");
            assert_eq!(encode(&again), wire, "{raw}");
        }
    }
}

#[test]
fn form_values_map() {
    let mut v = FormValues::new()
        .set("b", "1")
        .set("a", FormValue::choice(2, "Office 365"))
        .set("c", FormValue::empty());
    assert_eq!(v.len(), 3);
    v = v.set("b", FormValue::table(["x"]));
    let ids: Vec<&str> = v.iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["b", "a", "c"], "replacing keeps the place");
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"b":["x"],"a":{"id":2,"text":"Office 365"},"c":null}"#
    );
    let collected: FormValues = [("b", FormValue::table(["x"]))]
        .into_iter()
        .chain([
            ("a", FormValue::choice(2, "Office 365")),
            ("c", FormValue::Empty),
        ])
        .collect();
    assert_eq!(collected, v);
    assert_eq!(v.remove("a"), Some(FormValue::choice(2, "Office 365")));
    assert_eq!(v.get("a"), None);
    assert_eq!(v.into_iter().count(), 2);
}

#[test]
fn form_values_decode_order_duplicates_and_empties() {
    let v: FormValues = serde_json::from_str(r#"{"z": "1", "a": "2", "z": "3"}"#).unwrap();
    let pairs: Vec<(&str, Option<&str>)> = v.iter().map(|(k, v)| (k, v.as_text())).collect();
    assert_eq!(
        pairs,
        [("z", Some("3")), ("a", Some("2"))],
        "the last duplicate wins, in place"
    );
    for raw in ["{}", "[]", "null"] {
        let v: FormValues = serde_json::from_str(raw).unwrap();
        assert!(v.is_empty(), "{raw}");
        assert_eq!(serde_json::to_string(&v).unwrap(), "{}");
    }
    let v: Option<FormValues> = serde_json::from_str("null").unwrap();
    assert!(v.is_none());
    for raw in [
        r#"["a"]"#,
        r#"[{"id": "f1", "value": "x"}]"#,
        r#""a""#,
        "3",
        "true",
    ] {
        let err = serde_json::from_str::<FormValues>(raw)
            .unwrap_err()
            .to_string();
        assert!(err.contains("keyed by field id"), "{raw}: {err}");
    }
    // One odd value does not fail the map.
    let v: FormValues = serde_json::from_str(r#"{"f1": {"lat": 1}, "f2": "ok"}"#).unwrap();
    assert_eq!(v.get("f1"), Some(&FormValue::Other(json!({"lat": 1}))));
}

#[test]
fn standalone_parts_decode() {
    let c: Choice =
        serde_json::from_value(json!({"id": "2", "text": "T", "selected": true})).unwrap();
    assert_eq!(c, Choice::new(2, "T"));
    assert!(serde_json::from_value::<Choice>(json!({"id": 2})).is_err());
    let a: Assignees = serde_json::from_value(json!({})).unwrap();
    assert!(a.is_empty());
    let a: Assignees = serde_json::from_value(json!(null)).unwrap();
    assert!(a.is_empty());
    assert!(serde_json::from_value::<Assignees>(json!({"users": "x"})).is_err());
    let f: FileRef = serde_json::from_value(json!({"id": "a1", "x": [1]})).unwrap();
    assert_eq!(f.get("x"), Some(&json!([1])));
    assert!(serde_json::from_value::<FileRef>(json!("a1")).is_err());
}

#[test]
fn json_schemas_are_open() {
    let schema = schemars::schema_for!(FormValues);
    let text = serde_json::to_string(&schema).unwrap();
    assert!(text.contains("\"FormValue\""), "{text}");
    let schema = serde_json::to_value(schemars::schema_for!(FormValue)).unwrap();
    assert!(
        schema.get("type").is_none(),
        "a form value can be any JSON: {schema}"
    );
}
