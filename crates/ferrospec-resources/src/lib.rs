//! The engine of ferrospec: the [`Host`](host::Host) interface and its implementations, the
//! resources, the matchers, and the executor that runs a profile into a `RunReport`.
//!
//! Nothing here prints; reporters live in `ferrospec-report`.

mod dsl_eval;
pub mod executor;
pub mod host;
pub mod matcher;
pub mod remediate;
pub mod resource;

#[cfg(test)]
mod testing;

pub use executor::{ExecOptions, Progress, execute, execute_with_progress};
pub use resource::Registry;
