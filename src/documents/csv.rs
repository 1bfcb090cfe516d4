//! CSV libraries: an RFC 4180 reader of our own (quoted fields, `""` escapes, CRLF, a BOM)
//! with exact spans. The first row is the header; each further row is one reply. The
//! delimiter is `,` unless the header uses `;` or tabs more (spreadsheet exports in Dutch
//! locales write `;`).

use super::records::{ID_FIELDS, IN_REPLY_TO_FIELDS, Text, TextBuilder};
use super::{Document, LibraryOptions, ParseError};

/// Default text columns, in order of preference (case-insensitive).
const TEXT_COLUMNS: &[&str] = &[
    "text", "body", "reply", "content", "message", "antwoord", "tekst",
];

pub(super) fn split(source: &str, opts: &LibraryOptions) -> Result<Vec<Document>, ParseError> {
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let delim = sniff(&source[start..]);
    let rows = read(source, start, delim)?;
    let Some((header_at, header)) = rows.first() else {
        return Ok(Vec::new());
    };
    let names: Vec<&str> = header.iter().map(|f| f.text.trim()).collect();
    let shown = || {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let find = |name: &str| {
        names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name.trim()))
    };
    let text_col = match &opts.csv_text_column {
        Some(col) => find(col).ok_or_else(|| ParseError {
            message: format!(
                "no column `{col}` (set by `csv-text-column` under [library]); the header has {}",
                shown()
            ),
            offset: Some(*header_at),
        })?,
        None => TEXT_COLUMNS
            .iter()
            .find_map(|c| find(c))
            .ok_or_else(|| ParseError {
                message: format!(
                    "no text column: the header has {}; expected one of {}, or set `csv-text-column` under [library] in the config",
                    shown(),
                    TEXT_COLUMNS.join(", ")
                ),
                offset: Some(*header_at),
            })?,
    };
    let id_col = match &opts.csv_id_column {
        Some(col) => Some(find(col).ok_or_else(|| ParseError {
            message: format!(
                "no column `{col}` (set by `csv-id-column` under [library]); the header has {}",
                shown()
            ),
            offset: Some(*header_at),
        })?),
        None => ID_FIELDS.iter().take(5).find_map(|c| find(c)),
    };
    let reply_to_col = IN_REPLY_TO_FIELDS.iter().find_map(|c| find(c));

    let mut docs = Vec::new();
    let data = rows[1..]
        .iter()
        .filter(|(_, fields)| !(fields.len() == 1 && fields[0].text.is_empty()));
    for (n, (row_at, fields)) in data.enumerate() {
        let text = fields
            .get(text_col)
            .map_or_else(|| Text::raw("", *row_at), |f| f.clone());
        let id = id_col
            .and_then(|c| fields.get(c))
            .map(|f| f.text.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("#{}", n + 1));
        docs.push(Document {
            id: Some(id),
            text: text.text,
            map: text.map,
            suppressions: Vec::new(),
            in_reply_to: reply_to_col
                .and_then(|c| fields.get(c))
                .map(|f| f.text.clone())
                .filter(|s| !s.trim().is_empty()),
        });
    }
    Ok(docs)
}

/// The delimiter the first line uses most: `,`, `;` or a tab (`,` on a tie).
fn sniff(source: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in source.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    [b',', b';', b'\t'][best]
}

