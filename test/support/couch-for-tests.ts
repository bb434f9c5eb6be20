// A CouchDB-protocol server for one test file: started before its tests, stopped after.
import { afterAll, beforeAll } from 'vitest';
import { startCouchServer, type CouchServer } from './couch-server';

/**
 * Starts PouchDB Server (or uses COUCHDB_URL) before the file's tests, `prepare`d if given, and stops
 * it after. The result's `url` is the server's once the tests run.
 */
export function couchServerForFile(prepare?: (server: CouchServer) => Promise<void>): { readonly url: string } {
  let server: CouchServer | undefined;
  beforeAll(async () => {
    server = await startCouchServer();
    await prepare?.(server);
  }, 60_000);
  afterAll(() => server?.stop());
  return {
    get url(): string {
      if (!server) throw new Error('the test server is started before the tests run');
      return server.url;
    },
  };
}
