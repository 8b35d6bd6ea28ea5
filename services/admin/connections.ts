import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { ProviderConnection } from '../db/generated/client.ts';
import { guidSchema } from './tenants.ts';
import { sealSecret, type SecretKeyring } from '../secrets.ts';

export type { ProviderConnection };

/** A connection as shown anywhere: never the ciphertext. */
export type ConnectionView = Omit<ProviderConnection, 'secretCiphertext'> & { hasSecret: boolean };

export function connectionView(connection: ProviderConnection): ConnectionView {
  const { secretCiphertext, ...rest } = connection;
  return { ...rest, hasSecret: secretCiphertext !== null };
}

export async function addConnection(
  db: Db,
  input: { tenantId: string; clientId: string; entraTenantId: string; displayName?: string },
): Promise<ConnectionView> {
  for (const [label, value] of [['--client-id', input.clientId], ['--entra-tenant-id', input.entraTenantId]] as const) {
    if (!guidSchema.safeParse(value).success) throw new AppError('invalid_input', `${label} "${value}" is not a GUID.`);
  }
  const connection = await db.$transaction(async (tx) => {
    const hasDefault = (await tx.providerConnection.count({ where: { tenantId: input.tenantId, isDefault: true } })) > 0;
    return tx.providerConnection.create({
      data: {
        tenantId: input.tenantId, clientId: input.clientId.toLowerCase(), entraTenantId: input.entraTenantId.toLowerCase(),
        displayName: input.displayName ?? null, isDefault: !hasDefault,
      },
    });
  });
  return connectionView(connection);
}

export async function listConnections(db: Db, tenantId?: string): Promise<ConnectionView[]> {
  const rows = await db.providerConnection.findMany({ where: tenantId ? { tenantId } : {}, orderBy: { createdAt: 'asc' } });
  return rows.map(connectionView);
}

/** The given connection of the tenant, or its default one. */
export async function resolveConnection(db: Db, tenantId: string, connectionId?: string): Promise<ProviderConnection> {
  const connection = await db.providerConnection.findFirst({
    where: connectionId ? { tenantId, id: connectionId } : { tenantId, isDefault: true },
  });
  if (!connection) {
    throw connectionId ? new AppError('not_found', `No connection ${connectionId} in this tenant.`) : new AppError('connection_missing');
  }
  return connection;
}

/** Stores a new client secret, encrypted. The status changes only when a verification says so. */
export async function setConnectionSecret(db: Db, keyring: SecretKeyring, connection: ProviderConnection, secret: string): Promise<ConnectionView> {
  if (!secret.trim()) throw new AppError('invalid_input', 'The secret is empty; pipe the secret VALUE on standard input.');
  if (/[\r\n]/.test(secret)) throw new AppError('invalid_input', 'The secret must be a single line.');
  const sealed = sealSecret(keyring, secret);
  const updated = await db.providerConnection.update({
    where: { id: connection.id },
    data: { secretCiphertext: sealed.ciphertext, secretKeyId: sealed.keyId },
  });
  return connectionView(updated);
}
