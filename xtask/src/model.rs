//! The request model: what the SDK's and the CLI's generators need to know about each operation,
//! read from the spec alone, with every spec fact they depend on checked here once.
//!
//! The rules (the README's "Change the spec" section gives them to maintainers):
//! - an operation's tag names its resource handle (`guests` → `client.guests()`, type `Guests`);
//! - its verb is the operation's `x-tallyfy-verb`, or else the operationId without the tag's singular
//!   (the tag without its final `s`, or `es` after `ss`) as a word: `remove_guest` → `remove`, `set_member_role` →
//!   `set_role`;
//! - each path parameter is an argument, checked by the rules of its `x-tallyfy-segment` kind:
//!   `org` is the client's organization (never an argument), `email` a guest email, `id` a positive
//!   number, `email-or-id` either, `key` an opaque string id (a template's, process's or task's
//!   32-character id);
//! - each query parameter is an optional setter named by `x-tallyfy-name` or else the parameter's
//!   own name; its kind follows its schema (see [`QueryKind`]);
//! - an operation with `x-tallyfy-pagination` is a list: its page-number parameter is driven by the
//!   SDK's pagination engine, its page-size parameter is the `per_page` setter, and the optional
//!   `all` parameter asks for everything in one response;
//! - a JSON request body (a `$ref` to a component object schema) is an input type named after the
//!   schema, built with `new(<required fields>)` and one setter per field; its values are checked
//!   by the generated client's own conversions (the spec's `maxLength`, `pattern`, `enum`, ...)
//!   when it is sent, once, with the field named in the error (see [`FieldKind`] for the field
//!   types); a body of one required field is passed as that field's value;
//! - the result is the success response's `data` when its schema is an envelope (an object whose
//!   only required property is `data`), the whole body otherwise, and `()` when it has none; a
//!   list's items are its `data` array.

use anyhow::{Context, Result, bail};
use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, Response, Schema,
    SchemaKind, StatusCode, Type,
};

/// How a path parameter is checked and passed (its `x-tallyfy-segment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    Org,
    Email,
    Id,
    EmailOrId,
    Key,
}

impl Segment {
    /// The kinds `x-tallyfy-segment` may name, as the spec spells them.
    pub const NAMES: &[&str] = &["org", "email", "id", "email-or-id", "key"];

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "org" => Self::Org,
            "email" => Self::Email,
            "id" => Self::Id,
            "email-or-id" => Self::EmailOrId,
            "key" => Self::Key,
            _ => return None,
        })
    }
}

/// What kind of setter a query parameter gets, from its schema.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryKind {
    /// A boolean: a setter without argument that sends `true`.
    Flag,
    /// A string enum with one value: a setter without argument named `<name>_<value>` that sends it
    /// (`with: [stats]` → `with_stats()`). `ty` is the generated client's enum, `variant` its one
    /// variant.
    Only {
        ty: String,
        variant: String,
        value: String,
    },
    /// A string enum with several values: a setter taking the generated client's enum.
    Choice { ty: String },
    /// A string.
    Text,
    /// A string with a `pattern` or length limits: a setter taking any string, checked before
    /// sending by the generated client's checked type `ty`, the refusal naming the parameter.
    CheckedText { ty: String },
    /// A string holding a comma-separated list of the values of the component enum `item`
    /// (`x-tallyfy-comma-list`): a setter taking a slice of it. `ty` is the generated client's
    /// checked string type.
    CommaList { ty: String, item: String },
    /// A 64-bit integer; with a `minimum`, checked before sending.
    Integer { minimum: Option<i64> },
    /// A list's page number, driven by the pagination engine (no setter).
    PageNumber,
    /// A list's page size: the `per_page` setter the pagination engine checks.
    PageSize,
}

/// One query parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// Its name on the wire; the generated client takes query arguments in this name's order.
    pub wire: String,
    /// The setter's, the field's and the CLI flag's name.
    pub name: String,
    pub doc: String,
    pub kind: QueryKind,
    /// The boolean parameter (by wire name) that is sent as `true` whenever this one is set
    /// (`x-tallyfy-implies`); that boolean gets no setter of its own.
    pub implies: Option<String>,
    /// Set by another parameter's `x-tallyfy-implies` (by that parameter's field name).
    pub implied_by: Option<String>,
}

