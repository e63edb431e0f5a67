//! The CLI's commands: `crates/tallyfy-cli/src/generated/commands.rs`.
//!
//! The top-level `Command` (one subcommand per tag of the spec) and one clap subcommand enum per
//! tag (`<Tag>Operations`) with one variant per operation of the request model ([`crate::model`]):
//! - the variant is the verb in kebab case (`set_role` → `set-role`);
//! - its positional arguments are the path parameters (the organization comes from the options);
//! - its flags are the query parameters' setters with `_` turned into `-` (`--reassign-to`,
//!   `--with-stats`); a comma list takes `--with a,b`;
//! - an operation with a body takes one flag per body field (`--first-name`; an array takes
//!   `--ids 1,2`, and an empty value sends `[]`; a boolean `--flag true|false`; an enum any
//!   letter case), required unless `--body FILE` (or `-` for stdin) gives the whole body as JSON,
//!   which the flags then override; a body of one field is that field's value, a positional
//!   argument (`set-role ID ROLE`);
//! - a list also takes the walk's flags (`--page`, `--concurrency`, `--limit`, from `walk.rs`);
//! - `run` calls the SDK method and writes the result: one item, a walk of pages, or, for an
//!   operation without a body, its summary as done;
//! - every item type printed gets its table row (`Row`): the columns its schema's
//!   `x-tallyfy-columns` lists, or else its scalar properties.

use crate::model::{
    Field, FieldKind, Query, QueryKind, Request, Returns, Segment, Table, Tag, ident, pascal,
};
use anyhow::Result;
use std::fmt::Write as _;

/// Where the commands go.
pub const GENERATED: &str = "crates/tallyfy-cli/src/generated/commands.rs";

/// The first sentence of a description, for a flag's one-line help.
fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(end) => flat[..=end].to_string(),
        None => flat,
    }
}

/// A flag's declaration, with its help.
fn flag(q: &Query) -> String {
    let help = match &q.kind {
        QueryKind::Only { value, .. } => {
            format!("Sends `{}={value}`. {}", q.wire, first_sentence(&q.doc))
        }
        _ => first_sentence(&q.doc),
    };
    let (args, ty) = match &q.kind {
        QueryKind::Flag | QueryKind::Only { .. } => (String::new(), "bool".to_string()),
        QueryKind::Choice { ty } => (String::new(), format!("Option<tallyfy::types::{ty}>")),
        QueryKind::Text | QueryKind::CheckedText { .. } => (
            ", allow_hyphen_values = true".to_string(),
            "Option<String>".to_string(),
        ),
        QueryKind::CommaList { item, .. } => (
            ", value_delimiter = ','".to_string(),
            format!("Vec<tallyfy::types::{item}>"),
        ),
        QueryKind::Integer { minimum: Some(m) } => (
            format!(", value_parser = clap::value_parser!(i64).range({m}..)"),
            "Option<i64>".to_string(),
        ),
        QueryKind::Integer { minimum: None } => (
            ", allow_hyphen_values = true".to_string(),
            "Option<i64>".to_string(),
        ),
        QueryKind::PageSize => (
            ", value_parser = clap::value_parser!(u64).range(1..)".to_string(),
            "Option<u64>".to_string(),
        ),
        QueryKind::PageNumber => unreachable!("the page number is a walk flag"),
    };
    format!(
        "        /// {help}\n        #[arg(long{args})]\n        {}: {ty},\n",
        bound(q)
    )
}

