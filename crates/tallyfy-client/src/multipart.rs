//! `multipart/form-data` bodies (RFC 7578) for the upload operations: [`Multipart`], with text
//! parts and [`FilePart`]s, and [`read_bytes`] for the download operations' raw bodies.
//!
//! progenitor has no multipart support, so the xtask gives each multipart operation a
//! [`Multipart`] argument (`xtask/src/rewrites.rs`), sent with its own `Content-Type` and boundary.
//! The body is built once into shared bytes: a retry re-sends it without copying the file.

use bytes::{Bytes, BytesMut};
use progenitor_client::{Error, ResponseValue};
use reqwest::header::HeaderValue;

/// A file to upload: its name (the extension decides what the server accepts), its bytes and,
/// optionally, its media type (otherwise guessed from the extension).
///
/// ```
/// let part = tallyfy_client::FilePart::new("report.pdf", b"%PDF-1.7".to_vec());
/// assert_eq!(part.extension(), Some("pdf"));
/// assert_eq!(part.len(), 8);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePart {
    filename: String,
    content_type: Option<String>,
    bytes: Bytes,
}

impl FilePart {
    /// A file named `filename` holding `bytes`.
    pub fn new(filename: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            filename: filename.into(),
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Sets the part's media type (`application/pdf`) instead of the one guessed from the
    /// extension.
    ///
    /// ```
    /// let part = tallyfy_client::FilePart::new("scan", vec![1, 2]).content_type("image/png");
    /// assert_eq!(part.media_type(), "image/png");
    /// ```
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// The extension after the last dot, if there is one (`report.final.pdf` → `pdf`).
    pub fn extension(&self) -> Option<&str> {
        self.filename
            .rsplit_once('.')
            .map(|(_, ext)| ext)
            .filter(|e| !e.is_empty())
    }

    /// The file's size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The media type the part is sent with: the one set, or one guessed from the extension
    /// (`application/octet-stream` when unknown).
    pub fn media_type(&self) -> &str {
        if let Some(ct) = &self.content_type {
            return ct;
        }
        let ext = self.extension().unwrap_or_default().to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => "application/pdf",
            "txt" => "text/plain",
            "csv" => "text/csv",
            "xml" => "application/xml",
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "gif" => "image/gif",
            "bmp" => "image/bmp",
            "tif" => "image/tiff",
            "zip" => "application/zip",
            "mp4" => "video/mp4",
            "webm" => "video/webm",
            "mov" | "qt" => "video/quicktime",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "doc" => "application/msword",
            "xls" => "application/vnd.ms-excel",
            "ppt" => "application/vnd.ms-powerpoint",
            "rtf" => "application/rtf",
            _ => "application/octet-stream",
        }
    }
}

/// A `multipart/form-data` body: text fields and files, in the order added.
///
/// ```
/// use tallyfy_client::{FilePart, Multipart};
///
/// let body = Multipart::new()
///     .text("subject_type", "Run")
///     .file("name", FilePart::new("a.txt", "hello"));
/// let ct = body.content_type();
/// assert!(ct.to_str().unwrap().starts_with("multipart/form-data; boundary="));
/// let text = String::from_utf8(body.to_bytes().to_vec()).unwrap();
/// assert!(text.contains("name=\"subject_type\"\r\n\r\nRun\r\n"));
/// assert!(text.contains("filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    parts: Vec<(String, Part)>,
    encoded: Option<(String, Bytes)>,
}

