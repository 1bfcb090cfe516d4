//! Checking files: bytes → replies → findings → diagnostics in file offsets, with the
//! suppressions of each reply applied (and reported when unreasoned or unused).

use crate::documents::{self, Document, Format, LibraryOptions, Suppression};
use crate::engine::{Applicability, Context, Finding, Linter, Rule, fill};
use crate::library;
use crate::report::{Diagnostic, Failure, FixEdit, LineIndex, Span};
use std::sync::Arc;

/// What checking one file gave.
#[derive(Debug, Default)]
pub struct FileResult {
    pub diagnostics: Vec<Diagnostic>,
    pub documents: usize,
    pub failure: Option<Failure>,
    /// The file's text, kept when there are diagnostics to render.
    pub source: Option<Arc<str>>,
    /// One summary per reply, for the library rules (empty when none is active).
    pub summaries: Vec<library::Summary>,
}

impl FileResult {
    /// A file that could not be checked, and why.
    pub fn failed(path: &str, message: String) -> FileResult {
        FileResult {
            failure: Some(Failure {
                path: path.to_string(),
                message,
            }),
            ..FileResult::default()
        }
    }
}

/// What checking one reply gives: the findings its suppressions leave, which suppression
/// ids were used (`used[s][i]`), and its library summary when library rules are active.
struct PerDoc {
    findings: Vec<Finding>,
    used: Vec<Vec<bool>>,
    summary: Option<library::Summary>,
}

/// From this many replies on, a file's replies are checked in parallel.
const PARALLEL_DOCS: usize = 256;

/// Checks files with one linter in one context.
pub struct Checker<'l> {
    pub linter: &'l Linter,
    pub ctx: Context,
    pub library: LibraryOptions,
}

/// Decodes a file as UTF-8 text, or says why it cannot be checked.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    decode_piece(bytes, Place::START)
}

/// Where a piece of a file starts: its byte offset and how many lines come before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub offset: usize,
    pub lines: usize,
}

impl Place {
    pub const START: Place = Place {
        offset: 0,
        lines: 0,
    };
}

/// [`decode`] for a piece of a file that starts at `at` (a line start), with the error's
/// byte, line and column in the whole file.
fn decode_piece(bytes: Vec<u8>, at: Place) -> Result<String, String> {
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes); not checked".into());
    }
    String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..bad]).into_owned();
        let (line, col) = LineIndex::new(&valid).line_col(&valid, bad);
        format!(
            "not valid UTF-8 at byte {} (line {}, column {col}); save the file as UTF-8",
            at.offset + bad,
            at.lines + line
        )
    })
}

/// Whether a suppression id (rule, pack or `gN`) covers a rule.
pub fn covers(id: &str, rule: &Rule) -> bool {
    id == rule.id
        || id == rule.pack
        || id
            .strip_prefix('g')
            .and_then(|n| n.parse::<u8>().ok())
            .is_some_and(|g| Some(g) == rule.gebod)
}

/// Builds diagnostics for one file (or the replies of it that one thread checks): the line
/// index is built once per file, by whichever thread needs it first.
struct Sink<'a> {
    path: &'a str,
    source: &'a Arc<str>,
    lines: &'a std::sync::OnceLock<LineIndex>,
    out: Vec<Diagnostic>,
}

