//! File writes that never leave a half-written file: write a temporary file beside the
//! target, flush it to disk, then rename it over the target.

use std::io::Write;
use std::path::Path;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("not a file path"))?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.webcare-lint-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        if let Ok(meta) = std::fs::metadata(path) {
            // Keep the original file's permissions.
            f.set_permissions(meta.permissions())?;
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The bytes of the file at `path`, as `std::fs::read`, without asking the file's size
/// first: most reply files are a few hundred bytes, and a directory of 100k of them paid
/// one `statx` call each (open, read, read to see the end, close remain). Only a file past
/// the first 4 KiB is asked its size, to read the rest into one buffer.
pub fn read_small(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 4096];
    let mut len = 0;
    loop {
        len += read_full(&mut file, &mut buf[len..])?;
        if len < buf.len() {
            break;
        }
        // A larger file: now its size is worth asking (one more byte to see the end).
        let size = file.metadata().map_or(0, |m| m.len() as usize);
        buf.resize((size + 1).max(len * 2), 0);
    }
    buf.truncate(len);
    Ok(buf)
}

/// Reads into `buf` until it is full or the input ends; returns how many bytes were read.
pub fn read_full(input: &mut impl std::io::Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("wl-fsutil-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("a.txt");
        std::fs::write(&target, "oud").unwrap();
        write_atomic(&target, b"nieuw").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "nieuw");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn read_small_reads_what_fs_read_reads() {
        let dir = std::env::temp_dir().join(format!("webcare-lint-{}-read", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Empty, smaller than, exactly, and past the first buffer, and much larger.
        for len in [0, 1, 170, 4095, 4096, 4097, 8192, 100_000] {
            let path = dir.join(format!("f{len}"));
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(read_small(&path).unwrap(), bytes, "{len}");
        }
        let missing = read_small(&dir.join("missing")).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
