// Small helpers shared by the benchmarks: options, percentiles, and writing results as JSON.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export { percentile } from './stats';

/** Reads `--name value` options (and bare `--flag` as "true"). */
export function options(argv: readonly string[] = process.argv.slice(2)): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out.set(arg.slice(2), 'true');
    else out.set(arg.slice(2), argv[++i]!);
  }
  return out;
}

/** Writes a benchmark's figures to bench/results/NAME.json (or the --out path). */
export function writeResults(path: string, figures: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ date: new Date().toISOString(), ...(figures as object) }, null, 2)}\n`);
  console.log(`figures written to ${path}`);
}

/** Formats a number of ms. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** stories260K's .onnx and tokenizer from a folder on disk (../shared in Node benchmarks). */
export function storiesFromDisk(dir: string): { onnx: Uint8Array; tokenizer: Uint8Array } {
  return { onnx: new Uint8Array(readFileSync(`${dir}/stories260K.onnx`)), tokenizer: new Uint8Array(readFileSync(`${dir}/tok512.bin`)) };
}
