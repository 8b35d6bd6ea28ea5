import type { HandlerContext, OperationHandler } from '../handler.ts';
import type { GraphClient } from '../../services/microsoft/graph-client.ts';
import { contract, type Group } from '../../services/microsoft/contracts/index.ts';
import { AppError } from '../../services/errors.ts';
import { failure, type RunFailure } from '../../services/reason-codes.ts';
import {
  groupsCursorResource, markGroupsRemoved, markUnseenGroupsRemoved, readSyncCursor, upsertGroups, writeSyncCursor, type GroupRow,
} from '../../services/inventory/groups-store.ts';
import { graphForRun } from '../intune/run-graph.ts';
import { throttledProgress } from '../intune/throttled-progress.ts';

/**
 * The run's summary: `mode` full (no usable deltaLink) or incremental; `resynced` when the
 * stored delta token had expired and a full sync replaced it; `upserted` groups created or
 * updated and `removed` groups marked removed by this sync; `groups` = active cached groups.
 */
export interface GroupsSummary {
  mode: 'full' | 'incremental';
  resynced: boolean;
  upserted: number;
  removed: number;
  groups: number;
}


/**
 * directory_groups.sync: Graph's groups delta query into directory_groups. The first sync
 * (or one after the token expired) is full and marks groups it did not see as removed; later
 * ones start from the stored deltaLink and apply only the changes. The new deltaLink commits
 * with the run's final status, so a cancelled run never advances it.
 */
export const directoryGroupsSyncHandler: OperationHandler = async (ctx) => {
  const tenantId = ctx.run.tenantId;
  const { graph } = await graphForRun(ctx);
  const stored = await readSyncCursor(ctx.db, tenantId, groupsCursorResource);
  let read: DeltaRead | Refusal;
  let resynced = false;
  try {
    read = await readDelta(ctx, graph, stored);
  } catch (error) {
    if (!(stored && isExpiredDeltaToken(error))) return refuseOrThrow(error);
    ctx.logger.info({ graph_code: (error as AppError).detail.graph_code }, 'groups delta token expired; running a full sync');
    resynced = true;
    read = await readDelta(ctx, graph, null).catch(refuseOrThrow);
  }
  if ('status' in read) return read;
  const groups = await ctx.db.directoryGroup.count({ where: { tenantId, removedAt: null } });
  const summary: GroupsSummary = { mode: read.mode, resynced, upserted: read.upserted, removed: read.removed, groups };
  ctx.logger.info(summary, 'groups synced');
  return {
    status: 'succeeded',
    summary: { ...summary },
    result: { ...summary, graph: { ...graph.stats } },
    commit: async (tx) => {
      await writeSyncCursor(tx, tenantId, groupsCursorResource, read.deltaLink, { run_id: ctx.run.id, mode: read.mode, synced_at: new Date().toISOString() });
    },
  };
};

interface DeltaRead { mode: GroupsSummary['mode']; upserted: number; removed: number; deltaLink: string | null }

async function readDelta(ctx: HandlerContext, graph: GraphClient, deltaLink: string | null): Promise<DeltaRead> {
  const tenantId = ctx.run.tenantId;
  const seenAt = new Date();
  const read: DeltaRead = { mode: deltaLink ? 'incremental' : 'full', upserted: 0, removed: 0, deltaLink: null };
  const report = throttledProgress(ctx);
  for await (const page of graph.pages('groups.delta', {}, deltaLink ? { startAt: deltaLink } : {})) {
    const present = page.items.filter((g) => !g['@removed']);
    await upsertGroups(ctx.db, tenantId, seenAt, present.map(groupRow));
    read.upserted += present.length;
    read.removed += await markGroupsRemoved(ctx.db, tenantId, page.items.filter((g) => g['@removed']).map((g) => g.id));
    read.deltaLink = page.deltaLink ?? null;
    await report({ mode: read.mode, upserted: read.upserted, removed: read.removed });
  }
  if (read.mode === 'full') read.removed += await markUnseenGroupsRemoved(ctx.db, tenantId, seenAt);
  return read;
}

/** Only the keys the delta sent: for an updated group it may send just what changed. */
export function groupRow(group: Group): GroupRow {
  const g = group as Record<string, unknown>;
  return {
    groupId: group.id,
    ...('displayName' in g ? { displayName: typeof g.displayName === 'string' ? g.displayName : null } : {}),
    ...('mail' in g ? { mail: typeof g.mail === 'string' ? g.mail : null } : {}),
    ...('securityEnabled' in g ? { securityEnabled: typeof g.securityEnabled === 'boolean' ? g.securityEnabled : null } : {}),
    ...(Array.isArray(g.groupTypes) ? { groupTypes: g.groupTypes.filter((t): t is string => typeof t === 'string') } : {}),
  };
}

/**
 * Graph's answer to an expired or unknown delta token: 410 Gone (resyncRequired) for most
 * resources, 400 syncStateNotFound for directory objects past the 7-day token lifetime.
 */
export function isExpiredDeltaToken(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  const code = String(error.detail.graph_code ?? '');
  return error.detail.status === 410 || /^(syncStateNotFound|syncStateInvalid|resyncRequired)$/i.test(code);
}

type Refusal = { status: 'failed'; failures: RunFailure[] };

/** A missing Group.Read.All fails the run naming it; anything else takes the worker's path. */
function refuseOrThrow(error: unknown): Refusal {
  if (!(error instanceof AppError) || error.code !== 'provider_permission_denied') throw error;
  const needed = contract('groups.delta').permissions.map((set) => set.join(' + ')).join(' or ');
  return { status: 'failed', failures: [failure('provider_permission_denied', `Directory groups: missing Graph permission ${needed}.`, { needed, ...error.detail })] };
}
