// A CouchDB-protocol server for the sync tests: PouchDB Server (`pouchdb-server --in-memory`, from npm)
// on a free localhost port, or a real CouchDB where COUCHDB_URL is set.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A running server: its address and how to stop it. */
export interface CouchServer {
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/** Lets pages of any origin use the server (CORS), as a browser device needs; CouchDB takes the same settings. */
export async function allowBrowsers(url: string): Promise<void> {
  const settings: [string, string][] = [
    ['httpd/enable_cors', 'true'],
    ['cors/origins', '*'],
    ['cors/credentials', 'true'],
    ['cors/methods', 'GET, PUT, POST, HEAD, DELETE'],
    ['cors/headers', 'accept, authorization, content-type, origin, referer'],
  ];
  for (const [key, value] of settings) {
    const answer = await fetch(`${url}/_config/${key}`, { method: 'PUT', body: JSON.stringify(value) });
    if (!answer.ok) throw new Error(`could not set ${key}: ${answer.status}`);
  }
}

/** Starts PouchDB Server in memory (or uses COUCHDB_URL) and waits until it answers. */
export async function startCouchServer(port?: number): Promise<CouchServer> {
  const given = process.env['COUCHDB_URL'];
  if (given) return { url: given.replace(/\/$/, ''), stop: async () => undefined };
  const at = port ?? (await freePort());
  // It writes its config.json and log.txt into its working folder: a temporary one.
  const dir = mkdtempSync(join(tmpdir(), 'memos-couch-'));
  const child: ChildProcess = spawn(resolve('node_modules/.bin/pouchdb-server'), ['--in-memory', '--port', String(at), '--host', '127.0.0.1', '--no-stdout-logs'], { stdio: 'ignore', cwd: dir });
  const url = `http://127.0.0.1:${at}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error('pouchdb-server did not start');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGKILL');
      }),
  };
}