#[derive(Clone, Debug)]
enum Part {
    Text(String),
    File(FilePart),
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push((name.into(), Part::Text(value.into())));
        self.encoded = None;
        self
    }

    /// Adds a file.
    pub fn file(mut self, name: impl Into<String>, file: FilePart) -> Self {
        self.parts.push((name.into(), Part::File(file)));
        self.encoded = None;
        self
    }

    /// The `Content-Type` header, with the boundary.
    pub fn content_type(&self) -> HeaderValue {
        let (boundary, _) = self.encoded();
        HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
            .expect("the boundary is ASCII letters and digits")
    }

    /// The encoded body.
    pub fn to_bytes(&self) -> Bytes {
        self.encoded().1
    }

    /// The body for reqwest (the shared bytes; nothing is copied).
    pub fn into_body(self) -> reqwest::Body {
        reqwest::Body::from(self.to_bytes())
    }

    /// The boundary and the encoded bytes. The boundary is derived from the content, and changed
    /// until it occurs in no part, so that the same body always encodes the same way.
    fn encoded(&self) -> (String, Bytes) {
        if let Some((b, bytes)) = &self.encoded {
            return (b.clone(), bytes.clone());
        }
        let mut salt: u64 = 0x7461_6c6c_7966_7921;
        loop {
            let boundary = format!("tallyfy-rs-{salt:016x}");
            if self.parts.iter().all(|(name, part)| {
                let hay: &[u8] = match part {
                    Part::Text(t) => t.as_bytes(),
                    Part::File(f) => &f.bytes,
                };
                !contains(hay, boundary.as_bytes()) && !name.contains(&boundary)
            }) {
                return (boundary.clone(), self.encode(&boundary));
            }
            salt = salt.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
        }
    }

    fn encode(&self, boundary: &str) -> Bytes {
        let size: usize = self
            .parts
            .iter()
            .map(|(n, p)| {
                n.len()
                    + 160
                    + match p {
                        Part::Text(t) => t.len(),
                        Part::File(f) => f.bytes.len() + f.filename.len(),
                    }
            })
            .sum();
        let mut out = BytesMut::with_capacity(size + boundary.len() + 8);
        for (name, part) in &self.parts {
            out.extend_from_slice(b"--");
            out.extend_from_slice(boundary.as_bytes());
            out.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            out.extend_from_slice(quoted(name).as_bytes());
            match part {
                Part::Text(text) => {
                    out.extend_from_slice(b"\"\r\n\r\n");
                    out.extend_from_slice(text.as_bytes());
                }
                Part::File(file) => {
                    out.extend_from_slice(b"\"; filename=\"");
                    out.extend_from_slice(quoted(&file.filename).as_bytes());
                    out.extend_from_slice(b"\"\r\nContent-Type: ");
                    out.extend_from_slice(file.media_type().as_bytes());
                    out.extend_from_slice(b"\r\n\r\n");
                    out.extend_from_slice(&file.bytes);
                }
            }
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"--\r\n");
        out.freeze()
    }
}

/// A name or file name inside a quoted header parameter: `"`, CR and LF percent-encoded, as
/// browsers do (RFC 7578 section 2, and the HTML standard's form encoding).
fn quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Reads a raw (`application/octet-stream`) success body to the end, for a download: the generated
/// download methods stream it; this gives their callers the bytes, keeping the status and headers.
pub async fn read_bytes<E>(
    response: impl Future<Output = Result<ResponseValue<progenitor_client::ByteStream>, Error<E>>>,
) -> Result<ResponseValue<Vec<u8>>, Error<E>> {
    use futures::TryStreamExt;
    let response = response.await?;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes: Vec<u8> = response
        .into_inner_stream()
        .map_ok(|chunk| chunk.to_vec())
        .try_concat()
        .await
        .map_err(Error::ResponseBodyError)?;
    Ok(ResponseValue::new(bytes, status, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boundary_never_occurs_in_the_content() {
        let first = Multipart::new().text("a", "b");
        let (boundary, _) = first.encoded();
        let tricky = Multipart::new().text("a", format!("x--{boundary}y"));
        let (other, bytes) = tricky.encoded();
        assert_ne!(boundary, other);
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert_eq!(text.matches(&format!("--{other}")).count(), 2);
    }

    #[test]
    fn names_are_quoted_safely() {
        let body = Multipart::new().file("name", FilePart::new("a\"b\r\n.pdf", "x"));
        let text = String::from_utf8(body.to_bytes().to_vec()).unwrap();
        assert!(text.contains("filename=\"a%22b%0D%0A.pdf\""), "{text}");
    }
}
