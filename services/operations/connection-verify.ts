import { z } from 'zod/v4';
import { AppError } from '../errors.ts';
import { defineOperation } from './definition.ts';

export const connectionVerifyInputSchema = z.strictObject({
  /** The connection to verify; the tenant's default connection when omitted. */
  connectionId: z.uuid().optional(),
});

export const connectionVerify = defineOperation({
  type: 'provider_connection.verify',
  inputSchema: connectionVerifyInputSchema,
  identityScope: 'active',
  identity: ({ context }) => ({ connection_id: context.provider_connection_id ?? '' }),
  requiredRole: 'operator',
  prerequisites: async (reads, _tenantId, input) => {
    const connection = await (input.connectionId ? reads.connection(input.connectionId) : reads.defaultConnection());
    if (!connection) {
      throw input.connectionId ? new AppError('not_found', 'No such connection in this tenant.') : new AppError('connection_missing');
    }
    return {
      provider_connection_id: connection.id,
      target_scope: { kind: 'connection', id: connection.id, label: connection.displayName ?? `App ${connection.clientId}` },
    };
  },
  expireInSeconds: 300,
  timeoutSeconds: 240,
  retryLimit: 2,
});