impl Sink<'_> {
    /// A diagnostic at file offsets `start..end`.
    fn push(
        &mut self,
        rule: &Rule,
        doc: &Document,
        start: usize,
        end: usize,
        message: String,
        fixes: Vec<FixEdit>,
    ) {
        let lines = self.lines.get_or_init(|| LineIndex::new(self.source));
        let (line, column) = lines.line_col(self.source, start);
        self.out.push(Diagnostic {
            path: self.path.to_string(),
            document: doc.id.clone(),
            rule: rule.id.clone(),
            pack: rule.pack.clone(),
            gebod: rule.gebod,
            severity: rule.severity,
            message,
            help: rule.help.clone(),
            span: Span {
                start,
                end,
                line,
                column,
            },
            text: self.source[start..end].to_string(),
            fixes,
        });
    }

    fn finding(&mut self, rule: &Rule, doc: &Document, f: Finding) {
        let fixes = f
            .fixes
            .iter()
            .map(|x| FixEdit {
                start: doc.map.to_file(x.start),
                end: doc.map.to_file(x.end),
                replacement: x.replacement.clone(),
                // An edit across escapes or folding cannot be made byte-exact.
                applicability: if doc.map.is_contiguous(x.start, x.end) {
                    x.applicability
                } else {
                    Applicability::DisplayOnly
                },
            })
            .collect();
        let (start, end) = (doc.map.to_file(f.start), doc.map.to_file(f.end));
        self.push(rule, doc, start, end, f.message, fixes);
    }
}

/// How many pieces of a JSONL library are checked at once.
const IN_FLIGHT: usize = 2;

/// A piece's result, or the panic that checking it raised.
type Checked = (usize, std::thread::Result<FileResult>);

/// The results of the pieces of a JSONL library, written in order as they come in.
#[derive(Default)]
struct Ordered {
    /// Pieces started and written.
    started: usize,
    written: usize,
    /// Results that came in before the pieces ahead of them.
    early: Vec<(usize, FileResult)>,
}

impl Ordered {
    /// Writes results in order until at most `pending` pieces are left unwritten, waiting
    /// for them to come in.
    fn write<E>(
        &mut self,
        done: &std::sync::mpsc::Receiver<Checked>,
        pending: usize,
        each: &mut impl FnMut(FileResult) -> Result<(), E>,
    ) -> Result<(), E> {
        while self.started - self.written > pending {
            let next = match self.early.iter().position(|(k, _)| *k == self.written) {
                Some(i) => self.early.swap_remove(i).1,
                None => loop {
                    // Each started piece sends its result: the channel cannot close first.
                    let Ok((k, checked)) = done.recv() else {
                        unreachable!("a started piece sends its result")
                    };
                    let result = checked.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    if k == self.written {
                        break result;
                    }
                    self.early.push((k, result));
                },
            };
            self.written += 1;
            each(next)?;
        }
        Ok(())
    }
}

/// A piece of a JSONL library, parsed (`at`: where it starts in the file), or the failure
/// that ends the file.
enum Piece {
    Parsed {
        text: Arc<str>,
        docs: Vec<documents::Document>,
        at: Place,
    },
    Failed(FileResult),
}

