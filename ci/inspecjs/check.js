#!/usr/bin/env node
// Parses ferrospec json reports with inspecjs, the parser Heimdall and the SAF CLI use, to
// prove that they are exec-json as those tools understand it.
//
// Usage: node check.js REPORT.json...
// Prints one line per file: the control count and the statuses inspecjs computes. Exits 1 on
// the first file that does not parse or is not recognised as exec-json.
'use strict';

const fs = require('fs');
const path = require('path');
const inspecjs = require('inspecjs');

const version = require('inspecjs/package.json').version;

function fail(file, message) {
  console.error(`${file}: ${message}`);
  process.exit(1);
}

function check(file) {
  const text = fs.readFileSync(file, 'utf8');

  // convertFile with keepErrors tells us why exec-json was rejected; the contextual
  // converter alone would fall back to profile-json and hide it.
  const raw = inspecjs.convertFile(text, true);
  if (!raw['1_0_ExecJson']) {
    const why = raw.errors && raw.errors['1_0_ExecJson'];
    fail(file, `not exec-json: ${why instanceof Error ? why.message : String(why)}`);
  }

  let evaluation;
  try {
    evaluation = inspecjs.convertFileContextual(text);
  } catch (e) {
    fail(file, `convertFileContextual threw: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!inspecjs.isContextualizedEvaluation(evaluation)) {
    fail(file, 'convertFileContextual did not return an evaluation (exec-json)');
  }

  const statuses = new Map();
  let controls = 0;
  for (const profile of evaluation.contains) {
    for (const control of profile.contains) {
      controls += 1;
      const hdf = control.hdf;
      // Touch the fields Heimdall shows so that a getter throwing is caught here too.
      void hdf.severity;
      void hdf.message;
      void hdf.descriptions;
      const status = hdf.status;
      statuses.set(status, (statuses.get(status) || 0) + 1);
    }
  }
  const summary = [...statuses.entries()].map(([s, n]) => `${s}: ${n}`).join(', ');
  console.log(`${path.basename(file)}: ${controls} controls (${summary || 'none'})`);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check.js REPORT.json...');
  process.exit(2);
}
console.log(`inspecjs ${version}`);
for (const file of files) {
  try {
    check(file);
  } catch (e) {
    fail(file, e instanceof Error ? e.message : String(e));
  }
}
