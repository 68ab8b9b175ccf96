#!/usr/bin/env bash
# Renders JSON reports of the bundled profile on fixture hosts and on this host, and has
# inspecjs (the parser Heimdall and the SAF CLI use) read each one; any error fails.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --quiet --bin ferrospec
bin=target/debug/ferrospec
for host in fixtures/hosts/*/; do
  name=$(basename "$host")
  "$bin" exec --target "fixture://$PWD/$host" --reporter "json:$out/$name.json" || true
done
"$bin" exec --reporter "json:$out/local.json" || true
(cd ci/inspecjs && npm ci --silent --no-audit --no-fund >/dev/null)
node ci/inspecjs/check.js "$out"/*.json fixtures/reports/*.json
