import type { GraphClient } from '../../services/microsoft/graph-client.ts';
import { toAppError } from '../../services/errors.ts';
import { isRestoreFamily, matchKey, platformTypeOf, type RestoreFamily } from '../../services/restores/families.ts';
import type { PlanItem } from '../../services/restores/plan-schema.ts';
import type { ItemResult } from '../../services/restores/results.ts';
import { assignBody, writeBody } from '../../services/restores/write-body.ts';
import { readFamily, type IntuneObject } from '../intune/read-family.ts';

const contracts = {
  deviceConfigurations: { get: 'deviceConfigurations.get', create: 'deviceConfigurations.create', update: 'deviceConfigurations.update', assign: 'deviceConfigurations.assign' },
  deviceCompliancePolicies: { get: 'deviceCompliancePolicies.get', create: 'deviceCompliancePolicies.create', update: 'deviceCompliancePolicies.update', assign: 'deviceCompliancePolicies.assign' },
  deviceEnrollmentConfigurations: { get: 'deviceEnrollmentConfigurations.get', create: 'deviceEnrollmentConfigurations.create', update: 'deviceEnrollmentConfigurations.update', assign: 'deviceEnrollmentConfigurations.assign' },
} as const satisfies Record<RestoreFamily, Record<string, string>>;

export type WriteAction = 'restore.create' | 'restore.update' | 'restore.assign';

export interface WriteDeps {
  graph: GraphClient;
  /** One audit event per Graph write, succeeded or failed. */
  audit(entry: { action: WriteAction; outcome: 'succeeded' | 'failed'; targetId: string | null; item: PlanItem; reasonCode?: string }): Promise<void>;
  /** The family as Graph lists it now (read once per execution, before its first create). */
  live(family: RestoreFamily): Promise<IntuneObject[]>;
}

/** Lists each family at most once per execution. */
export function liveFamilies(graph: GraphClient): (family: RestoreFamily) => Promise<IntuneObject[]> {
  const cache = new Map<RestoreFamily, Promise<IntuneObject[]>>();
  return (family) => {
    let listed = cache.get(family);
    if (!listed) {
      listed = (async () => {
        const all: IntuneObject[] = [];
        for await (const page of readFamily(graph, family, { fetchMissingAssignments: false })) all.push(...page);
        return all;
      })();
      cache.set(family, listed);
    }
    return listed;
  };
}

export interface ItemOutcome {
  result: ItemResult;
  /** The error behind a failed write, so the caller can stop on a fatal one. */
  error?: unknown;
}

function base(item: PlanItem): Omit<ItemResult, 'outcome' | 'reason'> {
  return {
    backup_item_id: item.backup_item_id, family: item.family, display_name: item.display_name, odata_type: item.odata_type, planned: item.class,
    reason_code: null, target_graph_id: item.target?.graph_id ?? null, assignments_written: 0, warnings: [...item.warnings],
  };
}

function keyOf(family: string, o: { odataType: string | null; platformType: string | null; displayName: string | null }): string | null {
  return o.displayName === null ? null : matchKey({ family, odataType: o.odataType, platformType: o.platformType, displayName: o.displayName });
}

function liveKey(family: string, raw: Record<string, unknown>): string | null {
  const displayName = typeof raw.displayName === 'string' ? raw.displayName : null;
  const odataType = typeof raw['@odata.type'] === 'string' ? raw['@odata.type'] : null;
  return keyOf(family, { odataType, platformType: platformTypeOf(family, raw), displayName });
}

type Step = { targetId: string; warnings: string[] } | ItemOutcome;

function conflict(item: PlanItem, reason: string, targetId: string | null): ItemOutcome {
  return { result: { ...base(item), outcome: 'conflict', reason, target_graph_id: targetId } };
}

/** Creates only when Graph still has no policy with the key, nor (enrollment) another type of the name. */
async function createStep(deps: WriteDeps, item: PlanItem, family: RestoreFamily, key: string | null, payload: unknown): Promise<Step> {
  const live = await deps.live(family);
  const taken = live.find((o) => keyOf(family, { ...o, platformType: platformTypeOf(family, o.payload) }) === key);
  if (taken) return conflict(item, `A policy with this name and type was created since the preview (${taken.graphId}); not created again.`, taken.graphId);
  const collision = family === 'deviceEnrollmentConfigurations' ? live.find((o) => o.displayName === item.display_name && o.odataType !== item.odata_type) : undefined;
  if (collision) return conflict(item, `Type collision since the preview: "${item.display_name}" now exists as ${collision.odataType ?? 'another type'}; never overwritten.`, collision.graphId);
  const created = await write(deps, item, 'restore.create', null, () => deps.graph.call(contracts[family].create, {}, { body: writeBody(family, payload) }));
  return 'failed' in created ? created.failed : { targetId: created.value.id, warnings: [] };
}

