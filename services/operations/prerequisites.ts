import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';

/** The tenant's default provider connection, which must exist and not be blocked. */
export async function usableDefaultConnection(db: Db, tenantId: string) {
  const connection = await db.providerConnection.findFirst({ where: { tenantId, isDefault: true } });
  if (!connection) throw new AppError('connection_missing');
  if (connection.status === 'blocked') {
    throw new AppError('connection_blocked', undefined, { detail: { provider_connection_id: connection.id, last_verification_run_id: connection.lastVerificationRunId } });
  }
  return connection;
}

export async function tenantLabel(db: Db, tenantId: string): Promise<string> {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { name: true } });
  if (!tenant) throw new AppError('not_found', 'That tenant does not exist.');
  return tenant.name;
}
