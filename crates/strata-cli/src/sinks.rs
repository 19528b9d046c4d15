//! Outputs of `strata convert`: a strata file, a JSONL, tagged, SGML or
//! plain text stream, or a folder of one text file per document. Every file appears
//! atomically.

use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use strata_conllu::DocWriter;
use strata_format::{BuiltDoc, Doc, Document, Schema, Writer, WriterBuilder};

use crate::cleanup::{self, Tracked};
use crate::formats::Format;
use crate::render;

/// Where one output stream goes.
pub enum Dest {
    File(Tracked),
    Stdout(BufWriter<io::Stdout>),
    /// A device or a pipe, such as `/dev/null` or a named pipe: written in
    /// place, since renaming a new file over it would replace it.
    Special(BufWriter<std::fs::File>),
}

impl Dest {
    /// Standard output for `-`; an existing device or pipe as it is; else a
    /// new file that appears on commit.
    pub fn create(path: &Path) -> anyhow::Result<Dest> {
        if path.as_os_str() == "-" {
            return Ok(Dest::Stdout(BufWriter::with_capacity(1 << 20, io::stdout())));
        }
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot write to {}", path.display()))?;
            return Ok(Dest::Special(BufWriter::with_capacity(1 << 20, file)));
        }
        let file = Tracked::create(path).with_context(|| format!("cannot create a file beside {}", path.display()))?;
        Ok(Dest::File(file))
    }

    pub fn commit(self) -> anyhow::Result<()> {
        match self {
            Dest::File(f) => f.commit().context("cannot move the output into place"),
            Dest::Stdout(mut s) => s.flush().context("cannot write to standard output"),
            Dest::Special(mut s) => s.flush().context("cannot write the output"),
        }
    }
}

impl Write for Dest {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Dest::File(f) => f.write(buf),
            Dest::Stdout(s) => s.write(buf),
            Dest::Special(s) => s.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Dest::File(f) => f.write_all(buf),
            Dest::Stdout(s) => s.write_all(buf),
            Dest::Special(s) => s.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::File(f) => f.flush(),
            Dest::Stdout(s) => s.flush(),
            Dest::Special(s) => s.flush(),
        }
    }
}

/// Where the documents go. Every kind checks each document against the
/// data model with a strata writer (for text outputs, one writing nowhere),
/// so all outputs accept and reject the same documents.
pub enum Sink {
    Strata(Writer<Dest>),
    /// One stream of a textual format: JSONL, tagged, SGML or plain text.
    Stream {
        dest: Dest,
        format: Format,
        check: Writer<io::Sink>,
        buf: String,
    },
    /// One file per document, named by its id (two for brat: `.txt`, `.ann`).
    Folder {
        dir: PathBuf,
        format: Format,
        check: Writer<io::Sink>,
        written: Vec<PathBuf>,
    },
}

impl Sink {
    /// A sink writing `format` to `output` (a folder when `folder`).
    pub fn create(
        output: &Path,
        format: Format,
        folder: bool,
        schema: &Schema,
        compression: Option<i32>,
    ) -> anyhow::Result<Sink> {
        let mut builder = WriterBuilder::new();
        builder.schema(schema.clone()).compression(compression);
        let check = || builder.build(io::sink());
        if folder {
            if !matches!(format, Format::Tagged | Format::Text | Format::Brat | Format::Conllu) {
                bail!("a folder output holds one file per document; give --to tagged, text, brat or conllu");
            }
            std::fs::create_dir_all(output)
                .with_context(|| format!("cannot create the folder {}", output.display()))?;
            return Ok(Sink::Folder { dir: output.to_path_buf(), format, check: check()?, written: Vec::new() });
        }
        if format == Format::Brat {
            bail!("brat output is a folder of .txt and .ann pairs; give a folder: -o {}/", output.display());
        }
        let mut dest = Dest::create(output)?;
        if format == Format::Strata {
            return Ok(Sink::Strata(builder.build(dest)?));
        }
        let declares = !schema.fields.is_empty() || !schema.layers.is_empty() || !schema.corpus_metadata.is_empty();
        if format == Format::Jsonl && declares {
            writeln!(dest, "{}", strata_jsonl::header_line(schema))?;
        }
        Ok(Sink::Stream { dest, format, check: check()?, buf: String::new() })
    }

