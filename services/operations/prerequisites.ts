import { AppError } from '../errors.ts';
import type { StartReads } from '../runs/start-reads.ts';

/** The tenant's default provider connection, which must exist and not be blocked. */
export async function usableDefaultConnection(reads: StartReads) {
  const connection = await reads.defaultConnection();
  if (!connection) throw new AppError('connection_missing');
  if (connection.status === 'blocked') {
    throw new AppError('connection_blocked', undefined, { detail: { provider_connection_id: connection.id, last_verification_run_id: connection.lastVerificationRunId } });
  }
  return connection;
}

export async function tenantLabel(reads: StartReads): Promise<string> {
  const tenant = await reads.tenant();
  if (!tenant) throw new AppError('not_found', 'That tenant does not exist.');
  return tenant.name;
}
