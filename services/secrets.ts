import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from './errors.ts';
import { keyId } from './config.ts';

/** The current key and older keys still accepted for decryption (rotation). */
export interface SecretKeyring {
  current: string;
  previous: string[];
}

export interface SealedSecret {
  ciphertext: string;
  keyId: string;
}

/** AES-256-GCM; stored as base64(iv[12] | tag[16] | ciphertext) with the key id beside it. */
export function sealSecret(keyring: SecretKeyring, plaintext: string): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyring.current, 'base64'), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'), keyId: keyId(keyring.current) };
}

export function openSecret(keyring: SecretKeyring, sealed: SealedSecret): string {
  const key = [keyring.current, ...keyring.previous].find((k) => keyId(k) === sealed.keyId);
  if (!key) {
    throw new AppError('provider_credential_missing', 'The stored client secret was encrypted with a key this server does not have.', {
      detail: { key_id: sealed.keyId },
      message: `no key with id ${sealed.keyId} in OPERATE_HUB_SECRET_KEY / OPERATE_HUB_PREVIOUS_KEYS`,
    });
  }
  const raw = Buffer.from(sealed.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64'), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new AppError('provider_credential_missing', 'The stored client secret cannot be decrypted.', { cause: error, message: 'secret authentication tag mismatch' });
  }
}