/// The rows from `start` on: each the offset where it starts and its fields' texts.
fn read(source: &str, start: usize, delim: u8) -> Result<Vec<(usize, Vec<Text>)>, ParseError> {
    let bytes = source.as_bytes();
    let len = bytes.len();
    let mut rows = Vec::new();
    let mut i = start;
    while i < len {
        let row_at = i;
        let mut fields = Vec::new();
        loop {
            if i < len && bytes[i] == b'"' {
                let open = i;
                let mut b = TextBuilder::new(open + 1);
                let mut run = open + 1;
                let mut j = open + 1;
                loop {
                    let Some(q) = source[j..].find('"').map(|q| j + q) else {
                        return Err(ParseError {
                            message: "unterminated quoted field: no closing `\"`".into(),
                            offset: Some(open),
                        });
                    };
                    b.raw(&source[run..q], run);
                    if bytes.get(q + 1) == Some(&b'"') {
                        b.decoded("\"", q);
                        j = q + 2;
                        run = j;
                    } else {
                        fields.push(b.finish(q));
                        i = q + 1;
                        break;
                    }
                }
                match bytes.get(i) {
                    None | Some(b'\n') => {}
                    Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {}
                    Some(&c) if c == delim => {}
                    Some(_) => {
                        return Err(ParseError {
                            message: format!(
                                "expected `{}` or a line end after a quoted field's closing `\"` (write a quote inside a field as `\"\"`)",
                                (delim as char).escape_debug()
                            ),
                            offset: Some(i),
                        });
                    }
                }
            } else {
                let end = source[i..]
                    .bytes()
                    .position(|c| c == delim || c == b'\n')
                    .map_or(len, |p| i + p);
                let text_end =
                    if end > i && bytes[end - 1] == b'\r' && bytes.get(end) == Some(&b'\n') {
                        end - 1
                    } else {
                        end
                    };
                fields.push(Text::raw(&source[i..text_end], i));
                i = text_end;
            }
            // After a field: a delimiter (another field follows), a line end or the end.
            match bytes.get(i) {
                Some(&c) if c == delim => i += 1,
                Some(b'\r') => {
                    i += 2;
                    break;
                }
                Some(b'\n') => {
                    i += 1;
                    break;
                }
                _ => break,
            }
        }
        rows.push((row_at, fields));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(src: &str) -> Vec<Document> {
        split(src, &LibraryOptions::default()).unwrap()
    }

    #[test]
    fn quoted_multiline_fields_map_back_exactly() {
        let src = "\u{feff}id,Tekst\r\nretour,\"Hoi!\r\nBel even met \"\"onze\"\" klantenservice.\"\r\n,kort\r\n";
        let d = docs(src);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].id.as_deref(), Some("retour"));
        assert_eq!(d[0].text, "Hoi!\r\nBel even met \"onze\" klantenservice.");
        let at = d[0].text.find("Bel even").unwrap();
        assert_eq!(&src[d[0].map.to_file(at)..][..8], "Bel even");
        let q = d[0].text.find("\"onze\"").unwrap();
        assert_eq!(
            &src[d[0].map.to_file(q)..d[0].map.to_file(q + 6)],
            "\"\"onze\"\""
        );
        assert!(!d[0].map.is_contiguous(at, q + 6));
        assert!(d[0].map.is_contiguous(at, q));
        assert_eq!(d[1].id.as_deref(), Some("#2"));
        assert_eq!(d[1].text, "kort");
    }

    #[test]
    fn semicolons_and_options() {
        let src = "sleutel;bericht;klant\na;Hallo;\"Waar, is het?\"\n\nb;Doei\n";
        let opts = LibraryOptions {
            csv_text_column: Some("bericht".into()),
            csv_id_column: Some("Sleutel".into()),
            ..Default::default()
        };
        let d = split(src, &opts).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[1].id.as_deref(), d[1].text.as_str()),
            (Some("b"), "Doei")
        );
        let e = split(src, &LibraryOptions::default()).unwrap_err();
        assert!(
            e.message.contains("`sleutel`, `bericht`, `klant`")
                && e.message.contains("csv-text-column"),
            "{}",
            e.message
        );
        assert_eq!(e.offset, Some(0));
    }

    #[test]
    fn malformed_csv_is_an_error() {
        let e = split("text\n\"open\nnever closed\n", &LibraryOptions::default()).unwrap_err();
        assert!(e.message.contains("unterminated"), "{}", e.message);
        assert_eq!(e.offset, Some(5));
        let e = split("text\n\"a\"b\n", &LibraryOptions::default()).unwrap_err();
        assert!(e.message.contains("closing"), "{}", e.message);
        assert_eq!(e.offset, Some(8));
        assert!(docs("").is_empty());
        assert_eq!(docs("body,x\nHoi,").len(), 1);
        assert!(split("body,x\n\"Hoi\",\"", &LibraryOptions::default()).is_err());
    }
}
