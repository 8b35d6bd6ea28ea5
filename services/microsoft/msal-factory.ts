import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import { AppError } from '../errors.ts';
import { classifyMicrosoftError } from './classify.ts';
import type { MicrosoftTransport, ResponseObserver } from './transport.ts';

/** Client-secret credentials of one app registration (certificates come later). */
export interface AppCredentials {
  clientId: string;
  /** The real authority, e.g. authorityFor(tenantId) or authorityFor(BOT_FRAMEWORK_TENANT). */
  authority: string;
  clientSecret: string;
}

export interface AppToken {
  accessToken: string;
  expiresOn: Date | null;
}

/**
 * App-only tokens from one MSAL ConfidentialClientApplication, which keeps its own token cache.
 * Errors are AppErrors with taxonomy reason codes (the MSAL error stays as the cause).
 */
export interface AppTokenClient {
  acquireToken(scope: string, options?: { skipCache?: boolean }): Promise<AppToken>;
}

/**
 * The one place an MSAL client is built: the real https authority, traffic through the
 * transport (so the simulator and the host allow-list apply), MSAL logging off. Used for Graph
 * tokens per provider connection and by the Teams adapter for Bot Connector credentials
 * (authorityFor(BOT_FRAMEWORK_TENANT) + BOT_FRAMEWORK_SCOPE).
 */
export function createMsalClient(credentials: AppCredentials, transport: MicrosoftTransport, options?: { observe?: ResponseObserver }): AppTokenClient {
  const client = new ConfidentialClientApplication({
    auth: { clientId: credentials.clientId, authority: credentials.authority, clientSecret: credentials.clientSecret },
    system: {
      networkClient: transport.msalNetworkClient(options?.observe),
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => undefined },
    },
  });
  return {
    acquireToken: async (scope, acquireOptions) => {
      let result;
      try {
        result = await client.acquireTokenByClientCredential({ scopes: [scope], skipCache: acquireOptions?.skipCache ?? false });
      } catch (error) {
        const { code, detail } = classifyMicrosoftError(error);
        throw new AppError(code, undefined, { detail, cause: error, message: `token request failed: ${code}` });
      }
      if (!result?.accessToken) throw new AppError('provider_unknown', 'The token endpoint returned no access token.');
      return { accessToken: result.accessToken, expiresOn: result.expiresOn };
    },
  };
}
