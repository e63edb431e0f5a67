//! The five file (asset) operations: upload (`POST /file` and `POST /assets`, one handler), get the
//! record, download the bytes, view them inline, delete.
//!
//! | operation | success | refusals |
//! |---|---|---|
//! | upload | 200 `{"data": Asset}`, a new asset every call | 422: body not `multipart/form-data` (on `name`), a part missing or empty, `subject_type` not `Run`/`Checklist`/`Task`, subject not found, file over 100 MB, extension not allowed, store full |
//! | get_asset | 200 | 404 |
//! | download | 200 the bytes, `application/octet-stream`, `Content-Disposition: attachment` | 404 |
//! | view | 200 the bytes in the media type of the file's extension, no `Content-Disposition` | 404 |
//! | delete | 200, empty body | 404 |
//!
//! The multipart body is parsed here (`parse_multipart`) from the raw bytes and the boundary of
//! `Content-Type`. The file part is `name` (`file` is accepted too, as the Postman guide sends it).
//!
//! Gaps the fake fills: a body that is not multipart (wrong or missing `Content-Type`, no boundary,
//! or parts that do not parse) is the 422 validation body on `name` (the spec documents 422, not
//! 415, for the upload);
//! `uploaded_from` must be a capture id of the process's template for `Run` and `ko_field` for
//! `Checklist` (any non-empty text for `Task`); `subject_id` names a process (archived too), a live
//! template or a task. Uploaded bytes stay in memory, at most 1 GiB together
//! (`ASSET_BYTES_LIMIT`); an upload past it is a 422 on `name`.

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};

use crate::errors;
use crate::routes::request::{Ctx, data, empty};
use crate::state::{State, now};
use crate::workflow::model::{Asset, SubjectType};
use crate::workflow::store::ASSET_BYTES_LIMIT;

/// The largest file Tallyfy takes: 100 MB (Laravel `max:102400` kilobytes).
pub const MAX_FILE_BYTES: usize = 104_857_600;

/// The extensions Tallyfy takes (compared without regard to case).
pub const EXTENSIONS: &[&str] = &[
    "xlsx", "xls", "pptx", "docx", "ppt", "doc", "rtf", "pdf", "txt", "mpga", "mov", "qt", "mp4",
    "webm", "jpg", "jpeg", "gif", "png", "ai", "psd", "zip", "xml", "xps", "dwg", "csv", "tif",
    "bmp",
];

/// One part of a multipart body.
#[derive(Debug)]
pub(crate) struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub body: Bytes,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let mime = params.next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

/// A `name="..."` style parameter of a `Content-Disposition` header value.
fn disposition_param(value: &str, key: &str) -> Option<String> {
    let mut rest = value;
    while let Some(i) = rest.find(key) {
        let before_ok = i == 0 || matches!(rest.as_bytes()[i - 1], b';' | b' ' | b'\t');
        let after = &rest[i + key.len()..];
        if before_ok && let Some(after) = after.strip_prefix('=') {
            return Some(match after.strip_prefix('"') {
                Some(quoted) => quoted.split('"').next().unwrap_or_default().to_string(),
                None => after
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            });
        }
        rest = &rest[i + key.len()..];
    }
    None
}

/// Splits a `multipart/form-data` body into its parts; `None` when it does not parse.
pub(crate) fn parse_multipart(body: &Bytes, boundary: &str) -> Option<Vec<Part>> {
    let delim = format!("--{boundary}").into_bytes();
    let mut pos = find(body, &delim, 0)? + delim.len();
    let mut parts = Vec::new();
    loop {
        // After a delimiter: `--` ends the body, else CRLF and a part.
        if body[pos..].starts_with(b"--") {
            return Some(parts);
        }
        pos = pos + body[pos..].iter().position(|&b| b == b'\n')? + 1;
        let head_end = find(body, b"\r\n\r\n", pos)?;
        let head = std::str::from_utf8(&body[pos..head_end]).ok()?;
        let mut name = None;
        let mut filename = None;
        for line in head.split("\r\n") {
            let (k, v) = line.split_once(':')?;
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                name = disposition_param(v, "name");
                filename = disposition_param(v, "filename");
            }
        }
        let start = head_end + 4;
        let mut end_delim = b"\r\n".to_vec();
        end_delim.extend_from_slice(&delim);
        let end = find(body, &end_delim, start)?;
        parts.push(Part {
            name: name?,
            filename,
            body: body.slice(start..end),
        });
        pos = end + end_delim.len();
    }
}

