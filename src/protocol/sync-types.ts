/** The parameter and result types of the sync calls of the MemOS API (configureSync and those after it). */

/** Parameters of `configureSync`. */
export interface SyncConfigParams {
  readonly userId: string;
  /**
   * The cube of this device to send, for a new database. For a database that already holds a cube,
   * leave it out (that cube comes to this device) or give that cube's id; another id is refused.
   */
  readonly cubeId?: string;
  /** The CouchDB-protocol server, e.g. "https://couch.example.org" or "http://127.0.0.1:5984". */
  readonly url: string;
  /** The database on it: lower-case letters, digits and `_ $ ( ) + - /`, starting with a letter. */
  readonly database: string;
  /** The server's user and password, if it asks for them. */
  readonly credentials?: { readonly username: string; readonly password: string };
  /**
   * Opens (or, for a new database, makes) the cube's key; at least 8 characters. Never stored. Leave it
   * out to open a grant to the user's sync identity (`identity: true`), or to resume with the key this
   * device remembers for the database.
   */
  readonly passphrase?: string;
  /**
   * KV cubes and adapter cubes travel as encrypted attachments up to this many stored bytes each;
   * larger ones stay on their device (counted in `kvAndAdaptersTooLarge`). 0 sends none. Default 16 MiB.
   */
  readonly attachmentLimitBytes?: number;
  /** Open the cube key the database holds for this user's sync identity (see grantSync) instead of a passphrase. */
  readonly identity?: boolean;
  /**
   * Keep the cube key on this device to resume after a reload (resumeSync) — sealed under a device key
   * IndexedDB holds as a non-extractable CryptoKey, never the passphrase or the key in clear — with the
   * server, database and login. `false` forgets what was kept. Default: keep what was chosen before.
   */
  readonly remember?: boolean;
}

/** Parameters of `grantSync`. */
export interface SyncGrantParams {
  readonly userId: string;
  readonly cubeId: string;
  /** The other person's sync identity: the public key their device's `syncIdentity` gave them. */
  readonly publicKey: string;
  /**
   * The server's user names to add to the database's members (its security object), so that they may
   * read it; needs the server admin's login in this sync's credentials.
   */
  readonly serverUsers?: readonly string[];
}

/** Where a cube's sync stands. */
export interface SyncStatus {
  readonly cubeId: string;
  /** "idle" (configured, not running), "syncing" (a pass runs), "live" (following changes), "error". */
  readonly state: 'idle' | 'syncing' | 'live' | 'error';
  /** When a pass last finished, or null. */
  readonly lastSyncAt: number | null;
  /** The last failure, with its code, or null. */
  readonly lastError: { readonly code: string; readonly message: string } | null;
  /** Memories sent and received since configured. */
  readonly sent: number;
  readonly received: number;
  /** Documents from the server refused because they failed authentication (SYNC_TAMPERED). */
  readonly refused: number;
  /** KV and adapter cubes sent and received since configured, and those of this device too large to send. */
  readonly kvAndAdaptersSent: number;
  readonly kvAndAdaptersReceived: number;
  readonly kvAndAdaptersTooLarge: number;
  /** Whether this device keeps the cube key to resume after a reload. */
  readonly remembered: boolean;
}
