import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { fromPrisma } from 'pg-boss';
import { AppError } from '../errors.ts';
import { Prisma, type Db, type Tx } from '../db/client.ts';
import type { Actor, TriggerSource } from '../auth/actor.ts';
import { actorLabel } from '../auth/actor.ts';
import { authorize } from '../auth/authorize.ts';
import { recordAudit } from '../audit.ts';
import { isOperationType, operationDefinition, operationTypes, queueName, type OperationType } from '../operations/registry.ts';
import { identityHash } from './identity.ts';
import { createStartReads } from './start-reads.ts';
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

/** A chat message that shows a run (run_messages), for a pointer to it. */
export interface RunMessageRef {
  platform: string;
  channelId: string;
  messageId: string;
}

export interface StartRunResult {
  run: OperationRun;
  /** True when an existing run was returned instead of a new one. */
  deduplicated: boolean;
  /** True when this exact delivery was handled before. */
  redelivered: boolean;
  /**
   * The chat messages showing the run, when startRun knows them without another read:
   * none for a new run; the run's own for a chat start that joined an active run (read in
   * the statement that records the delivery). Absent when unknown.
   */
  messages?: RunMessageRef[];
}

/**
 * The only way anything starts work. Authorizes against the member's current role,
 * checks prerequisites, computes the identity, then in ONE transaction inserts the run
 * and enqueues its job (the run id is the job id). A denial or failed prerequisite is
 * audited and thrown: no row, no job. An identity conflict returns the existing run.
 *
 * Round trips: the member, the prerequisites and (active scope) the type's active runs
 * are ONE batched read; a start whose identity is already active returns that run with
 * no transaction (a chat start records its delivery in one statement); a new run costs
 * BEGIN, one statement (delivery, run, audit), boss.send and COMMIT. The unique indexes
 * still decide every race: the read is only a shortcut for the common repeat.
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
  // All reads, requested together so they travel as one statement. A denial wins: a
  // prerequisite failure is audited only for an actor who was allowed to start.
  const reads = createStartReads(deps.db, request.tenantId);
  const [authorized, prerequisites, active] = await Promise.allSettled([
    authorize(deps.db, request.actor, request.tenantId, definition.requiredRole, action, reads.member),
    definition.prerequisites(reads, request.tenantId, parsed.data, settings),
    definition.identityScope === 'active' ? reads.activeRuns(type) : Promise.resolve([]),
  ]);
  if (authorized.status === 'rejected') {
    // A database that cannot be reached is an error, not a denial.
    if (authorized.reason instanceof AppError && authorized.reason.code === 'not_authorized') deps.metrics?.runsDenied.inc({ type });
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
  if (active.status === 'rejected') throw active.reason;
  const running = active.value.find((run) => run.identityHash === row.hash && run.identityScope === row.scope);
  if (running) {
    const result = await joinActiveRun(deps.db, running, request);
    deps.metrics?.runsDeduplicated.inc({ type });
    return result;
  }
  // An active-scope conflict can finish between our insert and our read: try again then.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      // A burst of starts queues for pool connections: wait for one rather than fail at 2 s.
      const result = await deps.db.$transaction(async (tx) => insertOrFind(deps.boss, tx, row, request), { maxWait: 15_000, timeout: 20_000 });
      (result.deduplicated ? deps.metrics?.runsDeduplicated : deps.metrics?.runsStarted)?.inc({ type });
      return result;
    } catch (error) {
      if (!(error instanceof IdentityMoved)) throw error;
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

/** The conflicting run finished between our insert and our read: roll back, start over. */
class IdentityMoved extends Error {}

/**
 * One statement writes the start: the delivery claim (chat only), the run unless that
 * delivery was seen before or the identity is taken (ON CONFLICT DO NOTHING without a
 * target covers both partial identity indexes without aborting the transaction), and the
 * audit event of a run actually created. Kept to plain VALUES inserts: PostgreSQL plans
 * it in a fraction of what a CTE with scalar subqueries costs, on every start.
 */