/// A body that is not `multipart/form-data`: a 422 on `name` (the file part is missing), the
/// status the spec documents for the upload's refusals.
fn unsupported() -> Response<Body> {
    errors::validation_one(
        "name",
        "The name field is required: send the file as multipart/form-data.",
    )
}

/// `POST /organizations/{org}/file` and `POST /organizations/{org}/assets`
pub(crate) fn upload(st: &mut State, ctx: &Ctx<'_>) -> Response<Body> {
    let Some(b) = ctx.content_type.as_deref().and_then(boundary) else {
        return unsupported();
    };
    let Some(parts) = parse_multipart(ctx.body, &b) else {
        return unsupported();
    };
    let text = |name: &str| -> Option<String> {
        parts
            .iter()
            .rev()
            .find(|p| p.name == name && p.filename.is_none())
            .and_then(|p| std::str::from_utf8(&p.body).ok())
            .map(str::to_string)
            .filter(|s| !s.is_empty())
    };
    let file = parts
        .iter()
        .rev()
        .find(|p| (p.name == "name" || p.name == "file") && p.filename.is_some());
    let mut errs = errors::FieldErrors::new();
    let mut fail = |field: &str, msg: String| errs.entry(field.into()).or_default().push(msg);
    let required = |field: &str| format!("The {} field is required.", field.replace('_', " "));
    match file {
        None => fail("name", required("name")),
        Some(f) => {
            let filename = f.filename.as_deref().unwrap_or_default();
            let ext = filename
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase());
            if filename.is_empty() || f.body.is_empty() {
                fail("name", required("name"));
            } else if f.body.len() > MAX_FILE_BYTES {
                fail(
                    "name",
                    "The name may not be greater than 102400 kilobytes.".into(),
                );
            } else if !ext.is_some_and(|e| EXTENSIONS.contains(&e.as_str())) {
                fail(
                    "name",
                    format!(
                        "The name must be a file of type: {}.",
                        EXTENSIONS.join(", ")
                    ),
                );
            } else if st.workflow.asset_bytes + f.body.len() > ASSET_BYTES_LIMIT {
                fail(
                    "name",
                    "The fake's file store is full; delete files first.".into(),
                );
            }
        }
    }
    let subject_id = text("subject_id");
    let subject_type = text("subject_type");
    let uploaded_from = text("uploaded_from");
    for (field, v) in [
        ("subject_id", &subject_id),
        ("subject_type", &subject_type),
        ("uploaded_from", &uploaded_from),
    ] {
        if v.is_none() {
            fail(field, required(field));
        }
    }
    let kind = subject_type.as_deref().map(SubjectType::parse);
    if kind == Some(None) {
        fail(
            "subject_type",
            "The selected subject type is invalid.".into(),
        );
    }
    let source = text("source").unwrap_or_else(|| "local".into());
    if source != "local" && source != "url" {
        fail("source", "The selected source is invalid.".into());
    }
    if let (Some(Some(kind)), Some(id)) = (kind, subject_id.as_deref()) {
        let wf = &st.workflow;
        let found = match kind {
            SubjectType::Run => wf.process_pos(id).is_some(),
            SubjectType::Checklist => wf.live_template_pos(id).is_some(),
            SubjectType::Task => wf.task_pos(id).is_some(),
        };
        if !found {
            fail("subject_id", "Subject not found".into());
        } else if let Some(from) = uploaded_from.as_deref() {
            let from_ok = match kind {
                SubjectType::Checklist => from == "ko_field",
                SubjectType::Run => {
                    let p = &wf.processes[wf.process_pos(id).unwrap_or_default()];
                    wf.template_pos(&p.checklist_id)
                        .map(|t| &wf.templates[t])
                        .is_some_and(|t| {
                            t.steps
                                .iter()
                                .any(|s| s.captures.iter().any(|c| c.id == from))
                        })
                        || wf.tasks.iter().any(|t| {
                            t.run_id.as_deref() == Some(id)
                                && t.step.captures.iter().any(|c| c.id == from)
                        })
                }
                SubjectType::Task => true,
            };
            if !from_ok {
                fail(
                    "uploaded_from",
                    "The selected uploaded from is invalid.".into(),
                );
            }
        }
    }
    if !errs.is_empty() {
        return errors::validation(errs);
    }
    let file = file.expect("checked above");
    let wf = &mut st.workflow;
    let asset = Asset {
        id: wf.new_id(),
        filename: file.filename.clone().unwrap_or_default(),
        uploaded_from: uploaded_from.unwrap_or_default(),
        uploaded_at: now(),
        step_id: text("step_id"),
        source,
        system: text("system"),
        subject_id: subject_id.unwrap_or_default(),
        subject_type: kind.flatten().unwrap_or(SubjectType::Run),
        bytes: file.body.clone(),
    };
    wf.asset_bytes += asset.bytes.len();
    let json = asset.to_json(&st.org_id, ctx.api_base());
    st.workflow.assets.push(asset);
    data(StatusCode::OK, json)
}

