//! The SDK's request builders: `crates/tallyfy/src/generated/requests.rs`.
//!
//! For each operation of the request model ([`crate::model`], whose rules say what is read from the
//! spec), it writes:
//! - one resource handle per tag (`client.guests()` → `Guests`), in the module `handles`;
//! - a method on the handle, `client.<tag>().<verb>(<path arguments>)`, returning a request type
//!   named after the operationId (`RemoveGuest`) that has one setter per query parameter and is
//!   awaited directly or sent with `.send()`;
//! - for a JSON body, its input type, named by the schema's `x-tallyfy-input` or after the schema
//!   (`new` with the required fields, a setter per field, `validate`), in the module `bodies`: the
//!   method's last argument, or, for a body of one field, that field's value;
//! - for a list's item type, what tells two items apart (its `id`, else its `email`, else its whole
//!   JSON), for the walk's check for a repeated page;
//! - for a list, instead of the request type, a params type (`ListGuestsParams`) implementing
//!   `ListParams`, so the method returns the SDK's one `List` (`ListGuests` is
//!   `List<ListGuestsParams>`) with the operation's setters on it.
//!
//! Every path segment is checked by its kind, and every query value by its schema, before anything
//! is sent.

use crate::model::{
    Body, FieldKind, ListItem, Query, QueryKind, Request, Returns, Segment, Tag, client_field,
    ident, pascal,
};
use anyhow::Result;
use std::fmt::Write as _;

/// Where the builders go.
pub const GENERATED: &str = "crates/tallyfy/src/generated/requests.rs";

/// The generated method's argument type and the request type's field type.
fn rust_types(kind: Segment) -> (&'static str, &'static str) {
    match kind {
        Segment::Org => unreachable!("the organization is never an argument"),
        Segment::Email | Segment::Key => ("impl AsRef<str>", "String"),
        Segment::Id => ("i64", "i64"),
        Segment::EmailOrId => ("impl Into<GuestKey>", "GuestKey"),
    }
}

/// A value of this kind for the generated examples.
fn example_argument(kind: Segment) -> &'static str {
    match kind {
        Segment::Org => unreachable!("the organization is never an argument"),
        Segment::Email => "\"pat@example.com\"",
        Segment::Id | Segment::EmailOrId => "1234",
        Segment::Key => "\"0123456789abcdef0123456789abcdef\"",
    }
}

/// `text` as doc-comment lines indented by `indent`.
fn doc(text: &str, indent: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("{indent}/// {l}\n").replace("/// \n", "///\n"))
        .collect()
}

/// The field that holds a query parameter's value.
fn field(q: &Query) -> String {
    let ty = match &q.kind {
        QueryKind::Flag | QueryKind::Only { .. } => "bool".to_string(),
        QueryKind::Choice { ty } => format!("Option<types::{ty}>"),
        QueryKind::Text | QueryKind::CheckedText { .. } | QueryKind::CommaList { .. } => {
            "Option<String>".to_string()
        }
        QueryKind::Integer { .. } => "Option<i64>".to_string(),
        QueryKind::PageSize => "Option<u64>".to_string(),
        QueryKind::PageNumber => unreachable!("the page number has no field"),
    };
    format!("    {}: {ty},\n", q.name)
}