/// A body field's flag.
fn body_flag(f: &Field, multipart: bool) -> String {
    let help = first_sentence(&f.doc);
    let help = if help.is_empty() {
        format!("`{}` of the body.", f.name)
    } else {
        help
    };
    // A JSON body's required fields may come from `--body` instead; a multipart body has no
    // `--body` (a file cannot travel in JSON).
    let required = match (f.required, multipart) {
        (true, false) => ", required_unless_present = \"body\"",
        (true, true) => ", required = true",
        (false, _) => "",
    };
    let (attr, ty) = match f.kind {
        FieldKind::Text | FieldKind::Choice { .. } => {
            ("allow_hyphen_values = true", "Option<String>")
        }
        FieldKind::Value { .. } => ("value_name = \"JSON\"", "Option<String>"),
        FieldKind::File { .. } => ("value_name = \"PATH\"", "Option<String>"),
        FieldKind::Integer { .. } => ("allow_hyphen_values = true", "Option<i64>"),
        FieldKind::Boolean => ("value_name = \"true|false\"", "Option<bool>"),
        FieldKind::Integers | FieldKind::Texts => (
            "value_delimiter = ',', num_args = 0..",
            "Option<Vec<String>>",
        ),
    };
    format!(
        "        /// {help}\n        #[arg(long, {attr}{required})]\n        {}: {ty},\n",
        ident(&f.name)
    )
}

/// The flag of a body field, as the CLI's messages name it.
fn flag_name(f: &Field) -> String {
    format!("--{}", f.name.replace('_', "-"))
}

/// `v`, the value clap parsed for a body field, as the SDK setter's argument.
fn cli_value(f: &Field, v: &str, shown: &str) -> String {
    match &f.kind {
        FieldKind::Integers => format!("crate::body::integers({shown:?}, &{v})?"),
        FieldKind::Texts => format!("crate::body::texts(&{v})"),
        FieldKind::Choice { values, .. } => {
            format!("crate::body::choice({shown:?}, &{v}, &{values:?})?")
        }
        FieldKind::Value { .. } => format!("crate::body::json({shown:?}, &{v})?"),
        FieldKind::File { .. } => format!("crate::body::file({shown:?}, &{v})?"),
        _ => v.to_string(),
    }
}

/// The arguments of a body input's `new`: each required field's flag (unwrapped, `then` applied to
/// the flag first), as the setter's argument.
fn required_args(b: &crate::model::Body, then: &str) -> Vec<String> {
    b.fields
        .iter()
        .filter(|f| f.required)
        .map(|f| {
            let flag = flag_name(f);
            let v = format!("crate::body::required({flag:?}, {}{then})?", ident(&f.name));
            cli_value(f, &v, &flag)
        })
        .collect()
}

/// The statement that hands a body flag to the input `body`.
fn apply_body(f: &Field) -> String {
    let n = ident(&f.name);
    format!(
        "                if let Some(v) = {n} {{ input = input.{n}({}); }}\n",
        cli_value(f, "v", &flag_name(f))
    )
}

/// The variable a flag is bound to.
fn bound(q: &Query) -> String {
    match &q.kind {
        QueryKind::Only { value, .. } => format!("{}_{value}", q.name),
        _ => q.name.clone(),
    }
}

/// The statement that hands a flag to the SDK request `req`.
fn apply(q: &Query) -> String {
    let n = &q.name;
    match &q.kind {
        QueryKind::Flag => format!("                if {n} {{ req = req.{n}(); }}\n"),
        QueryKind::Only { value, .. } => {
            format!("                if {n}_{value} {{ req = req.{n}_{value}(); }}\n")
        }
        QueryKind::CommaList { .. } => {
            format!("                if !{n}.is_empty() {{ req = req.{n}(&{n}); }}\n")
        }
        _ => format!("                if let Some(v) = {n} {{ req = req.{n}(v); }}\n"),
    }
}

