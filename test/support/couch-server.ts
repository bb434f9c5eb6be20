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
  /** Kills the server's process at once (SIGKILL, as a crash or power cut would), keeping its folder. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (a server started with `onDisk` finds its data again). */
  restart(): Promise<void>;
}

/** How to start the server. */
export interface CouchServerOptions {
  readonly port?: number;
  /** Keep databases in LevelDB files in the server's folder (they survive kill and restart), not in memory. */
  readonly onDisk?: boolean;
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

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error('pouchdb-server did not start');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Starts PouchDB Server in memory or on disk (or uses COUCHDB_URL) and waits until it answers. */
export async function startCouchServer(options: CouchServerOptions | number = {}): Promise<CouchServer> {
  const { port, onDisk = false } = typeof options === 'number' ? { port: options } : options;
  const given = process.env['COUCHDB_URL'];
  if (given && !onDisk) {
    const noRestart = async () => {
      throw new Error('a server given by COUCHDB_URL is not killed or restarted by the tests');
    };
    return { url: given.replace(/\/$/, ''), stop: async () => undefined, kill: noRestart, restart: noRestart };
  }
  const at = port ?? (await freePort());
  // It writes its config.json, log.txt (and, on disk, its databases) into its working folder: a temporary one.
  const dir = mkdtempSync(join(tmpdir(), 'memos-couch-'));
  const args = [...(onDisk ? [] : ['--in-memory']), '--port', String(at), '--host', '127.0.0.1', '--no-stdout-logs'];
  const launch = () => spawn(resolve('node_modules/.bin/pouchdb-server'), args, { stdio: 'ignore', cwd: dir });
  const url = `http://127.0.0.1:${at}`;
  let child = launch();
  try {
    await waitUntilUp(url, child);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    stop: async () => {
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => exited(child),
    restart: async () => {
      await exited(child);
      child = launch();
      await waitUntilUp(url, child);
    },
  };
}
