/**
 * `npm run fuzz`: the long run of the trust suites (issue 16), in Node over fake-indexeddb. Random
 * sequences of public-API operations by several users checked against the independent model of the
 * rules after every step (test/support/api-sequences.ts), and mutated cube files that must import whole
 * or be refused cleanly (test/support/cube-file-mutations.ts). `npm test` runs both with a fixed seed.
 *
 * Options: --sequences N (default 2000), --files N (default 5000), --length N (most operations per
 * sequence, default 40), --seed S (default: from the clock; printed, so a failure can be replayed).
 * Prints what it tried and checked; exits 1 with the shrunk counterexample on the first failure.
 */
import 'fake-indexeddb/auto';
import { options } from '../bench/lib/bench-utils';
import { checkSequences, newStats } from '../test/support/api-sequences';
import { baseCubeFile, checkMutatedFiles, newFileStats } from '../test/support/cube-file-mutations';

const args = options();
const sequences = Number(args.get('sequences') ?? 2_000);
const files = Number(args.get('files') ?? 5_000);
const length = Number(args.get('length') ?? 40);
const seed = Number(args.get('seed') ?? Date.now() % 2 ** 31);

console.log(`fuzz: seed ${seed} (replay with --seed ${seed}), ${sequences} sequences of up to ${length} operations, ${files} mutated files`);
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
process.exit(failed || filesFailed ? 1 : 0);
