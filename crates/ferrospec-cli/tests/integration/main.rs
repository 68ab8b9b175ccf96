//! End-to-end tests of the `ferrospec` binary: fixture hosts, error messages, bundled data, and
//! live tests against this machine's kernel.

// Skipped live tests say why on stderr.
#![allow(clippy::print_stderr)]

mod bundled;
mod check;
mod completions;
mod dsl;
mod export;
mod init;
mod inspec_style;
mod live;
mod remediate;
mod sandbox;
mod schema;
mod test;
mod verdicts;
mod yaml_errors;
