import { AppError } from '../../services/errors.ts';
import { runContext } from '../../services/runs/run-types.ts';
import type { GraphClient, TokenSource } from '../../services/microsoft/graph-client.ts';
import type { AppToken } from '../../services/microsoft/msal-factory.ts';
import type { ProviderConnection } from '../../services/db/generated/client.ts';
import type { HandlerContext } from '../handler.ts';

/** A token is reused until this long before it expires. */
const refreshMarginMs = 5 * 60_000;

/**
 * The connection's token for one run's Graph client, held between requests: asking MSAL's
 * cache on every request costs more than a sync's own processing of a page. forceRefresh
 * (Graph rejected the token) goes to Entra, skipping both caches.
 */
export function runTokenSource(acquire: (forceRefresh: boolean) => Promise<AppToken>, now: () => number = Date.now): TokenSource {
  let held: AppToken | undefined;
  return {
    getAccessToken: async (options) => {
      const fresh = held?.expiresOn ? held.expiresOn.getTime() - refreshMarginMs > now() : false;
      if (!held || !fresh || options?.forceRefresh) held = await acquire(options?.forceRefresh ?? false);
      return held.accessToken;
    },
  };
}

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
  const tokens = runTokenSource((forceRefresh) => ctx.microsoft.tokens.graphToken(connection, ctx.keyring, { forceRefresh }));
  const graph = ctx.microsoft.graphClient(tokens, { signal: ctx.signal, logger: ctx.logger });
  return { graph, connection };
}