impl Checker<'_> {
    /// Checks one file's bytes; `path` is how the file is named in the report.
    pub fn check_bytes(&self, path: &str, bytes: Vec<u8>, format: Format) -> FileResult {
        match decode(bytes) {
            Ok(text) => self.check_text(path, Arc::from(text), format),
            Err(message) => FileResult::failed(path, message),
        }
    }

    pub fn check_text(&self, path: &str, source: Arc<str>, format: Format) -> FileResult {
        match documents::split(format, &source, &self.library) {
            Ok(docs) => self.check_docs(path, source, docs),
            Err(e) => parse_failure(path, &source, e, Place::START),
        }
    }

    /// Checks a JSONL library read from `input` piece by piece (about `piece_bytes` each, cut
    /// at line ends), so that memory stays flat however long the library is. `each` gets
    /// every piece's result, in file order, with offsets and lines in the whole file; the
    /// replies of a piece are checked in parallel while another thread reads and parses the
    /// next piece. A read, decoding or parse error ends the file with a failure (what came
    /// before it has been passed on). Returns the error of `each`, if it gave one.
    pub fn check_jsonl_stream<E>(
        &self,
        path: &str,
        input: impl std::io::Read + Send,
        piece_bytes: usize,
        mut each: impl FnMut(FileResult) -> Result<(), E>,
    ) -> Result<(), E> {
        std::thread::scope(|scope| {
            // One piece ahead: parsing the next overlaps checking this one.
            let (tx, rx) = std::sync::mpsc::sync_channel(0);
            scope.spawn(move || self.read_pieces(path, input, piece_bytes, tx));
            // Two pieces are checked at once, so that the next starts while the last replies
            // of one are checked (one piece at a time left a core idle at each piece's end);
            // their results are written in order, each while later pieces are checked.
            let (done_tx, done) = std::sync::mpsc::channel();
            rayon::in_place_scope(|s| {
                let mut results = Ordered::default();
                for piece in rx {
                    match piece {
                        Piece::Parsed { text, docs, at } => {
                            let done_tx = done_tx.clone();
                            let seq = results.started;
                            s.spawn(move |_| {
                                // A panic is passed on to this thread, which waits for it.
                                let checked =
                                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                        let mut result = self.check_docs(path, text, docs);
                                        shift(&mut result, at);
                                        result
                                    }));
                                let _ = done_tx.send((seq, checked));
                            });
                            results.started += 1;
                            results.write(&done, IN_FLIGHT - 1, &mut each)?;
                        }
                        Piece::Failed(result) => {
                            results.write(&done, 0, &mut each)?;
                            return each(result);
                        }
                    }
                }
                results.write(&done, 0, &mut each)
            })
        })
    }

    /// The reading side of [`Checker::check_jsonl_stream`]: sends each piece parsed, or the
    /// failure that ends the file; stops early when the receiver is gone.
    fn read_pieces(
        &self,
        path: &str,
        mut input: impl std::io::Read,
        piece_bytes: usize,
        tx: std::sync::mpsc::SyncSender<Piece>,
    ) {
        let fail = |message: String| Piece::Failed(FileResult::failed(path, message));
        let mut at = Place::START;
        let mut records = 0;
        let mut pending: Vec<u8> = Vec::new();
        let mut eof = false;
        let mut want = piece_bytes.max(1);
        while !eof {
            // Fill up to the piece size, then cut after the last line end.
            while pending.len() < want && !eof {
                let len = pending.len();
                pending.resize(len + (want - len).max(1 << 12), 0);
                match input.read(&mut pending[len..]) {
                    Ok(0) => {
                        pending.truncate(len);
                        eof = true;
                    }
                    Ok(n) => pending.truncate(len + n),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => pending.truncate(len),
                    Err(e) => {
                        let _ = tx.send(fail(format!("cannot read: {e}")));
                        return;
                    }
                }
            }
            let cut = if eof {
                pending.len()
            } else {
                match pending.iter().rposition(|&b| b == b'\n') {
                    Some(i) => i + 1,
                    // One line longer than a piece: read on until its end.
                    None => {
                        want = pending.len() + 1;
                        continue;
                    }
                }
            };
            want = piece_bytes.max(1);
            if cut == 0 {
                break;
            }
            let rest = pending.split_off(cut);
            let bytes = std::mem::replace(&mut pending, rest);
            let lines = memchr::memchr_iter(b'\n', &bytes).count();
            let text: Arc<str> = match decode_piece(bytes, at) {
                Ok(t) => Arc::from(t),
                Err(message) => {
                    let _ = tx.send(fail(message));
                    return;
                }
            };
            let split =
                documents::split_jsonl_piece(&text, &self.library, records, at == Place::START);
            let piece = match split {
                Ok((docs, n)) => {
                    records += n;
                    Piece::Parsed {
                        text: text.clone(),
                        docs,
                        at,
                    }
                }
                Err(e) => {
                    let _ = tx.send(Piece::Failed(parse_failure(path, &text, e, at)));
                    return;
                }
            };
            if tx.send(piece).is_err() {
                return;
            }
            at.offset += text.len();
            at.lines += lines;
        }
    }

    /// Checks the replies `docs` of `source` (all offsets in `source`).
    fn check_docs(
        &self,
        path: &str,
        source: Arc<str>,
        docs: Vec<documents::Document>,
    ) -> FileResult {
        let lines = std::sync::OnceLock::new();
        // A large library is checked in parallel, chunk by chunk, and reassembled in order;
        // each reply's diagnostics are built where it is checked, so that only their
        // concatenation is left to one thread.
        let summarise = self.linter.has_pack("library");
        // Shared by the summaries of all its replies.
        let shared: Arc<str> = path.into();
        let one = |d: &Document| {
            let per = self.findings(&shared, d, summarise);
            let mut sink = Sink {
                path,
                source: &source,
                lines: &lines,
                out: Vec::new(),
            };
            let rules = self.linter.rules();
            for f in per.findings {
                sink.finding(&rules[f.rule], d, f);
            }
            self.report_suppressions(d, &per.used, &mut sink);
            (sink.out, per.summary)
        };
        let documents = docs.len();
        // Taken by value: each reply is also dropped where it was checked. Without library
        // checks, only the diagnostics are collected (a summary is a few hundred bytes).
        let mut summaries = Vec::new();
        let per_doc: Vec<Vec<Diagnostic>> = if documents >= PARALLEL_DOCS {
            use rayon::prelude::*;
            let docs = docs.into_par_iter().with_min_len(64);
            if summarise {
                let (d, s): (Vec<_>, Vec<_>) = docs.map(|d| one(&d)).unzip();
                // Room first: one summary a reply (growing by doubling copied them ten
                // times over in a piece).
                summaries.reserve_exact(s.len());
                summaries.extend(s.into_iter().flatten());
                d
            } else {
                docs.map(|d| one(&d).0).collect()
            }
        } else {
            if summarise {
                summaries.reserve_exact(documents);
            }
            docs.iter()
                .map(|d| {
                    let (d, s) = one(d);
                    summaries.extend(s);
                    d
                })
                .collect()
        };
        let mut diagnostics = Vec::with_capacity(per_doc.iter().map(Vec::len).sum());
        per_doc.into_iter().for_each(|d| diagnostics.extend(d));
        FileResult {
            source: (!diagnostics.is_empty()).then_some(source),
            diagnostics,
            documents,
            failure: None,
            summaries,
        }
    }

    /// The findings of one reply that its suppressions leave, and which suppression ids were
    /// used (`used[s][i]`: suppression s's i-th id silenced something).
    fn findings(&self, path: &Arc<str>, doc: &Document, summarise: bool) -> PerDoc {
        let rules = self.linter.rules();
        let ctx;
        let ctx = match (&doc.in_reply_to, &self.ctx.in_reply_to) {
            (Some(thread), None) => {
                ctx = Context {
                    in_reply_to: Some(thread.clone()),
                    ..self.ctx.clone()
                };
                &ctx
            }
            _ => &self.ctx,
        };
        let (findings, summary) = if summarise {
            // The summary needs the words only, not the masks.
            let mut analysis = crate::text::Analysis::unmasked(&doc.text);
            let findings = self.linter.check_unmasked(&mut analysis, ctx);
            let summary = library::summarise_analysis(path, doc.id.as_deref(), &analysis, |x| {
                doc.map.to_file(x)
            });
            (findings, Some(summary))
        } else {
            (self.linter.check(&doc.text, ctx), None)
        };
        let mut used: Vec<Vec<bool>> = doc
            .suppressions
            .iter()
            .map(|s| vec![false; s.ids.len()])
            .collect();
        let kept = findings
            .into_iter()
            .filter(|f| {
                let rule = &rules[f.rule];
                let mut silenced = false;
                for (s, sup) in doc.suppressions.iter().enumerate() {
                    for (i, id) in sup.ids.iter().enumerate() {
                        if covers(id, rule) {
                            used[s][i] = true;
                            silenced = true;
                        }
                    }
                }
                !silenced
            })
            .collect();
        PerDoc {
            findings: kept,
            used,
            summary,
        }
    }

    fn report_suppressions(&self, doc: &Document, used: &[Vec<bool>], sink: &mut Sink) {
        let rules = self.linter.rules();
        let missing = self.linter.native("suppression/missing-reason");
        let unused = self.linter.native("suppression/unused");
        for (sup, used) in doc.suppressions.iter().zip(used) {
            let Suppression {
                ids,
                reason,
                start,
                end,
            } = sup;
            let listed = ids.join(", ");
            if let (Some(r), None) = (missing, reason) {
                let rule = &rules[r];
                sink.push(
                    rule,
                    doc,
                    *start,
                    *end,
                    fill(&rule.message, &[("id", &listed)]),
                    Vec::new(),
                );
            }
            let Some(r) = unused else { continue };
            let rule = &rules[r];
            if ids.is_empty() {
                sink.push(
                    rule,
                    doc,
                    *start,
                    *end,
                    fill(&rule.message, &[("id", "(geen id)")]),
                    Vec::new(),
                );
            }
            for (id, was_used) in ids.iter().zip(used) {
                // A suppression of a rule that is deselected here cannot be judged unused; an
                // id that names nothing at all (a typo) can.
                let active = rules.iter().any(|r| covers(id, r));
                if !was_used && (active || !self.linter.is_known_id(id)) {
                    sink.push(
                        rule,
                        doc,
                        *start,
                        *end,
                        fill(&rule.message, &[("id", id)]),
                        Vec::new(),
                    );
                }
            }
        }
    }
}