/// The CLI's source text. `header` is the `@generated` line naming the command and the spec.
pub fn generate(
    requests: &[Request],
    tags: &[Tag],
    tables: &[Table],
    header: &str,
) -> Result<String> {
    let mut code = format!(
        "{header}\
         // Do not edit: change the spec or xtask/src/commands.rs and regenerate.\n\n\
         //! One `tallyfy <tag> <verb>` command per operation that the SDK's request builders are\n\
         //! generated for (see `xtask/src/commands.rs` for the rules).\n\n\
         use crate::out::{{Failure, Out}};\n\
         use crate::output::Row;\n\
         use tallyfy::Client;\n"
    );
    // A tag without operations gets no subcommand.
    let tags: Vec<&Tag> = tags
        .iter()
        .filter(|t| requests.iter().any(|r| r.tag == t.name))
        .collect();
    let variants: String = tags
        .iter()
        .map(|t| {
            format!(
                "    /// {}\n    #[command(subcommand)]\n    {}({}Operations),\n",
                first_sentence(&t.description),
                pascal(&t.name),
                pascal(&t.name)
            )
        })
        .collect();
    let arms: String = tags
        .iter()
        .map(|t| {
            format!(
                "            Self::{}(operation) => operation.run(client, out).await,\n",
                pascal(&t.name)
            )
        })
        .collect();
    write!(
        code,
        "\n/// The API's resources, one subcommand each: the spec's tags.\n\
         #[derive(Debug, clap::Subcommand)]\n\
         pub enum Command {{\n{variants}}}\n\n\
         impl Command {{\n    \
             /// Runs the operation against `client` and writes its result to `out`.\n    \
             pub async fn run(self, client: &Client, out: &Out) -> Result<(), Failure> {{\n        \
                 match self {{\n{arms}        }}\n    }}\n\
         }}\n"
    )?;
    for tag in tags.iter().map(|t| t.name.as_str()) {
        let ops: Vec<&Request> = requests.iter().filter(|r| r.tag == tag).collect();
        let name = format!("{}Operations", pascal(tag));
        write!(
            code,
            "\n/// The generated `tallyfy {tag}` commands.\n\
             #[derive(Debug, clap::Subcommand)]\n\
             // Parsed once per run: a variant's size does not matter.\n\
             #[allow(clippy::large_enum_variant)]\n\
             pub enum {name} {{\n"
        )?;
        for r in &ops {
            let mut fields: String = r
                .args()
                .map(|(n, k)| {
                    let ty = if *k == Segment::Id { "i64" } else { "String" };
                    format!("        {n}: {ty},\n")
                })
                .collect();
            if r.pagination.is_some() {
                fields.push_str(
                    "        #[command(flatten)]\n        walk: crate::walk::WalkArgs,\n",
                );
            }
            fields.extend(r.setters().map(flag));
            if let Some(b) = &r.body {
                let taken: Vec<String> = r
                    .args()
                    .map(|(n, _)| n.clone())
                    .chain(r.setters().map(bound))
                    .collect();
                if let Some(f) = b
                    .fields
                    .iter()
                    .find(|f| f.name == "body" || taken.contains(&f.name))
                {
                    anyhow::bail!(
                        "{}: body field {} clashes with a CLI argument of the same name",
                        r.id,
                        f.name
                    );
                }
                match b.single() {
                    // A body of one field is that field's value, a positional argument.
                    Some(f) => {
                        let ty = match f.kind {
                            FieldKind::Integer { .. } => "i64",
                            FieldKind::Boolean => "bool",
                            _ => "String",
                        };
                        writeln!(fields, "        {}: {ty},", ident(&f.name))?
                    }
                    None => {
                        if !b.multipart {
                            fields.push_str("        /// The whole body as JSON, from a file or `-` for stdin; flags override its fields.\n        #[arg(long, value_name = \"FILE\")]\n        body: Option<String>,\n");
                        }
                        fields.extend(b.fields.iter().map(|f| body_flag(f, b.multipart)));
                    }
                }
            }
            write!(
                code,
                "    /// {summary}.\n    {variant} {{\n{fields}    }},\n",
                summary = r.summary(),
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
            let mut bind: Vec<String> = r.args().map(|(n, _)| n.clone()).collect();
            if r.pagination.is_some() {
                bind.push("walk".into());
            }
            bind.extend(r.setters().map(bound));
            let mut call_args: Vec<String> = r
                .args()
                .map(|(n, k)| match k {
                    Segment::Email | Segment::Id | Segment::Key => n.clone(),
                    // A number is an id; anything else is an email.
                    Segment::EmailOrId => format!(
                        "{n}.parse::<i64>().map(tallyfy::GuestKey::from).unwrap_or_else(|_| {n}.into())"
                    ),
                    Segment::Org => unreachable!(),
                })
                .collect();
            let applied: String = r.setters().map(apply).collect();
            let mut input = String::new();
            if let Some(b) = &r.body {
                match b.single() {
                    Some(f) => {
                        let n = ident(&f.name);
                        call_args.push(cli_value(f, &n, &f.name.to_ascii_uppercase()));
                        bind.push(n);
                    }
                    None if b.multipart => {
                        bind.extend(b.fields.iter().map(|f| ident(&f.name)));
                        let required = required_args(b, "");
                        writeln!(
                            input,
                            "                let mut input = tallyfy::requests::bodies::{schema}::new({required});",
                            schema = b.name,
                            required = required.join(", "),
                        )?;
                        input.extend(b.fields.iter().filter(|f| !f.required).map(apply_body));
                        call_args.push("input".into());
                    }
                    None => {
                        bind.push("body".into());
                        bind.extend(b.fields.iter().map(|f| ident(&f.name)));
                        // Cloned: the flags are applied again after the body file is read.
                        let required = required_args(b, ".clone()");
                        // A required field given as a flag need not be in the body file; every
                        // flag then overrides what the file says, so they are applied after.
                        let given: Vec<String> = b
                            .fields
                            .iter()
                            .filter(|f| f.required)
                            .map(|f| {
                                format!("({:?}, crate::body::given(&{}))", f.name, ident(&f.name))
                            })
                            .collect();
                        write!(
                            input,
                            "                let mut input = match body {{\n                    Some(file) => crate::body::read::<tallyfy::requests::bodies::{schema}>(&file, &[{given}])?,\n                    None => tallyfy::requests::bodies::{schema}::new({required}),\n                }};\n",
                            schema = b.name,
                            given = given.join(", "),
                            required = required.join(", "),
                        )?;
                        input.extend(b.fields.iter().map(apply_body));
                        call_args.push("input".into());
                    }
                }
            }
            let finish = if r.pagination.is_some() {
                "crate::walk::list(out, req, &walk).await".to_string()
            } else {
                match r.returns {
                    Returns::Bytes => "out.bytes(&req.await?)".to_string(),
                    Returns::Nothing => {
                        format!("req.await?;\n                out.done({:?})", r.summary())
                    }
                    _ => "out.one(&req.await?)".to_string(),
                }
            };
            let binding = if applied.is_empty() { "let" } else { "let mut" };
            writeln!(
                code,
                "            Self::{variant} {{ {bind} }} => {{\n{input}                {binding} req = client.{tag}().{verb}({args});\n{applied}                {finish}\n            }}",
                variant = pascal(&r.verb),
                bind = bind.join(", "),
                verb = r.verb,
                args = call_args.join(", "),
            )?;
        }
        code.push_str("        }\n    }\n}\n");
    }
    for t in tables {
        let headings: Vec<&str> = t.columns.iter().map(|c| c.heading.as_str()).collect();
        let fields: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("&{:?}", c.fields))
            .collect();
        write!(
            code,
            "\nimpl Row for tallyfy::types::{name} {{\n    \
                 fn headings() -> &'static [&'static str] {{\n        &{headings:?}\n    }}\n\n    \
                 fn cells(&self) -> Vec<String> {{\n        crate::rows::cells(self, &[{fields}])\n    }}\n\
             }}\n",
            name = t.schema,
            fields = fields.join(", "),
        )?;
    }
    Ok(code)
}
