//! Our own API: `POST /v1/check` with `{text, channel, register, in_reply_to}` answers with
//! the JSON report of SPEC.md for one reply (path `-`, document `null`).

use serde::Deserialize;

/// The body of `POST /v1/check`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub text: String,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub register: Option<String>,
    #[serde(default)]
    pub in_reply_to: Option<String>,
}

impl CheckRequest {
    /// Parses and validates a request body, or says what is wrong with it.
    pub fn parse(body: &[u8]) -> Result<CheckRequest, String> {
        let mut req: CheckRequest = serde_json::from_slice(body).map_err(|e| {
            format!(
                "body is not a check request ({e}); send JSON like \
                 {{\"text\": \"…\", \"channel\": \"x\", \"register\": \"je\", \"in_reply_to\": \"…\"}}"
            )
        })?;
        // An empty picker means "not set".
        for field in [&mut req.channel, &mut req.register, &mut req.in_reply_to] {
            if field.as_deref().is_some_and(|v| v.trim().is_empty()) {
                *field = None;
            }
        }
        check_choice("channel", req.channel.as_deref(), &crate::packs::CHANNELS)?;
        check_choice(
            "register",
            req.register.as_deref(),
            &crate::packs::REGISTERS,
        )?;
        Ok(req)
    }
}

/// Fails on a value that is not one of `allowed`.
pub fn check_choice(name: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), String> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(format!(
            "unknown {name} {v:?}; use one of {}",
            allowed.join(", ")
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_request() {
        let r = CheckRequest::parse(
            br#"{"text":"Hoi","channel":"x","register":"u","in_reply_to":"Waar is mijn pakket?"}"#,
        )
        .unwrap();
        assert_eq!(r.channel.as_deref(), Some("x"));
        assert_eq!(r.register.as_deref(), Some("u"));
        assert_eq!(r.in_reply_to.as_deref(), Some("Waar is mijn pakket?"));
    }

    #[test]
    fn empty_pickers_mean_not_set() {
        let r = CheckRequest::parse(br#"{"text":"Hoi","channel":"","register":null}"#).unwrap();
        assert_eq!(r.channel, None);
        assert_eq!(r.register, None);
    }

    #[test]
    fn says_what_is_wrong() {
        let err = CheckRequest::parse(br#"{"text":"Hoi","channel":"fax"}"#).unwrap_err();
        assert!(err.contains("unknown channel \"fax\""), "{err}");
        let err = CheckRequest::parse(br#"{"txt":"Hoi"}"#).unwrap_err();
        assert!(err.contains("unknown field `txt`"), "{err}");
        let err = CheckRequest::parse(b"text=Hoi").unwrap_err();
        assert!(err.contains("send JSON"), "{err}");
        assert!(CheckRequest::parse(br#"{"channel":"x"}"#).is_err());
    }
}