/// The setter of a query parameter; `target` is where its fields live (`self` or `self.params()`).
fn setter(q: &Query, target: &str) -> String {
    let wire = &q.wire;
    let name = &q.name;
    let (sig, set, sent) = match &q.kind {
        QueryKind::Flag => (
            format!("{name}(mut self)"),
            "true".to_string(),
            format!("`{wire}=true`"),
        ),
        QueryKind::Only { value, .. } => (
            format!("{name}_{value}(mut self)"),
            "true".to_string(),
            format!("`{wire}={value}`"),
        ),
        QueryKind::Choice { ty } => (
            format!("{name}(mut self, value: types::{ty})"),
            "Some(value)".to_string(),
            format!("`{wire}`"),
        ),
        QueryKind::Text => (
            format!("{name}(mut self, value: impl Into<String>)"),
            "Some(value.into())".to_string(),
            format!("`{wire}`"),
        ),
        QueryKind::CheckedText { .. } => (
            format!("{name}(mut self, value: impl Into<String>)"),
            "Some(value.into())".to_string(),
            format!("`{wire}`, checked against the spec's limits before sending"),
        ),
        QueryKind::CommaList { item, .. } => (
            format!("{name}(mut self, values: &[types::{item}])"),
            "query::comma_list(values)".to_string(),
            format!("`{wire}`, comma-separated without repeats; an empty slice sends nothing"),
        ),
        QueryKind::Integer { minimum } => (
            format!("{name}(mut self, value: i64)"),
            "Some(value)".to_string(),
            match minimum {
                Some(m) => format!("`{wire}`, at least {m}, checked before sending"),
                None => format!("`{wire}`"),
            },
        ),
        QueryKind::PageSize => (
            format!("{name}(mut self, n: u64)"),
            "Some(n)".to_string(),
            format!("`{wire}`, at least 1, checked before sending; the server may send fewer"),
        ),
        QueryKind::PageNumber => unreachable!("the page number has no setter"),
    };
    let implies = q
        .implies
        .as_ref()
        .map(|b| format!(" Also sends `{b}=true`."))
        .unwrap_or_default();
    format!(
        "{doc}    ///\n    /// Sends {sent}.{implies}\n    pub fn {sig} -> Self {{\n        {target}.{name} = {set};\n        self\n    }}\n\n",
        doc = doc(&q.doc, "    "),
    )
}

/// Statements that check and convert query values before the request (`s` holds the fields).
fn query_prep(r: &Request, s: &str) -> String {
    r.query
        .iter()
        .map(|q| match &q.kind {
            QueryKind::CommaList { ty, .. } => format!(
                "        let {n} = {s}.{n}.as_deref().map(types::{ty}::try_from).transpose().map_err(|e| Error::invalid_input({w:?}, e.to_string()))?;\n",
                n = q.name,
                w = q.wire
            ),
            QueryKind::CheckedText { .. } => format!(
                "        let {n} = {s}.{n}.as_deref().map(|v| crate::body::field({w:?}, v)).transpose()?;\n",
                n = q.name,
                w = q.wire
            ),
            QueryKind::Integer { minimum: Some(1) } => format!(
                "        let {n} = query::at_least_one({w:?}, {s}.{n})?;\n",
                n = q.name,
                w = q.wire
            ),
            _ => String::new(),
        })
        .collect()
}

/// The generated client's argument for a query parameter.
fn query_arg(q: &Query, s: &str) -> String {
    let n = &q.name;
    match (&q.kind, &q.implied_by) {
        (QueryKind::Flag, Some(by)) => format!("{s}.{by}.is_some().then_some(true)"),
        (QueryKind::Flag, None) => format!("{s}.{n}.then_some(true)"),
        (QueryKind::Only { ty, variant, .. }, _) => {
            format!("{s}.{n}.then_some(types::{ty}::{variant})")
        }
        (QueryKind::Choice { .. }, _) => format!("{s}.{n}"),
        (QueryKind::Text, _) => format!("{s}.{n}.as_deref()"),
        (QueryKind::CommaList { .. } | QueryKind::CheckedText { .. }, _) => {
            format!("{n}.as_ref()")
        }
        (QueryKind::Integer { minimum: Some(_) }, _) => n.clone(),
        (QueryKind::Integer { minimum: None }, _) => format!("{s}.{n}"),
        (QueryKind::PageNumber, _) => "page.and_then(NonZeroU64::new)".to_string(),
        (QueryKind::PageSize, _) => format!("{s}.{n}.and_then(NonZeroU64::new)"),
    }
}

/// The checks of the path segments; `s` holds the fields, `client` is the client expression.
fn segment_checks(r: &Request, s: &str, client: &str) -> String {
    r.segments
        .iter()
        .map(|(n, k)| match k {
            Segment::Org => format!("        let {n} = {client}.org_id();\n"),
            Segment::Email => format!("        let {n} = path::email_segment(&{s}.{n})?;\n"),
            Segment::Key => format!("        let {n} = path::plain_segment({n:?}, &{s}.{n})?;\n"),
            Segment::Id => format!("        let {n} = path::positive_id({n:?}, {s}.{n})?;\n"),
            Segment::EmailOrId => format!(
                "        let {n} = path::email_or_id_segment({n:?}, &{s}.{n})?;\n        let {n} = {n}.as_ref();\n"
            ),
        })
        .collect()
}