/// What a body field holds, in the SDK's input type (the generated client's own type, which checks
/// the spec's constraints, is reached from it with `TryFrom`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A string enum: the generated client's enum `ty` (`types::MemberUpdateDateFormat`), or, for a
    /// schema that the client takes from an open type of its own (`replacements::REPLACEMENTS`: `RoleName`
    /// is `tallyfy_client::MemberRole`), that type, which the SDK checks against the spec's `open`
    /// values (in any letter case) before sending.
    Choice {
        ty: String,
        values: Vec<String>,
        open: bool,
    },
    /// Any string schema, inline or a `$ref`, with or without constraints or an enum: `String`.
    Text,
    /// `int64`: `i64`; with a `minimum`, checked before sending (the generated client's type is
    /// a plain `i64`, which would take any value).
    Integer { minimum: Option<i64> },
    /// `boolean`: `bool`.
    Boolean,
    /// An array of `int64`: `Vec<i64>`.
    Integers,
    /// An array of strings: `Vec<String>`.
    Texts,
    /// An object (or any other schema the kinds above do not cover) named by a `$ref`: the
    /// generated client's type `ty` (`types::StepOverrides`), or the hand-written type it is
    /// replaced by (`replacements::REPLACEMENTS`: `FormValues` is `tallyfy_client::FormValues`),
    /// taken as it is and read from JSON by the CLI.
    Value { ty: String },
    /// A file (a `binary` string of a multipart body): `tallyfy_client::FilePart`, checked against
    /// its `x-tallyfy-upload` limits (size in bytes, allowed extensions) before sending.
    File {
        max_bytes: Option<u64>,
        extensions: Vec<String>,
    },
}

/// One field of a request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub doc: String,
    pub kind: FieldKind,
    pub required: bool,
    /// An inline array, which the generated client holds as a `Vec` of its items (left out when
    /// empty if optional, rather than an `Option`); a `$ref` array is one value of its own type.
    pub inline_array: bool,
    /// The component schema the field refers to (`EmailAddress`), if any: the SDK words a refusal
    /// by it.
    pub refers_to: Option<String>,
    /// The schema's `example` (its own, or the referred schema's), for the generated docs.
    pub example: Option<serde_json::Value>,
}

/// A JSON request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// The component schema: the generated client's type.
    pub schema: String,
    /// The SDK's input type: `x-tallyfy-input` on the schema, or else the schema's name.
    pub name: String,
    pub doc: String,
    /// Required fields first, in the schema's `required` order, then the others in property order.
    pub fields: Vec<Field>,
    /// Sent as `multipart/form-data` (one part per field) rather than JSON.
    pub multipart: bool,
}

impl Body {
    /// The one field of a body that has only one, a required one: such a body is passed as that
    /// field's value (`set_role(id, role)`, `tallyfy members set-role ID ROLE`).
    pub fn single(&self) -> Option<&Field> {
        match self.fields.as_slice() {
            [only]
                if only.required
                    && !matches!(
                        only.kind,
                        FieldKind::Integers | FieldKind::Texts | FieldKind::File { .. }
                    ) =>
            {
                Some(only)
            }
            _ => None,
        }
    }
}

/// What a generated method returns.
#[derive(Debug, PartialEq)]
pub enum Returns {
    Nothing,
    /// The envelope's `data`, of this schema.
    Data(String),
    Body(String),
    /// A page of a list: its `data` array of this item schema, and its `meta`.
    Page(String),
    /// The raw bytes of an `application/octet-stream` or `*/*` body (a download or an inline view).
    Bytes,
}

/// The pagination of a list operation (`x-tallyfy-pagination`), by query field name.
#[derive(Debug, PartialEq)]
pub struct Pagination {
    pub per_page: String,
    /// The page-size parameter's `maximum`: the largest page the API documents.
    pub max_per_page: Option<u64>,
    /// The boolean that asks for every item in one response.
    pub all: Option<String>,
}

/// One operation, as the generators see it.
pub struct Request {
    pub id: String,
    pub tag: String,
    pub verb: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// In path order, the organization included.
    pub segments: Vec<(String, Segment)>,
    /// In the generated client's argument order.
    pub query: Vec<Query>,
    pub returns: Returns,
    pub pagination: Option<Pagination>,
    pub body: Option<Body>,
}

impl Request {
    /// The path parameters that are arguments (all but the organization).
    pub fn args(&self) -> impl Iterator<Item = &(String, Segment)> {
        self.segments.iter().filter(|(_, k)| *k != Segment::Org)
    }

    /// The query parameters that have a setter.
    pub fn setters(&self) -> impl Iterator<Item = &Query> {
        self.query
            .iter()
            .filter(|q| q.implied_by.is_none() && q.kind != QueryKind::PageNumber)
    }

    pub fn summary(&self) -> &str {
        self.summary.trim_end_matches('.')
    }
}

/// A tag of the spec: one resource handle.
pub struct Tag {
    pub name: String,
    pub description: String,
}

