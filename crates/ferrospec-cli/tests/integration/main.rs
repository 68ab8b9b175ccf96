//! End-to-end tests of the `ferrospec` binary: fixture hosts, error messages, bundled data, and
//! live tests against this machine's kernel.

mod bundled;
mod check;
mod completions;
mod export;
mod init;
mod live;
mod sandbox;
mod schema;
mod test;
mod verdicts;
mod yaml_errors;