/// A failure for a file (or a piece of it at `at`) that does not parse.
fn parse_failure(path: &str, source: &str, e: documents::ParseError, at: Place) -> FileResult {
    let place = e.offset.map(|o| {
        let (l, c) = LineIndex::new(source).line_col(source, o);
        format!(" (line {}, column {c})", at.lines + l)
    });
    FileResult::failed(path, format!("{}{}", e.message, place.unwrap_or_default()))
}

/// Moves the diagnostics of a piece that starts at `at` to offsets and lines in the whole
/// file (columns stay: a piece starts at a line start).
fn shift(result: &mut FileResult, at: Place) {
    for d in &mut result.diagnostics {
        d.span.start += at.offset;
        d.span.end += at.offset;
        d.span.line += at.lines;
        for f in &mut d.fixes {
            f.start += at.offset;
            f.end += at.offset;
        }
    }
    for s in &mut result.summaries {
        s.start += at.offset;
        s.end += at.offset;
        s.opener_span.0 += at.offset;
        s.opener_span.1 += at.offset;
        s.sign_off_span.0 += at.offset;
        s.sign_off_span.1 += at.offset;
    }
}

/// Where a span of a file stands: the line and column of its start, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub text: String,
}

/// Locates `spans` (byte offsets) in `source`.
pub fn locate_in_source(source: &str, spans: &[(usize, usize)]) -> Vec<Located> {
    let lines = LineIndex::new(source);
    spans
        .iter()
        .map(|&(start, end)| {
            let (line, column) = lines.line_col(source, start);
            Located {
                line,
                column,
                text: source.get(start..end).unwrap_or_default().to_string(),
            }
        })
        .collect()
}

