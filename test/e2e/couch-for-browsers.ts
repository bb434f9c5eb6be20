// The sync browser tests' server: PouchDB Server in memory for the file's tests, open to pages (CORS).
import { allowBrowsers } from '../support/couch-server';
import { couchServerForFile } from '../support/couch-for-tests';

/** Starts the server before the file's tests and stops it after; call the result for its address. */
export function couchForBrowsers(): () => string {
  const server = couchServerForFile((started) => allowBrowsers(started.url));
  return () => server.url;
}
