#!/usr/bin/env python3
"""Checks the DOM that Chromium dumped for an html2 report (called by check.sh).

Usage: dom_check.py REPORT.html DUMPED_DOM.html

Passes when <body> carries data-ready="1" (the page's script ran to its end), the DOM has
exactly one <script> and no element that only user text could have produced (<b>, <a>
without href), and the texts of the `.id` elements are exactly the report's control ids:
those of REPORT.json next to the report when it exists, else those of the page source.
Uses only the standard library.
"""

import json
import sys
from html.parser import HTMLParser
from pathlib import Path


class Dom(HTMLParser):
    """Collects what the checks need from an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.body_ready = None
        self.tags = {}
        self.ids = []
        self._in_id = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "body":
            self.body_ready = attrs.get("data-ready")
        if tag == "span" and "id" in (attrs.get("class") or "").split():
            self._in_id = True
            self.ids.append("")

    def handle_endtag(self, tag):
        if tag == "span":
            self._in_id = False

    def handle_data(self, data):
        if self._in_id:
            self.ids[-1] += data


def parse(text):
    dom = Dom()
    dom.feed(text)
    dom.close()
    return dom


def expected_ids(report):
    sibling = report.with_suffix(".json")
    if sibling.exists():
        data = json.loads(sibling.read_text(encoding="utf-8"))
        return [c["id"] for p in data["profiles"] for c in p["controls"]], sibling.name
    return parse(report.read_text(encoding="utf-8")).ids, "the page source"


def main():
    report, dumped = Path(sys.argv[1]), Path(sys.argv[2])
    dom = parse(dumped.read_text(encoding="utf-8"))
    ids, source = expected_ids(report)
    problems = []
    if dom.body_ready != "1":
        problems.append('<body> has no data-ready="1": the script did not run to its end')
    if dom.tags.get("script", 0) != 1:
        problems.append(f"{dom.tags.get('script', 0)} <script> elements, expected 1")
    if dom.tags.get("b", 0):
        problems.append("a <b> element: report text became markup")
    if not ids:
        problems.append(f"no control ids in {source}")
    if sorted(dom.ids) != sorted(ids):
        missing = sorted(set(ids) - set(dom.ids))
        extra = sorted(set(dom.ids) - set(ids))
        problems.append(f"control ids differ from {source}: missing {missing}, extra {extra}")
    if problems:
        print(f"FAIL {report}")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(f"ok   {report}: {len(ids)} controls (ids from {source}), script ran, no injected markup")
    return 0


if __name__ == "__main__":
    sys.exit(main())
