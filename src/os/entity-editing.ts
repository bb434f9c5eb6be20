/**
 * People's edits to a cube's entity graph (see MemoryApi.editEntity): merge two entities, add or
 * remove a name that leads to one, rename it, correct its type. Each call writes a new version of the
 * cube's entity edits into its record and an audit entry saying what changed from what, in one
 * transaction, and applies them to the graph in memory at once (other tabs follow the change feed).
 */
import type { CubeRecord } from '../core/cube';
import { ENTITY_TYPES, mergeWouldCycle, NO_ENTITY_EDITS, ENTITY_EDITS_LIMIT, type EntityEdits, type EntityType } from '../core/entity-edits';
import { entityKeyOf } from '../memory/graph/entity-extraction';
import { MemosError } from '../core/errors';
import type { Clock } from '../core/ids';
import { checkKey, checkName } from '../core/limits';
import type { EditEntityParams } from '../protocol/graph-types';
import type { EntityGraph } from '../search/entity-graph';
import type { Store } from '../storage/store';
import { appendAudit } from './audit-log';
import { cubeWithAccess } from './directory';
import { oneOf, optionalReason, requireId, requireObject } from './validate';

/** What entity editing needs of MemOS. */
export interface EntityEditingDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly graph: EntityGraph | undefined;
}

/** A key given to editEntity: an entity's key or its name, folded as the tagger folds names into keys. */
function keyParam(value: unknown, field: string): string {
  const key = entityKeyOf(checkKey(value, field));
  if (key.length === 0) throw new MemosError('INVALID_INPUT', `${field} must name an entity.`, { field });
  return key;
}

const without = (map: Readonly<Record<string, string>>, key: string): Record<string, string> => {
  const { [key]: _gone, ...rest } = map;
  return rest;
};

/** See MemoryApi.editEntity. */
export async function editEntity(deps: EntityEditingDeps, params: EditEntityParams): Promise<EntityEdits> {
  requireObject(params, 'params');
  const userId = requireId(params.userId, 'userId');
  const cubeId = requireId(params.cubeId, 'cubeId');
  const key = keyParam(params.key, 'key');
  const reason = optionalReason(params.reason, 'reason');
  const mergeInto = params.mergeInto === undefined || params.mergeInto === null ? params.mergeInto : keyParam(params.mergeInto, 'mergeInto');
  const addAlias = params.addAlias === undefined ? undefined : keyParam(params.addAlias, 'addAlias');
  const removeAlias = params.removeAlias === undefined ? undefined : keyParam(params.removeAlias, 'removeAlias');
  const name = params.name === undefined || params.name === null ? params.name : checkName(params.name, 'name');
  const type: EntityType | null | undefined = params.type === undefined || params.type === null ? params.type : oneOf(params.type, 'type', ENTITY_TYPES, 'thing');
  if (mergeInto === undefined && addAlias === undefined && removeAlias === undefined && name === undefined && type === undefined) {
    throw new MemosError('INVALID_INPUT', 'Give at least one change: mergeInto, addAlias, removeAlias, name or type.', { field: 'params' });
  }
  const updated = await deps.store.write(['cubes', 'audit'], async (tx, changes) => {
    const cube = await cubeWithAccess(tx, cubeId, userId, 'write');
    const before = cube.entities ?? NO_ENTITY_EDITS;
    let { merged, aliases, names, types } = before;
    const what: Record<string, string | null> = {};
    if (mergeInto !== undefined) {
      if (mergeInto !== null && mergeWouldCycle(before, key, mergeInto)) {
        throw new MemosError('INVALID_INPUT', `"${key}" cannot be merged into "${mergeInto}": that one is already merged into it.`, { field: 'mergeInto' });
      }
      what['mergedFrom'] = merged[key] ?? null;
      what['mergedInto'] = mergeInto;
      merged = mergeInto === null ? without(merged, key) : { ...merged, [key]: mergeInto };
    }
    if (addAlias !== undefined) {
      what['aliasAdded'] = addAlias;
      what['aliasBefore'] = aliases[addAlias] ?? null;
      aliases = { ...aliases, [addAlias]: key };
    }
    if (removeAlias !== undefined) {
      if (aliases[removeAlias] !== key) throw new MemosError('INVALID_INPUT', `"${removeAlias}" is not a name added for "${key}".`, { field: 'removeAlias' });
      what['aliasRemoved'] = removeAlias;
      aliases = without(aliases, removeAlias);
    }
    if (name !== undefined) {
      what['nameBefore'] = names[key] ?? null;
      what['name'] = name;
      names = name === null ? without(names, key) : { ...names, [key]: name };
    }
    if (type !== undefined) {
      what['typeBefore'] = types[key] ?? null;
      what['type'] = type;
      types = type === null ? (without(types, key) as Record<string, EntityType>) : { ...types, [key]: type };
    }
    if ([merged, aliases, names, types].some((m) => Object.keys(m).length > ENTITY_EDITS_LIMIT)) {
      throw new MemosError('INVALID_INPUT', `A cube keeps at most ${ENTITY_EDITS_LIMIT} entity edits of each kind.`, { field: 'params' });
    }
    const entities: EntityEdits = { version: before.version + 1, merged, aliases, names, types };
    const next: CubeRecord = { ...cube, entities };
    await tx.objectStore('cubes').put(next);
    await appendAudit(tx, deps.clock(), userId, 'entity.edit', cubeId, [], { key, version: entities.version, ...what, ...(reason !== undefined && { reason }) });
    changes.cubeIds.add(cubeId);
    return entities;
  });
  deps.graph?.setEdits(cubeId, updated);
  return updated;
}
