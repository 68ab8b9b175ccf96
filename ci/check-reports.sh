#!/usr/bin/env bash
# Renders reports of the bundled profile on every fixture host and on this host, and has real
# consumers read them: inspecjs (Heimdall's and the SAF CLI's parser) for JSON, junitparser for
# JUnit, headless Chromium for HTML. Any error fails.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --quiet --bin ferrospec
bin=target/debug/ferrospec
for host in fixtures/hosts/*/; do
  name=$(basename "$host")
  "$bin" exec --target "fixture://$PWD/$host" \
    --reporter "json:$out/$name.json" "junit2:$out/$name.xml" "html2:$out/$name.html" || true
done
"$bin" exec --reporter "json:$out/local.json" "html2:$out/local.html" || true

echo "-- inspecjs"
(cd ci/inspecjs && npm ci --silent --no-audit --no-fund >/dev/null)
node ci/inspecjs/check.js "$out"/*.json $(ls fixtures/reports/*.json | grep -v -e "\.min\.json$" -e "junit-expected")

echo "-- junitparser"
python3 ci/junit/check.py fixtures/reports/*.xml
# noncompliant: 9 results: 2 passed, 6 failed, 1 skipped; no errors.
python3 ci/junit/check.py "$out/noncompliant.xml" --tests 9 --failures 6 --errors 0 --skipped 1
# auditctl missing: every result is an error.
python3 ci/junit/check.py "$out/auditctl-missing.xml" --tests 9 --failures 0 --errors 9 --skipped 0

echo "-- chromium"
bash ci/html/check.sh fixtures/reports/*.html "$out"/noncompliant.html "$out"/local.html
