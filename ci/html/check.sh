#!/usr/bin/env bash
# Loads html2 reports written by ferrospec in headless Chromium and checks them as a
# browser sees them.
#
# Usage: ci/html/check.sh REPORT.html...
#
# For each REPORT.html:
#   - no JavaScript error is logged (Chromium logs "Uncaught …" to stderr);
#   - the page's script ran to its end: it sets data-ready="1" on <body>;
#   - the DOM has exactly one <script> (ours) and none of the report's text became markup;
#   - every control id of the report is the text of a control's id in the DOM. The ids
#     come from REPORT.json next to it (the json golden of the same sample), else from
#     the `.id` elements of the page source itself.
#
# Needs `chromium` (Debian: apt-get install -y chromium) and python3. Runs as root, hence
# --no-sandbox; every network-ish background feature is off and the page's own content
# security policy forbids loading anything.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 REPORT.html..." >&2
    exit 2
fi

browser=${CHROMIUM:-chromium}
here=$(cd "$(dirname "$0")" && pwd)
status=0

for report in "$@"; do
    path=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
    profile_dir=$(mktemp -d)
    dom=$(mktemp)
    log=$(mktemp)
    if ! timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync \
        --no-first-run --user-data-dir="$profile_dir" \
        --enable-logging=stderr --v=0 \
        --dump-dom "file://$path" >"$dom" 2>"$log"; then
        echo "FAIL $report: chromium exited with an error"
        sed 's/^/  /' "$log"
        status=1
    elif grep -q "Uncaught" "$log"; then
        echo "FAIL $report: script error"
        grep "Uncaught" "$log" | sed 's/^/  /'
        status=1
    elif ! python3 "$here/dom_check.py" "$path" "$dom"; then
        status=1
    fi
    rm -rf "$profile_dir" "$dom" "$log"
done
exit "$status"