/// The call through the transport, with its arguments in the generated client's order.
fn call(r: &Request, s: &str, client: &str) -> String {
    let args: Vec<String> = r
        .segments
        .iter()
        .map(|(n, _)| n.clone())
        .chain(r.query.iter().map(|q| query_arg(q, s)))
        // A multipart body is sent by value, once per attempt (its bytes are shared, not copied).
        .chain(
            r.body
                .as_ref()
                .map(|b| if b.multipart { "body.clone()" } else { "&body" }.to_string()),
        )
        .collect();
    let send = format!("api.{}({})", r.id, args.join(", "));
    // A download's stream is read to the end inside the attempt, so a broken body is retried too.
    let send = match r.returns {
        Returns::Bytes => format!("tallyfy_client::read_bytes({send})"),
        _ => send,
    };
    format!(
        "{client}.execute(ops::{}, || {send}).await",
        r.id.to_ascii_uppercase(),
    )
}

fn method_doc(r: &Request, example: &str) -> String {
    format!(
        "    /// {summary}.\n    ///\n{description}    ///\n    /// `{method} {path}` (`{id}`).\n    ///\n    /// ```no_run\n    /// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {{\n    /// let result = {example};\n    /// # let _ = result;\n    /// # Ok(()) }}\n    /// ```\n",
        summary = r.summary(),
        description = doc(&r.description, "    "),
        method = r.method,
        path = r.path,
        id = r.id,
    )
}

fn handles(tags: &[Tag]) -> Result<String> {
    let mut code = String::from(
        "\n/// The resource handles, one per tag of the spec: `client.<tag>()`.\npub mod handles {\n    use crate::client::Client;\n",
    );
    for t in tags {
        let handle = pascal(&t.name);
        write!(
            code,
            "\n{description}///\n/// ```no_run\n/// # fn run(client: tallyfy::Client) {{\n/// let {tag} = client.{tag}();\n/// # let _ = {tag};\n/// # }}\n/// ```\n#[derive(Clone, Copy, Debug)]\npub struct {handle}<'c> {{\n    pub(crate) client: &'c Client,\n}}\n\nimpl Client {{\n    /// The `{tag}` operations: [`{handle}`].\n    pub fn {tag}(&self) -> {handle}<'_> {{\n        {handle} {{ client: self }}\n    }}\n}}\n",
            description = doc(
                &format!(
                    "The `{}` operations of a client's organization. {}",
                    t.name, t.description
                ),
                ""
            ),
            tag = t.name,
        )?;
    }
    code.push_str("}\n\npub use handles::*;\n");
    Ok(code)
}

/// The input type's field type, its setter's argument, and how the argument is stored.
fn field_types(kind: &FieldKind) -> (String, String, &'static str) {
    let (ty, arg, store) = match kind {
        FieldKind::Text => ("String", "impl Into<String>", "value.into()"),
        FieldKind::Integer { .. } => ("i64", "i64", "value"),
        FieldKind::Boolean => ("bool", "bool", "value"),
        FieldKind::Integers => (
            "Vec<i64>",
            "impl IntoIterator<Item = i64>",
            "value.into_iter().collect()",
        ),
        FieldKind::Texts => (
            "Vec<String>",
            "impl IntoIterator<Item = impl Into<String>>",
            "value.into_iter().map(Into::into).collect()",
        ),
        FieldKind::Choice { ty, .. } | FieldKind::Value { ty } => {
            return (ty.clone(), ty.clone(), "value");
        }
        FieldKind::File { .. } => (
            "tallyfy_client::FilePart",
            "tallyfy_client::FilePart",
            "value",
        ),
    };
    (ty.to_string(), arg.to_string(), store)
}

/// A value of this field for the generated examples: the spec's `example`, or one of its kind.
fn example_value(f: &crate::model::Field) -> String {
    if let Some(serde_json::Value::String(example)) = &f.example {
        return format!("{example:?}");
    }
    match &f.kind {
        FieldKind::Text => "\"Pat\"".into(),
        FieldKind::Integer { minimum } => minimum.unwrap_or(1).max(1).to_string(),
        FieldKind::Boolean => "true".into(),
        FieldKind::Integers => "[1]".into(),
        FieldKind::Texts => "[\"Pat\"]".into(),
        FieldKind::Choice { values, .. } => format!("{:?}.parse().unwrap()", values[0]),
        FieldKind::Value { .. } => "Default::default()".into(),
        FieldKind::File { .. } => {
            "tallyfy::FilePart::new(\"report.pdf\", b\"%PDF-1.7\".to_vec())".into()
        }
    }
}

