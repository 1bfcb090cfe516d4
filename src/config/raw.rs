//! The TOML shape of `.webcare-lint.toml` (SPEC.md, "Config file keys"). Every struct denies
//! unknown keys, and values keep their spans for error messages.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

type S<T> = Spanned<T>;

/// The keys allowed both at the top level and in `[[overrides]]`. Written out in both structs
/// (by this macro) rather than with `#[serde(flatten)]`, which would lose the spans.
macro_rules! settings_struct {
    ($(#[$doc:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$doc])*
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        pub struct $name {
            $($extra)*
            pub select: Option<Vec<S<String>>>,
            pub ignore: Option<Vec<S<String>>>,
            pub fail_on: Option<S<String>>,
            pub channel: Option<S<String>>,
            pub register: Option<S<String>>,
            pub packs: Option<Vec<S<String>>>,
            pub baseline: Option<S<String>>,
            #[serde(default)]
            pub rules: BTreeMap<String, S<RawRuleSettings>>,
            pub vocabulary: Option<RawVocabulary>,
            pub persona: Option<RawPersona>,
            pub library: Option<RawLibrary>,
        }
    };
}

settings_struct!(
    /// The whole file.
    RawConfig {
        #[serde(default)]
        pub overrides: Vec<RawOverride>,
    }
);

settings_struct!(
    /// One `[[overrides]]` table: `paths` globs and any of the top-level keys.
    RawOverride {
        pub paths: Vec<S<String>>,
    }
);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRuleSettings {
    pub severity: Option<S<String>>,
    /// For occurrence rules: how often the word family may appear.
    pub max: Option<S<i64>>,
    /// For library/repeated-opener and library/repeated-sign-off: the share of replies
    /// (0–1) above which one text is reported.
    pub share: Option<S<f64>>,
    /// For library/near-duplicate: the similarity (0–1) from which replies are duplicates.
    pub similarity: Option<S<f64>>,
    /// For length/over-limit: limits by channel (`{ instagram = 1000 }`).
    pub limits: Option<S<BTreeMap<S<String>, S<i64>>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawVocabulary {
    #[serde(default)]
    pub allow: Vec<S<String>>,
    #[serde(default)]
    pub brand: Vec<S<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPersona {
    pub required: Option<bool>,
    pub pattern: Option<S<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawLibrary {
    pub id_field: Option<String>,
    pub text_field: Option<String>,
    pub csv_text_column: Option<String>,
    pub csv_id_column: Option<String>,
}

/// The settings keys of a top-level config or an override, borrowed alike.
pub struct SettingsRef<'a> {
    pub select: &'a Option<Vec<S<String>>>,
    pub ignore: &'a Option<Vec<S<String>>>,
    pub fail_on: &'a Option<S<String>>,
    pub channel: &'a Option<S<String>>,
    pub register: &'a Option<S<String>>,
    pub packs: &'a Option<Vec<S<String>>>,
    pub baseline: &'a Option<S<String>>,
    pub rules: &'a BTreeMap<String, S<RawRuleSettings>>,
    pub vocabulary: &'a Option<RawVocabulary>,
    pub persona: &'a Option<RawPersona>,
    pub library: &'a Option<RawLibrary>,
}

macro_rules! settings_ref {
    ($t:ty) => {
        impl $t {
            pub fn settings(&self) -> SettingsRef<'_> {
                SettingsRef {
                    select: &self.select,
                    ignore: &self.ignore,
                    fail_on: &self.fail_on,
                    channel: &self.channel,
                    register: &self.register,
                    packs: &self.packs,
                    baseline: &self.baseline,
                    rules: &self.rules,
                    vocabulary: &self.vocabulary,
                    persona: &self.persona,
                    library: &self.library,
                }
            }
        }
    };
}

settings_ref!(RawConfig);
settings_ref!(RawOverride);
