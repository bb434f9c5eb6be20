/**
 * `npm run fuzz`: the long run of the trust suites (issue 16), in Node over fake-indexeddb. Random
 * sequences of public-API operations by several users checked against the independent model of the
 * rules after every step (test/support/api-sequences.ts), and mutated cube files that must import whole
 * or be refused cleanly (test/support/cube-file-mutations.ts), and bad calls of every public method that
 * must end in a MemosError (test/support/bad-input.ts). `npm test` runs all three with a fixed seed.
 *
 * Options: --sequences N (default 2000), --files N (default 5000), --calls N (default 100000), --length N (most operations per
 * sequence, default 40), --seed S (default: from the clock; printed, so a failure can be replayed).
 * Prints what it tried and checked; exits 1 with the shrunk counterexample on the first failure.
 */
import 'fake-indexeddb/auto';
import { options } from '../bench/lib/bench-utils';
import { checkSequences, newStats } from '../test/support/api-sequences';
import { checkBadCalls, METHODS, type BadInputStats } from '../test/support/bad-input';
import { baseCubeFile, checkMutatedFiles, newFileStats } from '../test/support/cube-file-mutations';

const args = options();
const sequences = Number(args.get('sequences') ?? 2_000);
const files = Number(args.get('files') ?? 5_000);
const calls = Number(args.get('calls') ?? 100_000);
const length = Number(args.get('length') ?? 40);
const seed = Number(args.get('seed') ?? Date.now() % 2 ** 31);

console.log(`fuzz: seed ${seed} (replay with --seed ${seed}), ${sequences} sequences of up to ${length} operations, ${files} mutated files, ${calls} bad calls`);
let failed = false;

const apiStarted = performance.now();
const api = newStats();
try {
  if (sequences > 0) await checkSequences({ seed, runs: sequences, maxLength: length, stats: api, name: `fuzz-api-${seed}` });
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.message : error);
}
const apiSeconds = (performance.now() - apiStarted) / 1000;
console.log(
  `API sequences: ${api.sequences} sequences, ${api.operations} operations (${api.refused} refused as the model predicted), ` +
    `${api.checks} invariant checks, ${apiSeconds.toFixed(1)} s${failed ? ' — FAILED' : ''}`,
);

const filesStarted = performance.now();
const fileStats = newFileStats();
let filesFailed = false;
try {
  if (files > 0) await checkMutatedFiles({ seed, runs: files, base: await baseCubeFile(`fuzz-base-${seed}`), stats: fileStats, name: `fuzz-file-${seed}` });
} catch (error) {
  filesFailed = true;
  console.error(error instanceof Error ? error.message : error);
}
const refusals = Object.entries(fileStats.refused).map(([code, n]) => `${n} ${code}`).join(', ') || 'none';
console.log(
  `Cube files: ${fileStats.files} mutated files, ${fileStats.imported} imported whole and valid, refused: ${refusals}; ` +
    `${((performance.now() - filesStarted) / 1000).toFixed(1)} s${filesFailed ? ' — FAILED' : ''}`,
);

const callsStarted = performance.now();
const bad: BadInputStats = { calls: 0, succeeded: 0, codes: new Map() };
let callsFailed = false;
try {
  if (calls > 0) await checkBadCalls({ seed, runs: calls, name: `fuzz-calls-${seed}`, stats: bad });
} catch (error) {
  callsFailed = true;
  console.error(error instanceof Error ? error.message : error);
}
const top = [...bad.codes].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${n} ${code}`).join(', ') || 'none';
console.log(
  `Bad calls: ${bad.calls} calls of ${METHODS.length} methods, ${bad.succeeded} succeeded, the rest refused with a MemosError (${top}); ` +
    `${((performance.now() - callsStarted) / 1000).toFixed(1)} s${callsFailed ? ' — FAILED' : ''}`,
);
process.exit(failed || filesFailed || callsFailed ? 1 : 0);
