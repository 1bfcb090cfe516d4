//! `length/over-limit`: a reply longer than its channel allows (gebod 8).
//!
//! Each channel counts its own way (see `docs/channels.md`):
//! - `x`: twitter-text v3 weighted length ([`crate::length::twitter`]), 280;
//! - `sms`: segments ([`crate::length::sms`]): one message by default (160 GSM-7 septets, or 70
//!   UCS-2 units as soon as one character is outside GSM-7);
//! - `facebook`, `instagram`, `whatsapp`, `messenger`: grapheme clusters, the characters a
//!   reader sees;
//! - `email`: no limit, unless the config sets one (then grapheme clusters).
//!
//! The limits are defaults; `[rules."length/over-limit"] limits = { … }` in the config replaces
//! them per channel ([`Context::limits`]; for `sms` the limit is a number of messages).
//!
//! What is counted is the reply as it would be sent: without surrounding whitespace, without
//! spaces at the end of a line, without lines that are only whitespace (blanked template
//! comments and suppressions), and with `\r\n` as one line break.

use super::{Hit, Input};
use crate::engine::Context;
use crate::length::{self, sms, twitter};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Default limits, per channel: characters (`x`: weighted), or messages for `sms`.
pub const DEFAULT_LIMITS: &[(&str, usize)] = &[
    ("x", 280),
    ("facebook", 8000),
    ("instagram", 2200),
    ("whatsapp", 4096),
    ("messenger", 2000),
    ("sms", 1),
];

/// The most messages one SMS may be split into (a concatenated SMS has at most 255 parts).
pub const MAX_SMS_SEGMENTS: usize = 255;

/// The limit of `channel` in this context: the config's, else the default; `None`: no limit.
pub fn limit(ctx: &Context, channel: &str) -> Option<usize> {
    ctx.limits.get(channel).copied().or_else(|| {
        DEFAULT_LIMITS
            .iter()
            .find(|(c, _)| *c == channel)
            .map(|&(_, l)| l)
    })
}

/// How a channel is called in a message.
fn display(channel: &str) -> &str {
    match channel {
        "x" => "X",
        "facebook" => "Facebook",
        "instagram" => "Instagram",
        "whatsapp" => "WhatsApp",
        "messenger" => "Messenger",
        "sms" => "sms",
        "email" => "e-mail",
        other => other,
    }
}

pub fn check(input: &Input) -> Vec<Hit> {
    let Some(channel) = input.ctx.channel.as_deref() else {
        return Vec::new();
    };
    let Some(limit) = limit(input.ctx, channel) else {
        return Vec::new();
    };
    let sent = Sent::new(input.analysis.text);
    let Some(over) = measure(&sent.text, channel, limit) else {
        return Vec::new();
    };
    let mut from = over.from;
    // Start the label at the first visible character that does not fit.
    while let Some(c) = sent.text[from..]
        .chars()
        .next()
        .filter(|c| c.is_whitespace())
    {
        from += c.len_utf8();
    }
    vec![Hit {
        start: sent.original(from),
        end: sent.original(sent.text.len()),
        vars: vec![
            ("count", over.count.to_string()),
            ("limit", over.limit.to_string()),
            ("unit", over.unit.to_string()),
            ("channel", display(channel).to_string()),
            ("how", over.how),
        ],
    }]
}

/// A reply over its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Over {
    /// Byte offset (in the measured text) from which the reply does not fit.
    pub from: usize,
    pub count: usize,
    pub limit: usize,
    pub unit: &'static str,
    /// How it was counted, in Dutch, for the message.
    pub how: String,
}

/// Measures `text` as `channel` counts it; `Some` when it is over `limit`.
pub fn measure(text: &str, channel: &str, limit: usize) -> Option<Over> {
    match channel {
        "x" => {
            let config = twitter::Config {
                max_weighted_tweet_length: limit,
                ..twitter::Config::v3()
            };
            let parsed = twitter::parse(text, &config);
            (parsed.weighted_length > limit).then(|| Over {
                from: parsed.valid_range_end.min(text.len()),
                count: parsed.weighted_length,
                limit,
                unit: "tekens",
                how: format!(
                    "gewogen, links tellen als {}, de meeste emoji als 2",
                    config.transformed_url_length
                ),
            })
        }
        "sms" => measure_sms(text, limit),
        _ => {
            let count = length::graphemes(text);
            (count > limit).then(|| Over {
                from: text
                    .grapheme_indices(true)
                    .nth(limit)
                    .map_or(text.len(), |(i, _)| i),
                count,
                limit,
                unit: "tekens",
                how: "tekens zoals de lezer ze ziet: een emoji of letter met accent telt als één"
                    .to_string(),
            })
        }
    }
}

