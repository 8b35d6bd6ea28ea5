import http from 'node:http';
import express from 'express';
import { mountFakeBotConnector, type FakeBotConnector } from './bot-connector.ts';
import { BOT_FRAMEWORK_ISSUER, createBotTokenIssuer, type BotTokenClaims, type BotTokenIssuer } from './token-issuer.ts';

export interface TeamsSimulator {
  /** Base URL: use it as the activities' serviceUrl. */
  url: string;
  /** Set BOT_OPENID_METADATA_URL to this. */
  openIdMetadataUrl: string;
  connector: FakeBotConnector;
  issuer: BotTokenIssuer;
  /** A valid channel token for an activity sent to the bot. */
  signToken(claims: BotTokenClaims): Promise<string>;
  /** How often the bot fetched the OpenID metadata and keys. */
  readonly openIdRequests: number;
  close(): Promise<void>;
}

/**
 * The Teams side for tests and the demo, on 127.0.0.1 only: a fake Bot Connector at
 * /v3/... and the OpenID metadata + JWKS that validate tokens signed by `issuer`.
 */
export async function startTeamsSimulator(options?: { port?: number }): Promise<TeamsSimulator> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  const issuer = await createBotTokenIssuer();
  let url = '';
  let openIdRequests = 0;
  app.get('/openid/.well-known/openid-configuration', (_req, res) => {
    openIdRequests += 1;
    res.json({ issuer: BOT_FRAMEWORK_ISSUER, jwks_uri: `${url}/openid/keys`, id_token_signing_alg_values_supported: ['RS256'] });
  });
  app.get('/openid/keys', (_req, res) => {
    openIdRequests += 1;
    res.json({ keys: [issuer.jwk] });
  });
  const connector = mountFakeBotConnector(app);
  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ error: 'not simulated' });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options?.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    openIdMetadataUrl: `${url}/openid/.well-known/openid-configuration`,
    connector,
    issuer,
    signToken: (claims) => issuer.sign(claims),
    get openIdRequests() {
      return openIdRequests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
