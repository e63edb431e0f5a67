//! The SDK's request builders: `crates/tallyfy/src/generated/requests.rs`.
//!
//! For each operation the generator can describe completely from the spec, it writes a method on the
//! resource handle of the operation's tag (`client.<tag>().<verb>(...)`) and the request type it
//! returns, which is awaited directly or sent with `.send()`. Today that is every operation without
//! query parameters and without a body; the others are still written by hand in the SDK's resource
//! modules.
//!
//! The rules, each from the spec alone:
//! - the handle is `crate::<tag>::<Tag>` (the tag `guests` gives `Guests`);
//! - the verb is the operationId without the tag's singular (the tag without its final `s`) as a
//!   word: `remove_guest` → `remove`, `set_member_role` → `set_role`;
//! - the request type is the operationId in PascalCase (`RemoveGuest`);
//! - each path parameter is an argument, checked by the rules of its `x-tallyfy-segment` kind before
//!   anything is sent: `org` is the client's organization (never an argument), `email` a guest email,
//!   `id` a positive number, `email-or-id` either;
//! - the result is the success response's `data` when its schema is an envelope (an object whose
//!   only required property is `data`), the whole body otherwise, and `()` when it has none.

use anyhow::{Context, Result, bail};
use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, Response, Schema,
    SchemaKind, StatusCode, Type,
};
use std::fmt::Write as _;

/// Where the builders go.
pub const GENERATED: &str = "crates/tallyfy/src/generated/requests.rs";

/// Where the CLI's commands for the same operations go.
pub const CLI_GENERATED: &str = "crates/tallyfy-cli/src/generated/commands.rs";

/// How a path parameter is checked and passed (its `x-tallyfy-segment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    Org,
    Email,
    Id,
    EmailOrId,
}

impl Segment {
    /// The kinds `x-tallyfy-segment` may name, as the spec spells them.
    pub const NAMES: &[&str] = &["org", "email", "id", "email-or-id"];

    /// The generated method's argument type and the request type's field type (the organization
    /// is never an argument).
    fn rust_types(self) -> (&'static str, &'static str) {
        match self {
            Self::Org => unreachable!("the organization is never an argument"),
            Self::Email => ("&str", "String"),
            Self::Id => ("i64", "i64"),
            Self::EmailOrId => ("impl Into<GuestKey>", "GuestKey"),
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "org" => Self::Org,
            "email" => Self::Email,
            "id" => Self::Id,
            "email-or-id" => Self::EmailOrId,
            _ => return None,
        })
    }
}

/// What a generated method returns.
#[derive(Debug, PartialEq)]
enum Returns {
    Nothing,
    /// The envelope's `data`, of this schema.
    Data(String),
    Body(String),
}

struct Request {
    id: String,
    tag: String,
    verb: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    segments: Vec<(String, Segment)>,
    returns: Returns,
}

fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The verb of an operation: its id without the tag's singular as one word.
pub fn verb(id: &str, tag: &str) -> Result<String> {
    let singular = tag.strip_suffix('s').unwrap_or(tag);
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

fn returns(spec: &OpenAPI, id: &str, op: &Operation) -> Result<Returns> {
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
    let Some(media) = response.content.get("application/json") else {
        return Ok(Returns::Nothing);
    };
    let Some(ReferenceOr::Reference { reference }) = &media.schema else {
        bail!("{id}: its success body must be a $ref to a component schema");
    };
    let name = schema_name(reference)?;
    let schema = component(spec, name).with_context(|| format!("{id}: {name} not found"))?;
    if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind
        && object.required == ["data"]
        && let Some(ReferenceOr::Reference { reference }) = object.properties.get("data")
    {
        return Ok(Returns::Data(schema_name(reference)?.to_string()));
    }
    Ok(Returns::Body(name.to_string()))
}

/// The operations that this generator writes, in the spec's order.
fn requests(spec: &OpenAPI) -> Result<Vec<Request>> {
    let mut out = Vec::new();
    for (path, method, op) in spec.operations() {
        let id = op.operation_id.clone().context("no operationId")?;
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
        let has_query = params.iter().any(|p| matches!(p, Parameter::Query { .. }));
        if has_query || op.request_body.is_some() {
            continue;
        }
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
            let kind = parameter_data
                .extensions
                .get("x-tallyfy-segment")
                .and_then(serde_json::Value::as_str)
                .and_then(Segment::parse)
                .with_context(|| {
                    format!("{id}: path parameter {name} needs an x-tallyfy-segment kind")
                })?;
            // The generated client's argument type follows the schema's type; the kinds assume it.
            let is_integer = matches!(
                &parameter_data.format,
                ParameterSchemaOrContent::Schema(ReferenceOr::Item(Schema {
                    schema_kind: SchemaKind::Type(Type::Integer(_)),
                    ..
                }))
            );
            if is_integer != (kind == Segment::Id) {
                bail!(
                    "{id}: {name} is {kind:?}, so it must be an integer exactly when the kind is `id`"
                );
            }
            segments.push((name.to_string(), kind));
        }
        let tag = match op.tags.as_slice() {
            [tag] => tag.clone(),
            other => bail!("{id}: needs exactly one tag, has {other:?}"),
        };
        out.push(Request {
            verb: verb(&id, &tag)?,
            returns: returns(spec, &id, op)?,
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            summary: op.summary.clone().unwrap_or_default(),
            description: op.description.clone().unwrap_or_default(),
            segments,
            tag,
            id,
        });
    }
    Ok(out)
}

/// A value of this kind for the generated examples.
fn example_argument(kind: Segment) -> &'static str {
    match kind {
        Segment::Org => unreachable!("the organization is never an argument"),
        Segment::Email => "\"pat@example.com\"",
        Segment::Id | Segment::EmailOrId => "1234",
    }
}

