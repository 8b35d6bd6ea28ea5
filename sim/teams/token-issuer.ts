import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';

/** The issuer Bot Framework puts in channel tokens (botframework-connector channelValidation). */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export interface BotTokenClaims {
  /** The bot's app id (MICROSOFT_APP_ID): the token's audience. */
  appId: string;
  /** Must equal the activity's serviceUrl. */
  serviceUrl: string;
  issuer?: string;
  expiresInSeconds?: number;
}

export interface BotTokenIssuer {
  kid: string;
  /** The public key as the OpenID metadata's jwks_uri serves it. */
  jwk: JWK & { kid: string; endorsements: string[] };
  sign(claims: BotTokenClaims): Promise<string>;
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

async function signWith(key: PrivateKey, kid: string, claims: BotTokenClaims): Promise<string> {
  return new SignJWT({ serviceurl: claims.serviceUrl })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(claims.issuer ?? BOT_FRAMEWORK_ISSUER)
    .setAudience(claims.appId)
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(`${claims.expiresInSeconds ?? 600}s`)
    .sign(key);
}

/**
 * Signs Bot Framework channel tokens the way the Bot Connector does (RS256, issuer
 * api.botframework.com, audience = bot app id, `serviceurl` claim), with a key published
 * by sim/teams' OpenID endpoint. For tests and the demo only.
 */
export async function createBotTokenIssuer(): Promise<BotTokenIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `sim-${randomUUID().slice(0, 8)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] };
  return { kid, jwk, sign: (claims) => signWith(privateKey, kid, claims) };
}

/** A token with the published key id but signed by a key nobody published (a forgery). */
export async function forgeBotToken(kid: string, claims: BotTokenClaims): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return signWith(privateKey, kid, claims);
}
