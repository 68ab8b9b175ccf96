#!/usr/bin/env python3
"""Reads JUnit XML written by ferrospec's `junit2` reporter with junitparser, an
independent reader, and checks its counts.

Usage:
    check.py FILE --tests N --failures N --errors N --skipped N
    check.py FILE... [--expected fixtures/reports/junit-expected.json]

With counts on the command line there must be exactly one FILE. Otherwise each FILE's
counts are looked up by file name in the expectations file (default:
`junit-expected.json` next to the file), a JSON object
`{"<name>.xml": {"tests": N, "failures": N, "errors": N, "skipped": N}}`.

For every file, the counts are taken from the test cases themselves (a case with a
<failure>, an <error> or a <skipped> child) and must equal the expected ones, and every
<testsuite>'s own `tests`, `failures`, `errors` and `skipped` attributes must agree with its
cases. Exit status 0 when every file passes, 1 otherwise, 2 on a usage error.
"""

import argparse
import json
import sys
from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

KEYS = ("tests", "failures", "errors", "skipped")


def count_cases(suite):
    """Counts of one <testsuite>, from its test cases."""
    counts = dict.fromkeys(KEYS, 0)
    for case in suite:
        counts["tests"] += 1
        kinds = {type(result) for result in case.result}
        if Error in kinds:
            counts["errors"] += 1
        elif Failure in kinds:
            counts["failures"] += 1
        elif Skipped in kinds:
            counts["skipped"] += 1
    return counts


def attribute(suite, key):
    """A <testsuite> count attribute as written in the file, or None when absent."""
    value = suite._elem.get(key)  # junitparser computes some counts when they are absent
    return None if value is None else int(value)


def check_file(path, expected):
    problems = []
    xml = JUnitXml.fromfile(str(path))
    suites = list(xml) if isinstance(xml, JUnitXml) else [xml]
    total = dict.fromkeys(KEYS, 0)
    for suite in suites:
        counts = count_cases(suite)
        for key in KEYS:
            total[key] += counts[key]
            written = attribute(suite, key)
            if written is None:
                problems.append(f"testsuite {suite.name!r} has no `{key}` attribute")
            elif written != counts[key]:
                problems.append(
                    f"testsuite {suite.name!r}: {key}={written} but its cases give {counts[key]}"
                )
    for key in KEYS:
        if total[key] != expected[key]:
            problems.append(f"{key}: expected {expected[key]}, found {total[key]}")
    summary = " ".join(f"{key}={total[key]}" for key in KEYS)
    return summary, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    for key in KEYS:
        parser.add_argument(f"--{key}", type=int)
    parser.add_argument("--expected", type=Path, help="expectations file (JSON)")
    args = parser.parse_args()

    given = {key: getattr(args, key) for key in KEYS}
    if any(value is not None for value in given.values()):
        if None in given.values() or len(args.files) != 1:
            parser.error("give all of --tests --failures --errors --skipped, and one FILE")
        expectations = {args.files[0].name: given}
    else:
        expectations = {}
        for path in args.files:
            source = args.expected or path.parent / "junit-expected.json"
            table = json.loads(source.read_text(encoding="utf-8"))
            if path.name not in table:
                parser.error(f"{source} has no entry for {path.name}")
            expectations[path.name] = table[path.name]

    failed = False
    for path in args.files:
        summary, problems = check_file(path, expectations[path.name])
        if problems:
            failed = True
            print(f"FAIL {path}: {summary}")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"ok   {path}: {summary}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
