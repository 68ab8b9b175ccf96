//! Integration tests of ferrospec-report: every format renders the shared samples into the
//! goldens in `fixtures/reports/`, and the JSON shape is locked by strict test-side types.

// `allow-unwrap-in-tests` covers `#[test]` functions only, not the helpers they share here.
#![allow(clippy::unwrap_used)]
// Clippy takes "InSpec" for a code identifier (see `src/lib.rs`).

mod formats;
mod goldens;
mod json_shape;
mod samples;