pub fn pascal(snake: &str) -> String {
    snake
        .split(['_', '-'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A field name as a Rust identifier.
pub fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// The name the generated client (typify) gives a struct field for the property `name`: a
/// keyword gets a trailing `_` (`type` → `type_`).
pub fn client_field(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// Rust's keywords, which a property name may be.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
    "mut", "pub", "ref", "return", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while",
];

/// The verb of an operation: its id without the tag's singular as one word.
pub fn verb(id: &str, tag: &str) -> Result<String> {
    // `guests` → `guest`, `processes` → `process`.
    let singular = tag.strip_suffix("sses").map_or_else(
        || tag.strip_suffix('s').unwrap_or(tag).to_string(),
        |stem| format!("{stem}ss"),
    );
    let words: Vec<&str> = id.split('_').collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| *w != singular && *w != tag)
        .collect();
    if kept.len() == words.len() || kept.is_empty() {
        bail!("{id}: the operationId must contain the word `{singular}` (or `{tag}`) and a verb");
    }
    Ok(kept.join("_"))
}

fn deref_param<'a>(spec: &'a OpenAPI, p: &'a ReferenceOr<Parameter>) -> Result<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Ok(p),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/parameters/")
                .with_context(|| format!("{reference} is not a component parameter"))?;
            match spec
                .components
                .as_ref()
                .and_then(|c| c.parameters.get(name))
            {
                Some(ReferenceOr::Item(p)) => Ok(p),
                _ => bail!("{reference} does not resolve to a parameter"),
            }
        }
    }
}

fn schema_name(reference: &str) -> Result<&str> {
    reference
        .strip_prefix("#/components/schemas/")
        .with_context(|| format!("{reference} is not a component schema"))
}

fn component<'a>(spec: &'a OpenAPI, name: &str) -> Option<&'a Schema> {
    match spec.components.as_ref()?.schemas.get(name)? {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { .. } => None,
    }
}

fn returns(spec: &OpenAPI, id: &str, op: &Operation, list: bool) -> Result<Returns> {
    let success: Vec<&ReferenceOr<Response>> = op
        .responses
        .responses
        .iter()
        .filter(|(status, _)| match status {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        })
        .map(|(_, r)| r)
        .collect();
    let Some(ReferenceOr::Item(response)) = success.first() else {
        bail!("{id}: its success response must be written inline");
    };
    // A download in a fixed binary type, or in the file's own type (`*/*`): raw bytes either way.
    if ["application/octet-stream", "*/*"]
        .iter()
        .any(|media| response.content.contains_key(*media))
    {
        return Ok(Returns::Bytes);
    }
    let Some(media) = response.content.get("application/json") else {
        if list {
            bail!("{id}: a list (x-tallyfy-pagination) must return a JSON body");
        }
        return Ok(Returns::Nothing);
    };
    let Some(ReferenceOr::Reference { reference }) = &media.schema else {
        bail!("{id}: its success body must be a $ref to a component schema");
    };
    let name = schema_name(reference)?;
    let schema = component(spec, name).with_context(|| format!("{id}: {name} not found"))?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        if list {
            bail!("{id}: a list's body must be an object with `data` and `meta`");
        }
        return Ok(Returns::Body(name.to_string()));
    };
    if list {
        let item = match object.properties.get("data") {
            Some(ReferenceOr::Item(data)) => match &data.schema_kind {
                SchemaKind::Type(Type::Array(array)) => match &array.items {
                    Some(ReferenceOr::Reference { reference }) => schema_name(reference)?,
                    _ => bail!("{id}: {name}.data must be an array of a component schema"),
                },
                _ => bail!("{id}: {name}.data must be an array"),
            },
            _ => bail!("{id}: {name} must have an inline `data` array"),
        };
        if !object.properties.contains_key("meta") {
            bail!("{id}: {name} must have `meta` (the pagination the walk follows)");
        }
        return Ok(Returns::Page(item.to_string()));
    }
    if object.required == ["data"]
        && let Some(ReferenceOr::Reference { reference }) = object.properties.get("data")
    {
        return Ok(Returns::Data(schema_name(reference)?.to_string()));
    }
    Ok(Returns::Body(name.to_string()))
}

fn inline_schema<'a>(
    id: &str,
    name: &str,
    format: &'a ParameterSchemaOrContent,
) -> Result<&'a Schema> {
    match format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => Ok(s),
        _ => bail!("{id}: parameter {name} needs an inline schema"),
    }
}

fn string_extension<'a>(
    id: &str,
    data: &'a openapiv3::ParameterData,
    key: &str,
) -> Result<Option<&'a str>> {
    extension_text(
        &format!("{id}: {}", data.name),
        key,
        data.extensions.get(key),
    )
}

/// The text of the extension `key` (of what `at` names), given its value if it has one.
fn extension_text<'a>(
    at: &str,
    key: &str,
    value: Option<&'a serde_json::Value>,
) -> Result<Option<&'a str>> {
    match value {
        None => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(other) => bail!("{at}'s {key} must be a string, not {other}"),
    }
}

