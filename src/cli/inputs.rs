//! What `check` reads: stdin, named files, and directories walked for reply files.

use std::path::{Path, PathBuf};
use webcare_lint::documents::Format;

pub enum Source {
    Stdin,
    File(PathBuf),
    /// A path that does not exist or cannot be listed.
    Missing(String),
}

pub struct Input {
    /// The path as shown in reports.
    pub display: String,
    pub source: Source,
    pub format: Format,
}

/// ripgrep's rule: stdin is read when it is a pipe or a regular file (not a terminal, not
/// `/dev/null`).
pub fn stdin_is_readable() -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata("/dev/stdin")
        .map(|m| m.file_type().is_fifo() || m.file_type().is_file() || m.file_type().is_socket())
        .unwrap_or(false)
}

/// The inputs for the given paths, in a stable order.
pub fn collect(paths: &[PathBuf], stdin_name: &str) -> Vec<Input> {
    let mut out = Vec::new();
    if paths.is_empty() {
        if stdin_is_readable() {
            out.push(stdin(stdin_name));
        } else {
            walk(Path::new("."), true, &mut out);
        }
        return out;
    }
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(stdin(stdin_name));
        } else if p.is_dir() {
            walk(p, false, &mut out);
        } else if p.exists() {
            out.push(Input {
                display: p.display().to_string(),
                source: Source::File(p.clone()),
                format: Format::for_path(p),
            });
        } else {
            out.push(Input {
                display: p.display().to_string(),
                source: Source::Missing("no such file or directory".into()),
                format: Format::Text,
            });
        }
    }
    out
}

fn stdin(name: &str) -> Input {
    let format = Format::for_walk(Path::new(name)).unwrap_or(Format::Text);
    Input {
        display: name.to_string(),
        source: Source::Stdin,
        format,
    }
}

/// Recursive and sorted, as ripgrep walks: `.gitignore`/`.ignore` respected (also outside a
/// git repository), hidden files and folders skipped; only reply-file extensions. On both
/// cores: nothing is checked before the walk ends, and one thread took a quarter of a
/// second for 100k files.
fn walk(dir: &Path, implicit: bool, out: &mut Vec<Input>) {
    use rayon::slice::ParallelSliceMut;
    use std::sync::{Mutex, PoisonError};
    let found: Mutex<Vec<Input>> = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(dir)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .threads(2)
        .build_parallel()
        .run(|| {
            // Each thread collects its inputs and hands them over when the walk ends.
            let mut mine = Collected(Vec::new(), &found);
            Box::new(move |entry| {
                mine.0.extend(input_of(entry, dir, implicit));
                ignore::WalkState::Continue
            })
        });
    let mut found = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    // In the report's order (by path as shown), which is the order files are checked in.
    // Errors of the walk are shown under the directory's path: their messages break ties.
    let why = |i: &Input| match &i.source {
        Source::Missing(why) => Some(why.clone()),
        _ => None,
    };
    found.par_sort_by(|a, b| a.display.cmp(&b.display).then_with(|| why(a).cmp(&why(b))));
    out.append(&mut found);
}

/// One walker thread's inputs, added to the shared list when the thread is done.
struct Collected<'a>(Vec<Input>, &'a std::sync::Mutex<Vec<Input>>);

impl Drop for Collected<'_> {
    fn drop(&mut self) {
        let mut all = self
            .1
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        all.append(&mut self.0);
    }
}

/// The input an entry of the walk gives, if any: a reply file, or the walk's error.
fn input_of(
    entry: Result<ignore::DirEntry, ignore::Error>,
    dir: &Path,
    implicit: bool,
) -> Option<Input> {
    let entry = match entry {
        Ok(e) => e,
        Err(e) => {
            return Some(Input {
                display: dir.display().to_string(),
                source: Source::Missing(e.to_string()),
                format: Format::Text,
            });
        }
    };
    if !entry.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    let p = entry.into_path();
    let format = Format::for_walk(&p)?;
    let shown = if implicit {
        p.strip_prefix(".").unwrap_or(&p).display().to_string()
    } else {
        p.display().to_string()
    };
    Some(Input {
        display: shown,
        source: Source::File(p),
        format,
    })
}
