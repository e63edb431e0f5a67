//! Filling in a form by its fields' labels: [`Form`] turns a template's kick-off fields (for a
//! launch's `prerun`) or a task's form fields (for its `taskdata`) into [`FormValues`], choosing
//! options by their text and checking each value against its field's type before anything is sent.
//!
//! The value types themselves ([`FormValue`], [`Choice`], [`Assignees`], [`FileRef`]) are the
//! generated client's (`tallyfy_client::forms`), so values read back from the API are the same
//! types.

use tallyfy_client::types::{
    Capture, FieldOption, FormField, KickoffField, TableColumn, Task, Template,
};
use tallyfy_client::{Assignees, Choice, FileRef, FormValue, FormValues};

use crate::error::Error;

/// A field's definition, whatever kind of record holds it (a template's kick-off field, a step's
/// form field, a task's form field): they share what a form needs.
trait Definition {
    fn field(&self) -> Option<Field>;
}

macro_rules! definition {
    ($($ty:ty),*) => {$(
        impl Definition for $ty {
            fn field(&self) -> Option<Field> {
                Field::new(
                    self.id.as_ref().map(ToString::to_string),
                    self.label.as_deref(),
                    self.field_type.as_deref(),
                    self.required,
                    &self.options,
                    &self.columns,
                )
            }
        }
    )*};
}

definition!(KickoffField, FormField, Capture);

/// One field of a form, whatever it was read from.
#[derive(Clone, Debug)]
struct Field {
    id: String,
    label: String,
    field_type: String,
    required: bool,
    options: Vec<(i64, String)>,
    columns: usize,
}

impl Field {
    fn new(
        id: Option<String>,
        label: Option<&str>,
        field_type: Option<&str>,
        required: Option<bool>,
        options: &[FieldOption],
        columns: &[TableColumn],
    ) -> Option<Self> {
        Some(Self {
            id: id?,
            label: label.unwrap_or_default().to_string(),
            field_type: field_type.unwrap_or_default().to_string(),
            required: required.unwrap_or(false),
            options: options
                .iter()
                .filter_map(|o| {
                    let id = match o.id.as_ref()? {
                        tallyfy_client::types::FlexibleId::Int64(n) => *n,
                        tallyfy_client::types::FlexibleId::String(s) => s.parse().ok()?,
                    };
                    Some((id, o.text.clone()?))
                })
                .collect(),
            columns: columns.len(),
        })
    }

    fn refuse(&self, rule: impl Into<String>) -> Error {
        Error::invalid_input(self.label.clone(), rule)
    }

    fn option(&self, text: &str) -> Result<Choice, Error> {
        self.options
            .iter()
            .find(|(_, t)| t == text)
            .map(|(id, t)| Choice::new(*id, t.clone()))
            .ok_or_else(|| {
                let known: Vec<&str> = self.options.iter().map(|(_, t)| t.as_str()).collect();
                self.refuse(format!("has no option {text:?} (its options: {known:?})"))
            })
    }

    /// Whether `value` has the shape this field's type takes (the server's own check, for the types
    /// it checks; other types take anything).
    fn check(&self, value: &FormValue) -> Result<(), Error> {
        if value.is_empty() {
            return Ok(());
        }
        let ok = match self.field_type.as_str() {
            "text" => matches!(
                value,
                FormValue::Text(_) | FormValue::Number(_) | FormValue::Bool(_)
            ),
            "textarea" | "radio" => matches!(value, FormValue::Text(_)),
            "date" => value.as_date().is_some(),
            "dropdown" => matches!(value, FormValue::Choice(_)),
            "multiselect" => matches!(value, FormValue::Choices(_)),
            "table" => matches!(value, FormValue::Table(_)),
            "assignees_form" => matches!(value, FormValue::Assignees(_)),
            "file" => matches!(value, FormValue::Files(_)),
            _ => true,
        };
        if !ok {
            return Err(self.refuse(format!(
                "is a {} field, which does not take {value:?}",
                self.field_type
            )));
        }
        match value {
            FormValue::Text(text) if self.field_type == "text" && text.chars().count() > 200 => {
                Err(self.refuse("must be at most 200 characters"))
            }
            FormValue::Text(text)
                if self.field_type == "textarea" && text.chars().count() > 30_000 =>
            {
                Err(self.refuse("must be at most 30000 characters"))
            }
            FormValue::Text(text) if self.field_type == "radio" => self.option(text).map(drop),
            FormValue::Choice(c) => self.same_option(c),
            FormValue::Choices(cs) => cs.iter().try_for_each(|c| self.same_option(c)),
            FormValue::Table(cells) if cells.len() != self.columns => Err(self.refuse(format!(
                "has {} columns, so its value needs exactly {} cells, not {}",
                self.columns,
                self.columns,
                cells.len()
            ))),
            FormValue::Table(cells) if cells.iter().any(String::is_empty) => {
                Err(self.refuse("has an empty cell; the server refuses those"))
            }
            _ => Ok(()),
        }
    }