function writeStart(tx: Tx, runId: string, row: RunRow, request: StartRunRequest) {
  const { trigger } = row.context;
  const platform = request.deliveryPlatform;
  const run = Prisma.sql`${runId}::uuid, ${row.tenantId}::uuid, ${row.type}, 'queued', ${row.scope}::identity_scope, ${row.hash},
    ${JSON.stringify(row.identityInputs)}::jsonb, ${JSON.stringify(row.context)}::jsonb, 0, now(), now()`;
  const audit = Prisma.sql`INSERT INTO audit_events (id, tenant_id, actor, platform, platform_user_id, action, outcome, target_id, detail, created_at)
    SELECT ${randomUUID()}::uuid, ${row.tenantId}::uuid, ${trigger.actor}, ${platform ?? trigger.source}, ${trigger.platform_user ?? null},
           ${`run.start.${row.type}`}, 'succeeded', id::text, '{}'::jsonb, created_at
    FROM run RETURNING created_at`;
  const columns = Prisma.raw('id, tenant_id, type, status, identity_scope, identity_hash, identity_inputs, context, attempt, created_at, updated_at');
  return tx.$queryRaw<{ created_at: Date }[]>(platform
    ? Prisma.sql`WITH delivery AS (
        INSERT INTO inbound_deliveries (id, platform, delivery_id, run_id, created_at)
        VALUES (${randomUUID()}::uuid, ${platform}, ${request.deliveryId}, ${runId}::uuid, now())
        ON CONFLICT DO NOTHING RETURNING id
      ), run AS (
        INSERT INTO operation_runs (${columns}) SELECT ${run} FROM delivery ON CONFLICT DO NOTHING RETURNING id, created_at
      ) ${audit}`
    : Prisma.sql`WITH run AS (
        INSERT INTO operation_runs (${columns}) VALUES (${run}) ON CONFLICT DO NOTHING RETURNING id, created_at
      ) ${audit}`);
}

async function insertOrFind(boss: PgBoss, tx: Tx, row: RunRow, request: StartRunRequest): Promise<StartRunResult> {
  const runId = randomUUID();
  const platform = request.deliveryPlatform;
  const [written] = await writeStart(tx, runId, row, request);
  if (written) {
    await boss.send(queueName(row.type), { runId }, { id: runId, db: fromPrisma(tx) });
    const run: OperationRun = {
      id: runId, tenantId: row.tenantId, type: row.type, status: 'queued', identityScope: row.scope, identityHash: row.hash,
      identityInputs: row.identityInputs, context: row.context as unknown as OperationRun['context'], summary: {}, failures: [], result: null,
      attempt: 0, createdAt: written.created_at, startedAt: null, finishedAt: null, updatedAt: written.created_at,
    };
    return { run, deduplicated: false, redelivered: false, messages: [] };
  }
  if (platform) {
    // Nothing was created: either this delivery was seen before (its row points elsewhere)
    // or we claimed it just now and the identity is taken.
    const delivery = await tx.inboundDelivery.findUnique({ where: { platform_deliveryId: { platform, deliveryId: request.deliveryId } }, select: { runId: true } });
    if (delivery?.runId !== runId) return previousDelivery(tx, request);
  }
  const existing = await tx.operationRun.findFirst({
    where: {
      tenantId: row.tenantId, type: row.type, identityHash: row.hash, identityScope: row.scope,
      ...(row.scope === 'active' ? { status: { in: ['queued', 'running'] } } : {}),
    },
    orderBy: { createdAt: 'desc' },
  });
  if (!existing) throw new IdentityMoved();
  if (platform) {
    await tx.inboundDelivery.updateMany({ where: { platform, deliveryId: request.deliveryId }, data: { runId: existing.id } });
  }
  return { run: existing, deduplicated: true, redelivered: false };
}

/**
 * The identity is already queued or running: that run is the answer. A chat start still
 * records its delivery (pointing at that run) so a redelivery is recognised, and reads,
 * in the same statement, where the run is already shown so the surface can point there.
 */
async function joinActiveRun(db: Db, run: OperationRun, request: StartRunRequest): Promise<StartRunResult> {
  if (!request.deliveryPlatform) return { run, deduplicated: true, redelivered: false };
  const [row] = await db.$queryRaw<{ claimed: number; messages: RunMessageRef[] }[]>`
    WITH claimed AS (
      INSERT INTO inbound_deliveries (id, platform, delivery_id, run_id, created_at)
      VALUES (${randomUUID()}::uuid, ${request.deliveryPlatform}, ${request.deliveryId}, ${run.id}::uuid, now())
      ON CONFLICT DO NOTHING RETURNING id
    )
    SELECT (SELECT count(*) FROM claimed)::int AS claimed,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('platform', m.platform, 'channelId', m.channel_id, 'messageId', m.message_id) ORDER BY m.created_at), '[]'::jsonb)
              FROM run_messages m WHERE m.run_id = ${run.id}::uuid) AS messages`;
  if (!row?.claimed) return previousDelivery(db, request);
  return { run, deduplicated: true, redelivered: false, messages: row.messages };
}

async function previousDelivery(tx: Db | Tx, request: StartRunRequest): Promise<StartRunResult> {
  const delivery = await tx.inboundDelivery.findUnique({
    where: { platform_deliveryId: { platform: request.deliveryPlatform ?? '', deliveryId: request.deliveryId } },
  });
  const run = delivery?.runId ? await tx.operationRun.findUnique({ where: { id: delivery.runId } }) : null;
  if (!run || run.tenantId !== request.tenantId) {
    throw new AppError('invalid_input', 'This request was already delivered and handled.');
  }
  return { run, deduplicated: true, redelivered: true };
}
