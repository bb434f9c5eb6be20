/**
 * Parametric memory in the API: adapter MemCubes (LoRA weights as safetensors in the blob store, an
 * entry in `adapters`), imported from PEFT or distilled from plaintext memories, and the reconciling
 * of the loaded model with the adapters marked active (merged into its weights; decision 0019).
 * MemOS delegates its adapter methods here.
 */
import type { AdapterBase, AdapterItem, DistillationReport } from '../core/adapter-item';
import type { AuditAction, AuditEntry } from '../core/audit';
import { appendAudit } from './audit-log';
import { cubeWithAccess } from './directory';
import { newEntryHeader } from '../core/entry-header';
import { MemosError } from '../core/errors';
import { sha256Hex } from '../core/hash';
import { newId } from '../core/ids';
import type { MemoryItem } from '../core/memory-item';
import type { DistillProgress, LanguageModel } from '../protocol/language-model';
import type { LoraWeights } from '../protocol/inference-types';
import { LIVE_STATES } from '../core/lifecycle';
import { HELD_OUT_TEXT } from './held-out-text';
import { peftTensors, readPeftAdapter } from '../inference/lora/peft-adapter';
import { writeSafetensors } from '../inference/lora/safetensors';
import type { Store, WriteTx } from '../storage/store';
import { numberInRange, optionalString, requireId, requireName, requireObject, requireReference } from './validate';
import type { CallOptions, DistillAdapterParams, ImportAdapterParams } from '../protocol/memory-types';

const ADAPTER_STORES = ['cubes', 'adapters', 'blobs', 'audit'] as const;
type AdapterTx = WriteTx<['cubes', 'adapters', 'blobs', 'audit']>;
/** Larger adapters are refused (one blob; a LoRA of a small decoder is kilobytes to a few megabytes). */
const MAX_ADAPTER_BYTES = 256 * 1024 * 1024;

/** What the module needs of MemOS. */
export interface AdapterDeps {
  readonly store: Store;
  readonly clock: () => number;
  readonly model: () => Promise<LanguageModel | undefined>;
}

/** An adapter to store that was trained here. */
export interface DistilledAdapter {
  readonly userId: string;
  readonly cubeId: string;
  readonly name: string;
  readonly lora: LoraWeights;
  readonly alpha: number;
  readonly base: AdapterBase;
  readonly sources: readonly MemoryItem[];
  readonly report: DistillationReport;
}

/** The base of the loaded model, if it can take adapters. */
export function adapterBaseOf(model: LanguageModel | undefined): AdapterBase | undefined {
  return model?.adapters && model.info.adapters ? { modelId: model.info.id, weightsHash: model.info.adapters.baseWeightsHash } : undefined;
}

export class AdapterMemory {
  readonly #deps: AdapterDeps;

  constructor(deps: AdapterDeps) {
    this.#deps = deps;
  }

  async #audit(tx: AdapterTx, userId: string, action: AuditAction, cubeId: string, ids: readonly string[], details: AuditEntry['details']): Promise<void> {
    await appendAudit(tx, this.#deps.clock(), userId, action, cubeId, ids, details);
  }

