// PouchDB's packages ship no type declarations; src/sync/pouch.ts types the part memos-web uses.
declare module 'pouchdb-core';
declare module 'pouchdb-adapter-http';
declare module 'pouchdb-replication';
declare module 'pouchdb-adapter-memory';
declare module 'pouchdb-adapter-indexeddb';