    fn same_option(&self, c: &Choice) -> Result<(), Error> {
        if self
            .options
            .iter()
            .any(|(id, t)| *id == c.id && *t == c.text)
        {
            Ok(())
        } else {
            Err(self.refuse(format!(
                "has no option with id {} and text {:?} (both must name the same option)",
                c.id, c.text
            )))
        }
    }
}

/// Form values built by field label (or id), each checked against its field's type.
///
/// Build one from a template for a launch ([`Form::kickoff`]) or from a task read with
/// `with(&[TaskInclude::FormFields])` for an update ([`Form::task`]), set values, and
/// [`build`](Form::build) the [`FormValues`]:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
/// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_templates(3).start().await.unwrap();
/// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
/// use futures::TryStreamExt;
/// use tallyfy::{Form, FormValue, Launch};
///
/// let templates: Vec<_> = client.templates().list().items().try_collect().await?;
/// let template = &templates[0];
/// let mut form = Form::kickoff(template);
/// for field in template.prerun.iter().filter(|f| f.required == Some(true)) {
///     let label = field.label.clone().unwrap_or_default();
///     form = match field.field_type.as_deref() {
///         Some("dropdown" | "radio" | "multiselect") => {
///             let first = field.options[0].text.clone().unwrap_or_default();
///             form.choose(&label, &first)?
///         }
///         Some("date") => form.set(&label, FormValue::date_str("2026-01-05T09:00:00Z"))?,
///         Some("table") => form.set(&label, FormValue::table(vec!["x"; field.columns.len()]))?,
///         Some("assignees_form") => {
///             form.set(&label, tallyfy::Assignees::default().user(fake.default_admin_id()))?
///         }
///         _ => form.set(&label, "Acme")?,
///     };
/// }
/// let id = template.id.as_ref().unwrap().to_string();
/// let process = client.processes().launch(Launch::new(id).prerun(form.build()?)).await?;
/// assert_eq!(process.status.as_deref(), Some("active"));
/// # Ok(()) }
/// ```
///
/// A refused value is [`Error::InvalidInput`] naming the field's label, before anything is sent:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> tallyfy::Result<()> {
/// # let fake = tallyfy_fake::FakeTallyfy::builder().seed_templates(1).start().await.unwrap();
/// # let client = tallyfy::Client::builder().token(fake.token()).org(fake.org_id()).base_url(fake.base_url()).build()?;
/// let template = client.templates().list().page(1).await?.items.remove(0);
/// let err = tallyfy::Form::kickoff(&template).choose("Region", "Mars").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid input: `Region` has no option "Mars" (its options: ["North America", "Europe", "Asia Pacific"])"#
/// );
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Form {
    fields: Vec<Field>,
    values: FormValues,
    /// Whether [`build`](Form::build) requires every required field (a launch does; a task's
    /// required fields are needed only to complete it).
    require: bool,
}

impl Form {
    /// The kick-off form of a template (its `prerun` fields), for [`Launch::prerun`](crate::Launch::prerun)
    /// or [`ProcessUpdate::prerun`](crate::ProcessUpdate::prerun). [`build`](Form::build) refuses
    /// a form whose required fields are not all set.
    pub fn kickoff(template: &Template) -> Self {
        Self {
            fields: template
                .prerun
                .iter()
                .filter_map(Definition::field)
                .collect(),
            values: FormValues::new(),
            require: true,
        }
    }

    /// The form of a task read with its form fields (`with(&[TaskInclude::FormFields])`), for
    /// [`TaskUpdate::taskdata`](crate::TaskUpdate::taskdata). It starts empty: only what you set
    /// is sent, so other values stay as they are.
    pub fn task(task: &Task) -> Self {
        Self {
            fields: task
                .form_fields
                .iter()
                .flat_map(|f| f.iter())
                .filter_map(Definition::field)
                .collect(),
            values: FormValues::new(),
            require: false,
        }
    }