  async #put(tx: AdapterTx, item: AdapterItem, file: Uint8Array): Promise<void> {
    await tx.objectStore('adapters').put(item);
    await tx.objectStore('blobs').put({ blobId: `${item.id}:0`, cubeId: item.cubeId, memoryId: item.id, kind: 'adapter', chunk: 0, data: file.slice().buffer as ArrayBuffer, checksum: item.checksum });
  }

  #header(id: string, userId: string, cubeId: string, name: string) {
    return { ...newEntryHeader(id, { userId, cubeId, now: this.#deps.clock() }), name };
  }

  /**
   * Stores a PEFT LoRA adapter as an adapter MemCube (not active).
   * @throws {MemosError} ADAPTER_INVALID, ADAPTER_INCOMPATIBLE (another base than the loaded model), INVALID_INPUT, FORBIDDEN
   */
  async importAdapter(params: ImportAdapterParams): Promise<AdapterItem> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const name = requireName(params.name, 'name');
    if (!(params.safetensors instanceof Uint8Array)) throw new MemosError('INVALID_INPUT', 'safetensors must be the bytes of adapter_model.safetensors.', { field: 'safetensors' });
    if (params.safetensors.byteLength > MAX_ADAPTER_BYTES) throw new MemosError('INVALID_INPUT', 'The adapter is larger than 256 MB.', { field: 'safetensors' });
    const config = optionalString(params.config, 'config') ?? '';
    const id = newId('adapter');
    const { lora, config: peft } = readPeftAdapter(id, params.safetensors, config);
    const loaded = adapterBaseOf(await this.#deps.model());
    const base = params.base ?? loaded;
    if (!base) throw new MemosError('INVALID_INPUT', 'Say which base model the adapter belongs to, or load it first.', { field: 'base' });
    requireReference(base.modelId, 'base.modelId');
    requireReference(base.weightsHash, 'base.weightsHash');
    if (params.base && loaded && loaded.weightsHash !== params.base.weightsHash && loaded.modelId === params.base.modelId) {
      throw new MemosError('ADAPTER_INCOMPATIBLE', 'The loaded model has the same name but other weights than the adapter names as its base.', { adapter: id });
    }
    // Stored in our canonical form (F32, PEFT names), whatever precision it came in.
    const file = writeSafetensors(peftTensors(lora), { format: 'pt', 'memos.base': base.weightsHash });
    const item: AdapterItem = {
      ...this.#header(id, userId, cubeId, name),
      base,
      rank: peft.r,
      alpha: peft.lora_alpha,
      scale: lora.scale,
      targets: lora.targets.map((t) => t.module),
      bytes: file.byteLength,
      checksum: await sha256Hex(file),
      origin: 'imported',
      sources: [],
      sourceIds: [],
      training: null,
      active: false,
      weight: 1,
    };
    await this.#deps.store.write([...ADAPTER_STORES], async (tx) => {
      await cubeWithAccess(tx, cubeId, userId, 'write');
      await this.#put(tx, item, file);
      await this.#audit(tx, userId, 'adapter.import', cubeId, [id], { name, rank: item.rank, targets: item.targets.length, bytes: item.bytes });
    });
    return item;
  }

  /**
   * Distils chosen memories of a cube into a new adapter cube: trains a LoRA on their text with the
   * loaded model (base weights), measures perplexity before and after on them and on held-out text,
   * and stores it with its sources linked (not active: the user decides). The memories stay plaintext.
   * @throws {MemosError} MODEL_NOT_LOADED, INVALID_INPUT (engine that cannot train, no memories), FORBIDDEN, ABORTED
   */
  async distill(
    params: DistillAdapterParams,
    call: CallOptions = {},
  ): Promise<AdapterItem> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    if (!Array.isArray(params.memoryIds) || params.memoryIds.length === 0) throw new MemosError('INVALID_INPUT', 'Name the memories to distil.', { field: 'memoryIds' });
    const model = await this.#deps.model();
    if (!model) throw new MemosError('MODEL_NOT_LOADED', 'Distillation trains on the loaded model.');
    const base = adapterBaseOf(model);
    if (!base || !model.adapters?.distill) throw new MemosError('INVALID_INPUT', `The ${model.info.engine} engine cannot train adapters: distillation needs the ORT engine.`, { field: 'model' });
    const sources = await this.#deps.store.read(['cubes', 'memories'], async (tx) => {
      await cubeWithAccess(tx, cubeId, userId, 'write');
      return Promise.all(
        params.memoryIds.map(async (id) => {
          const memory = await tx.objectStore('memories').get(requireId(id, 'memoryIds[]'));
          if (!memory || memory.cubeId !== cubeId || !LIVE_STATES.includes(memory.state)) throw new MemosError('MEMORY_NOT_FOUND', 'Only live memories of this cube can be distilled.', { memoryId: id });
          return memory;
        }),
      );
    });
    const id = newId('adapter');
    const result = await model.adapters.distill(
      { id, texts: sources.map((m) => m.text), heldOut: params.heldOut ?? HELD_OUT_TEXT, ...(params.options && { options: params.options }) },
      call.onProgress && ((p: DistillProgress) => call.onProgress?.({ phase: 'training', done: p.step, ...(params.options?.maxSteps !== undefined && { total: params.options.maxSteps }), unit: 'steps', note: `loss ${p.loss.toFixed(3)}` })),
      call.signal,
    );
    if (result.report.stopped === 'aborted') throw new MemosError('ABORTED', 'Distillation was stopped; nothing was stored.');
    return this.storeDistilled({ userId, cubeId, name: params.name ?? `distilled from ${sources.length} memories`, lora: result.lora, alpha: result.alpha, base, sources, report: result.report });
  }

  /**
   * Memories worth distilling: live, unchanged for `minAgeDays`, used at least `minUses` times, and
   * not yet in an adapter. The scheduler proposes them; nothing is trained without the user.
   */
  async distillCandidates(params: { userId: string; cubeId: string; minAgeDays?: number; minUses?: number; limit?: number }): Promise<MemoryItem[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    const minAge = numberInRange(params.minAgeDays, 'minAgeDays', 0, 3650, 7) * 86_400_000;
    const minUses = numberInRange(params.minUses, 'minUses', 0, 1e9, 3);
    const limit = numberInRange(params.limit, 'limit', 1, 1000, 20);
    const now = this.#deps.clock();
    return this.#deps.store.read(['cubes', 'memories', 'adapters'], async (tx) => {
      await cubeWithAccess(tx, cubeId, userId, 'read');
      const distilled = new Set((await tx.objectStore('adapters').index('byCube').getAll(cubeId)).flatMap((a) => a.sourceIds));
      return (await tx.objectStore('memories').index('byCube').getAll(cubeId))
        .filter((m) => LIVE_STATES.includes(m.state) && now - m.updatedAt >= minAge && m.usage.accessCount >= minUses && !distilled.has(m.id))
        .sort((a, b) => b.usage.accessCount - a.usage.accessCount || a.createdAt - b.createdAt)
        .slice(0, limit);
    });
  }

  /**
   * The scheduler's "propose-distill" job: candidates in every cube, by owner. Only proposes; training
   * waits for the user (distillAdapter).
   */
  async proposeDistillation(): Promise<{ summary: string; result: { cubeId: string; ownerId: string; memoryIds: string[] }[] }> {
    const cubes = await this.#deps.store.read(['cubes'], (tx) => tx.objectStore('cubes').getAll());
    const result: { cubeId: string; ownerId: string; memoryIds: string[] }[] = [];
    for (const cube of cubes) {
      const found = await this.distillCandidates({ userId: cube.ownerId, cubeId: cube.cubeId });
      if (found.length > 0) result.push({ cubeId: cube.cubeId, ownerId: cube.ownerId, memoryIds: found.map((m) => m.id) });
    }
    const count = result.reduce((n, r) => n + r.memoryIds.length, 0);
    return { summary: `${count} memories in ${result.length} cubes proposed for distillation (trained only when the user asks)`, result };
  }

  /** Stores an adapter trained here from memories (not active). */
  async storeDistilled(d: DistilledAdapter): Promise<AdapterItem> {
    const file = writeSafetensors(peftTensors(d.lora), { format: 'pt', 'memos.base': d.base.weightsHash });
    const rank = d.lora.targets[0]?.rank ?? 0;
    const item: AdapterItem = {
      ...this.#header(d.lora.id, d.userId, d.cubeId, d.name),
      base: d.base,
      rank,
      alpha: d.alpha,
      scale: d.lora.scale,
      targets: d.lora.targets.map((t) => t.module),
      bytes: file.byteLength,
      checksum: await sha256Hex(file),
      origin: 'distilled',
      sources: d.sources.map((m) => ({ memoryId: m.id, version: m.version })),
      sourceIds: d.sources.map((m) => m.id),
      training: d.report,
      active: false,
      weight: 1,
    };
    await this.#deps.store.write([...ADAPTER_STORES], async (tx) => {
      await cubeWithAccess(tx, d.cubeId, d.userId, 'write');
      await this.#put(tx, item, file);
      await this.#audit(tx, d.userId, 'adapter.distill', d.cubeId, [item.id, ...item.sourceIds], {
        steps: d.report.steps,
        memoryPplBefore: d.report.memoryPerplexity.before,
        memoryPplAfter: d.report.memoryPerplexity.after,
        heldOutPplBefore: d.report.heldOutPerplexity.before,
        heldOutPplAfter: d.report.heldOutPerplexity.after,
      });
    });
    return item;
  }

  /** The adapter cubes of a cube, newest first. @throws {MemosError} CUBE_NOT_FOUND, FORBIDDEN */
  async listAdapters(params: { userId: string; cubeId: string }): Promise<AdapterItem[]> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const cubeId = requireId(params.cubeId, 'cubeId');
    return this.#deps.store.read(['cubes', 'adapters'], async (tx) => {
      await cubeWithAccess(tx, cubeId, userId, 'read');
      return (await tx.objectStore('adapters').index('byCube').getAll(cubeId)).sort((a, b) => b.createdAt - a.createdAt);
    });
  }

  /** An adapter's file, as PEFT would write it (safetensors + adapter_config.json). */
  async exportAdapter(params: { userId: string; adapterId: string }): Promise<{ safetensors: Uint8Array; config: string }> {
    requireObject(params, 'params');
    // The stored file is already in PEFT's form (F32, PEFT names): it is handed out once verified.
    const { item, file } = await this.#load(params.userId, params.adapterId);
    return {
      safetensors: file,
      config: JSON.stringify({ peft_type: 'LORA', r: item.rank, lora_alpha: item.alpha, target_modules: [...new Set(item.targets.map((t) => t.split('.').pop()))], base_model_name_or_path: item.base.modelId }, null, 2),
    };
  }

  /**
   * Marks an adapter active with a weight and merges it into the loaded model now (if one is loaded).
   * @throws {MemosError} ADAPTER_INCOMPATIBLE (another base model, or shapes that do not fit), MEMORY_NOT_FOUND, FORBIDDEN
   */
  async activateAdapter(params: { userId: string; adapterId: string; weight?: number }): Promise<AdapterItem> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const id = requireId(params.adapterId, 'adapterId');
    const weight = numberInRange(params.weight, 'weight', -4, 4, 1);
    const model = await this.#deps.model();
    const loaded = adapterBaseOf(model);
    const current = await this.#deps.store.read(['adapters'], (tx) => tx.objectStore('adapters').get(id));
    if (!current) throw new MemosError('MEMORY_NOT_FOUND', 'No such adapter.', { adapterId: id });
    if (loaded && loaded.weightsHash !== current.base.weightsHash) {
      throw new MemosError('ADAPTER_INCOMPATIBLE', `The adapter belongs to ${current.base.modelId} (${current.base.weightsHash.slice(0, 12)}…), not to the loaded ${loaded.modelId}.`, { adapterId: id });
    }
    const updated = await this.#setActive(userId, id, true, weight);
    // Merge now; if the weights do not fit, undo the mark so the store and the model agree.
    try {
      await this.syncModel(model);
    } catch (error) {
      await this.#setActive(userId, id, current.active, current.weight);
      throw error;
    }
    return updated;
  }

  /** Stops applying an adapter; the model goes back to its base weights (or the other active ones). */
  async deactivateAdapter(params: { userId: string; adapterId: string }): Promise<AdapterItem> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const id = requireId(params.adapterId, 'adapterId');
    const updated = await this.#setActive(userId, id, false, undefined);
    await this.syncModel(await this.#deps.model());
    return updated;
  }

  /** Deletes an adapter cube and its weights (audited; memories it was distilled from stay). */
  async deleteAdapter(params: { userId: string; adapterId: string }): Promise<void> {
    requireObject(params, 'params');
    const userId = requireId(params.userId, 'userId');
    const id = requireId(params.adapterId, 'adapterId');
    let wasActive = false;
    await this.#deps.store.write([...ADAPTER_STORES], async (tx) => {
      const item = await tx.objectStore('adapters').get(id);
      if (!item) throw new MemosError('MEMORY_NOT_FOUND', 'No such adapter.', { adapterId: id });
      await cubeWithAccess(tx, item.cubeId, userId, 'write');
      wasActive = item.active;
      await tx.objectStore('adapters').delete(id);
      for (const key of await tx.objectStore('blobs').index('byMemory').getAllKeys(id)) await tx.objectStore('blobs').delete(key);
      await this.#audit(tx, userId, 'adapter.delete', item.cubeId, [id], { bytes: item.bytes });
    });
    if (wasActive) await this.syncModel(await this.#deps.model());
  }

  async #setActive(userId: string, id: string, active: boolean, weight: number | undefined): Promise<AdapterItem> {
    return this.#deps.store.write([...ADAPTER_STORES], async (tx) => {
      const item = await tx.objectStore('adapters').get(id);
      if (!item) throw new MemosError('MEMORY_NOT_FOUND', 'No such adapter.', { adapterId: id });
      await cubeWithAccess(tx, item.cubeId, userId, 'write');
      const updated: AdapterItem = { ...item, active, weight: weight ?? item.weight, state: active ? 'activated' : 'generated', updatedAt: this.#deps.clock(), version: item.version + 1 };
      await tx.objectStore('adapters').put(updated);
      await this.#audit(tx, userId, active ? 'adapter.activate' : 'adapter.deactivate', item.cubeId, [id], { weight: updated.weight });
      return updated;
    });
  }

  async #load(userId: string, id: string): Promise<{ item: AdapterItem; file: Uint8Array }> {
    requireId(userId, 'userId');
    requireId(id, 'adapterId');
    const { item, blob } = await this.#deps.store.read(['cubes', 'adapters', 'blobs'], async (tx) => {
      const item = await tx.objectStore('adapters').get(id);
      if (!item) throw new MemosError('MEMORY_NOT_FOUND', 'No such adapter.', { adapterId: id });
      await cubeWithAccess(tx, item.cubeId, userId, 'read');
      return { item, blob: await tx.objectStore('blobs').get(`${id}:0`) };
    });
    return { item, file: await this.#verifiedFile(item, blob?.data) };
  }

  /** The stored safetensors file, once its checksum matches. @throws {MemosError} ADAPTER_INVALID */
  async #verifiedFile(item: AdapterItem, data: ArrayBuffer | undefined): Promise<Uint8Array> {
    const file = data ? new Uint8Array(data) : undefined;
    if (!file || (await sha256Hex(file)) !== item.checksum) throw new MemosError('ADAPTER_INVALID', 'The stored adapter weights are damaged (checksum mismatch). Import or distil it again.', { adapterId: item.id });
    return file;
  }

  async #weightsOf(item: AdapterItem, data: ArrayBuffer | undefined): Promise<LoraWeights> {
    const file = await this.#verifiedFile(item, data);
    const { lora } = readPeftAdapter(item.id, file, JSON.stringify({ r: item.rank, lora_alpha: item.alpha }));
    return { ...lora, scale: item.scale };
  }

  /**
   * Makes the loaded model's merged adapters match the active adapter cubes for its base (any user's:
   * the model is shared by the store). Cheap when they already match.
   * @throws {MemosError} ADAPTER_INCOMPATIBLE when an active adapter does not fit the model's weights
   */
  async syncModel(model: LanguageModel | undefined): Promise<void> {
    const base = adapterBaseOf(model);
    if (!model?.adapters || !base) return;
    const have = model.info.adapters?.applied ?? [];
    const found = await this.#deps.store.read(['adapters', 'blobs'], async (tx) => {
      const active = (await tx.objectStore('adapters').getAll())
        .filter((a) => a.active && a.weight !== 0 && a.base.weightsHash === base.weightsHash)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      if (active.length === have.length && active.every((a, i) => a.id === have[i]?.id && a.weight === have[i]?.weight)) return undefined;
      // Only when something changed are the weights read (this runs before every chat).
      return { active, blobs: await Promise.all(active.map((a) => tx.objectStore('blobs').get(`${a.id}:0`))) };
    });
    if (!found) return;
    const { active, blobs } = found;
    const applied = await Promise.all(active.map(async (a, i) => ({ lora: await this.#weightsOf(a, blobs[i]?.data), weight: a.weight })));
    await model.adapters.apply(applied);
  }
}
