//! The customer's message a draft answers, and the earlier thread (`--in-reply-to`, the
//! library field `in_reply_to`). Format (docs/context.md): plain text is the customer's
//! message; a thread has sections `## klant` / `## wij` (or `## customer` / `## agent`) in
//! order, and the last customer section is the message the draft answers.

/// Who wrote a section of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    Customer,
    /// Us: an earlier reply of the webcare team.
    Agent,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn<'t> {
    pub speaker: Speaker,
    /// The message, without its heading, trimmed.
    pub text: &'t str,
}

/// A parsed `--in-reply-to` text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Thread<'t> {
    /// The messages in order (for plain text: one customer message).
    pub turns: Vec<Turn<'t>>,
}

/// The speaker a `##` heading names, if it is a thread heading: its first word is `klant`,
/// `customer`, `wij` or `agent` (any case; `## Klant (10:02)` and `## wij:` are fine).
fn heading(line: &str) -> Option<Speaker> {
    let rest = line.trim_end().strip_prefix("##")?;
    if rest.starts_with('#') {
        return None;
    }
    let word: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    match word.as_str() {
        "klant" | "customer" => Some(Speaker::Customer),
        "wij" | "agent" => Some(Speaker::Agent),
        _ => None,
    }
}

impl<'t> Thread<'t> {
    pub fn parse(text: &'t str) -> Thread<'t> {
        let mut turns = Vec::new();
        // The section being read: its speaker and the byte offset its text starts at.
        let mut current: Option<(Speaker, usize)> = None;
        let mut preamble_end = None;
        let mut at = 0;
        let close = |speaker: Speaker, from: usize, to: usize, turns: &mut Vec<Turn<'t>>| {
            let body = text[from..to].trim();
            if !body.is_empty() {
                turns.push(Turn {
                    speaker,
                    text: body,
                });
            }
        };
        for line in text.split_inclusive('\n') {
            if let Some(speaker) = heading(line) {
                match current {
                    Some((s, from)) => close(s, from, at, &mut turns),
                    None => preamble_end = Some(at),
                }
                current = Some((speaker, at + line.len()));
            }
            at += line.len();
        }
        match current {
            // Plain text: the customer's message.
            None => close(Speaker::Customer, 0, text.len(), &mut turns),
            Some((s, from)) => {
                // Text before the first heading opens the conversation: the customer's.
                let end = preamble_end.unwrap_or(0);
                if !text[..end].trim().is_empty() {
                    turns.insert(
                        0,
                        Turn {
                            speaker: Speaker::Customer,
                            text: text[..end].trim(),
                        },
                    );
                }
                close(s, from, text.len(), &mut turns);
            }
        }
        Thread { turns }
    }

    /// The customer's message the draft answers: the last customer section.
    pub fn message(&self) -> Option<&'t str> {
        self.turns
            .iter()
            .rev()
            .find(|t| t.speaker == Speaker::Customer)
            .map(|t| t.text)
    }

    /// The customer's messages since our last reply (the ones the draft answers), in order.
    /// Empty when the thread ends with our reply.
    pub fn open(&self) -> Vec<&'t str> {
        let from = self
            .turns
            .iter()
            .rposition(|t| t.speaker == Speaker::Agent)
            .map_or(0, |i| i + 1);
        self.turns[from..].iter().map(|t| t.text).collect()
    }

    /// All the customer's messages, latest first.
    pub fn customer_latest_first(&self) -> impl Iterator<Item = &'t str> + '_ {
        self.turns
            .iter()
            .rev()
            .filter(|t| t.speaker == Speaker::Customer)
            .map(|t| t.text)
    }

    /// Our earlier replies in the thread, in order.
    pub fn earlier_replies(&self) -> impl Iterator<Item = &'t str> + '_ {
        self.turns
            .iter()
            .filter(|t| t.speaker == Speaker::Agent)
            .map(|t| t.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_the_customers_message() {
        let t = Thread::parse("  Waar blijft mijn pakket?\n");
        assert_eq!(t.message(), Some("Waar blijft mijn pakket?"));
        assert_eq!(t.open(), ["Waar blijft mijn pakket?"]);
        assert_eq!(t.earlier_replies().count(), 0);
    }

    #[test]
    fn a_thread_has_sections_in_order() {
        let t = Thread::parse(
            "## klant\nMijn pakket is kapot.\n\n## wij\nWat vervelend!\n## Klant (10:02)\nEn nu?\r\n",
        );
        let speakers: Vec<Speaker> = t.turns.iter().map(|t| t.speaker).collect();
        assert_eq!(
            speakers,
            [Speaker::Customer, Speaker::Agent, Speaker::Customer]
        );
        assert_eq!(t.message(), Some("En nu?"));
        assert_eq!(t.earlier_replies().collect::<Vec<_>>(), ["Wat vervelend!"]);
        assert_eq!(t.open(), ["En nu?"]);
    }

    #[test]
    fn english_headings_and_several_open_messages() {
        let t = Thread::parse(
            "## customer\nHallo?\n## agent\nHoi!\n## customer\nWaar is het?\n## customer\nHallo??",
        );
        assert_eq!(t.message(), Some("Hallo??"));
        assert_eq!(t.open(), ["Waar is het?", "Hallo??"]);
        assert_eq!(
            t.customer_latest_first().collect::<Vec<_>>(),
            ["Hallo??", "Waar is het?", "Hallo?"]
        );
    }

    #[test]
    fn other_headings_are_text_and_preamble_is_the_customers() {
        let t = Thread::parse("Eerste bericht\n## wij\nHoi\n### klant\n## Notitie\nnog wat");
        assert_eq!(t.turns[0].text, "Eerste bericht");
        assert_eq!(t.turns[0].speaker, Speaker::Customer);
        assert_eq!(t.turns[1].text, "Hoi\n### klant\n## Notitie\nnog wat");
        assert_eq!(t.open(), Vec::<&str>::new());
        assert_eq!(t.message(), Some("Eerste bericht"));
    }

    #[test]
    fn empty_sections_are_dropped() {
        let t = Thread::parse("## klant\n\n## wij\nHoi\n## klant\n");
        assert_eq!(t.turns.len(), 1);
        assert_eq!(t.message(), None);
    }
}
