import type { PgBoss } from 'pg-boss';
import { z } from 'zod/v4';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { AppError, toAppError } from '../errors.ts';
import { recordAudit } from '../audit.ts';
import { startRun, type RunMessageRef } from '../runs/start-run.ts';
import { cancelRun } from '../runs/cancel-run.ts';
import { findRun, listRuns } from '../runs/queries.ts';
import type { RunNotifier } from '../runs/notifier.ts';
import type { OperationRun } from '../runs/run-types.ts';
import { buildRunView } from '../views/run-view.ts';
import { runListItem, connectionSummary } from './list-items.ts';
import { resolveChatContext, type ChatCaller, type ChatContext, type ChatPlace, type ChatPlatform } from './caller.ts';
import { commandHelp, type Command } from './command.ts';
import type { ChatReply } from './replies.ts';
import { channelNotes } from './help-notes.ts';
import { resolveSchedule } from '../backups/schedules.ts';
import { resolveBackupSet } from '../restores/queries.ts';
import type { OperationSettings } from '../operations/definition.ts';

export interface ChatServiceDeps {
  db: Db;
  boss: PgBoss;
  logger: Logger;
  metrics?: Metrics;
  notifier?: RunNotifier;
  /** The limits run-start prerequisites enforce (pass the parsed Config); absent = the defaults. */
  settings?: OperationSettings;
}

export interface ChatRequest {
  caller: ChatCaller;
  place: ChatPlace;
  /** Teams activity id, Slack trigger_id / action_ts / event_id. */
  deliveryId: string;
}

/** Card button data, parsed before anything reads it (it arrives untyped and may be forged). */
export const cardActionSchema = z.discriminatedUnion('verb', [
  z.strictObject({ verb: z.literal('refresh'), runId: z.uuid() }),
  z.strictObject({ verb: z.literal('open_report'), runId: z.uuid() }),
  z.strictObject({ verb: z.literal('cancel_run'), runId: z.uuid() }),
  z.strictObject({ verb: z.literal('start_verification'), connectionId: z.uuid().optional() }),
  z.strictObject({ verb: z.literal('show_runs') }),
  z.strictObject({ verb: z.literal('restore_execute'), restoreRunId: z.uuid() }),
]);
export type CardAction = z.infer<typeof cardActionSchema>;

const startTypes = { verify: 'provider_connection.verify', inventory: 'inventory.sync', groups: 'directory_groups.sync' } as const;

/**
 * The platform-neutral side of chat: both adapters hand it a parsed command or card
 * action plus who and where; it resolves the tenant and role from the database, starts
 * runs only through startRun, and answers with a view model (never platform JSON).
 */