const GSM_SINGLE: usize = 160;
const GSM_PART: usize = 153;
const UCS2_SINGLE: usize = 70;
const UCS2_PART: usize = 67;

/// Over `limit` messages?
fn measure_sms(text: &str, limit: usize) -> Option<Over> {
    let sms = sms::segments(text);
    if sms.segments <= limit {
        return None;
    }
    let ucs2 = sms.encoding == sms::Encoding::Ucs2;
    let (single, part) = if ucs2 {
        (UCS2_SINGLE, UCS2_PART)
    } else {
        (GSM_SINGLE, GSM_PART)
    };
    let capacity = if limit <= 1 { single } else { limit * part };
    // Walk whole characters (as phones do, a part never splits one) in the text's encoding.
    let cost = |g: &str| -> usize {
        if ucs2 {
            g.nfc().map(char::len_utf16).sum()
        } else {
            sms::segments(g).units
        }
    };
    let (mut parts, mut fill, mut total) = (1, 0, 0);
    let mut from = text.len();
    for (i, g) in text.grapheme_indices(true) {
        let c = cost(g);
        let fits = if limit <= 1 {
            total + c <= single
        } else {
            if fill + c > part {
                parts += 1;
                fill = 0;
            }
            parts <= limit
        };
        if !fits {
            from = i;
            break;
        }
        fill += c;
        total += c;
    }
    let messages = format!("dit worden {} sms'jes", sms.segments);
    let how = if ucs2 {
        let culprit = text
            .graphemes(true)
            .find(|g| sms::segments(g).encoding == sms::Encoding::Ucs2)
            .unwrap_or("");
        format!(
            "UCS-2 door \"{culprit}\": één teken buiten GSM-7, zoals een emoji, maakt van de hele sms UCS-2, met {UCS2_SINGLE} tekens per sms; {messages}"
        )
    } else {
        format!("GSM-7, {GSM_SINGLE} tekens per sms; {messages}")
    };
    Some(Over {
        from,
        count: sms.units,
        limit: capacity,
        unit: "tekens",
        how,
    })
}

/// A reply as it would be sent, with a map back to the checked text's offsets.
#[derive(Debug)]
struct Sent {
    text: String,
    /// `map[i]`: offset in the original of byte `i` of `text`.
    map: Vec<usize>,
}