/// Locates `spans` (byte offsets) in the file at `path` without holding it: one read
/// through it counts lines up to each span, then each span is read from its line start.
/// This is how a streamed run places library findings in files it no longer holds.
pub fn locate_in_file(
    path: &std::path::Path,
    spans: &[(usize, usize)],
) -> std::io::Result<Vec<Located>> {
    locate_in_file_by(path, spans, 1 << 20)
}

/// [`locate_in_file`], reading `chunk` bytes at a time.
fn locate_in_file_by(
    path: &std::path::Path,
    spans: &[(usize, usize)],
    chunk: usize,
) -> std::io::Result<Vec<Located>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i].0);
    // Per span: its line number and where that line starts.
    let mut lines_of = vec![(1usize, 0usize); spans.len()];
    // A small file (one reply of a directory) needs no large buffer.
    let len = file.metadata().map_or(chunk, |m| m.len() as usize);
    let mut buf = vec![0u8; chunk.min(len + 1)];
    // A file that fits the buffer (one reply of a directory) is read whole and located in
    // memory: no seek and read per span.
    if len < buf.len() {
        let n = crate::fsutil::read_full(&mut file, &mut buf)?;
        // (Grown since it was checked, or no longer UTF-8: read it the long way.)
        if n < buf.len()
            && let Ok(text) = std::str::from_utf8(&buf[..n])
        {
            return Ok(locate_in_source(text, spans));
        }
        file.seek(SeekFrom::Start(0))?;
    }
    // Everything before `at` is counted: `lines` line breaks, the last line starting at `line_start`.
    let (mut at, mut lines, mut line_start) = (0usize, 0usize, 0usize);
    let mut next = 0;
    let count = |bytes: &[u8], from: usize, lines: &mut usize, line_start: &mut usize| {
        *lines += memchr::memchr_iter(b'\n', bytes).count();
        if let Some(i) = memchr::memrchr(b'\n', bytes) {
            *line_start = from + i + 1;
        }
    };
    while next < order.len() {
        let n = file.read(&mut buf)?;
        let chunk_start = at;
        // Spans that start in this chunk (or beyond the end, once the file is read).
        while next < order.len() && (spans[order[next]].0 < chunk_start + n || n == 0) {
            let upto = spans[order[next]].0.clamp(at, chunk_start + n);
            count(
                &buf[at - chunk_start..upto - chunk_start],
                at,
                &mut lines,
                &mut line_start,
            );
            at = upto;
            lines_of[order[next]] = (lines + 1, line_start);
            next += 1;
        }
        if n == 0 {
            break;
        }
        count(&buf[at - chunk_start..n], at, &mut lines, &mut line_start);
        at = chunk_start + n;
    }
    let mut out = Vec::with_capacity(spans.len());
    for (&(start, end), (line, from)) in spans.iter().zip(lines_of) {
        // One read per span (a reply's line is short); fewer bytes only at the file's end.
        let mut bytes = vec![0u8; end.saturating_sub(from)];
        file.seek(SeekFrom::Start(from as u64))?;
        let filled = crate::fsutil::read_full(&mut file, &mut bytes)?;
        bytes.truncate(filled);
        let head = start.saturating_sub(from).min(bytes.len());
        let before = String::from_utf8_lossy(&bytes[..head]);
        out.push(Located {
            line,
            column: before.trim_end_matches('\r').chars().count() + 1,
            text: String::from_utf8_lossy(&bytes[head..]).into_owned(),
        });
    }
    Ok(out)
}

