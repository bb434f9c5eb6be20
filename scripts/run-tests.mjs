#!/usr/bin/env node
// `npm test`: every test, node and browser. Finds Chromium first (CHROME_PATH, else /usr/bin/chromium)
// and stops at once with install advice if there is none. Ends with one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
if (!existsSync(chrome)) {
  console.error(`No Chromium found at ${chrome}.`);
  console.error('The browser tests need one. On Debian or Ubuntu: sudo apt-get install -y chromium');
  console.error('Or point CHROME_PATH at an installed Chromium or Chrome binary.');
  process.exit(2);
}

const outDir = mkdtempSync(join(tmpdir(), 'memos-vitest-'));
const report = join(outDir, 'report.json');
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, CHROME_PATH: chrome } });

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests ?? 0;
  failed = json.numFailedTests ?? 0;
  // A suite that failed with no failing test failed in its setup (an import, a hook): count it once.
  if (failed === 0) failed = json.numFailedTestSuites ?? 0;
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
} else {
  failed = 1;
  console.error('vitest wrote no report: it failed before running the tests.');
}
rmSync(outDir, { recursive: true, force: true });
if (run.status !== 0 && failed === 0) {
  // Vitest failed the run for errors outside any test (unhandled rejections, a broken setup file).
  failed = 1;
  console.error('vitest reported errors outside the tests (see above): counted as one failure.');
}
const code = run.status !== 0 || failed > 0 ? 1 : 0;
if (code === 0 && passed === 0) {
  console.error('No test ran.');
  process.exit(1);
}
// Skipped tests (../shared absent) are reported on their own line, so the last line keeps CI's form.
if (skipped) console.log(`${skipped} skipped (they need ../shared)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(code);