/// The kind of a body field's schema, following one `$ref`.
/// `inline_ty` is the generated client's name for an inline enum here (`MemberUpdateDateFormat`).
fn field_kind(
    spec: &OpenAPI,
    at: &str,
    schema: &ReferenceOr<Schema>,
    inline_ty: &str,
) -> Result<(FieldKind, bool)> {
    let (schema, inline, named) = match schema {
        ReferenceOr::Item(s) => (s, true, None),
        ReferenceOr::Reference { reference } => {
            let name = schema_name(reference)?;
            (
                component(spec, name).with_context(|| format!("{at}: {name} not found"))?,
                false,
                Some(name),
            )
        }
    };
    if schema.schema_data.default.is_some() {
        bail!(
            "{at}: a body field with a default has no rule yet (the generated client does not hold it as an Option)"
        );
    }
    let item_kind = |items: &Option<ReferenceOr<Box<Schema>>>| -> Result<FieldKind> {
        let item = match items {
            Some(ReferenceOr::Item(b)) => ReferenceOr::Item((**b).clone()),
            Some(ReferenceOr::Reference { reference }) => ReferenceOr::Reference {
                reference: reference.clone(),
            },
            None => bail!("{at}: an array needs items"),
        };
        match field_kind(spec, at, &item, inline_ty)?.0 {
            FieldKind::Text => Ok(FieldKind::Texts),
            FieldKind::Integer { .. } => Ok(FieldKind::Integers),
            other => bail!("{at}: an array of {other:?} has no rule yet"),
        }
    };
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
            let replaced = named.and_then(|n| {
                crate::replacements::REPLACEMENTS
                    .iter()
                    .find(|(schema, ..)| *schema == n)
            });
            let kind = match (replaced, named) {
                (Some((_, rust, _)), _) => FieldKind::Choice {
                    ty: rust.replace("crate::", "tallyfy_client::"),
                    values,
                    open: true,
                },
                (None, Some(n)) => FieldKind::Choice {
                    ty: format!("types::{n}"),
                    values,
                    open: false,
                },
                (None, None) => FieldKind::Choice {
                    ty: format!("types::{inline_ty}"),
                    values,
                    open: false,
                },
            };
            (kind, false)
        }
        SchemaKind::Type(Type::String(s))
            if s.format
                == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) =>
        {
            let upload = schema.schema_data.extensions.get("x-tallyfy-upload");
            let max_bytes = upload
                .and_then(|u| u.get("max-bytes"))
                .and_then(|m| m.as_u64());
            let extensions = upload
                .and_then(|u| u.get("extensions"))
                .and_then(|e| e.as_array())
                .map(|e| {
                    e.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            (
                FieldKind::File {
                    max_bytes,
                    extensions,
                },
                false,
            )
        }
        SchemaKind::Type(Type::String(_)) => (FieldKind::Text, false),
        SchemaKind::Type(Type::Boolean(_)) => (FieldKind::Boolean, false),
        SchemaKind::Type(Type::Integer(i))
            if i.format
                == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) =>
        {
            (FieldKind::Integer { minimum: i.minimum }, false)
        }
        SchemaKind::Type(Type::Array(a))
            if !matches!(a.items, Some(ReferenceOr::Reference { .. }))
                || item_kind(&a.items).is_ok() =>
        {
            (item_kind(&a.items)?, inline)
        }
        _ if let Some(n) = named => {
            let replaced = crate::replacements::REPLACEMENTS
                .iter()
                .find(|(schema, ..)| *schema == n);
            let ty = match replaced {
                Some((_, rust, _)) => rust.replace("crate::", "tallyfy_client::"),
                None => format!("types::{n}"),
            };
            (FieldKind::Value { ty }, false)
        }
        _ => bail!(
            "{at}: a body field of this schema has no rule yet (string, int64, boolean, an array of those, or a $ref to a component; see xtask/src/model.rs)"
        ),
    })
}