/// Diagnostics of the active library rules over all replies of a run. `source_of` gives a
/// file's text (for line and column).
pub fn library_diagnostics(
    linter: &Linter,
    summaries: &[library::Summary],
    params: &library::Params,
    source_of: impl Fn(&str) -> Option<Arc<str>> + Sync,
) -> Vec<Diagnostic> {
    let summaries: Vec<&library::Summary> = summaries.iter().collect();
    library_diagnostics_located(linter, &summaries, params, |path, spans| {
        source_of(path).map(|source| locate_in_source(&source, spans))
    })
}

/// As [`library_diagnostics`], with `locate` placing the spans of one file (`None`: the file
/// cannot be read, and its findings are left out). Files are located in parallel. The
/// summaries are by reference: a streamed run keeps them in the pieces they came in.
pub fn library_diagnostics_located(
    linter: &Linter,
    summaries: &[&library::Summary],
    params: &library::Params,
    locate: impl Fn(&str, &[(usize, usize)]) -> Option<Vec<Located>> + Sync,
) -> Vec<Diagnostic> {
    let found: Vec<(library::Finding, usize)> = library::findings(summaries, params)
        .into_iter()
        .filter_map(|f| linter.native(f.rule).map(|r| (f, r)))
        .collect();
    // Each file is located once, for all its findings.
    let mut by_path: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, (f, _)) in found.iter().enumerate() {
        by_path.entry(&summaries[f.at].path).or_default().push(i);
    }
    // On both cores: a directory's findings are in many files, each opened and read (4419
    // files for the 100k-file directory's near-duplicates: 45 ms on one core).
    use rayon::prelude::*;
    let by_path: Vec<(&str, Vec<usize>)> = by_path.into_iter().collect();
    let places: Vec<Option<Vec<Located>>> = by_path
        .par_iter()
        .map(|(path, ids)| {
            let spans: Vec<(usize, usize)> = ids
                .iter()
                .map(|&i| (found[i].0.start, found[i].0.end))
                .collect();
            locate(path, &spans)
        })
        .collect();
    let mut located: Vec<Option<Located>> = vec![None; found.len()];
    for ((_, ids), places) in by_path.into_iter().zip(places) {
        for (i, place) in ids.into_iter().zip(places.into_iter().flatten()) {
            located[i] = Some(place);
        }
    }
    let mut out = Vec::new();
    for ((f, r), place) in found.into_iter().zip(located) {
        let Some(Located { line, column, text }) = place else {
            continue;
        };
        let rule = &linter.rules()[r];
        let s = &summaries[f.at];
        let vars: Vec<(&str, &str)> = f.vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        out.push(Diagnostic {
            path: s.path.to_string(),
            document: s.document().map(str::to_string),
            rule: rule.id.clone(),
            pack: rule.pack.clone(),
            gebod: rule.gebod,
            severity: rule.severity,
            message: fill(&rule.message, &vars),
            help: rule.help.clone(),
            span: Span {
                start: f.start,
                end: f.end,
                line,
                column,
            },
            text,
            fixes: Vec::new(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_located_in_a_file_as_in_its_text() {
        let text = "één\r\ntwee 😊 drie\n\nvier\r\nvijf zes";
        let path =
            std::env::temp_dir().join(format!("webcare-lint-{}-locate.txt", std::process::id()));
        std::fs::write(&path, text).unwrap();
        // Every span between char boundaries, given out of order and twice.
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for (i, &a) in bounds.iter().enumerate().rev() {
            for &b in &bounds[i..] {
                spans.push((a, b));
            }
        }
        spans.push(spans[3]);
        let expected = locate_in_source(text, &spans);
        assert_eq!(expected[0].text, "");
        assert!(expected.iter().any(|l| l.line == 5 && l.column == 6));
        for chunk in [1, 2, 3, 7, 64] {
            assert_eq!(
                locate_in_file_by(&path, &spans, chunk).unwrap(),
                expected,
                "chunk {chunk}"
            );
        }
        // Bytes that are not UTF-8 (the file changed since it was checked): the whole-file
        // path gives way to the chunked one, from the start.
        std::fs::write(&path, b"een\ntw\xffee\r\ndrie vier").unwrap();
        let spans = [(11, 15), (0, 3), (5, 8)];
        let chunked = locate_in_file_by(&path, &spans, 1).unwrap();
        assert_eq!(chunked[0].line, 3, "{chunked:?}");
        assert_eq!(locate_in_file_by(&path, &spans, 64).unwrap(), chunked);
        std::fs::remove_file(&path).unwrap();
    }

    /// Results that come in out of order are written in order, each as soon as those before
    /// it are, and no more are left pending than asked.
    #[test]
    fn pieces_are_written_in_order_whatever_order_they_finish_in() {
        let (tx, done) = std::sync::mpsc::channel();
        let mut results = Ordered::default();
        let written = std::cell::RefCell::new(Vec::<String>::new());
        let mut each = |r: FileResult| -> Result<(), ()> {
            let message = r.failure.map(|f| f.message).unwrap_or_default();
            written.borrow_mut().push(message);
            Ok(())
        };
        let piece = |k: usize| (k, Ok(FileResult::failed("lib.jsonl", k.to_string())));
        results.started = 4;
        for k in [2, 1, 3, 0] {
            tx.send(piece(k)).unwrap();
        }
        // Two may stay pending: 0 and 1 are written; 2 and 3, read while waiting for 0, wait.
        results.write(&done, 2, &mut each).unwrap();
        assert_eq!(*written.borrow(), ["0", "1"]);
        assert_eq!(results.early.len(), 2);
        results.write(&done, 0, &mut each).unwrap();
        assert_eq!(*written.borrow(), ["0", "1", "2", "3"]);
        assert!(results.early.is_empty());
    }
}
