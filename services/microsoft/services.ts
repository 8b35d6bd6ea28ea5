import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { SecretKeyring } from '../secrets.ts';
import { createConnectionTokens, type ConnectionCredentialRef, type ConnectionTokens, type RetryPolicy } from './credentials.ts';
import { createGraphClient, type GraphClient, type TokenSource } from './graph-client.ts';
import { createTransport, type MicrosoftTransport } from './transport.ts';

/**
 * Everything that talks to Microsoft, built once per process in the composition root and
 * handed to the worker. Holds the per-connection token caches.
 */
export interface MicrosoftServices {
  transport: MicrosoftTransport;
  retry: RetryPolicy;
  tokens: ConnectionTokens;
  graphClient(tokens: TokenSource, options?: { signal?: AbortSignal; logger?: Logger }): GraphClient;
  /** A Graph client on the connection's cached token (refreshed when Graph rejects it). */
  graphForConnection(connection: ConnectionCredentialRef, keyring: SecretKeyring, options?: { signal?: AbortSignal; logger?: Logger }): GraphClient;
}

export type MicrosoftConfig = Pick<Config, 'MICROSOFT_SIMULATOR_URL' | 'MICROSOFT_MAX_RETRIES' | 'MICROSOFT_MAX_RETRY_DELAY_SECONDS' | 'MICROSOFT_REQUEST_TIMEOUT_SECONDS'>;

export function createMicrosoftServices(config: MicrosoftConfig): MicrosoftServices {
  const transport = createTransport({ simulatorUrl: config.MICROSOFT_SIMULATOR_URL, timeoutMs: config.MICROSOFT_REQUEST_TIMEOUT_SECONDS * 1000 });
  const retry = { maxRetries: config.MICROSOFT_MAX_RETRIES, maxDelaySeconds: config.MICROSOFT_MAX_RETRY_DELAY_SECONDS };
  const tokens = createConnectionTokens(transport);
  const graphClient: MicrosoftServices['graphClient'] = (source, options) =>
    createGraphClient({ transport, tokens: source, retry, ...(options?.signal ? { signal: options.signal } : {}), ...(options?.logger ? { logger: options.logger } : {}) });
  return {
    transport,
    retry,
    tokens,
    graphClient,
    graphForConnection: (connection, keyring, options) => graphClient({
      getAccessToken: async (refresh) => (await tokens.graphToken(connection, keyring, { forceRefresh: refresh?.forceRefresh ?? false })).accessToken,
    }, options),
  };
}