impl Sent {
    fn new(original: &str) -> Sent {
        let (mut text, mut map) = (String::new(), Vec::new());
        let mut at = 0;
        for line in original.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            let content = body.trim_end();
            // A line of only spaces is a blanked comment or suppression, not a line of text.
            if !content.is_empty() || body.is_empty() {
                text.push_str(content);
                map.extend(at..at + content.len());
                if line.ends_with('\n') {
                    text.push('\n');
                    map.push(at + body.len());
                }
            }
            at += line.len();
        }
        let start = text.len() - text.trim_start().len();
        let end = text.trim_end().len();
        let (text, map) = if start < end {
            (text[start..end].to_string(), map[start..end].to_vec())
        } else {
            (String::new(), Vec::new())
        };
        Sent { text, map }
    }

    /// The original offset of byte `i` of the sent text (`text.len()`: the end of its last
    /// character).
    fn original(&self, i: usize) -> usize {
        match self.map.get(i) {
            Some(&o) => o,
            None => self.map.last().map_or(0, |&o| o + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Analysis;

    fn run(text: &str, channel: Option<&str>, limits: &[(&str, usize)]) -> Vec<Hit> {
        let ctx = Context {
            channel: channel.map(str::to_string),
            limits: limits.iter().map(|&(c, l)| (c.to_string(), l)).collect(),
            ..Context::default()
        };
        let a = Analysis::new(text);
        check(&Input {
            analysis: &a,
            ctx: &ctx,
            findings: &[],
            rules: &[],
        })
    }

    fn var<'h>(hit: &'h Hit, name: &str) -> &'h str {
        &hit.vars.iter().find(|(k, _)| *k == name).unwrap().1
    }

    #[test]
    fn no_channel_no_finding() {
        assert!(run(&"a".repeat(5000), None, &[]).is_empty());
        assert!(run(&"a".repeat(50_000), Some("email"), &[]).is_empty());
    }

    #[test]
    fn x_counts_weighted_and_labels_the_overflow() {
        let fits = format!(
            "{} https://example.com/{}",
            "a".repeat(256),
            "b".repeat(100)
        );
        assert_eq!(fits.len(), 256 + 1 + 20 + 100);
        assert!(run(&fits, Some("x"), &[]).is_empty(), "URL counts 23: 280");
        let text = format!("{}😀😀", "a".repeat(278));
        let hits = run(&text, Some("x"), &[]);
        assert_eq!(hits.len(), 1);
        assert_eq!(var(&hits[0], "count"), "282");
        assert_eq!(var(&hits[0], "limit"), "280");
        assert_eq!(var(&hits[0], "channel"), "X");
        assert_eq!(&text[hits[0].start..hits[0].end], "😀");
    }

    #[test]
    fn trailing_newline_and_blanked_lines_do_not_count() {
        let text = format!("{}\n   \n  \n", "a".repeat(280));
        assert!(run(&text, Some("x"), &[]).is_empty());
        let text = format!("      \n{}\nb\n", "a".repeat(279));
        let hits = run(&text, Some("x"), &[]);
        assert_eq!(var(&hits[0], "count"), "281");
        assert_eq!(&text[hits[0].start..hits[0].end], "b");
    }

    #[test]
    fn crlf_is_one_line_break() {
        let text = format!("{}\r\n{}\r\n", "a".repeat(100), "b".repeat(99));
        assert!(run(&text, Some("messenger"), &[("messenger", 200)]).is_empty());
        let text = format!("{}\r\n{}\r\n", "a".repeat(100), "b".repeat(100));
        let hits = run(&text, Some("messenger"), &[("messenger", 200)]);
        assert_eq!(&text[hits[0].start..hits[0].end], "b");
    }

    #[test]
    fn grapheme_channels_count_what_a_reader_sees() {
        let text = "👨‍👩‍👧‍👦".repeat(2000);
        assert!(run(&text, Some("messenger"), &[]).is_empty());
        let text = format!("{}é!", "e\u{301}".repeat(2199));
        let hits = run(&text, Some("instagram"), &[]);
        assert_eq!(var(&hits[0], "count"), "2201");
        assert_eq!(&text[hits[0].start..hits[0].end], "!");
        assert!(run(&"a".repeat(8000), Some("facebook"), &[]).is_empty());
        assert_eq!(run(&"a".repeat(8001), Some("facebook"), &[]).len(), 1);
        assert!(run(&"a".repeat(4096), Some("whatsapp"), &[]).is_empty());
        assert_eq!(run(&"a".repeat(4097), Some("whatsapp"), &[]).len(), 1);
    }

    #[test]
    fn configured_limits_replace_the_defaults() {
        let text = "a".repeat(1500);
        assert!(run(&text, Some("instagram"), &[]).is_empty());
        let hits = run(&text, Some("instagram"), &[("instagram", 1000)]);
        assert_eq!(var(&hits[0], "limit"), "1000");
        assert_eq!(hits[0].start, 1000);
        let hits = run(&text, Some("email"), &[("email", 1200)]);
        assert_eq!(var(&hits[0], "channel"), "e-mail");
        let hits = run(&"a".repeat(100), Some("x"), &[("x", 90)]);
        assert_eq!((hits[0].start, hits[0].end), (90, 100));
    }

    #[test]
    fn sms_reports_segments_and_encoding() {
        assert!(run(&"a".repeat(160), Some("sms"), &[]).is_empty());
        let text = "a".repeat(170);
        let hits = run(&text, Some("sms"), &[]);
        assert_eq!(hits[0].start, 160);
        assert_eq!(var(&hits[0], "count"), "170");
        assert!(var(&hits[0], "how").contains("GSM-7"));
        assert!(var(&hits[0], "how").contains("2 sms'jes"));
        // One emoji switches to UCS-2: 70 units.
        let text = format!("{}🙂", "a".repeat(69));
        let hits = run(&text, Some("sms"), &[]);
        assert_eq!(hits.len(), 1);
        assert_eq!(var(&hits[0], "count"), "71");
        assert_eq!(var(&hits[0], "limit"), "70");
        assert!(var(&hits[0], "how").contains("UCS-2 door \"🙂\""));
        assert_eq!(&text[hits[0].start..hits[0].end], "🙂");
        assert!(run(&format!("{}🙂", "a".repeat(68)), Some("sms"), &[]).is_empty());
    }

    #[test]
    fn sms_limit_counts_messages() {
        let text = "a".repeat(306);
        assert!(run(&text, Some("sms"), &[("sms", 2)]).is_empty());
        let text = "a".repeat(310);
        let hits = run(&text, Some("sms"), &[("sms", 2)]);
        assert_eq!(hits[0].start, 306);
        assert_eq!(var(&hits[0], "limit"), "306");
        assert!(var(&hits[0], "how").contains("3 sms'jes"));
        // GSM extension characters count double.
        let text = format!("{}€", "a".repeat(159));
        let hits = run(&text, Some("sms"), &[]);
        assert_eq!(&text[hits[0].start..], "€");
    }

    #[test]
    fn empty_reply_is_never_too_long() {
        for ch in ["x", "sms", "facebook"] {
            assert!(run("", Some(ch), &[]).is_empty());
            assert!(run("  \n \n", Some(ch), &[]).is_empty());
        }
    }
}
