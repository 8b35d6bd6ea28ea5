import type { NextFunction, Request, Response } from 'express';
import { GRAPH_ORIGIN } from '../../../services/microsoft/hosts.ts';
import { sendGraphError } from '../errors.ts';
import type { MicrosoftSimState, SimApp, SimTenant } from '../state.ts';
import type { TokenIssuer } from '../tokens.ts';

/** Who is calling, from a verified token. */
export interface GraphCaller { tenant: SimTenant; app: SimApp | undefined; roles: ReadonlySet<string>; version: 'v1.0' | 'beta' }

export function caller(res: Response): GraphCaller {
  return res.locals.graph as GraphCaller;
}

/** Graph's gateway: API version, bearer token signature/audience/lifetime, roles present. */
export function graphGateway(state: MicrosoftSimState, issuer: TokenIssuer) {
  return async (req: Request<{ version: string }>, res: Response, next: NextFunction): Promise<void> => {
    const version = req.params.version;
    if (version !== 'v1.0' && version !== 'beta') return sendGraphError(res, 400, 'BadRequest', `Invalid version: ${version}`);
    const header = req.get('authorization') ?? '';
    if (!/^Bearer\s+\S+/i.test(header)) return sendGraphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const result = await issuer.verify(header.replace(/^Bearer\s+/i, ''), GRAPH_ORIGIN);
    if (!result.ok) {
      const message = { expired: 'Lifetime validation failed, the token is expired.', audience: 'Access token validation failure. Invalid audience.', invalid: 'Access token validation failure.' }[result.reason];
      return sendGraphError(res, 401, 'InvalidAuthenticationToken', message);
    }
    if (state.revokedTokens.has(result.claims.uti)) return sendGraphError(res, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    const tenant = state.findTenant(result.claims.tid);
    if (!tenant) return sendGraphError(res, 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid tenant.');
    const roles = result.claims.roles ?? [];
    if (roles.length === 0) return sendGraphError(res, 401, 'InvalidAuthenticationToken', 'Either scp or roles claim need to be present in the token.');
    res.locals.graph = { tenant, app: tenant.apps.get(result.claims.appid), roles: new Set(roles), version } satisfies GraphCaller;
    next();
  };
}

export function hasAnyRole(res: Response, accepted: readonly string[]): boolean {
  const { roles } = caller(res);
  return accepted.some((r) => roles.has(r));
}

/** One page of a collection; nextLink on the REAL host, other query options kept. */
export function sendPage(req: Request, res: Response, items: readonly unknown[], pageSize: number, extra?: Record<string, unknown>): void {
  const top = Math.max(1, Math.min(Number(req.query.$top) || pageSize, pageSize));
  const offset = decodeSkipToken(req.query.$skiptoken);
  const page = items.slice(offset, offset + top);
  const body: Record<string, unknown> = { '@odata.context': `${GRAPH_ORIGIN}/${caller(res).version}/$metadata`, value: page };
  if (offset + top < items.length) body['@odata.nextLink'] = linkWith(req, { $skiptoken: encodeToken({ offset: offset + top }) });
  else if (extra) Object.assign(body, extra);
  res.json(body);
}

/** The request's own URL on the real Graph host with some query options replaced. */
export function linkWith(req: Request, replace: Record<string, string>, drop: readonly string[] = []): string {
  const [path = '', query = ''] = req.originalUrl.replace(/^\/graph/, '').split('?');
  const removed = [...Object.keys(replace), ...drop];
  const kept = query.split('&').filter((pair) => pair && !removed.includes(decodeURIComponent(pair.split('=')[0] ?? '')));
  const added = Object.entries(replace).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return `${GRAPH_ORIGIN}${path}?${[...kept, ...added].join('&')}`;
}

export function encodeToken(value: Record<string, number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken(raw: unknown): Record<string, number> | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, number>;
  } catch {
    return undefined;
  }
}

function decodeSkipToken(raw: unknown): number {
  return Math.max(0, Number(decodeToken(raw)?.offset ?? 0) || 0);
}