/// The conversion of one value `v` of this field to the generated client's type.
fn convert(f: &crate::model::Field, v: &str) -> String {
    let w = &f.name;
    match &f.kind {
        FieldKind::Choice {
            values, open: true, ..
        } => format!("body::one_of({w:?}, {v}, &{values:?})"),
        // A string of a named schema (`EmailAddress`): a refusal says what is wrong with it.
        FieldKind::Text if f.refers_to.is_some() => format!(
            "body::text_of({w:?}, {:?}, {v})",
            f.refers_to.as_deref().unwrap_or_default()
        ),
        FieldKind::Integer { minimum: Some(m) } => format!("body::at_least({w:?}, {v}, {m})"),
        _ => format!("body::field({w:?}, {v})"),
    }
}

/// The input type of a request body.
fn body_input(b: &Body, code: &mut String) -> Result<()> {
    let name = &b.name;
    let wire_type = &b.schema;
    let mut fields = String::new();
    let mut params = Vec::new();
    let mut inits = String::new();
    let mut setters = String::new();
    let mut wire = String::new();
    let mut files = String::new();
    for f in &b.fields {
        let n = ident(&f.name);
        let w = &f.name;
        let (ty, arg, store) = field_types(&f.kind);
        if f.required {
            writeln!(fields, "    {n}: {ty},")?;
            params.push(format!("{n}: {arg}"));
            if store == "value" {
                writeln!(inits, "            {n},")?;
            } else {
                writeln!(inits, "            {n}: {},", store.replace("value", &n))?;
            }
        } else {
            let serde = if b.multipart {
                ""
            } else {
                "#[serde(default)]\n    "
            };
            writeln!(fields, "    {serde}{n}: Option<{ty}>,")?;
            writeln!(inits, "            {n}: None,")?;
        }
        let set = if f.required {
            store.to_string()
        } else {
            format!("Some({store})")
        };
        write!(
            setters,
            "{doc}    ///\n    /// Sets `{w}`{required}.\n    pub fn {n}(mut self, value: {arg}) -> Self {{\n        self.{n} = {set};\n        self\n    }}\n\n",
            doc = doc(&f.doc, "    "),
            required = if f.required {
                " (required: `new` sets it too)"
            } else {
                ""
            },
        )?;
        let one = convert(f, "v");
        // How the value is handed over: a string is borrowed (the client's type copies it once,
        // in its own conversion); numbers, booleans and the client's enums are `Copy`.
        let (required_value, optional_value) = match f.kind {
            FieldKind::Text => (".as_str()", ".as_deref()"),
            FieldKind::Integer { .. }
            | FieldKind::Boolean
            | FieldKind::Choice { open: false, .. } => ("", ""),
            _ => (".clone()", ".clone()"),
        };
        if let FieldKind::File {
            max_bytes,
            extensions,
        } = &f.kind
        {
            // The checked struct's field is a placeholder: the file travels as its own part.
            writeln!(wire, "            {}: String::new(),", client_field(w))?;
            writeln!(
                files,
                "            body::file({w:?}, &self.{n}, {max_bytes:?}, &{extensions:?})?,"
            )?;
            continue;
        }
        let value = match (f.required, f.inline_array) {
            (true, false) => format!("{}?", convert(f, &format!("self.{n}{required_value}"))),
            (false, false) => format!("self.{n}{optional_value}.map(|v| {one}).transpose()?"),
            // The client holds an inline array as a `Vec` of its items, empty when left out.
            (required, true) => format!(
                "self.{n}.iter(){flatten}.cloned().map(|v| {one}).collect::<Result<Vec<_>, _>>()?",
                flatten = if required { "" } else { ".flatten()" },
            ),
        };
        writeln!(wire, "            {}: {value},", client_field(w))?;
    }
    let example: Vec<String> = b
        .fields
        .iter()
        .filter(|f| f.required)
        .map(example_value)
        .collect();
    // `new` without arguments comes with `Default`, as clippy asks.
    let default = if params.is_empty() { "Default, " } else { "" };
    write!(
        code,
        "\n{doc}///\n\
         /// Built with [`new`](Self::new) (the required fields) and one setter per field. Every value is\n\
         /// checked against the spec's limits when the request is sent, or by [`validate`](Self::validate);\n\
         /// a failure is [`Error::InvalidInput`] naming the field.{json}\n\
         ///\n\
         /// ```\n\
         /// let body = tallyfy::{name}::new({example});\n\
         /// assert!(body.validate().is_ok());\n\
         /// ```\n\
         {derive}\n\
         pub struct {name} {{\n{fields}}}\n\n\
         impl {name} {{\n    \
             /// A body with its required fields.\n    \
             pub fn new({params}) -> Self {{\n        Self {{\n{inits}        }}\n    }}\n\n\
         {setters}    \
             /// Checks every value against the spec's limits, as sending does.\n    \
             pub fn validate(&self) -> Result<(), Error> {{\n        self.to_wire().map(drop)\n    }}\n\n    \
             pub(crate) fn to_wire(&self) -> Result<{wire_out}, Error> {{\n{wire_body}    }}\n\
         }}\n",
        doc = doc(&b.doc, ""),
        json = if b.multipart {
            ""
        } else {
            " It also reads from JSON with the wire's\n/// field names."
        },
        derive = if b.multipart {
            format!("#[derive(Clone, Debug, {default}PartialEq)]")
        } else {
            format!(
                "#[derive(Clone, Debug, {default}PartialEq, serde::Deserialize)]\n#[serde(deny_unknown_fields)]"
            )
        },
        wire_out = if b.multipart {
            "tallyfy_client::Multipart".to_string()
        } else {
            format!("types::{wire_type}")
        },
        // A multipart body: the fields checked as the client's type, each sent as a text part, and
        // each file as a part of its own.
        wire_body = if b.multipart {
            format!(
                "        let fields = types::{wire_type} {{\n{wire}        }};\n        body::multipart(&fields, vec![\n{files}        ])\n"
            )
        } else {
            format!("        Ok(types::{wire_type} {{\n{wire}        }})\n")
        },
        example = example.join(", "),
        params = params.join(", "),
    )?;
    Ok(())
}

