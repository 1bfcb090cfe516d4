//! `application/x-www-form-urlencoded` decoding, for query strings and form bodies.

/// Why a form could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("malformed percent-encoding `{escape}` in parameter `{name}`")]
    BadEscape { name: String, escape: String },
    #[error("parameter `{name}` is not valid UTF-8 after percent-decoding")]
    NotUtf8 { name: String },
}

/// Decoded `name=value` pairs, in order. `+` is a space; a pair without `=` has an empty
/// value; empty pairs (`a=1&&b=2`) are skipped.
pub fn decode(input: &str) -> Result<Vec<(String, String)>, FormError> {
    let mut out = Vec::new();
    for pair in input.split('&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = unescape(raw_name, raw_name)?;
        let value = unescape(raw_value, &name)?;
        out.push((name, value));
    }
    Ok(out)
}

fn unescape(raw: &str, name: &str) -> Result<String, FormError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16).ok()
                });
                let Some(byte) = hex else {
                    let end = raw.len().min(i + 3);
                    let escape = String::from_utf8_lossy(&bytes[i..end]).into_owned();
                    return Err(FormError::BadEscape {
                        name: name.to_string(),
                        escape,
                    });
                };
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| FormError::NotUtf8 {
        name: name.to_string(),
    })
}

/// The first value of `name`, if given.
pub fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A comma-separated list parameter (`disabledRules=a,b`), trimmed, without empty items.
pub fn list(params: &[(String, String)], name: &str) -> Vec<String> {
    get(params, name)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn decodes_plus_and_percent() {
        let got = decode("text=Bel+even%20met+ons%21&language=nl-NL").unwrap();
        assert_eq!(
            got,
            pairs(&[("text", "Bel even met ons!"), ("language", "nl-NL")])
        );
    }

    #[test]
    fn decodes_multibyte_utf8_and_emoji() {
        let got = decode("text=%F0%9F%98%80+h%C3%A9").unwrap();
        assert_eq!(got, pairs(&[("text", "😀 hé")]));
    }

    #[test]
    fn keeps_slashes_and_commas_in_rule_lists() {
        let params = decode("disabledRules=channel%2Fdm,+register/mixed,&x").unwrap();
        assert_eq!(
            list(&params, "disabledRules"),
            vec!["channel/dm", "register/mixed"]
        );
        assert_eq!(get(&params, "x"), Some(""));
    }

    #[test]
    fn skips_empty_pairs() {
        assert_eq!(decode("&&a=1&").unwrap(), pairs(&[("a", "1")]));
        assert_eq!(decode("").unwrap(), vec![]);
    }

    #[test]
    fn rejects_a_broken_escape_with_the_parameter_name() {
        let err = decode("text=100%zz").unwrap_err();
        assert_eq!(
            err,
            FormError::BadEscape {
                name: "text".into(),
                escape: "%zz".into()
            }
        );
        assert!(decode("text=abc%4").is_err());
    }

    #[test]
    fn rejects_invalid_utf8() {
        assert_eq!(
            decode("text=%FF").unwrap_err(),
            FormError::NotUtf8 {
                name: "text".into()
            }
        );
    }
}
