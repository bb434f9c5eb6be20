// The benchmark worker of the Chromium scale run: MemOS on the real IndexedDB, as in the memory worker.
import { expose } from 'comlink';
import { runScale } from './lib/scale-run';

expose({
  run: (sizes: number[], heapBytes: () => Promise<number>) => runScale(sizes, { name: `scale-${Date.now()}` }, (line) => console.log(line), heapBytes),
});
