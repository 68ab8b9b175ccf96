//! InSpec's `json` reporter (exec-json): converts the [`RunReport`] into the wire types of
//! `json_wire.rs` and writes them, pretty-printed and ending with a newline.
//!
//! The one place the report and the wire disagree is [`Status::Error`]: exec-json has no
//! error status, so, as InSpec does for a resource that raised, an error is written as
//! `failed` with an `exception` and a `backtrace` (Heimdall shows a result with a backtrace
//! as an error).

use std::io;

use ferrospec_core::results::{
    ControlReport, InputReport, ProfileReport, ProfileStatus, ResultReport, RunReport, Status,
    WaiverData,
};

use crate::json_wire as wire;
use crate::{RenderOptions, ReportError};

/// The exception written for an error result that names none: what InSpec reports when a
/// resource fails.
const DEFAULT_EXCEPTION: &str = "Inspec::Exceptions::ResourceFailed";

/// Writes the `json` report.
pub(crate) fn render(
    report: &RunReport,
    _opts: &RenderOptions,
    out: &mut dyn io::Write,
) -> Result<(), ReportError> {
    let mut bytes =
        serde_json::to_vec_pretty(&exec_json(report)).map_err(|err| ReportError::Internal {
            message: format!("cannot serialize the json report: {err}"),
        })?;
    bytes.push(b'\n');
    crate::write_all(out, &bytes)
}

/// The whole exec-json document of `report`; `yaml` writes the same document.
pub(crate) fn exec_json(report: &RunReport) -> wire::ExecJson<'_> {
    let counts = report.counts();
    wire::ExecJson {
        platform: wire::Platform {
            name: &report.platform.name,
            release: &report.platform.release,
            target_id: &report.platform.target_id,
        },
        profiles: report.profiles.iter().map(profile).collect(),
        statistics: wire::Statistics {
            duration: report.duration,
            controls: wire::ControlStatistics {
                passed: wire::Total {
                    total: counts.controls_passed,
                },
                failed: wire::Total {
                    total: counts.controls_failed,
                },
                skipped: wire::Total {
                    total: counts.controls_skipped,
                },
            },
        },
        version: &report.version,
    }
}

fn profile(profile: &ProfileReport) -> wire::Profile<'_> {
    let status = match profile.status {
        ProfileStatus::Loaded => "loaded",
        ProfileStatus::Skipped => "skipped",
        ProfileStatus::Failed => "failed",
    };
    wire::Profile {
        name: &profile.name,
        version: profile.version.as_deref(),
        sha256: &profile.sha256,
        title: profile.title.as_deref(),
        maintainer: profile.maintainer.as_deref(),
        summary: profile.summary.as_deref(),
        license: profile.license.as_deref(),
        copyright: profile.copyright.as_deref(),
        copyright_email: profile.copyright_email.as_deref(),
        supports: profile
            .supports
            .iter()
            .map(|entry| wire::Pairs(entry))
            .collect(),
        attributes: profile.attributes.iter().map(attribute).collect(),
        groups: profile
            .groups
            .iter()
            .map(|group| wire::Group {
                id: &group.id,
                controls: &group.controls,
                title: group.title.as_deref(),
            })
            .collect(),
        controls: profile.controls.iter().map(control).collect(),
        status,
        status_message: &profile.status_message,
        skip_message: (profile.status == ProfileStatus::Skipped)
            .then_some(profile.status_message.as_str()),
    }
}

fn attribute(input: &InputReport) -> wire::Attribute<'_> {
    wire::Attribute {
        name: &input.name,
        options: wire::Pairs(&input.options),
    }
}

fn control(control: &ControlReport) -> wire::Control<'_> {
    wire::Control {
        id: &control.id,
        title: control.title.as_deref(),
        desc: control.desc.as_deref(),
        descriptions: control
            .descriptions
            .iter()
            .map(|d| wire::Description {
                label: &d.label,
                data: &d.data,
            })
            .collect(),
        impact: control.impact,
        refs: control
            .refs
            .iter()
            .map(|r| wire::Reference {
                url: r.url.as_deref(),
                r#ref: r.r#ref.as_deref(),
            })
            .collect(),
        tags: wire::Pairs(&control.tags),
        code: &control.code,
        source_location: wire::SourceLocation {
            r#ref: &control.source_location.r#ref,
            line: control.source_location.line,
        },
        waiver_data: control
            .waiver_data
            .as_ref()
            .map(waiver_data)
            .unwrap_or_default(),
        results: control.results.iter().map(result).collect(),
    }
}

fn waiver_data(waiver: &WaiverData) -> wire::WaiverData<'_> {
    wire::WaiverData {
        justification: waiver.justification.as_deref(),
        run: waiver.run,
        expiration_date: waiver.expiration_date.as_deref(),
        skipped_due_to_waiver: Some(waiver.skipped_due_to_waiver),
        message: Some(&waiver.message),
    }
}

/// The `exception` and `backtrace` of a result on the wire. An error always has both: the
/// exception it names or InSpec's resource failure, and its backtrace or an empty one.
/// Other results keep whatever they carry. Shared by every reporter that writes InSpec's
/// result fields (`json`, `json-min`, `yaml`, `junit2`).
pub(crate) fn exception_and_backtrace(result: &ResultReport) -> (Option<&str>, Option<&[String]>) {
    if result.status() == Status::Error {
        (
            Some(result.exception.as_deref().unwrap_or(DEFAULT_EXCEPTION)),
            // An empty array, not a missing key: Heimdall tells an error from a failure by
            // the presence of `backtrace`.
            Some(result.backtrace.as_deref().unwrap_or(&[])),
        )
    } else {
        (result.exception.as_deref(), result.backtrace.as_deref())
    }
}

fn result(result: &ResultReport) -> wire::ControlResult<'_> {
    let (exception, backtrace) = exception_and_backtrace(result);
    wire::ControlResult {
        status: result.status().as_inspec_str(),
        code_desc: &result.code_desc,
        run_time: result.run_time,
        start_time: &result.start_time,
        resource: result.resource.as_deref(),
        skip_message: result.skip_message.as_deref(),
        message: result.message.as_deref(),
        exception,
        backtrace,
        resource_class: result.resource_class.as_deref(),
        resource_params: result.resource_params.as_deref(),
        resource_id: result.resource_id.as_deref(),
    }
}
