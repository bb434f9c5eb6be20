/**
 * "Load the last model when the app opens": the model last loaded in this browser (and on which
 * device) and whether the user wants it back on start. Only models whose files are already stored
 * here are loaded on start, so opening the app never starts a download.
 */

const KEY = 'memos-web:model-on-start';

interface Saved {
  readonly enabled: boolean;
  readonly id?: string;
  readonly device?: 'wasm' | 'webgpu';
}

function read(): Saved {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Saved>;
    return {
      enabled: value.enabled === true,
      ...(typeof value.id === 'string' && { id: value.id }),
      ...((value.device === 'wasm' || value.device === 'webgpu') && { device: value.device }),
    };
  } catch {
    return { enabled: false };
  }
}

function write(saved: Saved): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(saved));
  } catch {
    // Storage refused: the choice lasts for this page only.
  }
}

/** Whether the last model loads when the app opens. */
export function loadsOnStart(): boolean {
  return read().enabled;
}

/** Turns loading the last model on start on or off. */
export function setLoadsOnStart(enabled: boolean): void {
  write({ ...read(), enabled });
}

/** Notes the model just loaded (and its device, when chosen) as the one to load on start. */
export function rememberLoadedModel(id: string, device: 'wasm' | 'webgpu' | undefined): void {
  const { enabled } = read();
  write({ enabled, id, ...(device && { device }) });
}

/** The model to load on start, when the user asked for it and one was loaded before. */
export function modelForStart(): { id: string; device?: 'wasm' | 'webgpu' } | undefined {
  const saved = read();
  return saved.enabled && saved.id ? { id: saved.id, ...(saved.device && { device: saved.device }) } : undefined;
}