/// `GET /organizations/{org}/assets/{id}`
pub(crate) fn get(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Response<Body> {
    match st.workflow.asset_pos(id) {
        Some(i) => data(
            StatusCode::OK,
            st.workflow.assets[i].to_json(&st.org_id, ctx.api_base()),
        ),
        None => errors::resource_not_found(),
    }
}

/// An asset's stored bytes as a response in `content_type`, with their length.
fn bytes_response(a: &Asset, content_type: &'static str) -> Response<Body> {
    let mut res = Response::new(Body::from(a.bytes.clone()));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(a.bytes.len()));
    res
}

/// `GET /organizations/{org}/file/{id}/dl`: the bytes as uploaded, as an attachment.
pub(crate) fn download(st: &mut State, id: &str) -> Response<Body> {
    let Some(i) = st.workflow.asset_pos(id) else {
        return errors::resource_not_found();
    };
    let a = &st.workflow.assets[i];
    let mut res = bytes_response(a, "application/octet-stream");
    let safe: String = a
        .filename
        .chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /organizations/{org}/file/{id}`: the bytes as uploaded, in the file's own media type.
pub(crate) fn view(st: &mut State, id: &str) -> Response<Body> {
    let Some(i) = st.workflow.asset_pos(id) else {
        return errors::resource_not_found();
    };
    let a = &st.workflow.assets[i];
    bytes_response(a, media_type(&a.filename))
}

/// The media type of a file name's extension, for the extensions an upload allows;
/// `application/octet-stream` for any other.
fn media_type(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "xml" => "application/xml",
        "rtf" => "application/rtf",
        "zip" => "application/zip",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "tif" => "image/tiff",
        "psd" => "image/vnd.adobe.photoshop",
        "mp4" => "video/mp4",
        "mov" | "qt" => "video/quicktime",
        "webm" => "video/webm",
        "mpga" => "audio/mpeg",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ai" => "application/postscript",
        "xps" => "application/vnd.ms-xpsdocument",
        "dwg" => "image/vnd.dwg",
        _ => "application/octet-stream",
    }
}

/// `DELETE /organizations/{org}/file/{id}`: 200 with an empty body.
pub(crate) fn delete(st: &mut State, id: &str) -> Response<Body> {
    let wf = &mut st.workflow;
    match wf.asset_pos(id) {
        Some(i) => {
            let a = wf.assets.remove(i);
            wf.asset_bytes -= a.bytes.len();
            empty(StatusCode::OK)
        }
        None => errors::resource_not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_parts_and_boundaries() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"abc\"").as_deref(),
            Some("abc")
        );
        assert_eq!(boundary("application/json"), None);
        let body = Bytes::from_static(
            b"--XX\r\nContent-Disposition: form-data; name=\"subject_id\"\r\n\r\nr1\r\n\
              --XX\r\nContent-Disposition: form-data; name=\"name\"; filename=\"a b.pdf\"\r\n\
              Content-Type: application/pdf\r\n\r\n\x00\r\n--X\r\n--XX--\r\n",
        );
        let parts = parse_multipart(&body, "XX").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), &parts[0].body[..]),
            ("subject_id", &b"r1"[..])
        );
        assert_eq!(parts[1].filename.as_deref(), Some("a b.pdf"));
        assert_eq!(&parts[1].body[..], b"\x00\r\n--X");
        assert!(parse_multipart(&Bytes::from_static(b"nothing"), "XX").is_none());
    }
}
