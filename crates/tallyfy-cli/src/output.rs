//! Writing results: `json` (one array, streamed), `ndjson` (one item per line, as it arrives) and
//! `table` (aligned columns that fit the terminal).

use serde::Serialize;
use std::io::{self, Write};

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns (the default when stdout is a terminal).
    Table,
    /// One JSON document; a list is one array, written as items arrive (the default otherwise).
    Json,
    /// One JSON object per line, each written as soon as it arrives.
    Ndjson,
}

/// A value that can be shown as one table row.
pub trait Row: Serialize {
    /// Column headings.
    fn headings() -> &'static [&'static str];
    /// This item's cells, in heading order.
    fn cells(&self) -> Vec<String>;
}

/// Writes a stream of items in one of the formats without holding the stream (tables hold one batch).
pub struct ListWriter<W: Write> {
    out: W,
    format: Format,
    written: usize,
    table: Vec<Vec<String>>,
    width: usize,
    /// Column widths, fixed by the first batch so that later pages line up under the same heading.
    columns: Option<Vec<usize>>,
}

impl<W: Write> ListWriter<W> {
    /// Starts a list on `out`; `width` is the terminal width for tables.
    pub fn new(out: W, format: Format, width: usize) -> Self {
        Self {
            out,
            format,
            written: 0,
            table: Vec::new(),
            width,
            columns: None,
        }
    }

    /// Writes one item (tables buffer it until [`flush_batch`](Self::flush_batch)).
    pub fn item<T: Row>(&mut self, item: &T) -> io::Result<()> {
        match self.format {
            Format::Ndjson => {
                serde_json::to_writer(&mut self.out, item)?;
                self.out.write_all(b"\n")?;
                self.out.flush()?;
            }
            Format::Json => {
                self.out.write_all(if self.written == 0 {
                    b"[\n  "
                } else {
                    b",\n  "
                })?;
                serde_json::to_writer(&mut self.out, item)?;
            }
            Format::Table => {
                if self.columns.is_none() && self.table.is_empty() {
                    self.table
                        .push(T::headings().iter().map(|h| h.to_string()).collect());
                }
                self.table.push(item.cells());
            }
        }
        self.written += 1;
        Ok(())
    }

    /// Prints the buffered table rows (called once per page, so memory stays at one page).
    pub fn flush_batch(&mut self) -> io::Result<()> {
        if self.format == Format::Table && !self.table.is_empty() {
            let columns = self
                .columns
                .get_or_insert_with(|| fit_columns(&self.table, self.width));
            write_table(&mut self.out, &self.table, columns)?;
            self.table.clear();
            self.out.flush()?;
        }
        Ok(())
    }

    /// Ends the list; returns how many items were written.
    pub fn finish(mut self) -> io::Result<usize> {
        match self.format {
            Format::Json if self.written == 0 => self.out.write_all(b"[]\n")?,
            Format::Json => self.out.write_all(b"\n]\n")?,
            Format::Table => self.flush_batch()?,
            Format::Ndjson => {}
        }
        self.out.flush()?;
        Ok(self.written)
    }
}

/// Writes one item in the chosen format (a table of one row for `table`).
pub fn single<T: Row>(out: impl Write, format: Format, width: usize, item: &T) -> io::Result<()> {
    match format {
        Format::Json => {
            let mut out = out;
            serde_json::to_writer_pretty(&mut out, item)?;
            out.write_all(b"\n")
        }
        _ => {
            let mut w = ListWriter::new(out, format, width);
            w.item(item)?;
            w.finish().map(drop)
        }
    }
}

const GAP: usize = 2;

/// Column widths for `rows` (the first is the heading), shrinking the widest until they fit `width`.
fn fit_columns(rows: &[Vec<String>], width: usize) -> Vec<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    while widths.iter().sum::<usize>() + GAP * columns.saturating_sub(1) > width {
        let (widest, w) = widths
            .iter()
            .copied()
            .enumerate()
            .max_by_key(|&(_, w)| w)
            .unwrap_or((0, 0));
        if w <= 8 {
            break;
        }
        widths[widest] = w - 1;
    }
    widths
}

/// Writes `rows` in columns of the given widths, cutting longer cells with `…`.
fn write_table(out: &mut impl Write, rows: &[Vec<String>], widths: &[usize]) -> io::Result<()> {
    let columns = widths.len();
    for row in rows {
        let mut line = String::new();
        for (c, w) in widths.iter().enumerate() {
            let cell = row.get(c).map(String::as_str).unwrap_or("");
            let shown: String = if cell.chars().count() > *w {
                cell.chars()
                    .take(w.saturating_sub(1))
                    .chain(['…'])
                    .collect()
            } else {
                cell.to_string()
            };
            line.push_str(&shown);
            if c + 1 < columns {
                line.extend(std::iter::repeat_n(' ', w - shown.chars().count() + GAP));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct T(&'static str, &'static str);
    impl Row for T {
        fn headings() -> &'static [&'static str] {
            &["A", "B"]
        }
        fn cells(&self) -> Vec<String> {
            vec![self.0.into(), self.1.into()]
        }
    }

    fn render(format: Format, items: &[T], width: usize) -> String {
        let mut buf = Vec::new();
        let mut w = ListWriter::new(&mut buf, format, width);
        for i in items {
            w.item(i).unwrap();
        }
        w.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn json_is_one_valid_array_even_when_empty() {
        let v: serde_json::Value =
            serde_json::from_str(&render(Format::Json, &[T("x", "y"), T("z", "w")], 80)).unwrap();
        assert_eq!(v, serde_json::json!([["x", "y"], ["z", "w"]]));
        assert_eq!(render(Format::Json, &[], 80), "[]\n");
    }

    #[test]
    fn ndjson_is_one_line_per_item() {
        assert_eq!(
            render(Format::Ndjson, &[T("x", "y"), T("z", "w")], 80),
            "[\"x\",\"y\"]\n[\"z\",\"w\"]\n"
        );
    }

    #[test]
    fn later_batches_keep_the_first_batch_columns_and_no_second_heading() {
        let mut buf = Vec::new();
        let mut w = ListWriter::new(&mut buf, Format::Table, 80);
        w.item(&T("ab", "c")).unwrap();
        w.flush_batch().unwrap();
        w.item(&T("a-longer-cell", "d")).unwrap();
        w.finish().unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "A   B\nab  c\na…  d\n");
    }

    #[test]
    fn tables_align_and_fit_the_width() {
        assert_eq!(
            render(Format::Table, &[T("alpha", "b"), T("c", "delta")], 80),
            "A      B\nalpha  b\nc      delta\n"
        );
        let narrow = render(
            Format::Table,
            &[T("a-very-long-email-address@example.com", "x")],
            20,
        );
        assert!(narrow.lines().all(|l| l.chars().count() <= 20), "{narrow}");
        assert!(narrow.contains('…'));
    }
}
