//! A diagnostic as the JSON report has it, written directly: the bytes serde_json's pretty
//! printer gives for it, nested in the report's `diagnostics` array (tested against it).
//! Going through serde and re-indenting its lines cost about 5% of a library run.

use super::Diagnostic;

/// Appends `d` as it stands in the report's `diagnostics` array (its lines after the first
/// indented by 4 spaces; no separator).
pub(crate) fn diagnostic(d: &Diagnostic, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\n      \"path\": ");
    string(out, &d.path);
    out.extend_from_slice(b",\n      \"document\": ");
    match &d.document {
        Some(doc) => string(out, doc),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\n      \"rule\": ");
    string(out, &d.rule);
    out.extend_from_slice(b",\n      \"pack\": ");
    string(out, &d.pack);
    out.extend_from_slice(b",\n      \"gebod\": ");
    match d.gebod {
        Some(g) => number(out, g.into()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\n      \"severity\": \"");
    out.extend_from_slice(d.severity.as_str().as_bytes());
    out.extend_from_slice(b"\",\n      \"message\": ");
    string(out, &d.message);
    out.extend_from_slice(b",\n      \"help\": ");
    string(out, &d.help);
    out.extend_from_slice(b",\n      \"span\": {\n        \"start\": ");
    number(out, d.span.start as u64);
    out.extend_from_slice(b",\n        \"end\": ");
    number(out, d.span.end as u64);
    out.extend_from_slice(b",\n        \"line\": ");
    number(out, d.span.line as u64);
    out.extend_from_slice(b",\n        \"column\": ");
    number(out, d.span.column as u64);
    out.extend_from_slice(b"\n      },\n      \"text\": ");
    string(out, &d.text);
    out.extend_from_slice(b",\n      \"fixes\": [");
    for (i, f) in d.fixes.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        out.extend_from_slice(b"        {\n          \"start\": ");
        number(out, f.start as u64);
        out.extend_from_slice(b",\n          \"end\": ");
        number(out, f.end as u64);
        out.extend_from_slice(b",\n          \"replacement\": ");
        string(out, &f.replacement);
        out.extend_from_slice(b",\n          \"applicability\": \"");
        out.extend_from_slice(f.applicability.as_str().as_bytes());
        out.extend_from_slice(b"\"\n        }");
    }
    if !d.fixes.is_empty() {
        out.extend_from_slice(b"\n      ");
    }
    out.extend_from_slice(b"]\n    }");
}

/// The bytes a JSON string escapes: controls, `"` and `\`.
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// A JSON string as serde_json writes it: `"` and `\` escaped, control characters as
/// `\b \t \n \f \r` or `\u00xx`, everything else as it is.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !ESCAPED[usize::from(b)] {
            continue;
        }
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[from..i]);
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(short);
        }
        from = i + 1;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

fn number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Applicability, Severity};
    use crate::report::{FixEdit, Span};

    fn via_serde(d: &Diagnostic) -> Vec<u8> {
        let (mut out, mut scratch) = (Vec::new(), Vec::new());
        super::super::write_nested(&mut out, &mut scratch, d, 4).unwrap();
        out
    }

    /// Every field in every form (absent and present, no fix, one, several), strings with
    /// every control character, quotes, backslashes, non-ASCII and DEL, numbers from 0 to
    /// the largest: the bytes are serde_json's.
    #[test]
    fn diagnostics_are_written_as_serde_json_writes_them() {
        let every_control: String = (0u8..0x20).map(char::from).collect();
        let strings = [
            String::new(),
            "gewoon".to_string(),
            "Bel “ons” \"hier\" \\ 😊 é\u{7f}\u{2028}".to_string(),
            every_control.clone(),
            format!("a{every_control}b\\\"/"),
        ];
        let fix = |i: usize, applicability| FixEdit {
            start: i,
            end: i * 7,
            replacement: strings[i % strings.len()].clone(),
            applicability,
        };
        let mut n = 0;
        for (k, s) in strings.iter().enumerate() {
            for fixes in [
                vec![],
                vec![fix(k, Applicability::Safe)],
                vec![
                    fix(1, Applicability::Unsafe),
                    fix(2, Applicability::DisplayOnly),
                    fix(3, Applicability::Safe),
                ],
            ] {
                for (document, gebod, severity) in [
                    (None, None, Severity::Info),
                    (Some(s.clone()), Some(0), Severity::Warning),
                    (Some("#12".to_string()), Some(u8::MAX), Severity::Error),
                ] {
                    let d = Diagnostic {
                        path: s.clone(),
                        document,
                        rule: format!("pack/{s}"),
                        pack: "pack".into(),
                        gebod,
                        severity,
                        message: s.repeat(2),
                        help: strings[(k + 1) % strings.len()].clone(),
                        span: Span {
                            start: 0,
                            end: usize::MAX,
                            line: 10usize.pow(k as u32),
                            column: 9,
                        },
                        text: s.clone(),
                        fixes: fixes.clone(),
                    };
                    let mut ours = Vec::new();
                    diagnostic(&d, &mut ours);
                    assert_eq!(
                        String::from_utf8_lossy(&ours),
                        String::from_utf8_lossy(&via_serde(&d)),
                        "{d:?}"
                    );
                    n += 1;
                }
            }
        }
        assert_eq!(n, 45);
    }
}