/// What a handle's method and the type it returns share.
struct Parts {
    /// The method's parameters after `&self`, each with a leading `, `.
    params: String,
    /// The type's fields for the path arguments and the query setters.
    fields: String,
    /// Their initialisers (`name: value`), from the method's arguments and the defaults.
    inits: Vec<String>,
    /// The path arguments of the doc example.
    example_args: Vec<String>,
}

fn parts(r: &Request) -> Parts {
    Parts {
        params: r
            .args()
            .map(|(n, k)| format!(", {n}: {}", rust_types(*k).0))
            .collect(),
        fields: r
            .args()
            .map(|(n, k)| format!("    {n}: {},\n", rust_types(*k).1))
            .chain(r.setters().map(field))
            .collect(),
        inits: r
            .args()
            .map(|(n, k)| match k {
                Segment::Id => n.clone(),
                Segment::Email | Segment::Key => format!("{n}: {n}.as_ref().to_owned()"),
                _ => format!("{n}: {n}.into()"),
            })
            .chain(
                r.setters()
                    .map(|q| format!("{}: Default::default()", q.name)),
            )
            .collect(),
        example_args: r
            .args()
            .map(|(_, k)| example_argument(*k).to_string())
            .collect(),
    }
}

/// One operation that is not a list: the handle's method, its request type and its body's input type.
fn request(r: &Request, code: &mut String, bodies: &mut String) -> Result<()> {
    let handle = pascal(&r.tag);
    let name = pascal(&r.id);
    let output = match &r.returns {
        Returns::Nothing => "()".to_string(),
        Returns::Data(t) | Returns::Body(t) | Returns::Page(t) => format!("types::{t}"),
        Returns::Bytes => "Vec<u8>".to_string(),
    };
    let Parts {
        mut params,
        mut fields,
        mut inits,
        mut example_args,
    } = parts(r);
    let mut prep = query_prep(r, "self");
    if let Some(b) = &r.body {
        // A schema that several operations take (create and update a tag) is one input type.
        if !bodies.contains(&format!("pub struct {} {{", b.name)) {
            body_input(b, bodies)?;
        }
        match b.single() {
            Some(f) => {
                let n = ident(&f.name);
                write!(params, ", {n}: {}", field_types(&f.kind).1)?;
                inits.push(format!("body: bodies::{}::new({n})", b.name));
                example_args.push(example_value(f));
            }
            None => {
                write!(params, ", body: bodies::{}", b.name)?;
                inits.push("body".to_string());
                let required: Vec<String> = b
                    .fields
                    .iter()
                    .filter(|f| f.required)
                    .map(example_value)
                    .collect();
                example_args.push(format!("tallyfy::{}::new({})", b.name, required.join(", ")));
            }
        }
        writeln!(fields, "    body: bodies::{},", b.name)?;
        prep.push_str("        let body = self.body.to_wire()?;\n");
    }
    let setters: String = r.setters().map(|q| setter(q, "self")).collect();
    let call = call(r, "self", "self.client");
    let finish = match r.returns {
        Returns::Data(_) => format!("        let envelope = {call}?;\n        Ok(envelope.data)\n"),
        _ => format!("        {call}\n"),
    };
    let example = format!(
        "client.{}().{}({}).await?",
        r.tag,
        r.verb,
        example_args.join(", ")
    );
    write!(
        code,
        "\nimpl<'c> {handle}<'c> {{\n{doc}    pub fn {verb}(&self{params}) -> {name}<'c> {{\n        {name} {{ client: self.client, {inits} }}\n    }}\n}}\n\n\
         /// The `{id}` request, from [`{handle}::{verb}`]. Set its options, then await it or call\n\
         /// [`send`](Self::send).\n\
         #[derive(Debug)]\n\
         #[must_use = \"a request does nothing until awaited\"]\n\
         pub struct {name}<'c> {{\n    client: &'c Client,\n{fields}}}\n\n\
         impl<'c> {name}<'c> {{\n{setters}    \
             /// Checks the arguments, then sends the request (the same as awaiting it).\n    \
             pub async fn send(self) -> Result<{output}, Error> {{\n{checks}{prep}        let api = self.client.raw();\n{finish}    }}\n\
         }}\n\n\
         impl<'c> IntoFuture for {name}<'c> {{\n    \
             type Output = Result<{output}, Error>;\n    \
             type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;\n\n    \
             fn into_future(self) -> Self::IntoFuture {{\n        Box::pin(self.send())\n    }}\n\
         }}\n",
        doc = method_doc(r, &example),
        inits = inits.join(", "),
        verb = r.verb,
        id = r.id,
        checks = segment_checks(r, "self", "self.client"),
    )?;
    Ok(())
}