    /// Writes a document of a strata corpus as CoNLL-U in place, without
    /// the copy [`Sink::add`] takes: the fast path of an export. `Ok(false)`
    /// when this sink is not a CoNLL-U stream or the document needs
    /// [`Sink::add`] of its copy, which then gives the same outcome it
    /// always has (a rejection, an error): the document is written here
    /// only when `add` would write it, and as the same bytes.
    pub fn add_stored(&mut self, doc: &Doc<'_>, writer: &DocWriter<'_, '_>) -> anyhow::Result<bool> {
        let Sink::Stream { dest, format: Format::Conllu, check, buf } = self else {
            return Ok(false);
        };
        // `write_doc` checks that `to_owned` would read the document and
        // that it can be written; then `check` applies the rules of `add`
        // (and counts the id), so that a document is written here exactly
        // when `add` of its copy would write it.
        buf.clear();
        if writer.write(doc, buf).is_err() || check.check_stored(doc).is_err() {
            return Ok(false);
        }
        dest.write_all(buf.as_bytes()).context("cannot write the output")?;
        Ok(true)
    }

    /// The part of [`Sink::add_stored`] that must run in document order,
    /// for a document rendered elsewhere whose columns passed
    /// [`strata_format::ColumnCheck`]: whether its id and types let
    /// it in (then they are counted, and its CoNLL-U goes to
    /// [`Sink::write_rendered`]). `false` as for `add_stored`.
    pub fn admit_stored(&mut self, doc: &Doc<'_>) -> bool {
        let Sink::Stream { format: Format::Conllu, check, .. } = self else {
            return false;
        };
        check.check_stored_names(doc).is_ok()
    }

    /// Writes the CoNLL-U of documents [`Sink::admit_stored`] let in.
    pub fn write_rendered(&mut self, conllu: &[u8]) -> anyhow::Result<()> {
        match self {
            Sink::Stream { dest, format: Format::Conllu, .. } => {
                dest.write_all(conllu).context("cannot write the output")
            }
            _ if conllu.is_empty() => Ok(()),
            _ => bail!("rendered CoNLL-U goes to a CoNLL-U stream only"),
        }
    }

    /// Writes a document; `Ok(Some(why))` when it was rejected.
    pub fn add(&mut self, doc: &Document) -> anyhow::Result<Option<String>> {
        // Rendered first: a document the format cannot express is rejected
        // before the check records its id.
        let rendered = match self {
            Sink::Strata(_) => Vec::new(),
            Sink::Stream { format, buf, .. } => {
                buf.clear();
                if let Err(why) = render_into(*format, doc, buf) {
                    return Ok(Some(why));
                }
                Vec::new()
            }
            Sink::Folder { dir, format, .. } => {
                let Some(path) = file_for_id(dir, &doc.id) else {
                    return Ok(Some(format!("document {:?} rejected: its id cannot name a file", doc.id)));
                };
                match folder_files(*format, path, doc) {
                    Ok(files) => files,
                    Err(why) => return Ok(Some(why)),
                }
            }
        };
        let checked = match self {
            Sink::Strata(w) => w.add(doc),
            Sink::Stream { check, .. } | Sink::Folder { check, .. } => check.add(doc),
        };
        match checked {
            Ok(_) => {}
            Err(e) if e.is_invalid_document() => return Ok(Some(e.to_string())),
            Err(e) => return Err(anyhow!(e).context("cannot write the output")),
        }
        let result = match self {
            Sink::Strata(_) => Ok(()),
            Sink::Stream { dest, buf, .. } => dest.write_all(buf.as_bytes()),
            Sink::Folder { written, .. } => (|| {
                for (path, content) in rendered {
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    // Each file appears whole; holding them all open until
                    // the end would run out of file descriptors.
                    let mut file = Tracked::create(&path)?;
                    file.write_all(content.as_bytes())?;
                    // Listed before the rename, so that no moment leaves a
                    // complete file the handler does not know of.
                    cleanup::remove_if_interrupted(&path);
                    file.commit()?;
                    written.push(path);
                }
                Ok(())
            })(),
        };
        result.context("cannot write the output")?;
        Ok(None)
    }

