//! Control impact: a number in 0.0–1.0, or one of InSpec's names.

/// Impact of a control; `None` in a [`crate::model::Control`] means unset (reported as 0.5).
pub type Impact = f64;

/// InSpec's impact names (`none` 0.0, `low` 0.1, `medium` 0.4, `high` 0.7, `critical` 0.9),
/// case-insensitive.
pub fn parse_impact_name(name: &str) -> Option<Impact> {
    match name.to_ascii_lowercase().as_str() {
        "none" => Some(0.0),
        "low" => Some(0.1),
        "medium" => Some(0.4),
        "high" => Some(0.7),
        "critical" => Some(0.9),
        _ => None,
    }
}