/// The request body of an operation: a `$ref` to a component object schema, as JSON.
fn body(spec: &OpenAPI, id: &str, op: &Operation) -> Result<Option<Body>> {
    let Some(body) = &op.request_body else {
        return Ok(None);
    };
    let ReferenceOr::Item(body) = body else {
        bail!("{id}: write the request body inline");
    };
    let (media, multipart) = match (
        body.content.get("application/json"),
        body.content.get("multipart/form-data"),
    ) {
        (Some(json), None) => (json, false),
        (None, Some(form)) => (form, true),
        _ => bail!("{id}: a request body must be JSON or multipart/form-data, not both or other"),
    };
    let Some(ReferenceOr::Reference { reference }) = &media.schema else {
        bail!("{id}: the request body must be a $ref to a component schema");
    };
    let name = schema_name(reference)?;
    let schema = component(spec, name).with_context(|| format!("{id}: {name} not found"))?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        bail!("{id}: the request body {name} must be an object");
    };
    let mut fields = Vec::new();
    for (field, property) in &object.properties {
        let required = object.required.contains(field);
        let at = format!("{id}: {name}.{field}");
        let unboxed = match property {
            ReferenceOr::Item(b) => ReferenceOr::Item((**b).clone()),
            ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                reference: reference.clone(),
            },
        };
        let inline_ty = format!("{}{}", pascal(name), pascal(field));
        let (kind, inline_array) = field_kind(spec, &at, &unboxed, &inline_ty)?;
        let data = match &unboxed {
            ReferenceOr::Item(s) => Some(&s.schema_data),
            ReferenceOr::Reference { reference } => {
                component(spec, schema_name(reference)?).map(|s| &s.schema_data)
            }
        };
        let doc = data.and_then(|d| d.description.clone());
        fields.push(Field {
            example: data.and_then(|d| d.example.clone()),
            refers_to: match &unboxed {
                ReferenceOr::Reference { reference } => Some(schema_name(reference)?.to_string()),
                ReferenceOr::Item(_) => None,
            },
            name: field.clone(),
            doc: doc.unwrap_or_default(),
            kind,
            required,
            inline_array,
        });
    }
    fields.sort_by_key(|f| {
        object
            .required
            .iter()
            .position(|r| *r == f.name)
            .unwrap_or(usize::MAX)
    });
    let key = "x-tallyfy-input";
    let input = extension_text(
        &format!("{id}: {name}"),
        key,
        schema.schema_data.extensions.get(key),
    )?;
    let has_file = fields
        .iter()
        .any(|f| matches!(f.kind, FieldKind::File { .. }));
    if has_file != multipart {
        bail!(
            "{id}: a file field (format: binary) belongs in a multipart/form-data body, and only there"
        );
    }
    Ok(Some(Body {
        multipart,
        name: input.unwrap_or(name).to_string(),
        schema: name.to_string(),
        doc: schema.schema_data.description.clone().unwrap_or_default(),
        fields,
    }))
}

/// The values of a component string enum.
fn enum_values(spec: &OpenAPI, name: &str) -> Option<Vec<String>> {
    match &component(spec, name)?.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            s.enumeration.iter().cloned().collect()
        }
        _ => None,
    }
}

fn query_kind(spec: &OpenAPI, id: &str, data: &openapiv3::ParameterData) -> Result<QueryKind> {
    let name = &data.name;
    let schema = inline_schema(id, name, &data.format)?;
    let ty = format!("{}{}", pascal(id), pascal(name));
    let comma = string_extension(id, data, "x-tallyfy-comma-list")?;
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::Boolean(_)) => QueryKind::Flag,
        SchemaKind::Type(Type::String(s)) if let Some(item) = comma => {
            let values = enum_values(spec, item).with_context(|| {
                format!("{id}: {name}'s x-tallyfy-comma-list names {item}, which is not a component string enum")
            })?;
            let one = format!("({})", values.join("|"));
            let wanted = format!("^{one}(,{one})*$");
            if s.pattern.as_deref() != Some(wanted.as_str()) {
                bail!(
                    "{id}: {name} is a comma-separated list of {item}, so its pattern must be {wanted}"
                );
            }
            QueryKind::CommaList {
                ty,
                item: item.to_string(),
            }
        }
        SchemaKind::Type(Type::String(s)) if s.enumeration.len() == 1 => {
            let value = s.enumeration[0].clone().context("a null enum value")?;
            QueryKind::Only {
                ty,
                variant: pascal(&value),
                value,
            }
        }
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => QueryKind::Choice { ty },
        SchemaKind::Type(Type::String(s))
            if s.pattern.is_none()
                && s.min_length.is_none()
                && s.max_length.is_none()
                && s.format == Default::default() =>
        {
            QueryKind::Text
        }
        SchemaKind::Type(Type::String(s)) if s.format == Default::default() => {
            QueryKind::CheckedText { ty }
        }
        SchemaKind::Type(Type::Integer(i))
            if i.format
                == openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) =>
        {
            match i.minimum {
                None | Some(1) => QueryKind::Integer { minimum: i.minimum },
                Some(other) => {
                    bail!("{id}: {name} has minimum {other}; only 1 or none is supported")
                }
            }
        }
        _ => bail!(
            "{id}: query parameter {name} has a schema the generators have no rule for \
             (boolean, string, string enum, int64; see xtask/src/model.rs)"
        ),
    })
}

