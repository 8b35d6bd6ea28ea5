import type { NextFunction, Request, Response } from 'express';
import { graphStatusCodes, sendGraphError } from '../errors.ts';
import type { MicrosoftSimState } from '../state.ts';
import { caller } from './context.ts';

const intunePath = /^\/(deviceManagement|deviceAppManagement)(\/|$)/;

/**
 * Intune's per-tenant budget (state.intuneThrottle, e.g. 1,000 requests / 20 s), over a
 * sliding window of the requests it admitted: beyond it, 429 TooManyRequests with a
 * Retry-After (whole seconds) until the oldest admitted request leaves the window.
 * Refused requests do not count. Mounted after the gateway (it needs the caller's tenant).
 */
export function intuneThrottle(state: MicrosoftSimState) {
  const admitted = new Map<string, number[]>();
  return (req: Request, res: Response, next: NextFunction): void => {
    const limit = state.intuneThrottle;
    if (!limit || !intunePath.test(req.path)) return next();
    const tenantId = caller(res).tenant.id;
    const windowMs = limit.windowSeconds * 1000;
    const now = Date.now();
    const times = admitted.get(tenantId) ?? [];
    admitted.set(tenantId, times);
    while (times.length > 0 && (times[0] ?? 0) <= now - windowMs) times.shift();
    if (times.length >= limit.requests) {
      const retryAfter = Math.max(1, Math.ceil(((times[times.length - limit.requests] ?? now) + windowMs - now) / 1000));
      const [code, message] = graphStatusCodes[429] ?? ['TooManyRequests', 'Too many requests.'];
      return sendGraphError(res, 429, code, message, retryAfter);
    }
    times.push(now);
    next();
  };
}
