//! ferrospec binary
fn main() {}