    /// The form of a template's step (its `captures`), for the task made from it.
    pub fn step(step: &tallyfy_client::types::Step) -> Self {
        Self {
            fields: step.captures.iter().filter_map(Definition::field).collect(),
            values: FormValues::new(),
            require: false,
        }
    }

    /// The field named `key`: its id, or else its label (which must then be unique).
    fn field(&self, key: &str) -> Result<&Field, Error> {
        if let Some(f) = self.fields.iter().find(|f| f.id == key) {
            return Ok(f);
        }
        let mut found = self.fields.iter().filter(|f| f.label == key);
        match (found.next(), found.next()) {
            (Some(f), None) => Ok(f),
            (Some(_), Some(_)) => Err(Error::invalid_input(
                key,
                "is the label of more than one field; name it by its id",
            )),
            (None, _) => {
                let labels: Vec<&str> = self.fields.iter().map(|f| f.label.as_str()).collect();
                Err(Error::invalid_input(
                    key,
                    format!("is not a field of this form (its fields: {labels:?})"),
                ))
            }
        }
    }

    /// Sets the field `key` (label or id) to `value`, checked against the field's type: a radio
    /// value must be one of its options' texts, a dropdown's or multi-select's choices must each
    /// name one option by both id and text, a table needs one non-empty cell per column, a date
    /// must be a date, and text is at most 200 characters (30,000 for a long text).
    pub fn set(mut self, key: &str, value: impl Into<FormValue>) -> Result<Self, Error> {
        let value = value.into();
        let field = self.field(key)?;
        field.check(&value)?;
        let id = field.id.clone();
        self.values.insert(id, value);
        Ok(self)
    }

    /// Chooses the option whose text is `option` (exactly: Tallyfy compares it as it is): the bare
    /// text for a radio field, the option for a dropdown, a one-option choice for a multi-select.
    pub fn choose(self, key: &str, option: &str) -> Result<Self, Error> {
        self.choose_all(key, &[option])
    }

    /// Chooses the options whose texts are `options`; more than one only for a multi-select.
    pub fn choose_all(self, key: &str, options: &[&str]) -> Result<Self, Error> {
        let field = self.field(key)?;
        let value = match (field.field_type.as_str(), options) {
            ("radio", [one]) => FormValue::text(field.option(one)?.text),
            ("dropdown", [one]) => FormValue::Choice(field.option(one)?),
            ("multiselect", many) => FormValue::Choices(
                many.iter()
                    .map(|o| field.option(o))
                    .collect::<Result<_, _>>()?,
            ),
            ("radio" | "dropdown", _) => {
                return Err(field.refuse("takes exactly one option"));
            }
            (other, _) => {
                return Err(field.refuse(format!("is a {other} field, which has no options")));
            }
        };
        self.set(key, value)
    }

    /// Sets a file field to files uploaded before.
    pub fn files(self, key: &str, files: impl IntoIterator<Item = FileRef>) -> Result<Self, Error> {
        self.set(key, FormValue::files(files))
    }

    /// Sets an assignees field.
    pub fn assignees(self, key: &str, assignees: Assignees) -> Result<Self, Error> {
        self.set(key, FormValue::assignees(assignees))
    }

