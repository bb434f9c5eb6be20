/**
 * <memos-cubes>: users and cubes. Create and switch users (local personas on this device), create
 * and switch cubes, share a cube read or write with another user and take the share back, export a
 * cube to a file and import one (a bad file is refused with its error code and nothing is stored).
 */
import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { CubeAccess, UserRecord } from '../core/cube';
import type { CubeView } from '../protocol/memory-types';
import { DEFAULT_USER, type SessionChange } from './app-session';
import { SessionElement } from './session-element';
import { formatTime, sharedStyles } from './styles';
import { RunningTask } from './running-task';

@customElement('memos-cubes')
export class MemosCubes extends SessionElement {
  static override styles = [sharedStyles, css`form { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; } .current { font-weight: 600; }`];

  @state() private users: UserRecord[] = [];
  @state() private cubes: CubeView[] = [];
  @state() private note = '';
  /** What the user asked to delete and must confirm: a cube id, or "user". */
  @state() private confirming = '';

  protected override async refresh(what: SessionChange): Promise<void> {
    const s = this.session;
    if (!s || what === 'model') return;
    this.users = await s.api.listUsers(undefined);
    this.cubes = await s.api.listCubes({ userId: s.userId });
  }

  #form(handler: (data: FormData) => Promise<void>) {
    return (event: SubmitEvent): void => {
      event.preventDefault();
      const form = event.target as HTMLFormElement;
      const data = new FormData(form);
      void this.guard(async () => {
        await handler(data);
        form.reset();
      });
    };
  }

  async #export(view: CubeView): Promise<void> {
    const s = this.session!;
    const file = await s.api.exportCube({ userId: s.userId, cubeId: view.cube.cubeId });
    const url = URL.createObjectURL(new Blob([file], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${view.cube.name.replace(/[^\w.-]+/g, '-')}.memos.json`;
    this.renderRoot.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.note = `Exported "${view.cube.name}" (${(file.length / 1e3).toFixed(1)} kB). The file holds the cube's memories, versions and audit log; KV cubes are rebuilt from memories, so they are not in it.`;
  }

  readonly #task = new RunningTask(this);

  #deleteCubeButton(c: CubeView) {
    const s = this.session!;
    if (this.confirming !== c.cube.cubeId) return html`<button aria-label="delete ${c.cube.name}" @click=${() => { this.confirming = c.cube.cubeId; }}>Delete…</button>`;
    return html`<div class="error" role="alertdialog" aria-label="confirm deleting ${c.cube.name}">
      <span>Delete "${c.cube.name}" and everything in it, for every user it is shared with?</span>
      <button @click=${() => this.guard(async () => {
        await s.api.deleteCube({ userId: s.userId, cubeId: c.cube.cubeId });
        this.confirming = '';
        this.note = `Deleted "${c.cube.name}".`;
        // The open cube is gone: open (or create) another one.
        if (c.cube.cubeId === s.cubeId) await s.setUser(s.userId);
        s.changed('cubes');
      })}>Delete for good</button>
      <button @click=${() => { this.confirming = ''; }}>Cancel</button></div>`;
  }

  async #deleteUser(): Promise<void> {
    const s = this.session!;
    const gone = s.userId;
    await this.guard(async () => {
      await s.api.deleteUser({ userId: gone });
      this.confirming = '';
      const next = (await s.api.listUsers(undefined)).find((u) => u.userId !== gone)?.userId ?? DEFAULT_USER;
      await s.setUser(next);
      this.note = `Forgot ${gone}; you now act as ${next}.`;
      s.changed('cubes');
    });
  }

  async #import(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const s = this.session!;
    await this.guard(async () => {
      const text = await file.text();
      let cube;
      let copy = false;
      try {
        cube = await this.#task.run(`importing ${file.name}`, (options) => s.api.importCube({ userId: s.userId, file: text, mode: 'keep-id' }, options));
      } catch (error) {
        // The same cube is here already: import it as a copy with new ids rather than refuse.
        if ((error as { code?: string }).code !== 'CUBE_EXISTS') throw error;
        cube = await this.#task.run(`importing ${file.name} as a copy`, (options) => s.api.importCube({ userId: s.userId, file: text, mode: 'copy' }, options));
        copy = true;
      }
      this.note = copy ? `"${cube.name}" is here already, so the file was imported as a copy with new ids (${cube.cubeId}).` : `Imported "${cube.name}".`;
      s.setCube(cube.cubeId);
      s.changed('cubes');
    });
  }

  override render() {
    const s = this.session;
    if (!s) return html`<p class="muted">${this.error || 'Opening…'}</p>`;
    return html`<section part="cubes" aria-label="users and cubes">
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      ${this.note ? html`<div class="muted" role="status">${this.note}</div>` : nothing}
      ${this.#task.render()}
      <h2>Users</h2>
      <p class="muted">Users are local personas in this browser (for example one per person sharing the device, or per app); each has their own cubes and settings.</p>
      <div class="row">
        <label>Act as
          <select id="user" @change=${(e: Event) => this.guard(() => s.setUser((e.target as HTMLSelectElement).value))}>
            ${this.users.map((u) => html`<option value=${u.userId} ?selected=${u.userId === s.userId}>${u.name} (${u.userId})</option>`)}
          </select>
        </label>
      </div>
      ${this.confirming === 'user'
        ? html`<div class="error" role="alertdialog" aria-label="confirm forgetting ${s.userId}">
            <span>Forget ${s.userId}: their cubes with every memory, version, vector, KV and adapter cube, what they wrote into cubes shared with them, and their shares. The audit log keeps that it happened, not what was there.</span>
            <button @click=${() => this.#deleteUser()}>Forget ${s.userId} for good</button>
            <button @click=${() => { this.confirming = ''; }}>Cancel</button></div>`
        : html`<div class="row"><button aria-label="forget user ${s.userId}" @click=${() => { this.confirming = 'user'; }}>Forget this user…</button></div>`}
      <form aria-label="create a user" @submit=${this.#form(async (d) => { const userId = String(d.get('userId')).trim(); await s.api.createUser({ userId, name: String(d.get('name')).trim() || userId }); await s.setUser(userId); this.note = `Created ${userId}; you now act as ${userId} (change it with "Act as").`; s.changed('cubes'); })}>
        <label>New user id <input name="userId" required pattern="[\\w.@\\-]+" /></label>
        <label>Name <input name="name" /></label>
        <button type="submit">Create user</button>
      </form>

      <h2>Cubes</h2>
      <table id="cube-list">
        <thead><tr><th>Cube</th><th>Your access</th><th>Shared with</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${this.cubes.map(
          (c) => html`<tr data-cube=${c.cube.cubeId}>
            <td class=${c.cube.cubeId === s.cubeId ? 'current' : ''}>${c.cube.name}<div class="muted">${c.cube.cubeId} · created ${formatTime(c.cube.createdAt)}</div></td>
            <td>${c.access}</td>
            <td>${Object.entries(c.cube.shares).map(([user, access]) => html`<div>${user}: ${access}
              ${c.access === 'owner' ? html`<button aria-label="stop sharing with ${user}" @click=${() => this.guard(async () => { await s.api.unshareCube({ userId: s.userId, cubeId: c.cube.cubeId, targetUserId: user }); s.changed('cubes'); })}>Unshare</button>` : nothing}</div>`)}</td>
            <td>
              ${c.cube.cubeId === s.cubeId ? html`<span class="muted">open</span>` : html`<button aria-label="open ${c.cube.name}" @click=${() => s.setCube(c.cube.cubeId)}>Open</button>`}
              <button aria-label="export ${c.cube.name}" @click=${() => this.guard(() => this.#export(c))}>Export</button>
              ${c.access === 'owner' ? this.#deleteCubeButton(c) : nothing}
            </td>
          </tr>`,
        )}</tbody>
      </table>
      <form aria-label="create a cube" @submit=${this.#form(async (d) => { const cube = await s.api.createCube({ userId: s.userId, name: String(d.get('name')).trim() }); s.setCube(cube.cubeId); s.changed('cubes'); })}>
        <label>New cube <input name="name" required /></label>
        <button type="submit">Create cube</button>
      </form>
      <form aria-label="share the open cube" @submit=${this.#form(async (d) => {
        await s.api.shareCube({ userId: s.userId, cubeId: s.cubeId, targetUserId: String(d.get('target')), access: String(d.get('access')) as CubeAccess });
        this.note = `Shared with ${String(d.get('target'))} (${String(d.get('access'))}).`;
        s.changed('cubes');
      })}>
        <label>Share the open cube with
          <select name="target" required>${this.users.filter((u) => u.userId !== s.userId).map((u) => html`<option value=${u.userId}>${u.name}</option>`)}</select>
        </label>
        <label>Access <select name="access"><option value="read">read</option><option value="write">read and write</option></select></label>
        <button type="submit">Share</button>
      </form>
      <div class="row">
        <label>Import a cube file <input id="import" type="file" accept=".json,application/json" @change=${(e: Event) => this.#import(e)} /></label>
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-cubes': MemosCubes;
  }
}
