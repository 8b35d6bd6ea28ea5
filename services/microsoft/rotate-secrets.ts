import type { Db } from '../db/client.ts';
import { keyId } from '../config.ts';
import { AppError } from '../errors.ts';
import { openSecret, sealSecret, type SecretKeyring } from '../secrets.ts';

export interface RotationResult {
  /** Connections with a stored secret. */
  total: number;
  /** Re-encrypted under the current key by this call. */
  rotated: number;
  /** Already under the current key. */
  current: number;
}

/**
 * Re-encrypts every provider secret under keyring.current, in one transaction. A secret under a
 * key the keyring does not hold is an error naming it, and nothing changes.
 */
export async function rotateConnectionSecrets(db: Db, keyring: SecretKeyring): Promise<RotationResult> {
  const rows = await db.providerConnection.findMany({
    where: { secretCiphertext: { not: null } },
    select: { id: true, secretCiphertext: true, secretKeyId: true },
    orderBy: { createdAt: 'asc' },
  });
  const currentId = keyId(keyring.current);
  const known = new Set([keyring.current, ...keyring.previous].map(keyId));
  const unknown = rows.filter((r) => !r.secretKeyId || !known.has(r.secretKeyId));
  if (unknown.length > 0) {
    const list = unknown.map((r) => `${r.id} (key ${r.secretKeyId ?? 'none'})`).join(', ');
    throw new AppError('provider_credential_missing', `${unknown.length} secret(s) are encrypted with a key this server does not have: ${list}. Add that key to OPERATE_HUB_PREVIOUS_KEYS and run keys rotate again; nothing was changed.`, {
      detail: { connections: unknown.map((r) => ({ id: r.id, key_id: r.secretKeyId })) },
    });
  }
  const stale = rows.filter((r) => r.secretKeyId !== currentId);
  let rotated = 0;
  await db.$transaction(async (tx) => {
    for (const row of stale) {
      const sealed = sealSecret(keyring, openSecret(keyring, { ciphertext: row.secretCiphertext ?? '', keyId: row.secretKeyId ?? '' }));
      // Guarded by the old ciphertext: a secret replaced meanwhile is already under the current key.
      const { count } = await tx.providerConnection.updateMany({
        where: { id: row.id, secretCiphertext: row.secretCiphertext },
        data: { secretCiphertext: sealed.ciphertext, secretKeyId: sealed.keyId },
      });
      rotated += count;
    }
  });
  return { total: rows.length, rotated, current: rows.length - rotated };
}