/// Every operation, in the spec's order.
pub fn requests(spec: &OpenAPI) -> Result<Vec<Request>> {
    let auth = auth_tags(spec);
    let mut out = Vec::new();
    for (path, method, op) in spec.operations() {
        let id = op.operation_id.clone().context("no operationId")?;
        if op.tags.iter().any(|t| auth.contains(&t.as_str())) {
            continue;
        }
        let item = match spec.paths.paths.get(path) {
            Some(ReferenceOr::Item(item)) => item,
            _ => bail!("{path}: inline the path item"),
        };
        let params = item
            .parameters
            .iter()
            .chain(&op.parameters)
            .map(|p| deref_param(spec, p))
            .collect::<Result<Vec<_>>>()?;
        let mut segments = Vec::new();
        for name in path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        {
            let Some(Parameter::Path { parameter_data, .. }) = params
                .iter()
                .find(|p| matches!(p, Parameter::Path { parameter_data, .. } if parameter_data.name == name))
            else {
                bail!("{id}: path parameter {name} is not declared");
            };
            let kind = string_extension(&id, parameter_data, "x-tallyfy-segment")?
                .and_then(Segment::parse)
                .with_context(|| {
                    format!("{id}: path parameter {name} needs an x-tallyfy-segment kind")
                })?;
            // The generated client's argument type follows the schema's type; the kinds assume it.
            let is_integer = matches!(
                inline_schema(&id, name, &parameter_data.format)?.schema_kind,
                SchemaKind::Type(Type::Integer(_))
            );
            if is_integer != (kind == Segment::Id) {
                bail!(
                    "{id}: {name} is {kind:?}, so it must be an integer exactly when the kind is `id`"
                );
            }
            segments.push((name.to_string(), kind));
        }
        let pagination = op.extensions.get("x-tallyfy-pagination");
        let role = |key: &str| -> Option<&str> { pagination?.get(key)?.as_str() };
        let mut query = Vec::new();
        for p in &params {
            let Parameter::Query { parameter_data, .. } = p else {
                continue;
            };
            if parameter_data.required {
                bail!(
                    "{id}: required query parameter {} has no rule yet",
                    parameter_data.name
                );
            }
            let wire = parameter_data.name.clone();
            let kind = if role("page") == Some(&wire) {
                QueryKind::PageNumber
            } else if role("per-page") == Some(&wire) {
                QueryKind::PageSize
            } else {
                query_kind(spec, &id, parameter_data)?
            };
            query.push(Query {
                name: string_extension(&id, parameter_data, "x-tallyfy-name")?
                    .unwrap_or(&wire)
                    .to_string(),
                doc: parameter_data.description.clone().unwrap_or_default(),
                implies: string_extension(&id, parameter_data, "x-tallyfy-implies")?
                    .map(str::to_string),
                implied_by: None,
                kind,
                wire,
            });
        }
        for i in 0..query.len() {
            let Some(target) = query[i].implies.clone() else {
                continue;
            };
            let by = query[i].name.clone();
            match query.iter_mut().find(|q| q.wire == target) {
                Some(q) if q.kind == QueryKind::Flag => q.implied_by = Some(by),
                _ => bail!(
                    "{id}: {by}'s x-tallyfy-implies names {target}, which is not a boolean query parameter of the operation"
                ),
            }
        }
        query.sort_by(|a, b| a.wire.cmp(&b.wire));
        let pagination = match pagination {
            None => None,
            Some(_) => {
                let found = |key: &str, kind: QueryKind| -> Result<Option<String>> {
                    match role(key) {
                        None => Ok(None),
                        Some(wire) => match query.iter().find(|q| q.wire == wire) {
                            Some(q) if q.kind == kind => Ok(Some(q.name.clone())),
                            _ => bail!(
                                "{id}: x-tallyfy-pagination's {key} names {wire}, which is not a query parameter of the operation of that kind"
                            ),
                        },
                    }
                };
                found("page", QueryKind::PageNumber)?.context("page")?;
                let wire = role("per-page").context("per-page")?;
                let max_per_page = params.iter().find_map(|p| match p {
                    Parameter::Query { parameter_data, .. } if parameter_data.name == wire => {
                        match inline_schema(&id, wire, &parameter_data.format)
                            .ok()?
                            .schema_kind
                        {
                            SchemaKind::Type(Type::Integer(ref i)) => {
                                i.maximum.and_then(|m| u64::try_from(m).ok())
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                });
                Some(Pagination {
                    per_page: found("per-page", QueryKind::PageSize)?.context("per-page")?,
                    max_per_page,
                    all: found("all", QueryKind::Flag)?,
                })
            }
        };
        let tag = match op.tags.as_slice() {
            [tag] => tag.clone(),
            other => bail!("{id}: needs exactly one tag, has {other:?}"),
        };
        out.push(Request {
            body: body(spec, &id, op)?,
            verb: match extension_text(&id, "x-tallyfy-verb", op.extensions.get("x-tallyfy-verb"))?
            {
                Some(verb) => verb.to_string(),
                None => verb(&id, &tag)?,
            },
            returns: returns(spec, &id, op, pagination.is_some())?,
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            summary: op.summary.clone().unwrap_or_default(),
            description: op.description.clone().unwrap_or_default(),
            segments,
            query,
            pagination,
            tag,
            id,
        });
    }
    Ok(out)
}

/// One column of a CLI table: its heading and the fields it shows, as dot paths into the item's
/// JSON, the first one that has a value winning.
#[derive(Debug, PartialEq)]
pub struct Column {
    pub heading: String,
    pub fields: Vec<String>,
}

/// How the CLI shows one item type as a table row.
#[derive(Debug, PartialEq)]
pub struct Table {
    /// The component schema (the generated client's type).
    pub schema: String,
    pub columns: Vec<Column>,
}

/// The table of every item type that a generated command prints: the schema's
/// `x-tallyfy-columns`, or else its scalar properties in the spec's order, each headed by its name
/// in capitals.
pub fn tables(spec: &OpenAPI, requests: &[Request]) -> Result<Vec<Table>> {
    let mut names: Vec<&str> = Vec::new();
    for r in requests {
        if let Returns::Data(t) | Returns::Body(t) | Returns::Page(t) = &r.returns
            && !names.contains(&t.as_str())
        {
            names.push(t);
        }
    }
    names
        .into_iter()
        .map(|name| {
            let schema = component(spec, name).with_context(|| format!("{name} not found"))?;
            let columns = match schema.schema_data.extensions.get("x-tallyfy-columns") {
                Some(listed) => serde_json::from_value::<Vec<serde_json::Value>>(listed.clone())
                    .ok()
                    .and_then(|listed| {
                        listed
                            .iter()
                            .map(|c| {
                                let heading = c.get("heading")?.as_str()?.to_string();
                                let fields = match c.get("field")? {
                                    serde_json::Value::String(one) => vec![one.clone()],
                                    serde_json::Value::Array(any) => any
                                        .iter()
                                        .map(|f| f.as_str().map(str::to_string))
                                        .collect::<Option<_>>()?,
                                    _ => return None,
                                };
                                Some(Column { heading, fields })
                            })
                            .collect::<Option<Vec<_>>>()
                    })
                    .with_context(|| {
                        format!("{name}: x-tallyfy-columns must be a list of {{heading, field}}")
                    })?,
                None => default_columns(spec, schema),
            };
            Ok(Table {
                schema: name.to_string(),
                columns,
            })
        })
        .collect()
}

/// The scalar properties of an object schema (strings, numbers, booleans, following `$ref`s).
fn default_columns(spec: &OpenAPI, schema: &Schema) -> Vec<Column> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Vec::new();
    };
    object
        .properties
        .iter()
        .filter(|(_, property)| {
            let target = match property {
                ReferenceOr::Item(s) => Some(&**s),
                ReferenceOr::Reference { reference } => {
                    schema_name(reference).ok().and_then(|n| component(spec, n))
                }
            };
            matches!(
                target.map(|s| &s.schema_kind),
                Some(SchemaKind::Type(
                    Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_)
                ))
            )
        })
        .map(|(name, _)| Column {
            heading: name.replace('_', " ").to_ascii_uppercase(),
            fields: vec![name.clone()],
        })
        .collect()
}

