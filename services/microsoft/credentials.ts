import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../errors.ts';
import { openSecret, type SecretKeyring } from '../secrets.ts';
import { authorityFor, GRAPH_SCOPE } from './hosts.ts';
import { createMsalClient, type AppToken, type AppTokenClient } from './msal-factory.ts';
import type { MicrosoftTransport } from './transport.ts';

/** The columns of a provider connection that token acquisition needs. */
export interface ConnectionCredentialRef {
  id: string;
  entraTenantId: string;
  clientId: string;
  secretCiphertext: string | null;
  secretKeyId: string | null;
}

export interface RetryPolicy { maxRetries: number; maxDelaySeconds: number }

export interface FreshToken extends AppToken {
  /** Throttled/unavailable token requests retried before this one succeeded. */
  retries: number;
}

export interface ConnectionTokens {
  /**
   * For syncs, backups and restores: one MSAL client (and token cache) per connection and
   * secret. forceRefresh skips the cache (after Graph rejected the cached token).
   */
  graphToken(connection: ConnectionCredentialRef, keyring: SecretKeyring, options?: { forceRefresh?: boolean }): Promise<AppToken>;
  /** For verification: a new client every time, so the roles are Entra's current ones. */
  freshGraphToken(connection: ConnectionCredentialRef, keyring: SecretKeyring, options: { retry: RetryPolicy; signal?: AbortSignal }): Promise<FreshToken>;
}

const transient = new Set(['provider_throttled', 'provider_unavailable']);

export function createConnectionTokens(transport: MicrosoftTransport): ConnectionTokens {
  const cache = new Map<string, { ciphertext: string; client: AppTokenClient }>();

  /** The only place a connection's secret is decrypted; it goes straight into MSAL. */
  const openClient = (connection: ConnectionCredentialRef, keyring: SecretKeyring, observe?: (retryAfter: number | undefined) => void): AppTokenClient => {
    if (!connection.secretCiphertext || !connection.secretKeyId) throw new AppError('provider_credential_missing');
    const clientSecret = openSecret(keyring, { ciphertext: connection.secretCiphertext, keyId: connection.secretKeyId });
    return createMsalClient({ clientId: connection.clientId, authority: authorityFor(connection.entraTenantId), clientSecret }, transport, {
      ...(observe ? { observe: ({ status, headers }) => { if (status === 429 || status >= 500) observe(retryAfterSeconds(headers['retry-after'])); } } : {}),
    });
  };

  return {
    graphToken: async (connection, keyring, options) => {
      let entry = cache.get(connection.id);
      if (!entry || entry.ciphertext !== connection.secretCiphertext) {
        entry = { ciphertext: connection.secretCiphertext ?? '', client: openClient(connection, keyring) };
        cache.set(connection.id, entry);
      }
      return entry.client.acquireToken(GRAPH_SCOPE, { skipCache: options?.forceRefresh ?? false });
    },
    freshGraphToken: async (connection, keyring, { retry, signal }) => {
      for (let attempt = 0; ; attempt += 1) {
        let retryAfter: number | undefined;
        try {
          // A new client per attempt: MSAL remembers a 429 and would fail the next call unsent.
          const client = openClient(connection, keyring, (seconds) => { retryAfter = seconds; });
          return { ...(await client.acquireToken(GRAPH_SCOPE, { skipCache: true })), retries: attempt };
        } catch (error) {
          const delay = retryAfter ?? 2 ** attempt;
          if (!(error instanceof AppError) || !transient.has(error.code) || attempt >= retry.maxRetries || delay > retry.maxDelaySeconds) throw error;
          await sleep(delay * 1000, undefined, signal ? { signal } : undefined);
        }
      }
    },
  };
}

function retryAfterSeconds(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
