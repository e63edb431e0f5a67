//! Where a command's result goes ([`Out`]: json, ndjson or a table on stdout) and how a command
//! fails ([`Failure`]: an exit code and the lines for stderr).

use crate::exit;
use crate::output::{Format, Row, single};
use std::io::{IsTerminal, Write};
use tallyfy::Error;

/// Why the command failed: the exit code and what to print on stderr.
pub struct Failure {
    pub code: u8,
    message: String,
    details: Vec<String>,
    /// Nothing to report: the reader closed stdout (`tallyfy ... | head`), which ends the command the
    /// way it ends other Unix tools, quietly and successfully.
    quiet: bool,
}

impl Failure {
    pub(crate) fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: Vec::new(),
            quiet: false,
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(exit::USAGE, message)
    }

    /// One line on stderr, then one line per field error (nothing for a closed stdout).
    pub fn report(&self) {
        if self.quiet {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "error: {}", self.message);
        for line in &self.details {
            let _ = writeln!(err, "  {line}");
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let details = e
            .field_errors()
            .iter()
            .flat_map(|(field, messages)| messages.iter().map(move |m| format!("{field}: {m}")))
            .collect();
        Self {
            details,
            ..Self::new(exit::code_for(&e), e.to_string())
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Self {
                quiet: true,
                ..Self::new(exit::OK, String::new())
            };
        }
        Self::new(exit::OTHER, format!("writing output: {e}"))
    }
}

/// Where results go and how they look.
pub(crate) struct Out {
    pub(crate) format: Format,
    pub(crate) width: usize,
}

impl Out {
    pub(crate) fn new(format: Option<Format>) -> Self {
        let tty = std::io::stdout().is_terminal();
        let format = format.unwrap_or(if tty { Format::Table } else { Format::Json });
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .or_else(|| {
                console::Term::stdout()
                    .size_checked()
                    .map(|(_, cols)| usize::from(cols))
            })
            .unwrap_or(120);
        Self { format, width }
    }

    pub(crate) fn one<T: Row>(&self, item: &T) -> Result<(), Failure> {
        Ok(single(
            std::io::stdout().lock(),
            self.format,
            self.width,
            item,
        )?)
    }

    /// A download: the bytes as they are, whatever the format (redirect stdout to a file).
    pub(crate) fn bytes(&self, bytes: &[u8]) -> Result<(), Failure> {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()?;
        Ok(())
    }

    pub(crate) fn done(&self, what: &str) -> Result<(), Failure> {
        let value = serde_json::json!({ "ok": true, "done": what });
        // `writeln!`, not `println!`: a closed stdout is an error to handle, not a panic.
        let mut stdout = std::io::stdout().lock();
        match self.format {
            Format::Table => writeln!(stdout, "{what}")?,
            Format::Json => writeln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )?,
            Format::Ndjson => writeln!(stdout, "{value}")?,
        }
        Ok(())
    }
}
