/**
 * <memos-settings>: consent (may a loaded model turn chats into extracted memories), the redaction
 * policy of the open cube, the embedder and the KV memory budget (the last two apply when the app
 * next opens the store, since they configure the worker), sync across devices (<memos-sync>), and what the app stores where.
 */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { TEXT_LANGUAGES, type TextLanguage } from '../core/cube';
import type { SessionChange } from './app-session';
import { loadSettings, saveSettings, type AppSettings } from './app-settings';
import { EMBEDDER_PRESETS, presetOf } from './embedder-presets';
import { SessionElement } from './session-element';
import { sharedStyles } from './styles';
import { applyTheme, savedTheme, type ThemeChoice } from './theme';
import { loadsOnStart, setLoadsOnStart } from './model-on-start';
import './memos-sync';

type Consent = 'ask' | 'auto' | 'manual';
type Redaction = 'redact' | 'tag' | 'keep';

@customElement('memos-settings')
export class MemosSettings extends SessionElement {
  static override styles = [sharedStyles];

  @state() private consent: Consent = 'ask';
  @state() private redaction: Redaction = 'redact';
  /** The open cube's language ('' for the store's defaults: Latin words as English). */
  @state() private language: TextLanguage | '' = '';
  @state() private settings: AppSettings = loadSettings('memos');
  @state() private pending = false;

  protected override async refresh(what: SessionChange): Promise<void> {
    const s = this.session;
    if (!s || what === 'model' || what === 'chat') return;
    this.consent = (await s.api.getUser(s.userId)).consent ?? 'ask';
    const cubes = await s.api.listCubes({ userId: s.userId });
    const policy = cubes.find((c) => c.cube.cubeId === s.cubeId)?.cube.policy;
    this.redaction = policy?.redaction ?? 'redact';
    this.language = policy?.language ?? '';
    this.settings = loadSettings(s.store);
  }