/// An item type of a list: what tells two of its items apart, for the walk's check that a server
/// did not send the same page twice.
#[derive(Debug, PartialEq)]
pub struct ListItem {
    pub schema: String,
    /// The schema's `id` and `email` properties that it has, in that order, each with whether it is
    /// required (the generated client holds an optional one as an `Option`). With none, an item is
    /// told apart by its whole JSON.
    pub keys: Vec<(String, bool)>,
}

/// Every list's item type, once.
pub fn list_items(spec: &OpenAPI, requests: &[Request]) -> Result<Vec<ListItem>> {
    let mut out: Vec<ListItem> = Vec::new();
    for r in requests {
        let Returns::Page(name) = &r.returns else {
            continue;
        };
        if out.iter().any(|i| i.schema == *name) {
            continue;
        }
        let schema = component(spec, name).with_context(|| format!("{name} not found"))?;
        let keys = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => ["id", "email"]
                .iter()
                .filter(|k| object.properties.contains_key(**k))
                .map(|k| (k.to_string(), object.required.iter().any(|r| r == k)))
                .collect(),
            _ => Vec::new(),
        };
        out.push(ListItem {
            schema: name.clone(),
            keys,
        });
    }
    Ok(out)
}

/// The tags marked `x-tallyfy-auth`: their operations get tokens, and the SDK's credentials call
/// them itself, so they have no handle, request builder or CLI command.
pub fn auth_tags(spec: &OpenAPI) -> Vec<&str> {
    spec.tags
        .iter()
        .filter(|t| t.extensions.get("x-tallyfy-auth") == Some(&serde_json::Value::Bool(true)))
        .map(|t| t.name.as_str())
        .collect()
}

