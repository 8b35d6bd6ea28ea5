import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { fromPrisma } from 'pg-boss';
import { AppError } from '../errors.ts';
import type { Db, Tx } from '../db/client.ts';
import type { Actor, TriggerSource } from '../auth/actor.ts';
import { actorLabel } from '../auth/actor.ts';
import { authorize } from '../auth/authorize.ts';
import { recordAudit } from '../audit.ts';
import { isOperationType, operationDefinition, operationTypes, queueName, type OperationType } from '../operations/registry.ts';
import { identityHash } from './identity.ts';
import type { OperationRun, RunContext } from './run-types.ts';
import type { Metrics } from '../metrics.ts';
import { settingDefaults } from '../config.ts';
import type { OperationSettings } from '../operations/definition.ts';

export interface StartRunDeps {
  db: Db;
  boss: PgBoss;
  metrics?: Metrics;
  /** Limits the prerequisites enforce (pass the parsed Config); absent = the config defaults. */
  settings?: OperationSettings;
}

export interface StartRunRequest {
  tenantId: string;
  type: string;
  input?: unknown;
  actor: Actor;
  source: TriggerSource;
  /** Teams activity id, Slack trigger_id / action_ts / event_id, or a fresh UUID (CLI). */
  deliveryId: string;
  /** When set, the delivery is recorded in inbound_deliveries so a redelivery is dropped. */
  deliveryPlatform?: 'teams' | 'slack';
}

export interface StartRunResult {
  run: OperationRun;
  /** True when an existing run was returned instead of a new one. */
  deduplicated: boolean;
  /** True when this exact delivery was handled before. */
  redelivered: boolean;
}

/**
 * The only way anything starts work. Authorizes against the member's current role,
 * checks prerequisites, computes the identity, then in ONE transaction inserts the run
 * and enqueues its job (the run id is the job id). A denial or failed prerequisite is
 * audited and thrown: no row, no job. An identity conflict returns the existing run.
 */
export async function startRun(deps: StartRunDeps, request: StartRunRequest): Promise<StartRunResult> {
  const type = parseType(request.type);
  const definition = operationDefinition(type);
  const parsed = definition.inputSchema.safeParse(request.input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    throw new AppError('invalid_input', `Invalid input for ${type}: ${problems}`);
  }
  const action = `run.start.${type}`;
  const settings = deps.settings ?? { RESTORE_PLAN_MAX_AGE_MINUTES: settingDefaults.RESTORE_PLAN_MAX_AGE_MINUTES };
  // Both are reads; run them together. A denial wins: a prerequisite failure is audited
  // only for an actor who was allowed to start.
  const [authorized, prerequisites] = await Promise.allSettled([
    authorize(deps.db, request.actor, request.tenantId, definition.requiredRole, action),
    definition.prerequisites(deps.db, request.tenantId, parsed.data, settings),
  ]);
  if (authorized.status === 'rejected') {
    deps.metrics?.runsDenied.inc({ type });
    throw authorized.reason;
  }
  const who = authorized.value;
  if (prerequisites.status === 'rejected') {
    const error: unknown = prerequisites.reason;
    if (error instanceof AppError) {
      await recordAudit(deps.db, {
        tenantId: request.tenantId, actor: actorLabel(request.actor), platform: who.platform, platformUserId: who.platformUserId,
        action, outcome: 'failed', detail: { reason_code: error.code, message: error.userMessage },
      });
    }
    throw error;
  }
  const prerequisite = prerequisites.value;
  const identityInputs = definition.identity({ tenantId: request.tenantId, input: parsed.data, deliveryId: request.deliveryId, context: prerequisite });
  const context: RunContext = {
    ...prerequisite,
    trigger: { source: request.source, actor: actorLabel(request.actor), ...(who.platformUserId ? { platform_user: who.platformUserId } : {}) },
    delivery_id: request.deliveryId,
    input: parsed.data,
  };
  const row = {
    tenantId: request.tenantId, type, scope: definition.identityScope, hash: identityHash(identityInputs), identityInputs, context,
  };
  // An active-scope conflict can finish between our insert and our read: try again then.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    // A burst of starts queues for pool connections: wait for one rather than fail at 2 s.
    const result = await deps.db.$transaction(async (tx) => insertOrFind(deps.boss, tx, row, request), { maxWait: 15_000, timeout: 20_000 });
    if (result) {
      (result.deduplicated ? deps.metrics?.runsDeduplicated : deps.metrics?.runsStarted)?.inc({ type });
      return result;
    }
  }
  throw new AppError('internal_error', undefined, { message: `startRun: identity of ${type} kept changing under contention` });
}

