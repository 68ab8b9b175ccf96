#!/usr/bin/env bash
# Runs the fuzz targets for a fixed budget each, seeded from the fixtures.
#   fuzz/run.sh [SECONDS]      (default 120 per target)
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The toolchain here is stable, so the
# sanitizer flags cargo-fuzz passes are enabled with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")"
budget=${1:-120}
mkdir -p corpus/dsl_parse corpus/yaml_control
cp ../fixtures/dsl/ok/*.rb ../fixtures/dsl/err/*.rb ../controls/*.rb corpus/dsl_parse/ 2>/dev/null || true
cp ../fixtures/yaml/ok/*.yml ../fixtures/yaml/err/*.yml ../controls/*.yml ../profiles/*/controls/*.yml corpus/yaml_control/
export RUSTC_BOOTSTRAP=1
for target in dsl_parse yaml_control; do
  echo "== $target for ${budget}s"
  cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$budget" -timeout=10 -rss_limit_mb=4096 2>&1 \
    | grep -E "^#[0-9]+.*(DONE|pulse)|Done [0-9]+ runs|ERROR|panicked|SUMMARY" || true
done