/// One list operation: the handle's method, its params type and the setters on its `List`.
fn list(r: &Request, code: &mut String) -> Result<()> {
    let handle = pascal(&r.tag);
    let name = pascal(&r.id);
    let item = match &r.returns {
        Returns::Page(item) => item,
        other => anyhow::bail!("{}: a list returns pages, not {other:?}", r.id),
    };
    let pagination = r.pagination.as_ref().expect("a list has pagination");
    let Parts {
        params,
        fields,
        inits,
        example_args,
    } = parts(r);
    let setters: String = r.setters().map(|q| setter(q, "self.params()")).collect();
    let single = match &pagination.all {
        Some(all) => {
            format!("\n    fn single_page(&self) -> bool {{\n        self.{all}\n    }}\n")
        }
        None => String::new(),
    };
    let example = format!(
        "client.{}().{}({}).collect_all().await?",
        r.tag,
        r.verb,
        example_args.join(", ")
    );
    write!(
        code,
        "\nimpl<'c> {handle}<'c> {{\n{doc}    ///\n    /// Set the options below on the [`{name}`] it returns, then read it like any [`List`].\n    pub fn {verb}(&self{params}) -> {name} {{\n        List::new(self.client, {name}Params {{ {inits} }})\n    }}\n}}\n\n\
         /// The arguments and query parameters of `{id}`, set through [`{name}`]'s setters.\n\
         #[derive(Clone, Debug)]\n\
         pub struct {name}Params {{\n{fields}}}\n\n\
         /// The `{id}` list, from [`{handle}::{verb}`]: a [`List`] with the setters below. Read it with\n\
         /// [`items`](List::items), [`pages`](List::pages), [`page`](List::page) or\n\
         /// [`collect_all`](List::collect_all).\n\
         pub type {name} = List<{name}Params>;\n\n\
         /// The options of `{id}`: one setter per query parameter.\n\
         impl List<{name}Params> {{\n{setters}}}\n\n\
         impl Sealed for {name}Params {{}}\n\n\
         impl ListParams for {name}Params {{\n    \
             type Item = types::{item};\n\n    \
             fn per_page(&self) -> Option<u64> {{\n        self.{per_page}\n    }}\n{most}{single}\n    \
             async fn fetch(&self, client: &Client, page: Option<u64>) -> Result<Page<types::{item}>, Error> {{\n{checks}{prep}        let api = client.raw();\n        let list = {call}?;\n        Ok(Page {{\n            items: list.data,\n            number: page.unwrap_or(1),\n            info: PageInfo::from_meta(list.meta),\n        }})\n    }}\n\
         }}\n",
        doc = method_doc(r, &example),
        inits = inits.join(", "),
        verb = r.verb,
        id = r.id,
        per_page = pagination.per_page,
        most = match pagination.max_per_page {
            Some(n) => format!(
                "\n    fn max_per_page(&self) -> Option<u64> {{\n        Some({n})\n    }}\n"
            ),
            None => String::new(),
        },
        checks = segment_checks(r, "self", "client"),
        prep = query_prep(r, "self"),
        call = call(r, "self", "client"),
    )?;
    Ok(())
}