/// The builders' source text. `header` is the `@generated` line naming the command and the spec.
pub fn generate(spec: &OpenAPI, header: &str) -> Result<String> {
    let requests = requests(spec)?;
    let uses_types = requests.iter().any(|r| r.returns != Returns::Nothing);
    let uses_key = requests
        .iter()
        .any(|r| r.segments.iter().any(|(_, k)| *k == Segment::EmailOrId));
    let mut code = String::new();
    write!(
        code,
        "{header}\
         // Do not edit: change the spec or xtask/src/requests.rs and regenerate.\n\n\
         //! One method and one request type per operation, from the spec (see\n\
         //! `xtask/src/requests.rs` for the rules). Await a request, or call its `send`.\n\n\
         use std::future::{{Future, IntoFuture}};\n\
         use std::pin::Pin;\n\n\
         {types}\
         use crate::client::Client;\n\
         use crate::error::Error;\n\
         use crate::path;\n\
         {key}\
         use crate::transport::ops;\n",
        types = if uses_types {
            "use tallyfy_client::types;\n\n"
        } else {
            ""
        },
        key = if uses_key {
            "use crate::path::GuestKey;\n"
        } else {
            ""
        },
    )?;
    for r in requests {
        let handle = pascal(&r.tag);
        let name = pascal(&r.id);
        let args: Vec<&(String, Segment)> = r
            .segments
            .iter()
            .filter(|(_, k)| *k != Segment::Org)
            .collect();
        let output = match &r.returns {
            Returns::Nothing => "()".to_string(),
            Returns::Data(t) | Returns::Body(t) => format!("types::{t}"),
        };
        let params: String = args
            .iter()
            .map(|(n, k)| format!(", {n}: {}", k.rust_types().0))
            .collect();
        let fields: String = args
            .iter()
            .map(|(n, k)| format!("    {n}: {},\n", k.rust_types().1))
            .collect();
        let inits: String = args
            .iter()
            .map(|(n, k)| match k {
                Segment::Id => format!(", {n}"),
                Segment::Email => format!(", {n}: {n}.to_owned()"),
                _ => format!(", {n}: {n}.into()"),
            })
            .collect();
        let checks: String = r
            .segments
            .iter()
            .map(|(n, k)| match k {
                Segment::Org => format!("        let {n} = self.client.org_id();\n"),
                Segment::Email => format!("        let {n} = path::email_segment(&self.{n})?;\n"),
                Segment::Id => format!("        let {n} = path::positive_id({n:?}, self.{n})?;\n"),
                Segment::EmailOrId => format!(
                    "        let {n} = path::email_or_id_segment({n:?}, &self.{n})?;\n        let {n} = {n}.as_ref();\n"
                ),
            })
            .collect();
        let call_args: Vec<&str> = r.segments.iter().map(|(n, _)| n.as_str()).collect();
        let call = format!(
            "self.client.execute(ops::{}, || api.{}({})).await",
            r.id.to_ascii_uppercase(),
            r.id,
            call_args.join(", ")
        );
        let finish = match r.returns {
            Returns::Data(_) => {
                format!("        let envelope = {call}?;\n        Ok(envelope.data)\n")
            }
            _ => format!("        {call}\n"),
        };
        let example_args: Vec<&str> = args.iter().map(|(_, k)| example_argument(*k)).collect();
        let description: String = r
            .description
            .trim_end()
            .lines()
            .map(|l| format!("    /// {l}\n").replace("/// \n", "///\n"))
            .collect();
        write!(
            code,
            "\nimpl<'c> crate::{tag}::{handle}<'c> {{\n    \
                 /// {summary}.\n    \
                 ///\n\
                 {description}    \
                 ///\n    \
                 /// `{method} {path}` (`{id}`).\n    \
                 ///\n    \
                 /// ```no_run\n    \
                 /// # async fn run(client: tallyfy::Client) -> tallyfy::Result<()> {{\n    \
                 /// let result = client.{tag}().{verb}({example}).await?;\n    \
                 /// # let _ = result;\n    \
                 /// # Ok(()) }}\n    \
                 /// ```\n    \
                 pub fn {verb}(&self{params}) -> {name}<'c> {{\n        \
                     {name} {{ client: self.client{inits} }}\n    \
                 }}\n\
             }}\n\n\
             /// The `{id}` request, from [`{handle}::{verb}`](crate::{tag}::{handle}::{verb}). Await it or\n\
             /// call [`send`](Self::send).\n\
             #[derive(Debug)]\n\
             #[must_use = \"a request does nothing until awaited\"]\n\
             pub struct {name}<'c> {{\n    \
                 client: &'c Client,\n\
             {fields}\
             }}\n\n\
             impl<'c> {name}<'c> {{\n    \
                 /// Checks the arguments, then sends the request (the same as awaiting it).\n    \
                 pub async fn send(self) -> Result<{output}, Error> {{\n\
             {checks}        \
                     let api = self.client.raw();\n\
             {finish}    \
                 }}\n\
             }}\n\n\
             impl<'c> IntoFuture for {name}<'c> {{\n    \
                 type Output = Result<{output}, Error>;\n    \
                 type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;\n\n    \
                 fn into_future(self) -> Self::IntoFuture {{\n        \
                     Box::pin(self.send())\n    \
                 }}\n\
             }}\n",
            tag = r.tag,
            summary = r.summary.trim_end_matches('.'),
            method = r.method,
            path = r.path,
            id = r.id,
            verb = r.verb,
            example = example_args.join(", "),
        )?;
    }
    Ok(code)
}

