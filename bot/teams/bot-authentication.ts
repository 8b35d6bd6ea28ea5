import { CallerIdConstants, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { AuthenticationConstants, MsalServiceClientCredentialsFactory, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Config } from '../../services/config.ts';
import { AppError } from '../../services/errors.ts';
import { createMsalClient, type AppTokenClient } from '../../services/microsoft/msal-factory.ts';
import { authorityFor, BOT_FRAMEWORK_TENANT } from '../../services/microsoft/hosts.ts';
import { createTransport } from '../../services/microsoft/transport.ts';

export interface BotAuthentication {
  authentication: ConfigurationBotFrameworkAuthentication;
  /** false = unauthenticated local mode (no MICROSOFT_APP_ID). */
  authenticated: boolean;
  appId: string;
}

type MsalClientLike = ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1];

/**
 * botframework-connector's MSAL credentials factory wants a ConfidentialClientApplication;
 * it only calls acquireTokenByClientCredential. Ours comes from services/microsoft, so the
 * Bot Connector token request goes through the one transport (and the simulator in tests).
 */
function msalClientFor(tokens: AppTokenClient): MsalClientLike {
  const client = {
    acquireTokenByClientCredential: async (request: { scopes: string[]; skipCache?: boolean }) => {
      const token = await tokens.acquireToken(request.scopes[0] ?? '', { skipCache: request.skipCache ?? false });
      return { accessToken: token.accessToken, expiresOn: token.expiresOn };
    },
  };
  return client as unknown as MsalClientLike;
}

function credentialsFactory(config: Config, appId: string): ServiceClientCredentialsFactory {
  if (config.MICROSOFT_APP_TYPE === 'UserAssignedMSI') {
    throw new AppError('invalid_input', 'MICROSOFT_APP_TYPE=UserAssignedMSI is not supported yet: use MultiTenant or SingleTenant with MICROSOFT_APP_PASSWORD.');
  }
  const tenant = config.MICROSOFT_APP_TYPE === 'SingleTenant' ? (config.MICROSOFT_APP_TENANT_ID ?? '') : BOT_FRAMEWORK_TENANT;
  const transport = createTransport({ simulatorUrl: config.MICROSOFT_SIMULATOR_URL, timeoutMs: config.MICROSOFT_REQUEST_TIMEOUT_SECONDS * 1000 });
  const tokens = createMsalClient({ clientId: appId, authority: authorityFor(tenant), clientSecret: config.MICROSOFT_APP_PASSWORD ?? '' }, transport);
  return new MsalServiceClientCredentialsFactory(appId, msalClientFor(tokens));
}

/**
 * Bot Framework authentication from configuration. Inbound: issuer api.botframework.com,
 * audience = app id, keys from BOT_OPENID_METADATA_URL (default: Microsoft's). The emulator
 * and skill paths use the same metadata when it is overridden, so a token claiming another
 * issuer never makes the bot fetch keys from a host the configuration did not name.
 */
export function createBotAuthentication(config: Config): BotAuthentication {
  const appId = config.MICROSOFT_APP_ID ?? '';
  if (!appId) {
    return { authentication: new ConfigurationBotFrameworkAuthentication({}, new ConfigurationServiceClientCredentialFactory({})), authenticated: false, appId };
  }
  const channelMetadata = config.BOT_OPENID_METADATA_URL ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl;
  const loginUrl = config.MICROSOFT_APP_TYPE === 'SingleTenant' ? authorityFor(config.MICROSOFT_APP_TENANT_ID ?? '') : AuthenticationConstants.ToChannelFromBotLoginUrl;
  const authentication = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: appId,
      MicrosoftAppTenantId: config.MICROSOFT_APP_TENANT_ID ?? '',
      ValidateAuthority: true,
      ToChannelFromBotLoginUrl: loginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: channelMetadata,
      ToBotFromEmulatorOpenIdMetadataUrl: config.BOT_OPENID_METADATA_URL ?? AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
    },
    credentialsFactory(config, appId),
  );
  return { authentication, authenticated: true, appId };
}