  /** Sets the open cube's policy: both fields, so changing one keeps the other. */
  async #setPolicy(redaction: Redaction, language: TextLanguage | ''): Promise<void> {
    const s = this.session!;
    await s.api.setCubePolicy({ userId: s.userId, cubeId: s.cubeId, policy: { redaction, ...(language && { language }) } });
    this.redaction = redaction;
    this.language = language;
    s.changed('cubes');
  }

  #save(settings: AppSettings): void {
    this.settings = settings;
    saveSettings(this.session!.store, settings);
    this.pending = true;
  }

  #embedderForm(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const choice = String(data.get('embedder'));
    let baseUrl = String(data.get('baseUrl') ?? '').trim();
    if (choice === 'onnx' && !baseUrl) {
      this.error = 'An ONNX embedder needs the URL of the folder with model.onnx and tokenizer.json.';
      return;
    }
    if (baseUrl && !baseUrl.endsWith('/')) baseUrl += '/';
    const preset = EMBEDDER_PRESETS.find((p) => p.id === choice);
    const embedder: AppSettings['embedder'] = preset
      ? preset.spec
      : choice === 'onnx'
        ? { kind: 'onnx', modelId: String(data.get('modelId') || 'onnx-encoder'), revision: String(data.get('revision') || '1'), baseUrl, pooling: data.get('pooling') === 'cls' ? 'cls' : 'mean' }
        : choice === 'none' ? 'none' : 'use-lite';
    this.#save({ ...this.settings, embedder, kvBudgetMB: Math.max(1, Number(data.get('budget')) || 256) });
  }

  override render() {
    const s = this.session;
    if (!s) return html`<p class="muted">${this.error || 'Opening…'}</p>`;
    const embedder = this.settings.embedder;
    const choice = typeof embedder === 'string' ? embedder : (presetOf(embedder)?.id ?? 'onnx');
    return html`<section part="settings" aria-label="settings">
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <h2>Appearance</h2>
      <label class="row">Theme
        <select id="theme" @change=${(e: Event) => applyTheme((e.target as HTMLSelectElement).value as ThemeChoice)}>
          ${(['system', 'light', 'dark'] as const).map((t) => html`<option value=${t} ?selected=${savedTheme() === t}>${t === 'system' ? 'as the device (light or dark)' : t}</option>`)}
        </select>
      </label>
      <label class="row"><input type="checkbox" id="model-on-start" .checked=${loadsOnStart()} @change=${(e: Event) => setLoadsOnStart((e.target as HTMLInputElement).checked)} />
        Load the last model when the app opens (only when its files are already in this browser)</label>
      <h2>Learning from chats</h2>
      <label class="row">When a model could extract facts and preferences from what you say
        <select id="consent" @change=${(e: Event) => this.guard(async () => { this.consent = (await s.api.setConsent({ userId: s.userId, mode: (e.target as HTMLSelectElement).value as Consent })).consent ?? 'ask'; })}>
          ${(['ask', 'auto', 'manual'] as const).map((m) => html`<option value=${m} ?selected=${this.consent === m}>${m === 'ask' ? 'ask me first' : m === 'auto' ? 'do it automatically' : 'only when I ask'}</option>`)}
        </select>
      </label>
      <h2>The open cube</h2>
      <label class="row">E-mail addresses, phone numbers, card numbers and keys in new memories
        <select id="redaction" @change=${(e: Event) => this.guard(() => this.#setPolicy((e.target as HTMLSelectElement).value as Redaction, this.language))}>
          ${(['redact', 'tag', 'keep'] as const).map((p) => html`<option value=${p} ?selected=${this.redaction === p}>${p === 'redact' ? 'hide them' : p === 'tag' ? 'keep them, labelled' : 'keep as written'}</option>`)}
        </select>
      </label>
      <label class="row">Language of the open cube's words (for finding "houses" by "house")
        <select id="language" @change=${(e: Event) => this.guard(() => this.#setPolicy(this.redaction, (e.target as HTMLSelectElement).value as TextLanguage | ''))}>
          <option value="" ?selected=${this.language === ''}>by script (Latin as English, Cyrillic as Russian, …)</option>
          ${TEXT_LANGUAGES.map((l) => html`<option value=${l} ?selected=${this.language === l}>${l}</option>`)}
        </select>
      </label>
      <h2>Search model and memory budget</h2>
      <p class="muted">In use now: ${s.memos.opened.embedder ?? 'no embedder (words only)'}${s.memos.opened.embedderError ? ` (failed: ${s.memos.opened.embedderError})` : ''}.
        A new embedding model re-embeds your memories in the background; search keeps using the old vectors until it is done.
        Words are found in every language either way; for meaning in languages other than English, pick a multilingual encoder.</p>
      <form @submit=${(e: SubmitEvent) => this.#embedderForm(e)} aria-label="embedder and budget">
        <div class="row">
          <label>Embedder
            <select name="embedder" id="embedder">
              <option value="use-lite" ?selected=${choice === 'use-lite'}>Universal Sentence Encoder lite (English; ships with the app, offline)</option>
              ${EMBEDDER_PRESETS.map((p) => html`<option value=${p.id} ?selected=${choice === p.id}>${p.label}</option>`)}
              <option value="onnx" ?selected=${choice === 'onnx'}>ONNX sentence encoder from a URL</option>
              <option value="none" ?selected=${choice === 'none'}>none (words only)</option>
            </select>
          </label>
        </div>
        <div class="row">
          <label>Folder URL <input name="baseUrl" type="url" .value=${typeof embedder === 'object' ? embedder.baseUrl : ''} placeholder="https://host/all-MiniLM-L6-v2/" /></label>
          <label>Model id <input name="modelId" .value=${typeof embedder === 'object' ? embedder.modelId : ''} /></label>
          <label>Revision <input name="revision" .value=${typeof embedder === 'object' ? embedder.revision : '1'} /></label>
          <label>Pooling <select name="pooling"><option value="mean">mean</option><option value="cls" ?selected=${typeof embedder === 'object' && embedder.pooling === 'cls'}>CLS</option></select></label>
        </div>
        <div class="row">
          <label>KV cube budget (MB) <input name="budget" id="budget" type="number" min="1" .value=${String(this.settings.kvBudgetMB)} /></label>
          <button type="submit">Save</button>
        </div>
      </form>
      ${this.pending ? html`<div class="row" role="status">Saved. They apply when the app opens the store again. <button @click=${() => location.reload()}>Reload now</button></div>` : nothing}
      <h2>Sync across devices</h2>
      <memos-sync .session=${s}></memos-sync>
      <h2>Where your data is</h2>
      <p class="muted">Memories, versions, the audit log and KV cubes are in this browser's IndexedDB ("${s.store}"); model files in its Cache Storage;
        these settings in localStorage. Nothing is sent anywhere: the only network requests after the page loads are model downloads you start,
        a model server you choose, and — encrypted — the sync server you set up above.</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'memos-settings': MemosSettings;
  }
}