/// The CLI's commands for the same operations: one clap subcommand enum per tag
/// (`<Tag>Operations`, flattened into the tag's hand-written command enum) whose variants are the
/// verbs in kebab case (`set_role` → `set-role`), whose positional arguments are the path
/// parameters, and whose `run` calls the SDK method and writes the result (`()` prints the
/// operation's summary as done).
pub fn generate_cli(spec: &OpenAPI, header: &str) -> Result<String> {
    let requests = requests(spec)?;
    let mut code = String::new();
    write!(
        code,
        "{header}\
         // Do not edit: change the spec or xtask/src/requests.rs and regenerate.\n\n\
         //! One `tallyfy <tag> <verb>` command per operation that the SDK's request builders are\n\
         //! generated for (see `xtask/src/requests.rs`).\n\n\
         use crate::out::{{Failure, Out}};\n\
         use tallyfy::Client;\n"
    )?;
    let mut tags: Vec<&str> = requests.iter().map(|r| r.tag.as_str()).collect();
    tags.dedup();
    for tag in tags {
        let ops: Vec<&Request> = requests.iter().filter(|r| r.tag == tag).collect();
        let name = format!("{}Operations", pascal(tag));
        write!(
            code,
            "\n/// The generated `tallyfy {tag}` commands.\n\
             #[derive(Debug, clap::Subcommand)]\n\
             pub enum {name} {{\n"
        )?;
        for r in &ops {
            let fields: String = r
                .segments
                .iter()
                .filter(|(_, k)| *k != Segment::Org)
                .map(|(n, k)| {
                    let ty = if *k == Segment::Id { "i64" } else { "String" };
                    format!("        {n}: {ty},\n")
                })
                .collect();
            write!(
                code,
                "    /// {summary}.\n    {variant} {{\n{fields}    }},\n",
                summary = r.summary.trim_end_matches('.'),
                variant = pascal(&r.verb),
            )?;
        }
        write!(
            code,
            "}}\n\n\
             impl {name} {{\n    \
                 /// Sends the request and writes the result.\n    \
                 pub async fn run(self, client: &Client, out: &Out) -> Result<(), Failure> {{\n        \
                     match self {{\n"
        )?;
        for r in &ops {
            let args: Vec<&(String, Segment)> = r
                .segments
                .iter()
                .filter(|(_, k)| *k != Segment::Org)
                .collect();
            let bind: Vec<&str> = args.iter().map(|(n, _)| n.as_str()).collect();
            let call_args: Vec<String> = args
                .iter()
                .map(|(n, k)| match k {
                    Segment::Email => format!("&{n}"),
                    Segment::Id => n.clone(),
                    // A number is an id; anything else is an email.
                    Segment::EmailOrId => format!(
                        "{n}.parse::<i64>().map(tallyfy::GuestKey::from).unwrap_or_else(|_| {n}.into())"
                    ),
                    Segment::Org => unreachable!(),
                })
                .collect();
            let call = format!("client.{tag}().{}({}).await?", r.verb, call_args.join(", "));
            let finish = match r.returns {
                Returns::Nothing => format!(
                    "{{\n                {call};\n                out.done({:?})\n            }}",
                    r.summary.trim_end_matches('.')
                ),
                _ => format!("out.one(&{call})"),
            };
            writeln!(
                code,
                "            Self::{variant} {{ {bind} }} => {finish},",
                variant = pascal(&r.verb),
                bind = bind.join(", "),
            )?;
        }
        code.push_str("        }\n    }\n}\n");
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_come_from_the_operation_id() {
        assert_eq!(verb("remove_guest", "guests").unwrap(), "remove");
        assert_eq!(verb("set_member_role", "members").unwrap(), "set_role");
        assert_eq!(verb("list_guests", "guests").unwrap(), "list");
        assert!(verb("remove_person", "guests").is_err());
        assert!(verb("guest", "guests").is_err());
    }

    #[test]
    fn every_generated_request_checks_its_segments_by_kind() {
        let spec: OpenAPI = serde_yaml::from_str(&crate::files::read_spec_text().unwrap()).unwrap();
        let built = requests(&spec).unwrap();
        let ids: Vec<&str> = built.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "remove_guest",
                "disable_guest",
                "enable_guest",
                "purge_guest",
                "disable_member",
                "enable_member",
                "purge_member"
            ]
        );
        let purge = built.iter().find(|r| r.id == "purge_guest").unwrap();
        assert_eq!(
            purge.segments,
            [
                ("org_id".to_string(), Segment::Org),
                ("guest_id".to_string(), Segment::EmailOrId)
            ]
        );
        assert_eq!(purge.returns, Returns::Nothing);
        let remove = built.iter().find(|r| r.id == "remove_guest").unwrap();
        assert_eq!(remove.returns, Returns::Data("Guest".into()));
        let code = generate(&spec, "// header\n").unwrap();
        assert!(code.contains("let guest_email = path::email_segment(&self.guest_email)?;"));
        assert!(code.contains("let user_id = path::positive_id(\"user_id\", self.user_id)?;"));
    }
}