/// The spec's tags that have resource handles, in their declared order.
pub fn tags(spec: &OpenAPI) -> Vec<Tag> {
    let auth = auth_tags(spec);
    spec.tags
        .iter()
        .filter(|t| !auth.contains(&t.name.as_str()))
        .map(|t| Tag {
            name: t.name.clone(),
            description: t.description.clone().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> OpenAPI {
        serde_yaml::from_str(&crate::files::read_spec_text().unwrap()).unwrap()
    }

    #[test]
    fn verbs_come_from_the_operation_id() {
        assert_eq!(verb("remove_guest", "guests").unwrap(), "remove");
        assert_eq!(verb("set_member_role", "members").unwrap(), "set_role");
        assert_eq!(verb("list_guests", "guests").unwrap(), "list");
        assert!(verb("remove_person", "guests").is_err());
        assert!(verb("guest", "guests").is_err());
        assert_eq!(verb("launch_process", "processes").unwrap(), "launch");
    }

    #[test]
    fn the_model_reads_segments_query_kinds_and_pagination_from_the_spec() {
        let built = requests(&spec()).unwrap();
        let get = |id: &str| built.iter().find(|r| r.id == id).unwrap();
        let purge = get("purge_guest");
        assert_eq!(
            purge.segments,
            [
                ("org_id".to_string(), Segment::Org),
                ("guest_id".to_string(), Segment::EmailOrId)
            ]
        );
        assert_eq!(purge.returns, Returns::Nothing);
        assert_eq!(get("remove_guest").returns, Returns::Data("Guest".into()));

        let list = get("list_guests");
        assert_eq!(list.returns, Returns::Page("Guest".into()));
        assert_eq!(
            list.pagination,
            Some(Pagination {
                per_page: "per_page".into(),
                max_per_page: None,
                all: Some("without_pagination".into())
            })
        );
        let names: Vec<&str> = list.setters().map(|q| q.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "per_page",
                "query",
                "sort",
                "sort_by",
                "with",
                "without_pagination"
            ]
        );
        let with = list.query.iter().find(|q| q.wire == "with").unwrap();
        assert_eq!(
            with.kind,
            QueryKind::Only {
                ty: "ListGuestsWith".into(),
                variant: "Stats".into(),
                value: "stats".into()
            }
        );

        let member = get("get_member");
        assert_eq!(
            member.query[0].kind,
            QueryKind::CommaList {
                ty: "GetMemberWith".into(),
                item: "MemberInclude".into()
            }
        );

        let remove = get("remove_member");
        let names: Vec<&str> = remove.setters().map(|q| q.name.as_str()).collect();
        assert_eq!(
            names,
            ["reassign_to"],
            "with_reassignment is implied by `to`"
        );
        assert_eq!(remove.query[1].implied_by.as_deref(), Some("reassign_to"));
        let groups = get("list_groups").pagination.as_ref().unwrap();
        assert_eq!(groups.max_per_page, Some(100), "GroupPerPage's maximum");
    }

    #[test]
    fn a_body_is_read_with_required_fields_first() {
        let spec = spec();
        let body_of = |id: &str| {
            let (_, _, op) = spec
                .operations()
                .find(|(_, _, op)| op.operation_id.as_deref() == Some(id))
                .unwrap();
            body(&spec, id, op).unwrap().unwrap()
        };
        let update = body_of("update_member");
        assert_eq!(update.schema, "MemberUpdate");
        let names: Vec<(&str, bool)> = update
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.required))
            .collect();
        assert_eq!(
            &names[..3],
            [
                ("first_name", true),
                ("last_name", true),
                ("timezone", true)
            ]
        );
        let country = update.fields.iter().find(|f| f.name == "country_id");
        assert_eq!(country.unwrap().kind, FieldKind::Integer { minimum: None });
        let guest = body_of("update_guest");
        assert_eq!(guest.fields[0].kind, FieldKind::Integers);
        assert!(
            !guest.fields[0].inline_array,
            "a $ref array is one value in the client"
        );
    }

    #[test]
    fn a_spec_the_rules_do_not_cover_is_refused_with_the_reason() {
        let refused = |from: &str, to: &str, reason: &str| {
            let text = crate::files::read_spec_text().unwrap();
            assert!(text.contains(from), "{from}");
            let spec: OpenAPI = serde_yaml::from_str(&text.replacen(from, to, 1)).unwrap();
            let err = requests(&spec).err().expect("refused").to_string();
            assert!(err.contains(reason), "{err}");
        };
        refused(
            "x-tallyfy-implies: with_reassignment",
            "x-tallyfy-implies: with_reassignmnet",
            "not a boolean query parameter",
        );
        refused(
            "x-tallyfy-comma-list: MemberInclude",
            "x-tallyfy-comma-list: Member",
            "not a component string enum",
        );
        refused(
            "        per-page: per_page\n        all: without_pagination",
            "        per-page: per_page\n        all: sort",
            "x-tallyfy-pagination's all names sort",
        );
        refused(
            "enum: [groups, stats, organizations",
            "enum: [teams, groups, stats, organizations",
            "so its pattern must be",
        );
    }
}
