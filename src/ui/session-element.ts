/**
 * The base of the app's views: holds the shared {@link AppSession}, refreshes when it reports a
 * change, and, for an element embedded on its own, joins the page's session for its store (attribute
 * `store`: the IndexedDB store to use, "memos" by default; `user`: the user to act as), so that
 * elements on one page see each other's changes.
 */
import { LitElement } from 'lit';
import { property, state } from 'lit/decorators.js';
import { AppSession, describeError, type SessionChange } from './app-session';

export abstract class SessionElement extends LitElement {
  /** The session to use; when none is given by the time the element connects, it opens its own. */
  @property({ attribute: false }) session: AppSession | undefined;
  /** The store an element embedded on its own opens. */
  @property() store = 'memos';
  /** The user an element embedded on its own acts as. */
  @property() user: string | undefined;
  /** Why the last action failed, shown by the view. */
  @state() protected error = '';
  @state() protected opening = false;
  #listening: AppSession | undefined;
  #ownsSession = false;

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page (disconnected, then connected again): listen to the session again.
    this.#listen();
    // Give a parent one microtask to pass its session down before opening one of our own.
    queueMicrotask(() => void this.#openIfAlone());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listening?.removeEventListener('change', this.#onChange);
    this.#listening = undefined;
    if (this.#ownsSession && this.session) {
      void AppSession.release(this.session);
      this.session = undefined;
      this.#ownsSession = false;
    }
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('session')) this.#listen();
  }

  /** Follows the current session's changes (and reads the view once) unless it already does. */
  #listen(): void {
    if (this.session === this.#listening) return;
    this.#listening?.removeEventListener('change', this.#onChange);
    this.#listening = this.session;
    this.session?.addEventListener('change', this.#onChange);
    if (this.session) void this.guard(() => this.refresh('selection'));
  }

  async #openIfAlone(): Promise<void> {
    if (this.session || !this.isConnected) return;
    this.opening = true;
    try {
      const session = await AppSession.shared(this.store, this.user);
      if (!this.isConnected || this.session) {
        // Removed from the page (or given a session) while the workers started: let go at once.
        void AppSession.release(session);
      } else {
        this.#ownsSession = true;
        this.session = session;
      }
    } catch (error) {
      this.error = describeError(error);
    }
    this.opening = false;
  }

  #onChange = (event: Event): void => {
    void this.guard(() => this.refresh((event as CustomEvent<SessionChange>).detail));
  };

  /** Re-reads what the view shows after a change. */
  protected abstract refresh(what: SessionChange): Promise<void>;

  /** Runs an action, showing its error instead of throwing. */
  protected async guard(fn: () => Promise<void>): Promise<boolean> {
    this.error = '';
    try {
      await fn();
      return true;
    } catch (error) {
      this.error = describeError(error);
      return false;
    }
  }
}