function parseType(value: string): OperationType {
  if (!isOperationType(value)) {
    throw new AppError('invalid_input', `Unknown operation type "${value}". Known types: ${operationTypes.join(', ')}.`);
  }
  return value;
}

interface RunRow {
  tenantId: string;
  type: OperationType;
  scope: 'active' | 'strict';
  hash: string;
  identityInputs: Record<string, string>;
  context: RunContext;
}

async function insertOrFind(boss: PgBoss, tx: Tx, row: RunRow, request: StartRunRequest): Promise<StartRunResult | null> {
  const runId = randomUUID();
  const platform = request.deliveryPlatform ?? null;
  const audit = {
    actor: row.context.trigger.actor, platform: platform ?? row.context.trigger.source, user: row.context.trigger.platform_user ?? null,
    action: `run.start.${row.type}`,
  };
  // One statement: claim the delivery (chat only), insert the run unless the delivery was
  // seen before, and audit the start. ON CONFLICT DO NOTHING (no target) covers both
  // partial identity indexes without aborting the transaction.
  const [written] = await tx.$queryRaw<{ delivered: number; created_at: Date | null; updated_at: Date | null }[]>`
    WITH delivery AS (
      INSERT INTO inbound_deliveries (id, platform, delivery_id, run_id, created_at)
      SELECT ${randomUUID()}::uuid, ${platform}::text, ${request.deliveryId}, ${runId}::uuid, now() WHERE ${platform}::text IS NOT NULL
      ON CONFLICT DO NOTHING RETURNING id
    ), run AS (
      INSERT INTO operation_runs (id, tenant_id, type, status, identity_scope, identity_hash, identity_inputs, context, attempt, created_at, updated_at)
      SELECT ${runId}::uuid, ${row.tenantId}::uuid, ${row.type}, 'queued', ${row.scope}::identity_scope, ${row.hash},
             ${JSON.stringify(row.identityInputs)}::jsonb, ${JSON.stringify(row.context)}::jsonb, 0, now(), now()
      WHERE ${platform}::text IS NULL OR EXISTS (SELECT 1 FROM delivery)
      ON CONFLICT DO NOTHING RETURNING created_at, updated_at
    ), audited AS (
      INSERT INTO audit_events (id, tenant_id, actor, platform, platform_user_id, action, outcome, target_id, detail, created_at)
      SELECT ${randomUUID()}::uuid, ${row.tenantId}::uuid, ${audit.actor}, ${audit.platform}, ${audit.user}, ${audit.action}, 'succeeded', ${runId}, '{}'::jsonb, now()
      FROM run
    )
    SELECT (SELECT count(*) FROM delivery)::int AS delivered, (SELECT created_at FROM run) AS created_at, (SELECT updated_at FROM run) AS updated_at`;
  if (platform && written?.delivered === 0) return previousDelivery(tx, request);
  if (written?.created_at) {
    await boss.send(queueName(row.type), { runId }, { id: runId, db: fromPrisma(tx) });
    const run: OperationRun = {
      id: runId, tenantId: row.tenantId, type: row.type, status: 'queued', identityScope: row.scope, identityHash: row.hash,
      identityInputs: row.identityInputs, context: row.context as unknown as OperationRun['context'], summary: {}, failures: [], result: null,
      attempt: 0, createdAt: written.created_at, startedAt: null, finishedAt: null, updatedAt: written.updated_at ?? written.created_at,
    };
    return { run, deduplicated: false, redelivered: false };
  }
  const existing = await tx.operationRun.findFirst({
    where: {
      tenantId: row.tenantId, type: row.type, identityHash: row.hash, identityScope: row.scope,
      ...(row.scope === 'active' ? { status: { in: ['queued', 'running'] } } : {}),
    },
    orderBy: { createdAt: 'desc' },
  });
  if (!existing) return null;
  if (platform) {
    await tx.inboundDelivery.updateMany({ where: { platform, deliveryId: request.deliveryId }, data: { runId: existing.id } });
  }
  return { run: existing, deduplicated: true, redelivered: false };
}

async function previousDelivery(tx: Tx, request: StartRunRequest): Promise<StartRunResult> {
  const delivery = await tx.inboundDelivery.findUnique({
    where: { platform_deliveryId: { platform: request.deliveryPlatform ?? '', deliveryId: request.deliveryId } },
  });
  const run = delivery?.runId ? await tx.operationRun.findUnique({ where: { id: delivery.runId } }) : null;
  if (!run || run.tenantId !== request.tenantId) {
    throw new AppError('invalid_input', 'This request was already delivered and handled.');
  }
  return { run, deduplicated: true, redelivered: true };
}