/// The builders' source text. `header` is the `@generated` line naming the command and the spec.
pub fn generate(
    requests: &[Request],
    tags: &[Tag],
    items: &[ListItem],
    header: &str,
) -> Result<String> {
    let mut code = format!(
        "{header}\
         // Do not edit: change the spec or xtask/src/requests.rs and regenerate.\n\n\
         //! One method per operation, on the resource handle of its tag, from the spec (see\n\
         //! `xtask/src/model.rs` for the rules). Await a request, or call its `send`; read a list like\n\
         //! any [`List`].\n\n\
         #![allow(unused_imports)]\n\n\
         use std::future::{{Future, IntoFuture}};\n\
         use std::num::NonZeroU64;\n\
         use std::pin::Pin;\n\n\
         use tallyfy_client::types;\n\n\
         use crate::client::Client;\n\
         use crate::error::Error;\n\
         use crate::list::{{List, ListParams, Sealed}};\n\
         use crate::pagination::{{Page, PageInfo}};\n\
         use crate::path::{{self, GuestKey}};\n\
         use crate::query;\n\
         use crate::transport::ops;\n"
    );
    code.push_str(&handles(tags)?);
    let mut bodies = String::new();
    for r in requests {
        if r.pagination.is_some() {
            list(r, &mut code)?;
        } else {
            request(r, &mut code, &mut bodies)?;
        }
    }
    for item in items {
        let keys: String = item
            .keys
            .iter()
            .map(|(k, required)| {
                let value = if *required {
                    format!("Some(&self.{k})")
                } else {
                    format!("self.{k}.as_ref()")
                };
                format!(
                    "        if let Some(v) = {value} {{\n            return format!(\"{k}:{{v}}\");\n        }}\n"
                )
            })
            .collect();
        write!(
            code,
            "\nimpl crate::pagination::Item for types::{name} {{\n    \
                 fn identity(&self) -> String {{\n{keys}        \
                     serde_json::to_string(self).unwrap_or_default()\n    \
                 }}\n\
             }}\n",
            name = item.schema,
        )?;
    }
    write!(
        code,
        "\n/// The request bodies' input types, one per body schema (re-exported at the crate root).\n\
         pub mod bodies {{\n\
         #![allow(unused_imports)]\n\
         use tallyfy_client::types;\n\n\
         use crate::body;\n\
         use crate::error::Error;\n\
         {bodies}}}\n"
    )?;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_request_checks_its_segments_and_query_values() {
        let spec: openapiv3::OpenAPI =
            serde_yaml::from_str(&crate::files::read_spec_text().unwrap()).unwrap();
        let requests = crate::model::requests(&spec).unwrap();
        let items = crate::model::list_items(&spec, &requests).unwrap();
        let code = generate(&requests, &crate::model::tags(&spec), &items, "// header\n").unwrap();
        assert!(code.contains("let guest_email = path::email_segment(&self.guest_email)?;"));
        assert!(code.contains("let user_id = path::positive_id(\"user_id\", self.user_id)?;"));
        assert!(code.contains("let reassign_to = query::at_least_one(\"to\", self.reassign_to)?;"));
        assert!(code.contains("self.reassign_to.is_some().then_some(true)"));
        assert!(code.contains("types::GetMemberWith::try_from"));
        assert!(code.contains("pub type ListGuests = List<ListGuestsParams>;"));
        assert!(
            code.contains(
                "fn single_page(&self) -> bool {\n        self.without_pagination\n    }"
            )
        );
    }
}
