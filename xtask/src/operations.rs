//! The operations table for the SDK crate: `crates/tallyfy/src/generated/operations.rs`.
//!
//! Each operation in the spec becomes one `Op` constant (id, method, path template, whether a retry
//! may repeat it), so the SDK's transport, spans and retry policy read those facts from the spec and
//! nowhere else. Whether an operation may be retried after a 5xx or a lost connection follows from its
//! method (GET, HEAD, PUT, DELETE, OPTIONS and TRACE may be repeated; POST and PATCH may not) unless
//! the operation says otherwise with `x-tallyfy-idempotent`, which the spec rules allow only where it
//! changes the answer (see [`crate::spec_rules`]).

use anyhow::{Context, Result, bail};
use openapiv3::OpenAPI;
use std::fmt::Write as _;

/// Where the table goes.
pub const GENERATED: &str = "crates/tallyfy/src/generated/operations.rs";

/// One operation, as the table records it.
#[derive(Debug, PartialEq)]
pub struct Operation {
    pub id: String,
    /// Upper case, as `reqwest::Method`'s constants spell it.
    pub method: String,
    pub path: String,
    pub summary: String,
    pub idempotent: bool,
}

/// Whether repeating a request with this method leaves the server as one request would.
pub fn idempotent_by_method(method: &str) -> bool {
    matches!(
        method,
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
    )
}

/// The spec's operations, in the spec's order.
pub fn operations(spec: &OpenAPI) -> Result<Vec<Operation>> {
    let mut out = Vec::new();
    for (path, method, op) in spec.operations() {
        let id = op
            .operation_id
            .clone()
            .with_context(|| format!("{method} {path}: no operationId"))?;
        let method = method.to_ascii_uppercase();
        let idempotent = match op.extensions.get("x-tallyfy-idempotent") {
            None => idempotent_by_method(&method),
            Some(serde_json::Value::Bool(b)) => *b,
            Some(other) => bail!("{id}: x-tallyfy-idempotent is {other}, not a boolean"),
        };
        out.push(Operation {
            id,
            method,
            path: path.to_string(),
            summary: op.summary.clone().unwrap_or_default(),
            idempotent,
        });
    }
    Ok(out)
}

/// The table's source text. `header` is the `@generated` line naming the command and the spec.
pub fn generate(spec: &OpenAPI, header: &str) -> Result<String> {
    let mut code = String::new();
    writeln!(
        code,
        "{header}\
         // Do not edit: change the spec or xtask/src/operations.rs and regenerate.\n\n\
         //! Every operation of the spec: its id, method, path template and whether a retry may repeat it.\n\n\
         use reqwest::Method;\n\n\
         use crate::transport::Op;\n"
    )?;
    let ops = operations(spec)?;
    for op in &ops {
        writeln!(
            code,
            "/// `{method} {path}`: {summary}\n\
             pub(crate) const {name}: Op = Op {{\n    \
                 id: {id:?},\n    \
                 method: Method::{method},\n    \
                 path: {path:?},\n    \
                 idempotent: {idempotent},\n\
             }};\n",
            method = op.method,
            path = op.path,
            summary = op.summary.trim_end_matches('.'),
            name = op.id.to_ascii_uppercase(),
            id = op.id,
            idempotent = op.idempotent,
        )?;
    }
    Ok(code.trim_end().to_string() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files;

    fn spec() -> OpenAPI {
        serde_yaml::from_str(&files::read_spec_text().unwrap()).unwrap()
    }

    #[test]
    fn retry_eligibility_follows_the_method_unless_the_spec_says_otherwise() {
        let ops = operations(&spec()).unwrap();
        let create = ops.iter().find(|o| o.id == "create_guest").unwrap();
        assert!(!create.idempotent, "a POST is not repeated");
        let get = ops.iter().find(|o| o.id == "get_guest").unwrap();
        assert!(get.idempotent);

        let mut text = files::read_spec_text().unwrap();
        text = text.replace(
            "      operationId: create_guest\n",
            "      operationId: create_guest\n      x-tallyfy-idempotent: true\n",
        );
        let spec: OpenAPI = serde_yaml::from_str(&text).unwrap();
        let ops = operations(&spec).unwrap();
        let create = ops.iter().find(|o| o.id == "create_guest").unwrap();
        assert!(create.idempotent, "the extension overrides the method");
        let code = generate(&spec, "// header\n").unwrap();
        assert!(code.contains("id: \"create_guest\",\n    method: Method::POST,\n    path: \"/organizations/{org_id}/guests\",\n    idempotent: true,"), "{code}");
    }
}
