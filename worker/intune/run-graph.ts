import { AppError } from '../../services/errors.ts';
import { runContext } from '../../services/runs/run-types.ts';
import type { GraphClient } from '../../services/microsoft/graph-client.ts';
import type { ProviderConnection } from '../../services/db/generated/client.ts';
import type { HandlerContext } from '../handler.ts';

/**
 * The Graph client of a run: the connection its prerequisites chose (context
 * provider_connection_id), with the per-connection token cache. A connection that was
 * blocked since the start is refused here too.
 */
export async function graphForRun(ctx: HandlerContext): Promise<{ graph: GraphClient; connection: ProviderConnection }> {
  const connectionId = runContext(ctx.run).provider_connection_id;
  const connection = await ctx.db.providerConnection.findFirst({
    where: connectionId ? { id: connectionId, tenantId: ctx.run.tenantId } : { tenantId: ctx.run.tenantId, isDefault: true },
  });
  if (!connection) throw new AppError('connection_missing');
  if (connection.status === 'blocked') throw new AppError('connection_blocked');
  const graph = ctx.microsoft.graphClient(
    { getAccessToken: async () => (await ctx.microsoft.tokens.graphToken(connection, ctx.keyring)).accessToken },
    { signal: ctx.signal, logger: ctx.logger },
  );
  return { graph, connection };
}
