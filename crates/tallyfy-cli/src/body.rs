//! `--body FILE` (or `-` for stdin): a whole request body as JSON, read into the SDK's input type
//! for the operation, which then checks it like any other input; and the values of array flags.

use crate::out::Failure;
use serde::de::DeserializeOwned;
use std::io::Read;

/// The body in `file` (`-` is stdin), as the SDK's input type `T`. `flags` are the required fields
/// given as flags (name and value, if given): a field the file leaves out is taken from its flag, so
/// that `--body FILE --checklist-id ID` works with a file that holds only the rest.
pub fn read<T: DeserializeOwned>(
    file: &str,
    flags: &[(&str, Option<serde_json::Value>)],
) -> Result<T, Failure> {
    let text = if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::usage(format!("--body -: reading stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(file).map_err(|e| Failure::usage(format!("--body {file}: {e}")))?
    };
    let invalid = |e: serde_json::Error| Failure::usage(format!("--body {file}: {e}"));
    let mut body: serde_json::Value = serde_json::from_str(&text).map_err(invalid)?;
    if let serde_json::Value::Object(fields) = &mut body {
        for (name, value) in flags {
            if let Some(value) = value
                && !fields.contains_key(*name)
            {
                fields.insert((*name).to_string(), value.clone());
            }
        }
    }
    serde_json::from_value(body).map_err(invalid)
}

/// A flag's value as JSON, for [`read`].
pub fn given<V: serde::Serialize>(value: &Option<V>) -> Option<serde_json::Value> {
    value.as_ref().and_then(|v| serde_json::to_value(v).ok())
}

/// The values of an array flag (`--ids 1,2`), trimmed, without empty ones; `--ids ""` is `[]`.
pub fn texts(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// The numbers of an integer array flag, as [`texts`] splits them.
pub fn integers(flag: &str, values: &[String]) -> Result<Vec<i64>, Failure> {
    texts(values)
        .iter()
        .map(|v| {
            v.parse()
                .map_err(|e| Failure::usage(format!("invalid {flag} {v:?}: {e}")))
        })
        .collect()
}

/// A value of an enum field, as the type the SDK's setter takes: one of the values the spec lists,
/// in any letter case.
pub fn choice<T: std::str::FromStr>(
    flag: &str,
    value: &str,
    allowed: &[&str],
) -> Result<T, Failure> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value.trim()))
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| {
            Failure::usage(format!(
                "invalid {flag} {value:?}: must be one of {}",
                allowed.join(", ")
            ))
        })
}

/// A required field's flag. Clap asks for it unless `--body` is given, and the body file is read
/// instead when it is, so this refuses only what clap already has.
pub fn required<T>(flag: &str, value: Option<T>) -> Result<T, Failure> {
    value.ok_or_else(|| {
        Failure::usage(format!(
            "{flag} is required (or give the whole body with --body)"
        ))
    })
}

/// The value of a flag that takes a JSON value (`--prerun '{"<field id>": "Acme"}'`), as the type
/// the SDK's setter takes.
pub fn json<T: DeserializeOwned>(flag: &str, value: &str) -> Result<T, Failure> {
    serde_json::from_str(value).map_err(|e| Failure::usage(format!("invalid {flag}: {e}")))
}

/// The file at `path` (`-` is stdin) as the part of an upload, named after the path's last
/// component (stdin's is `stdin`).
pub fn file(flag: &str, path: &str) -> Result<tallyfy::FilePart, Failure> {
    let (name, bytes) = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("{flag} -: reading stdin: {e}")))?;
        ("stdin".to_string(), bytes)
    } else {
        let bytes =
            std::fs::read(path).map_err(|e| Failure::usage(format!("{flag} {path}: {e}")))?;
        let name = std::path::Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string());
        (name, bytes)
    };
    Ok(tallyfy::FilePart::new(name, bytes))
}
