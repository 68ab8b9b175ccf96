//! Waiver files (`--waiver-file`), in YAML, JSON or CSV, with InSpec's shape: the top-level
//! key is a control id; `justification` is required, `run` and `expiration_date` are optional.
//!
//! ```yaml
//! docker-1.12:
//!   justification: docker-containerd is not used on these hosts
//!   run: false
//!   expiration_date: 2027-06-01
//! ```

use std::path::Path;

use crate::value::Value;

/// One waiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The control it applies to.
    pub control_id: String,
    /// Why.
    pub justification: String,
    /// `run`: `Some(false)` keeps the control from running; `None` when absent.
    pub run: Option<bool>,
    /// Expiration date `YYYY-MM-DD` as given.
    pub expiration_date: Option<String>,
}

/// Why a waiver file was refused.
#[derive(Debug, thiserror::Error)]
pub enum WaiverError {
    /// The file does not exist.
    #[error("waiver file `{0}` does not exist")]
    Missing(String),
    /// Unknown extension.
    #[error("waiver file `{0}` must end in .yml, .yaml, .json or .csv")]
    Extension(String),
    /// Unreadable or malformed.
    #[error("cannot read waiver file `{path}`: {reason}")]
    Malformed {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A waiver without a justification.
    #[error("control id `{0}`: missing required parameter `justification` in the waiver file")]
    NoJustification(String),
    /// A date that does not parse.
    #[error(
        "unable to parse waiver expiration date `{date}` for control `{control}`, expected YYYY-MM-DD"
    )]
    BadDate {
        /// The control.
        control: String,
        /// The date as given.
        date: String,
    },
}

/// InSpec's `run` values: true/yes/y and false/no/n in any case; anything else counts as false.
fn run_value(v: &Value) -> Option<bool> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(*b),
        other => {
            let s = other.to_string().to_ascii_lowercase();
            Some(matches!(s.as_str(), "true" | "yes" | "y"))
        }
    }
}

