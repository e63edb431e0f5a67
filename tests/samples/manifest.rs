//! Reading `manifest.json` beside this file: the documented samples `tools/extract_samples.py`
//! wrote, and the rules both documented-samples tests apply to them. Included with `#[path]` by
//! `tests/tests/documented_samples.rs` (through the SDK) and
//! `crates/tallyfy-cli/tests/documented_samples.rs` (through the binary), so that both read the
//! samples the same way.

#![allow(dead_code, reason = "each of the two tests uses its own part of this")]

use serde_json::Value;

/// One sample of the manifest, with its JSON.
#[derive(Clone, Debug)]
pub struct Entry {
    pub file: String,
    pub source: String,
    pub line: u64,
    /// `response`, `error`, `request` or `webhook`.
    pub kind: String,
    /// The operation whose body the sample is; empty for a webhook payload.
    pub operation: String,
    /// For a webhook payload: `process` or `task` level.
    pub payload: Option<String>,
    /// For a webhook sample that is one member shown alone: the object holding it (`""` for the
    /// top level, `this_task`, `this_task.captures`, ...).
    pub within: Option<String>,
    pub what: String,
    /// The body property the sample is the value of, when it is not a whole body.
    pub part: Option<String>,
    pub value: Value,
}

impl Entry {
    /// The file name without `.json`, as snapshot names use it.
    pub fn name(&self) -> &str {
        self.file.trim_end_matches(".json")
    }

    /// Where the sample is in the reference, as `page:line`.
    pub fn at(&self) -> String {
        format!("{}:{}", self.source, self.line)
    }
}

/// Every sample listed in `dir/manifest.json`, each read from its file.
pub fn manifest(dir: &str) -> Vec<Entry> {
    let read = |name: &str| {
        let text = std::fs::read_to_string(format!("{dir}/{name}"))
            .unwrap_or_else(|e| panic!("{dir}/{name}: {e}"));
        serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{dir}/{name}: {e}"))
    };
    let manifest = read("manifest.json");
    manifest["samples"]
        .as_array()
        .expect("manifest.json has a samples list")
        .iter()
        .map(|e| {
            let field = |k: &str| {
                e[k].as_str()
                    .unwrap_or_else(|| panic!("a manifest entry without {k}: {e}"))
                    .to_string()
            };
            let file = field("file");
            let kind = field("kind");
            Entry {
                value: read(&file),
                source: field("source"),
                line: e["line"].as_u64().expect("a manifest entry has a line"),
                operation: if kind == "webhook" {
                    String::new()
                } else {
                    field("operation")
                },
                payload: e["payload"].as_str().map(String::from),
                within: e["within"].as_str().map(String::from),
                kind,
                what: field("what"),
                part: e["part"].as_str().map(String::from),
                file,
            }
        })
        .collect()
}

/// Request samples the SDK's form values rewrite on the way back, by its documented rules
/// (`tallyfy_client::forms`): a choice keeps its `id` and `text` (a multiselect entry adds
/// `"selected": true`), and a multiselect option with `"selected": false` was not chosen and is
/// left out. Each entry names the sample's pointers that must be exactly what goes, deepest first.
pub const NORMALISED: &[(&str, &[&str])] = &[(
    "docs-tasks-update-task-1.json",
    &[
        "/taskdata/0e4b280880cc4407a06478a2faa8052b/value",
        "/taskdata/fe316c2ac44a421cafbf128c9462b8e9/1",
        "/taskdata/fe316c2ac44a421cafbf128c9462b8e9/0/value",
        "/taskdata/fe316c2ac44a421cafbf128c9462b8e9/0/required",
    ],
)];

/// What a request sample must come back as: the sample without the pointers [`NORMALISED`] names
/// for it.
pub fn normalised(entry: &Entry) -> Value {
    let gone = NORMALISED
        .iter()
        .find(|(f, _)| *f == entry.file)
        .map_or(&[][..], |(_, p)| *p);
    without(&entry.value, gone)
}

/// `value` without what the pointers name (each must name something).
pub fn without(value: &Value, pointers: &[&str]) -> Value {
    let mut v = value.clone();
    for pointer in pointers {
        let (parent, last) = pointer.rsplit_once('/').unwrap();
        let removed = match v.pointer_mut(parent) {
            Some(Value::Object(m)) => m.remove(last).is_some(),
            Some(Value::Array(a)) => {
                let i: usize = last.parse().unwrap();
                i < a.len() && {
                    a.remove(i);
                    true
                }
            }
            _ => false,
        };
        assert!(removed, "{pointer} names nothing");
    }
    v
}
