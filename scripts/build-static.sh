#!/usr/bin/env bash
# Builds ferrospec as one statically linked binary (glibc, crt-static) and checks it.
# The explicit --target keeps build scripts and proc-macros dynamic, as they must be.
# Output: target/x86_64-unknown-linux-gnu/release/ferrospec
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(rustc -vV | sed -n 's/^host: //p')
RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --target "$target"
bin="target/$target/release/ferrospec"
if ldd "$bin" 2>&1 | grep -q "statically linked\|not a dynamic executable"; then
  echo "$bin: statically linked, $(du -h "$bin" | cut -f1)"
else
  echo "$bin is not statically linked:" >&2
  ldd "$bin" >&2
  exit 1
fi
