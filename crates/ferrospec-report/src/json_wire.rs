//! The wire types of InSpec's exec-json, apart from the model so that the model can change
//! without changing what Heimdall, the SAF CLI or Chef Automate read. `docs/json-format.md`
//! states the promise these types keep.
//!
//! Field order follows InSpec's `lib/inspec/reporters/json.rb`. Where InSpec drops keys
//! whose value is nil (platform, profile, result, reference) an `Option` is skipped when
//! `None`; where InSpec keeps them (a control's `title` and `desc`, which inspecjs and
//! InSpec's schema require) it is written as `null`.
//!
//! Nothing here is built by hand from strings: `json.rs` converts the report into these
//! types and serde writes them.

use serde::Serialize;
use serde::ser::SerializeMap;

use ferrospec_core::Value;

/// The whole document.
#[derive(Debug, Serialize)]
pub(crate) struct ExecJson<'a> {
    pub(crate) platform: Platform<'a>,
    pub(crate) profiles: Vec<Profile<'a>>,
    pub(crate) statistics: Statistics,
    pub(crate) version: &'a str,
}

/// `platform`; the target URI is not part of it, as in InSpec.
#[derive(Debug, Serialize)]
pub(crate) struct Platform<'a> {
    pub(crate) name: &'a str,
    pub(crate) release: &'a str,
    pub(crate) target_id: &'a str,
}

/// `statistics`: InSpec itself writes only `duration`; the control totals are the optional
/// part of its schema that Heimdall and the SAF CLI use when present.
#[derive(Debug, Serialize)]
pub(crate) struct Statistics {
    pub(crate) duration: f64,
    pub(crate) controls: ControlStatistics,
}

#[derive(Debug, Serialize)]
pub(crate) struct ControlStatistics {
    pub(crate) passed: Total,
    pub(crate) failed: Total,
    pub(crate) skipped: Total,
}

#[derive(Debug, Serialize)]
pub(crate) struct Total {
    pub(crate) total: usize,
}

/// One entry of `profiles`.
#[derive(Debug, Serialize)]
pub(crate) struct Profile<'a> {
    pub(crate) name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<&'a str>,
    pub(crate) sha256: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) maintainer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) license: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) copyright: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) copyright_email: Option<&'a str>,
    /// Each entry an object of its key/value pairs (`{"platform-family": "linux"}`).
    pub(crate) supports: Vec<Pairs<'a, String>>,
    pub(crate) attributes: Vec<Attribute<'a>>,
    pub(crate) groups: Vec<Group<'a>>,
    pub(crate) controls: Vec<Control<'a>>,
    /// `loaded`, `failed` or `skipped`.
    pub(crate) status: &'static str,
    /// `""` when loaded.
    pub(crate) status_message: &'a str,
    /// A copy of `status_message`, only when the profile was skipped (as InSpec).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) skip_message: Option<&'a str>,
}

/// An input, under InSpec's old name `attributes`: `{name, options: {value, type, …}}`.
#[derive(Debug, Serialize)]
pub(crate) struct Attribute<'a> {
    pub(crate) name: &'a str,
    pub(crate) options: Pairs<'a, Value>,
}

/// `groups[]`: the controls of one file.
#[derive(Debug, Serialize)]
pub(crate) struct Group<'a> {
    pub(crate) id: &'a str,
    pub(crate) controls: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<&'a str>,
}

/// One entry of `controls`.
#[derive(Debug, Serialize)]
pub(crate) struct Control<'a> {
    pub(crate) id: &'a str,
    /// Written as `null` when absent: the key is required.
    pub(crate) title: Option<&'a str>,
    /// Written as `null` when absent: the key is required.
    pub(crate) desc: Option<&'a str>,
    pub(crate) descriptions: Vec<Description<'a>>,
    pub(crate) impact: f64,
    pub(crate) refs: Vec<Reference<'a>>,
    pub(crate) tags: Pairs<'a, Value>,
    pub(crate) code: &'a str,
    pub(crate) source_location: SourceLocation<'a>,
    /// `{}` when the control has no waiver, as InSpec.
    pub(crate) waiver_data: WaiverData<'a>,
    pub(crate) results: Vec<ControlResult<'a>>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Description<'a> {
    pub(crate) label: &'a str,
    pub(crate) data: &'a str,
}

/// `{"url": …, "ref": …}`, keys present only when set (InSpec's order).
#[derive(Debug, Serialize)]
pub(crate) struct Reference<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) r#ref: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SourceLocation<'a> {
    pub(crate) r#ref: &'a str,
    pub(crate) line: usize,
}

/// `waiver_data`: the waiver file's keys, then what the run made of it (InSpec's order);
/// every key absent (`{}`) when there is no waiver.
#[derive(Debug, Default, Serialize)]
pub(crate) struct WaiverData<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) justification: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) run: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expiration_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) skipped_due_to_waiver: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<&'a str>,
}

/// One entry of a control's `results`.
#[derive(Debug, Serialize)]
pub(crate) struct ControlResult<'a> {
    /// `passed`, `failed` or `skipped`; an error is `failed` with an `exception`.
    pub(crate) status: &'static str,
    pub(crate) code_desc: &'a str,
    pub(crate) run_time: f64,
    pub(crate) start_time: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resource: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) skip_message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) exception: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) backtrace: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resource_class: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resource_params: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resource_id: Option<&'a str>,
}

/// Ordered key/value pairs written as a JSON object (tags, input options, `supports`).
#[derive(Debug)]
pub(crate) struct Pairs<'a, V>(pub(crate) &'a [(String, V)]);

impl<V: Serialize> Serialize for Pairs<'_, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The whole `json-min` document: InSpec's `lib/inspec/reporters/json_min.rb`, key for key.
#[derive(Debug, Serialize)]
pub(crate) struct ExecJsonMin<'a> {
    /// One entry per result, across every profile.
    pub(crate) controls: Vec<MinResult<'a>>,
    pub(crate) statistics: MinStatistics,
    pub(crate) version: &'a str,
}

/// `json-min`'s `statistics`: only the duration, as InSpec.
#[derive(Debug, Serialize)]
pub(crate) struct MinStatistics {
    pub(crate) duration: f64,
}

/// One entry of `json-min`'s `controls`: a result with the ids of its control and profile.
/// The optional keys are present only when the result has them, in InSpec's order.
#[derive(Debug, Serialize)]
pub(crate) struct MinResult<'a> {
    /// The control's id.
    pub(crate) id: &'a str,
    /// The profile's name.
    pub(crate) profile_id: &'a str,
    pub(crate) profile_sha256: &'a str,
    /// `passed`, `failed` or `skipped`; an error is `failed` with an `exception`.
    pub(crate) status: &'static str,
    pub(crate) code_desc: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) skip_message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resource: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) exception: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) backtrace: Option<&'a [String]>,
}
