import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { runFailures } from '../runs/run-types.ts';

export interface SyncSnapshot {
  runId: string;
  finishedAt: Date;
}

async function latestSync(db: Db, tenantId: string, type: 'inventory.sync' | 'directory_groups.sync') {
  return db.operationRun.findFirst({
    where: { tenantId, type, status: { in: ['succeeded', 'partially_succeeded'] }, finishedAt: { not: null } },
    orderBy: { finishedAt: 'desc' },
  });
}

function stale(what: string, remedy: string, detail: Record<string, unknown>): AppError {
  return new AppError('inventory_stale', `${what} Run \`${remedy}\`, then preview again.`, { detail });
}

function minutesOld(at: Date, now: Date): number {
  return Math.floor((now.getTime() - at.getTime()) / 60_000);
}

/**
 * The inventory a plan is computed from: the tenant's latest completed inventory sync, no
 * older than the limit and having read every family the plan needs. Anything less is
 * inventory_stale, never a guess from older rows.
 */
export async function freshInventory(db: Db, tenantId: string, families: readonly string[], maxAgeMinutes: number, now = new Date()): Promise<SyncSnapshot> {
  const run = await latestSync(db, tenantId, 'inventory.sync');
  if (!run?.finishedAt) throw stale('This tenant has no completed inventory sync.', 'sync inventory', { max_age_minutes: maxAgeMinutes });
  const age = minutesOld(run.finishedAt, now);
  if (age > maxAgeMinutes) {
    throw stale(`The latest inventory is ${age} minutes old (the limit is ${maxAgeMinutes}).`, 'sync inventory', { inventory_run_id: run.id, age_minutes: age, max_age_minutes: maxAgeMinutes });
  }
  const unread = runFailures(run).map((f) => f.detail?.family).filter((f): f is string => typeof f === 'string' && families.includes(f));
  if (unread.length > 0) {
    throw stale(`The latest inventory could not read ${unread.join(', ')}.`, 'sync inventory', { inventory_run_id: run.id, families: unread });
  }
  return { runId: run.id, finishedAt: run.finishedAt };
}

/** The groups cache, when a plan maps group assignments: synced within the same limit. */
export async function freshGroupsCache(db: Db, tenantId: string, maxAgeMinutes: number, now = new Date()): Promise<SyncSnapshot> {
  const run = await latestSync(db, tenantId, 'directory_groups.sync');
  if (!run?.finishedAt) throw stale('Assignments name groups, and the groups cache was never synced.', 'sync groups', { max_age_minutes: maxAgeMinutes });
  const age = minutesOld(run.finishedAt, now);
  if (age > maxAgeMinutes) {
    throw stale(`The groups cache is ${age} minutes old (the limit is ${maxAgeMinutes}).`, 'sync groups', { groups_run_id: run.id, age_minutes: age, max_age_minutes: maxAgeMinutes });
  }
  return { runId: run.id, finishedAt: run.finishedAt };
}
