//! `webcare-lint init`: write a commented starter `.webcare-lint.toml`.

use super::{CLEAN, CliError, emit};
use std::path::Path;
use webcare_lint::fsutil::write_atomic;

pub const STARTER: &str = r#"# webcare-lint configuration. Found by walking up from the current directory
# (.webcare-lint.toml, then webcare-lint.toml); `--config FILE` picks another.
# Command-line flags win over these settings; --ignore adds to `ignore`.

# Only these rules, packs or commandments (g1..g10). Leave out to run everything.
# select = ["g2", "g3", "privacy"]

# Never these. The more specific id wins: a rule over its pack over its commandment.
# ignore = ["channel/dm"]

# Lowest severity that fails the run (exit code 1): error, warning, info or never.
fail-on = "warning"

# The channel your replies go out on: x, facebook, instagram, whatsapp, messenger, email, sms.
# channel = "x"

# The house's form of address: "je" or "u". A reply in the other form is a finding.
# register = "je"

# Extra rule packs (files or directories), relative to this file.
# packs = ["webcare-rules/"]

# Report only findings that are not in this baseline (see --write-baseline).
# baseline = "webcare-lint-baseline.json"

# Per-rule settings: severity for any rule, plus the options some rules have.
# [rules."empathy/repeated-vervelend"]
# severity = "error"
# max = 1
# [rules."length/over-limit"]
# limits = { instagram = 1000, sms = 2 }   # characters; sms: number of messages
# [rules."library/repeated-opener"]
# share = 0.3                             # report one opener in more than 30% of replies
# [rules."library/near-duplicate"]
# similarity = 0.7

# Words and names that are never flagged.
# [vocabulary]
# allow = ["belservice"]
# brand = ["BelBus"]

# A human sign-off ("^Sanne", "Groet, Mark"). `required` overrides the channel's default.
# [persona]
# required = true
# pattern = '\^[A-Z][a-z]+'

# Where the replies are in structured libraries (key paths; CSV columns).
# [library]
# id-field = "name"
# text-field = "body"
# csv-text-column = "antwoord"
# csv-id-column = "id"

# Settings for some files only.
# [[overrides]]
# paths = ["templates/zakelijk/**"]
# register = "u"
"#;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{0}")]
#[diagnostic(code(webcare_lint::init))]
struct InitError(String);

pub fn run() -> Result<u8, CliError> {
    let path = Path::new(".webcare-lint.toml");
    if path.exists() {
        return Err(Box::new(InitError(
            ".webcare-lint.toml already exists; not overwriting it".into(),
        )));
    }
    write_atomic(path, STARTER.as_bytes()).map_err(|e| {
        Box::new(InitError(format!("cannot write .webcare-lint.toml: {e}"))) as CliError
    })?;
    emit("Wrote .webcare-lint.toml; edit it to fit your team.\n")?;
    Ok(CLEAN)
}