export function createChatService(deps: ChatServiceDeps) {
  const { db } = deps;

  async function runReply(context: ChatContext, run: OperationRun, flags?: { deduplicated?: boolean; redelivered?: boolean; messages?: RunMessageRef[] }): Promise<ChatReply> {
    const [messages, view] = await Promise.all([
      flags?.messages ?? db.runMessage.findMany({ where: { runId: run.id }, select: { platform: true, channelId: true, messageId: true } }),
      buildRunView(db, run, context.tenant, context.member.role),
    ]);
    return {
      kind: 'run', run: view,
      deduplicated: flags?.deduplicated ?? false, redelivered: flags?.redelivered ?? false, messages,
    };
  }

  async function start(request: ChatRequest, context: ChatContext, type: string, input: unknown = {}): Promise<ChatReply> {
    const result = await startRun({ db, boss: deps.boss, ...(deps.metrics ? { metrics: deps.metrics } : {}), ...(deps.settings ? { settings: deps.settings } : {}) }, {
      tenantId: context.tenant.id, type, input, actor: { kind: 'member', memberId: context.member.id },
      source: request.caller.platform, deliveryId: request.deliveryId, deliveryPlatform: request.caller.platform,
    });
    return runReply(context, result.run, result);
  }

  async function execute(request: ChatRequest, context: ChatContext, command: Command): Promise<ChatReply> {
    const tenant = { id: context.tenant.id, name: context.tenant.name, slug: context.tenant.slug };
    switch (command.verb) {
      case 'verify': return start(request, context, startTypes.verify);
      case 'sync': return start(request, context, startTypes[command.target]);
      case 'run': return runReply(context, await findRun(db, command.runId, tenant.id));
      case 'cancel': {
        const run = await findRun(db, command.runId, tenant.id);
        const cancelled = await cancelRun({ db, boss: deps.boss, ...(deps.notifier ? { notifier: deps.notifier } : {}) }, { runId: run.id, tenantId: tenant.id, actor: { kind: 'member', memberId: context.member.id } });
        return runReply(context, cancelled);
      }
      case 'runs':
        return { kind: 'runs', tenant, runs: (await listRuns(db, { tenantId: tenant.id, limit: 10 })).map(runListItem), viewerRole: context.member.role };
      case 'status': {
        const [connection, active] = await Promise.all([
          db.providerConnection.findFirst({ where: { tenantId: tenant.id, isDefault: true } }),
          db.operationRun.findMany({ where: { tenantId: tenant.id, status: { in: ['queued', 'running'] } }, orderBy: { createdAt: 'desc' }, take: 10 }),
        ]);
        return { kind: 'status', tenant, connection: connection ? connectionSummary(connection) : null, activeRuns: active.map(runListItem), viewerRole: context.member.role };
      }
      case 'whoami': {
        const m = context.member;
        return { kind: 'whoami', tenant, member: { id: m.id, role: m.role, platform: m.platform, userId: m.platformUserId, teamId: m.teamId, displayName: m.displayName } };
      }
      case 'help': return help();
      case 'backup_run': {
        const schedule = await resolveSchedule(db, tenant.id, command.schedule);
        return start(request, context, 'backup_schedule.run_now', { scheduleId: schedule.id });
      }
      case 'backup_retry': {
        const original = await findRun(db, command.runId, tenant.id);
        return start(request, context, 'backup_schedule.retry', { runId: original.id });
      }
      case 'restore_preview': {
        const set = await resolveBackupSet(db, tenant.id, command.backup);
        return start(request, context, 'restore.preview', { backupSetId: set.id });
      }
    }
  }

  function errorReply(error: unknown): ChatReply {
    const appError = toAppError(error);
    if (appError.code === 'internal_error') deps.logger.error({ err: error }, 'chat request failed');
    const setup = appError.code === 'member_unknown' || appError.code === 'channel_unbound' || appError.code === 'tenant_mismatch' ? appError.detail : undefined;
    return {
      kind: 'error', reasonCode: appError.code, message: appError.userMessage, remediation: appError.remediation,
      denied: appError.code === 'not_authorized', ...(setup ? { setup } : {}),
    };
  }

  function help(problem?: string): ChatReply {
    return { kind: 'help', ...(problem ? { problem } : {}), commands: commandHelp, notes: channelNotes };
  }

  async function auditRefusal(request: ChatRequest, action: string, error: unknown, tenantId: string | null): Promise<void> {
    const code = error instanceof AppError ? error.code : 'internal_error';
    // Role denials were audited by authorize(); everything else refused on a card is audited here.
    if (code === 'not_authorized') return;
    await recordAudit(db, {
      tenantId, actor: `${request.caller.platform}:${request.caller.userId}`, platform: request.caller.platform, platformUserId: request.caller.userId,
      action, outcome: 'denied', detail: { reason_code: code },
    }).catch((e: unknown) => deps.logger.error({ err: e }, 'audit write failed'));
  }

  return {
    help,

    /** A parsed chat command. Never throws: every failure becomes an error reply. */
    async handleCommand(request: ChatRequest, command: Command): Promise<ChatReply> {
      if (command.verb === 'help') return help();
      try {
        const context = await resolveChatContext(db, request.caller, request.place, command.tenant);
        return await execute(request, context, command);
      } catch (error) {
        return errorReply(error);
      }
    },

    /** A card button (Teams Action.Execute verb + data, Slack block action value). Never throws. */
    async handleAction(request: ChatRequest, raw: unknown): Promise<ChatReply> {
      const parsed = cardActionSchema.safeParse(raw);
      let tenantId: string | null = null;
      try {
        if (!parsed.success) throw new AppError('invalid_input', 'That button\'s data is not valid; use the buttons of a fresh card (`runs`).');
        const action = parsed.data;
        const context = await resolveChatContext(db, request.caller, request.place);
        tenantId = context.tenant.id;
        switch (action.verb) {
          case 'refresh':
          case 'open_report': return await runReply(context, await findRun(db, action.runId, context.tenant.id));
          case 'cancel_run': return await execute(request, context, { verb: 'cancel', runId: action.runId });
          case 'start_verification': {
            if (action.connectionId) {
              const owned = await db.providerConnection.count({ where: { id: action.connectionId, tenantId: context.tenant.id } });
              if (owned === 0) throw new AppError('not_found', 'No such connection in this tenant.');
            }
            return await start(request, context, startTypes.verify, action.connectionId ? { connectionId: action.connectionId } : {});
          }
          case 'show_runs': return await execute(request, context, { verb: 'runs' });
          // The plan's tenant, age, the manager role and restore readiness are all re-checked by startRun.
          case 'restore_execute': return await start(request, context, 'restore.execute', { restoreRunId: action.restoreRunId });
        }
      } catch (error) {
        await auditRefusal(request, `card.${parsed.success ? parsed.data.verb : 'unknown'}`, error, tenantId);
        return errorReply(error);
      }
    },

    /**
     * Records a chat delivery that starts no run (a read, a cancel, a help answer): false
     * when it was recorded before, i.e. the platform redelivered it and it was answered.
     * Starts need no call: startRun records and recognises their deliveries itself.
     */
    async claimDelivery(platform: ChatPlatform, deliveryId: string): Promise<boolean> {
      const { count } = await db.inboundDelivery.createMany({ data: [{ platform, deliveryId }], skipDuplicates: true });
      return count > 0;
    },

    /** The view everyone in a conversation may see (least privilege: the readonly view). */
    async sharedRunView(runId: string) {
      const run = await db.operationRun.findUnique({ where: { id: runId }, include: { tenant: true } });
      return run ? buildRunView(db, run, run.tenant, 'readonly') : null;
    },

    /** Chat messages showing a run, to update in place after a status change. */
    runMessages(runId: string, platform: 'teams' | 'slack') {
      return db.runMessage.findMany({ where: { runId, platform } });
    },

    async recordRunMessage(input: { runId: string; platform: 'teams' | 'slack'; channelId: string; messageId: string; conversation: Record<string, unknown> }) {
      await db.runMessage.upsert({
        where: { platform_channelId_messageId: { platform: input.platform, channelId: input.channelId, messageId: input.messageId } },
        create: { ...input, conversation: input.conversation as object },
        update: { runId: input.runId, conversation: input.conversation as object },
      });
    },

    /** Teams user ids ("29:...") of the tenant's members whose role allows actions (max 60). */
    async actionUserIds(tenantId: string): Promise<string[]> {
      const members = await db.tenantMember.findMany({
        where: { tenantId, platform: 'teams', botUserId: { not: null }, role: { in: ['operator', 'manager', 'owner'] } },
        select: { botUserId: true }, take: 60, orderBy: { updatedAt: 'desc' },
      });
      return members.flatMap((m) => (m.botUserId ? [m.botUserId] : []));
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
