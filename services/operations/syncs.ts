import { z } from 'zod/v4';
import { defineOperation } from './definition.ts';
import { tenantLabel, usableDefaultConnection } from './prerequisites.ts';
import type { StartReads } from '../runs/start-reads.ts';

const syncInputSchema = z.strictObject({});

async function syncPrerequisites(reads: StartReads, tenantId: string) {
  const [connection, label] = await Promise.all([usableDefaultConnection(reads), tenantLabel(reads)]);
  return {
    provider_connection_id: connection.id,
    target_scope: { kind: 'tenant' as const, id: tenantId, label },
  };
}

export const inventorySync = defineOperation({
  type: 'inventory.sync',
  inputSchema: syncInputSchema,
  identityScope: 'active',
  identity: ({ tenantId }) => ({ tenant_id: tenantId }),
  requiredRole: 'operator',
  prerequisites: (reads, tenantId) => syncPrerequisites(reads, tenantId),
  expireInSeconds: 1800,
  timeoutSeconds: 1500,
  retryLimit: 2,
});

export const directoryGroupsSync = defineOperation({
  type: 'directory_groups.sync',
  inputSchema: syncInputSchema,
  identityScope: 'active',
  identity: ({ tenantId }) => ({ tenant_id: tenantId }),
  requiredRole: 'operator',
  prerequisites: (reads, tenantId) => syncPrerequisites(reads, tenantId),
  expireInSeconds: 1200,
  timeoutSeconds: 900,
  retryLimit: 2,
});
