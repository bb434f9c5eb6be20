/**
 * What the elements of the app share: the memory client, the inference client (when its worker
 * started), the current user and cube, and change events. <memos-app> makes one and hands it to its
 * parts; an element embedded on its own (<memos-chat>, <memos-inspector>) opens its own.
 */
import { InferenceClient } from '../client/inference-client';
import { MemosClient } from '../client/memos-client';
import type { ClientOptions } from '../client/memos-client';
import { MemosError } from '../core/errors';
import type { MemosApi } from '../protocol/memory-worker-api';
import { loadSettings } from './app-settings';

/** What changed, so that views can refresh: memories, cubes/users, the model, the selection, or the open chat. */
export type SessionChange = 'memories' | 'cubes' | 'model' | 'selection' | 'chat';

/** The user the app starts with when none was chosen before. */
export const DEFAULT_USER = 'me';

const userKey = (store: string): string => `memos-web:${store}:user`;
const cubeKey = (store: string): string => `memos-web:${store}:cube`;

function remembered(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private windows may refuse; the choice then lasts for this page only.
  }
}

const SHARED = new Map<string, { session: Promise<AppSession>; users: number }>();

/** Options of {@link AppSession.open}. */
export interface AppSessionOptions extends ClientOptions {
  /** Whether to start the inference worker too (default true). Without it there is no chat. */
  readonly inference?: boolean;
  /** The user to act as; the one chosen last time, else "me". */
  readonly userId?: string;
}

/** The clients and the selection the app's views share. */
export class AppSession extends EventTarget {
  readonly memos: MemosClient;
  /** The inference worker's client, or undefined when it did not start (then `inferenceError` says why). */
  readonly inference: InferenceClient | undefined;
  readonly inferenceError: string;
  /** The store's name (one IndexedDB database). */
  readonly store: string;
  #userId: string;
  #cubeId = '';

  private constructor(store: string, memos: MemosClient, inference: InferenceClient | undefined, inferenceError: string, userId: string) {
    super();
    this.store = store;
    this.memos = memos;
    this.inference = inference;
    this.inferenceError = inferenceError;
    this.#userId = userId;
  }

  /**
   * Opens the memory worker (and the inference worker), makes sure the user exists and has a cube.
   * @throws {MemosError} what MemosClient.open throws
   */
  static async open(options: AppSessionOptions = {}): Promise<AppSession> {
    const saved = loadSettings(options.name ?? 'memos');
    const memos = await MemosClient.open({ embedder: saved.embedder, kvBudgetBytes: saved.kvBudgetMB * 1e6, ...options });
    let inference: InferenceClient | undefined;
    let inferenceError = '';
    if (options.inference !== false) {
      try {
        inference = await InferenceClient.open(options.assets !== undefined ? { assets: options.assets } : {});
        await inference.connectMemory(memos);
      } catch (error) {
        // Memory mode works without the inference worker; the app says why chat is missing.
        inferenceError = error instanceof Error ? error.message : String(error);
      }
    }
    const store = options.name ?? 'memos';
    const session = new AppSession(store, memos, inference, inferenceError, options.userId ?? remembered(userKey(store)) ?? DEFAULT_USER);
    await session.#ensureUser(session.#userId);
    await session.#ensureCube(remembered(cubeKey(store)) ?? '');
    return session;
  }

  /**
   * The session elements embedded on their own share, one per store and user: opened by the first
   * element that asks, closed when the last one lets go (see {@link AppSession.release}).
   */
  static shared(store: string, userId?: string): Promise<AppSession> {
    const key = `${store}\u0000${userId ?? ''}`;
    let entry = SHARED.get(key);
    if (!entry) {
      entry = { session: AppSession.open({ name: store, ...(userId && { userId }) }), users: 0 };
      SHARED.set(key, entry);
      entry.session.catch(() => SHARED.delete(key));
    }
    entry.users += 1;
    return entry.session;
  }

  /** Lets go of a shared session; the last user closes it. */
  static async release(session: AppSession): Promise<void> {
    for (const [key, entry] of SHARED) {
      if ((await entry.session.catch(() => undefined)) !== session) continue;
      entry.users -= 1;
      if (entry.users <= 0) {
        SHARED.delete(key);
        await session.close();
      }
      return;
    }
  }

  /** Every MemOS method. */
  get api(): MemosApi {
    return this.memos.api;
  }

  get userId(): string {
    return this.#userId;
  }

  get cubeId(): string {
    return this.#cubeId;
  }

  /** Switches to another user (created when new) and to one of their cubes. */
  async setUser(userId: string, name?: string): Promise<void> {
    await this.#ensureUser(userId, name);
    this.#userId = userId;
    remember(userKey(this.store), userId);
    await this.#ensureCube('');
    this.changed('selection');
  }

  /** The chat session open in <memos-chat>, if any (the scheduler view shows its working memory). */
  get chatSessionId(): string | null {
    return this.#chatSessionId;
  }

  set chatSessionId(id: string | null) {
    this.#chatSessionId = id;
    this.changed('chat');
  }

  #chatSessionId: string | null = null;

  /** Switches the cube the views show and write to. */
  setCube(cubeId: string): void {
    this.#cubeId = cubeId;
    remember(cubeKey(this.store), cubeId);
    this.changed('selection');
  }

  /** Tells every view that something changed. */
  changed(what: SessionChange): void {
    this.dispatchEvent(new CustomEvent<SessionChange>('change', { detail: what }));
  }

  /** Stops both workers. */
  async close(): Promise<void> {
    this.inference?.close();
    await this.memos.close();
  }

  async #ensureUser(userId: string, name?: string): Promise<void> {
    const users = await this.api.listUsers(undefined);
    if (!users.some((u) => u.userId === userId)) await this.api.createUser({ userId, name: name ?? (userId === DEFAULT_USER ? 'Me' : userId) });
  }

  async #ensureCube(preferred: string): Promise<void> {
    let cubes = await this.api.listCubes({ userId: this.#userId });
    if (!cubes.some((c) => c.access === 'owner')) {
      await this.api.createCube({ userId: this.#userId, name: 'My memories' });
      cubes = await this.api.listCubes({ userId: this.#userId });
    }
    const pick = cubes.find((c) => c.cube.cubeId === preferred) ?? cubes.find((c) => c.access === 'owner') ?? cubes[0];
    if (!pick) throw new MemosError('CUBE_NOT_FOUND', 'The user has no cube.');
    this.#cubeId = pick.cube.cubeId;
  }
}

/** A message for the person: the code and message of a MemosError, else the error's text. */
export function describeError(error: unknown): string {
  if (error instanceof MemosError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