    /// The labels of the required fields that have no value yet.
    pub fn missing(&self) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|f| f.required && self.values.get(&f.id).is_none_or(FormValue::is_empty))
            .map(|f| f.label.as_str())
            .collect()
    }

    /// The values, keyed by field id. A kick-off form is refused while a required field has no
    /// value ([`Error::InvalidInput`] naming the first one).
    pub fn build(self) -> Result<FormValues, Error> {
        if self.require
            && let Some(first) = self.missing().first()
        {
            return Err(Error::invalid_input(*first, "is required"));
        }
        Ok(self.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> Template {
        serde_json::from_value(json!({
            "id": "t1",
            "prerun": [
                {"id": "f-text", "label": "Name", "field_type": "text", "required": true},
                {"id": "f-long", "label": "Brief", "field_type": "textarea"},
                {"id": "f-date", "label": "Start", "field_type": "date"},
                {"id": "f-radio", "label": "Kind", "field_type": "radio",
                 "options": [{"id": 1, "text": "A"}, {"id": 2, "text": "B"}]},
                {"id": "f-drop", "label": "Region", "field_type": "dropdown", "required": true,
                 "options": [{"id": 1, "text": "EU"}, {"id": "2", "text": "US"}]},
                {"id": "f-multi", "label": "Tools", "field_type": "multiselect",
                 "options": [{"id": 1, "text": "Slack"}, {"id": 2, "text": "Teams"}]},
                {"id": "f-table", "label": "Rows", "field_type": "table",
                 "columns": [{"id": 1, "label": "Item"}, {"id": 2, "label": "Qty"}]},
                {"id": "f-dup1", "label": "Same", "field_type": "text"},
                {"id": "f-dup2", "label": "Same", "field_type": "text"}
            ]
        }))
        .unwrap()
    }

    fn rule(e: Error) -> (String, String) {
        match e {
            Error::InvalidInput { field, rule } => (field, rule),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn values_are_keyed_by_field_id_and_choices_resolved_by_text() {
        let values = Form::kickoff(&template())
            .set("Name", "Acme")
            .unwrap()
            .choose("Kind", "B")
            .unwrap()
            .choose("Region", "US")
            .unwrap()
            .choose_all("Tools", &["Teams", "Slack"])
            .unwrap()
            .set("f-table", FormValue::table(["Widget", "3"]))
            .unwrap()
            .set("Start", FormValue::date_str("2026-03-01 09:00:00"))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&values).unwrap(),
            json!({
                "f-text": "Acme",
                "f-radio": "B",
                "f-drop": {"id": 2, "text": "US"},
                "f-multi": [{"id": 2, "text": "Teams", "selected": true}, {"id": 1, "text": "Slack", "selected": true}],
                "f-table": ["Widget", "3"],
                "f-date": "2026-03-01 09:00:00"
            })
        );
    }

    #[test]
    fn each_type_refuses_what_the_server_would() {
        let form = || Form::kickoff(&template());
        let cases: Vec<(Result<Form, Error>, &str, &str)> = vec![
            (form().set("Name", "x".repeat(201)), "Name", "at most 200"),
            (
                form().set("Brief", FormValue::number(12345)),
                "Brief",
                "does not take",
            ),
            (form().set("Start", "tomorrow"), "Start", "does not take"),
            (form().set("Kind", "C"), "Kind", "no option \"C\""),
            (
                form().set("Region", Choice::new(1, "US")),
                "Region",
                "same option",
            ),
            (form().choose("Region", "eu"), "Region", "no option \"eu\""),
            (
                form().choose_all("Region", &["EU", "US"]),
                "Region",
                "exactly one",
            ),
            (form().choose("Name", "A"), "Name", "no options"),
            (
                form().set("Rows", FormValue::table(["only one"])),
                "Rows",
                "exactly 2 cells",
            ),
            (
                form().set("Rows", FormValue::table(["a", ""])),
                "Rows",
                "empty cell",
            ),
            (form().set("Same", "x"), "Same", "more than one field"),
            (form().set("Nope", "x"), "Nope", "not a field"),
        ];
        for (result, field, wanted) in cases {
            let (f, r) = rule(result.map(drop).unwrap_err());
            assert_eq!(f, field);
            assert!(r.contains(wanted), "{field}: {r}");
        }
        // A value that clears a field is always accepted, and an id names a field too.
        assert!(form().set("Rows", FormValue::empty()).is_ok());
        assert!(form().set("f-dup2", "x").is_ok());
    }

    #[test]
    fn a_kickoff_form_needs_its_required_fields_and_a_task_form_does_not() {
        let (field, rule_text) = rule(
            Form::kickoff(&template())
                .set("Name", "Acme")
                .unwrap()
                .build()
                .unwrap_err(),
        );
        assert_eq!(
            (field.as_str(), rule_text.as_str()),
            ("Region", "is required")
        );
        let blank = Form::kickoff(&template()).set("Name", "").unwrap();
        assert_eq!(blank.missing(), ["Name", "Region"]);

        let task: Task = serde_json::from_value(json!({
            "id": "k1",
            "form_fields": {"data": [{"id": "c1", "label": "Notes", "field_type": "textarea", "required": true}]}
        }))
        .unwrap();
        assert!(Form::task(&task).build().unwrap().is_empty());
        assert_eq!(Form::task(&task).missing(), ["Notes"]);
    }
}