/// Days since 1970-01-01 for `YYYY-MM-DD` (a time after it is ignored).
pub fn parse_date(s: &str) -> Option<i64> {
    let date = s.trim().get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
        || s.trim().len() > 10 && !s.trim()[10..].starts_with(['T', ' '])
    {
        return None;
    }
    let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn from_entries(entries: Vec<(String, Vec<(String, Value)>)>) -> Result<Vec<Waiver>, WaiverError> {
    let mut out = Vec::new();
    for (control_id, fields) in entries {
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let justification = match get("justification") {
            Some(Value::Null) | None => return Err(WaiverError::NoJustification(control_id)),
            Some(v) => v.to_string(),
        };
        if justification.trim().is_empty() {
            return Err(WaiverError::NoJustification(control_id));
        }
        let expiration_date = get("expiration_date")
            .filter(|v| !matches!(v, Value::Null))
            .map(|v| v.to_string())
            .filter(|s| !s.is_empty());
        if let Some(d) = &expiration_date
            && parse_date(d).is_none()
        {
            return Err(WaiverError::BadDate {
                control: control_id,
                date: d.clone(),
            });
        }
        let run = get("run").and_then(|v| run_value(&v));
        out.push(Waiver {
            control_id,
            justification,
            run,
            expiration_date,
        });
    }
    Ok(out)
}

/// Reads a waiver file, by its extension.
pub fn read_waiver_file(path: &Path) -> Result<Vec<Waiver>, WaiverError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => WaiverError::Missing(shown.clone()),
        _ => WaiverError::Malformed {
            path: shown.clone(),
            reason: e.to_string(),
        },
    })?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let malformed = |reason: String| WaiverError::Malformed {
        path: shown.clone(),
        reason,
    };
    let entries = match ext.as_str() {
        "yml" | "yaml" => crate::yaml::parse_waivers(&text).map_err(malformed)?,
        "json" => {
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
            let serde_json::Value::Object(m) = v else {
                return Err(malformed("expected an object of control ids".into()));
            };
            let mut entries = Vec::new();
            for (id, fields) in m {
                let serde_json::Value::Object(f) = fields else {
                    return Err(malformed(format!("control `{id}`: expected an object")));
                };
                entries.push((
                    id,
                    f.into_iter().map(|(k, v)| (k, Value::from(&v))).collect(),
                ));
            }
            entries
        }
        "csv" => {
            let mut rdr = csv::Reader::from_reader(text.as_bytes());
            let headers = rdr.headers().map_err(|e| malformed(e.to_string()))?.clone();
            if !headers.iter().any(|h| h == "control_id") {
                return Err(malformed("the CSV header needs `control_id`".into()));
            }
            let mut entries = Vec::new();
            for rec in rdr.records() {
                let rec = rec.map_err(|e| malformed(e.to_string()))?;
                let mut id = String::new();
                let mut fields = Vec::new();
                for (h, v) in headers.iter().zip(rec.iter()) {
                    if h == "control_id" {
                        v.clone_into(&mut id);
                    } else if !v.is_empty() {
                        fields.push((h.to_owned(), Value::String(v.to_owned())));
                    }
                }
                entries.push((id, fields));
            }
            entries
        }
        _ => return Err(WaiverError::Extension(shown)),
    };
    from_entries(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let p =
            std::env::temp_dir().join(format!("ferrospec-waiver-{}-{name}", std::process::id()));
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn the_three_formats_read_the_same() {
        let yml = write(
            "w.yml",
            "a-1:\n  justification: why\n  run: false\n  expiration_date: 2077-06-01\nb-2:\n  justification: because\n",
        );
        let json = write(
            "w.json",
            r#"{"a-1": {"justification": "why", "run": "no", "expiration_date": "2077-06-01"}, "b-2": {"justification": "because"}}"#,
        );
        let csv = write(
            "w.csv",
            "control_id,justification,run,expiration_date\na-1,why,N,2077-06-01\nb-2,because,,\n",
        );
        let want = vec![
            Waiver {
                control_id: "a-1".into(),
                justification: "why".into(),
                run: Some(false),
                expiration_date: Some("2077-06-01".into()),
            },
            Waiver {
                control_id: "b-2".into(),
                justification: "because".into(),
                run: None,
                expiration_date: None,
            },
        ];
        for p in [yml, json, csv] {
            assert_eq!(read_waiver_file(&p).unwrap(), want, "{}", p.display());
            std::fs::remove_file(p).unwrap();
        }
    }

    #[test]
    fn errors_are_clear() {
        let p = write("nojust.yml", "a-1:\n  run: false\n");
        assert!(
            matches!(read_waiver_file(&p), Err(WaiverError::NoJustification(id)) if id == "a-1")
        );
        std::fs::remove_file(p).unwrap();
        let p = write(
            "date.yml",
            "a-1:\n  justification: x\n  expiration_date: tomorrow\n",
        );
        assert!(matches!(
            read_waiver_file(&p),
            Err(WaiverError::BadDate { .. })
        ));
        std::fs::remove_file(p).unwrap();
        assert!(matches!(
            read_waiver_file(Path::new("/nonexistent/w.yml")),
            Err(WaiverError::Missing(_))
        ));
        let p = write("w.txt", "x");
        assert!(matches!(
            read_waiver_file(&p),
            Err(WaiverError::Extension(_))
        ));
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn dates_count_days() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-12-04"), Some(20_791));
        assert_eq!(parse_date("2026-12-04T10:00:00Z"), Some(20_791));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn run_values_follow_inspec() {
        assert_eq!(run_value(&Value::from("Yes")), Some(true));
        assert_eq!(run_value(&Value::from("n")), Some(false));
        assert_eq!(run_value(&Value::from("maybe")), Some(false));
        assert_eq!(run_value(&Value::Null), None);
    }
}
