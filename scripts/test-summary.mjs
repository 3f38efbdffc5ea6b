#!/usr/bin/env node
// Prints "N passed, N failed" from vitest's JSON report (CI reads this line) and exits
// non-zero when anything failed or the report is missing.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest/results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  console.error(`no test report at ${file}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// Failed tests, plus test files that failed without a failing test (e.g. they could not load).
const brokenFiles = (report.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
let failed = (report.numFailedTests ?? 0) + brokenFiles;
// Errors outside any test (unhandled rejections, a crashed worker) fail the run too.
if (failed === 0 && report.success === false) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
