import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { fromPrisma } from 'pg-boss';
import type { Db, Tx } from '../../../services/db/client.ts';
import { queueName } from '../../../services/operations/registry.ts';
import { identityHash } from '../../../services/runs/identity.ts';
import { startRun } from '../../../services/runs/start-run.ts';
import type { Metrics } from '../../../services/metrics.ts';

/** What every scenario works on: one tenant with a connection, an operator and a schedule. */
export interface BenchTarget {
  tenantId: string;
  memberId: string;
  platformUserId: string;
  connectionId: string;
  scheduleId: string;
}

export interface ScenarioDeps {
  db: Db;
  boss: PgBoss;
  metrics: Metrics;
  target: BenchTarget;
}

/** The bare-insert table: operation_runs' columns, defaults and indexes (incl. the partial identity ones), no FK. */
export const FLOOR_TABLE = 'bench_run_floor';
export const RUN_TYPE = 'backup_schedule.run_now';

export async function createFloorTable(db: Db): Promise<void> {
  await db.$executeRawUnsafe(`CREATE TABLE ${FLOOR_TABLE} (LIKE operation_runs INCLUDING ALL)`);
}

/** A row shaped like the one startRun writes for a Teams run_now (same JSON sizes). */
function floorRow(target: BenchTarget) {
  const id = randomUUID();
  const deliveryId = randomUUID();
  const identityInputs = { schedule_id: target.scheduleId, delivery_id: deliveryId };
  const context = {
    backup_schedule_id: target.scheduleId,
    provider_connection_id: target.connectionId,
    target_scope: { kind: 'backup_schedule', id: target.scheduleId, label: 'nightly' },
    trigger: { source: 'teams', actor: target.memberId, platform_user: target.platformUserId },
    delivery_id: deliveryId,
    input: { scheduleId: target.scheduleId },
  };
  return { id, hash: identityHash(identityInputs), identityInputs: JSON.stringify(identityInputs), context: JSON.stringify(context) };
}

/** (a) One autocommit INSERT through the same Prisma client ($executeRaw): the physical floor. */
export async function insertFloorRow(db: Db | Tx, target: BenchTarget): Promise<string> {
  const row = floorRow(target);
  await db.$executeRaw`
    INSERT INTO bench_run_floor (id, tenant_id, type, status, identity_scope, identity_hash, identity_inputs, context, attempt, created_at, updated_at)
    VALUES (${row.id}::uuid, ${target.tenantId}::uuid, ${RUN_TYPE}, 'queued', 'strict'::identity_scope, ${row.hash},
            ${row.identityInputs}::jsonb, ${row.context}::jsonb, 0, now(), now())`;
  return row.id;
}

/** (b) The mechanism floor: one Prisma transaction holding that INSERT and boss.send(fromPrisma(tx)). */
export async function mechanismStart(deps: ScenarioDeps): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const id = await insertFloorRow(tx, deps.target);
    await deps.boss.send(queueName(RUN_TYPE), { runId: id }, { id, db: fromPrisma(tx) });
  });
}

/**
 * (c) startRun as a member starts backup_schedule.run_now: strict identity (schedule +
 * delivery id) with a fresh delivery id per call, so no call ever deduplicates. `chat` also
 * records the delivery in inbound_deliveries, as the Teams/Slack adapters do.
 */
export async function startRunOnce(deps: ScenarioDeps, options: { chat: boolean }): Promise<string> {
  const result = await startRun({ db: deps.db, boss: deps.boss, metrics: deps.metrics }, {
    tenantId: deps.target.tenantId,
    type: RUN_TYPE,
    input: { scheduleId: deps.target.scheduleId },
    actor: { kind: 'member', memberId: deps.target.memberId },
    source: 'teams',
    deliveryId: randomUUID(),
    ...(options.chat ? { deliveryPlatform: 'teams' as const } : {}),
  });
  if (result.deduplicated) throw new Error('benchmark start was deduplicated: the identity must be unique per call');
  return result.run.id;
}
