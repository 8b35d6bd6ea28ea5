import { randomBytes, randomUUID } from 'node:crypto';
import { errors, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface IssueRequest {
  tenantId: string;
  clientId: string;
  appDisplayName: string;
  servicePrincipalId: string;
  /** The resource: Graph's origin, or the Bot Framework API. */
  audience: string;
  /** Omitted when empty: Entra issues no `roles` claim without consented app permissions. */
  roles: string[];
  lifetimeSeconds?: number;
}

export interface AccessClaims extends JWTPayload {
  tid: string;
  appid: string;
  uti: string;
  roles?: string[];
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'audience' | 'invalid' };

/** RS256 keys the simulator holds; tokens look like Entra's v1 app-only access tokens. */
export interface TokenIssuer {
  issue(request: IssueRequest): Promise<{ token: string; uti: string; expiresIn: number }>;
  verify(token: string, audience: string): Promise<VerifyResult>;
  jwks(): { keys: JWK[] };
}

export async function createTokenIssuer(): Promise<TokenIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(12).toString('base64url');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  return {
    issue: async (request) => {
      const uti = randomBytes(16).toString('base64url');
      const expiresIn = request.lifetimeSeconds ?? 3599;
      const issuer = `https://sts.windows.net/${request.tenantId}/`;
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        aio: randomUUID(), app_displayname: request.appDisplayName, appid: request.clientId, appidacr: '1', idp: issuer,
        idtyp: 'app', oid: request.servicePrincipalId, rh: randomUUID(), sub: request.servicePrincipalId,
        tid: request.tenantId, uti, ver: '1.0', ...(request.roles.length > 0 ? { roles: request.roles } : {}),
      })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
        .setAudience(request.audience).setIssuer(issuer).setIssuedAt(now).setNotBefore(now - 300).setExpirationTime(now + expiresIn)
        .sign(privateKey as CryptoKey);
      return { token, uti, expiresIn };
    },
    verify: async (token, audience) => {
      try {
        const { payload } = await jwtVerify<AccessClaims>(token, publicKey as CryptoKey, { audience });
        return { ok: true, claims: payload };
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return { ok: false, reason: 'audience' };
        return { ok: false, reason: 'invalid' };
      }
    },
    jwks: () => ({ keys: [publicJwk] }),
  };
}