/** Updates only the object the preview matched, still under the same type, platform and name. */
async function updateStep(deps: WriteDeps, item: PlanItem, family: RestoreFamily, key: string | null, payload: unknown): Promise<Step> {
  const expected = item.target;
  if (!expected) return conflict(item, 'The plan names no target to update.', null);
  let current: Record<string, unknown>;
  try {
    current = await deps.graph.call(contracts[family].get, { id: expected.graph_id });
  } catch (error) {
    if (toAppError(error).code === 'provider_resource_missing') return conflict(item, `The target ${expected.graph_id} was deleted since the preview; not re-created.`, expected.graph_id);
    return failed(item, error, `Could not re-read the target ${expected.graph_id}`);
  }
  if (liveKey(family, current) !== key) {
    return conflict(item, `The target was renamed or retyped since the preview (now "${String(current.displayName)}", ${String(current['@odata.type'] ?? 'unknown type')}).`, expected.graph_id);
  }
  const warnings = expected.last_modified && current.lastModifiedDateTime !== expected.last_modified
    ? ['The target changed in Intune since the preview; it now has the backed-up content.'] : [];
  const updated = await write(deps, item, 'restore.update', expected.graph_id, () => deps.graph.call(contracts[family].update, { id: expected.graph_id }, { body: writeBody(family, payload) }));
  return 'failed' in updated ? updated.failed : { targetId: expected.graph_id, warnings };
}

/**
 * Does what the plan says for one item, after re-reading its target from Graph: a policy
 * that appeared, or a target renamed, retyped or deleted since the preview, makes the item
 * a conflict instead of a second create or a write to the wrong object. Never deletes; an
 * item whose assignments all dropped keeps the target's assignments as they are.
 */
export async function executeItem(deps: WriteDeps, item: PlanItem, payload: unknown): Promise<ItemOutcome> {
  const family = item.family;
  if (item.class !== 'create' && item.class !== 'update') return { result: { ...base(item), outcome: item.class, reason: item.reason } };
  if (!isRestoreFamily(family)) return { result: { ...base(item), outcome: 'skipped', reason: `${family}: not supported yet.` } };
  const key = keyOf(family, { odataType: item.odata_type, platformType: item.platform_type, displayName: item.display_name });
  const step = item.class === 'create' ? await createStep(deps, item, family, key, payload) : await updateStep(deps, item, family, key, payload);
  if ('result' in step) return step;
  const { targetId } = step;
  const done = item.class === 'create' ? 'created' : 'updated';
  if (item.assignments.length > 0) {
    const assigned = await write(deps, item, 'restore.assign', targetId, () => deps.graph.call(contracts[family].assign, { id: targetId }, { body: assignBody(family, item.assignments) }));
    if ('failed' in assigned) {
      const { result, error } = assigned.failed;
      return { error, result: { ...result, target_graph_id: targetId, reason: `${done === 'created' ? 'Created' : 'Updated'} ${targetId}, but its assignments failed: ${result.reason}` } };
    }
  }
  return { result: { ...base(item), outcome: done, reason: item.reason, target_graph_id: targetId, assignments_written: item.assignments.length, warnings: [...item.warnings, ...step.warnings] } };
}

function failed(item: PlanItem, error: unknown, what: string): ItemOutcome {
  const appError = toAppError(error);
  return { error, result: { ...base(item), outcome: 'failed', reason: `${what}: ${appError.userMessage}`, reason_code: appError.code } };
}

async function write<T>(deps: WriteDeps, item: PlanItem, action: WriteAction, targetId: string | null, call: () => Promise<T>): Promise<{ value: T } | { failed: ItemOutcome }> {
  try {
    const value = await call();
    const id = targetId ?? (value as { id?: string }).id ?? null;
    await deps.audit({ action, outcome: 'succeeded', targetId: id, item });
    return { value };
  } catch (error) {
    await deps.audit({ action, outcome: 'failed', targetId, item, reasonCode: toAppError(error).code });
    return { failed: failed(item, error, `${action.replace('restore.', '')} failed`) };
  }
}