    /// Writes a built document to a strata output; `Ok(Some(why))` when it
    /// was rejected, as [`Sink::add`] says for the same document.
    pub fn add_built(&mut self, doc: &BuiltDoc) -> anyhow::Result<Option<String>> {
        let Sink::Strata(w) = self else {
            bail!("built documents go to a strata output only");
        };
        match w.add_built_doc(doc) {
            Ok(_) => Ok(None),
            Err(e) if e.is_invalid_document() => Ok(Some(e.to_string())),
            Err(e) => Err(anyhow!(e).context("cannot write the output")),
        }
    }

    /// Finishes and moves every output into place.
    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Strata(w) => w.finish().context("cannot finish the output")?.commit(),
            Sink::Stream { dest, .. } => dest.commit(),
            Sink::Folder { written, .. } => {
                for path in &written {
                    cleanup::forget(path);
                }
                Ok(())
            }
        }
    }

    /// Abandons the output: temporary files vanish, and the files a folder
    /// output already holds from this run are removed.
    pub fn abort(self) {
        if let Sink::Folder { written, .. } = self {
            for path in written {
                let _ = std::fs::remove_file(&path);
                cleanup::forget(&path);
            }
        }
    }
}

/// One document in a stream format; `Err(why)` when the format cannot
/// express it.
fn render_into(format: Format, doc: &Document, buf: &mut String) -> Result<(), String> {
    match format {
        Format::Jsonl => render::json(doc, buf),
        Format::Sgml => render::sgml(doc, buf),
        Format::Text => render::text(doc, buf),
        Format::Conllu => {
            strata_conllu::write_document(doc, buf)
                .map_err(|e| format!("document {:?} cannot be written as CoNLL-U: {e}", doc.id))?;
        }
        Format::Tagged | Format::Strata | Format::Brat => buf.push_str(&doc.text),
    }
    Ok(())
}

/// The files of one document in a folder output: `<id>.txt` (tagged, text),
/// `<id>.txt` and `<id>.ann` (brat), or `<id>.conllu`.
fn folder_files(format: Format, txt: PathBuf, doc: &Document) -> Result<Vec<(PathBuf, String)>, String> {
    Ok(match format {
        Format::Brat => {
            let mut ann = String::new();
            strata_brat::write_ann(doc, &mut ann)
                .map_err(|e| format!("document {:?} cannot be written as brat: {e}", doc.id))?;
            let ann_path = txt.with_extension("ann");
            vec![(txt, doc.text.clone()), (ann_path, ann)]
        }
        Format::Conllu => {
            let mut out = String::new();
            render_into(format, doc, &mut out)?;
            vec![(txt.with_extension("conllu"), out)]
        }
        _ => vec![(txt, doc.text.clone())],
    })
}

/// `dir/<id>.txt`, unless the id would escape the folder or name nothing.
fn file_for_id(dir: &Path, id: &str) -> Option<PathBuf> {
    let rel = Path::new(id);
    let plain = rel.components().all(|c| matches!(c, Component::Normal(_)));
    if id.is_empty() || !plain || id.ends_with('/') || id.contains('\\') {
        return None;
    }
    let mut path = dir.join(rel);
    let name = format!("{}.txt", path.file_name()?.to_string_lossy());
    path.set_file_name(name);
    Some(path)
}
