// The sync browser tests' server: PouchDB Server in memory for the file's tests, open to pages (CORS).
import { afterAll, beforeAll } from 'vitest';
import { allowBrowsers, startCouchServer, type CouchServer } from '../support/couch-server';

/** Starts the server before the file's tests and stops it after; call the result for its address. */
export function couchForBrowsers(): () => string {
  let server: CouchServer | undefined;
  beforeAll(async () => {
    server = await startCouchServer();
    await allowBrowsers(server.url);
  }, 60_000);
  afterAll(() => server?.stop());
  return () => server!.url;
}
