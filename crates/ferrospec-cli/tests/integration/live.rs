//! Live tests against this machine's kernel (placeholder until written).
