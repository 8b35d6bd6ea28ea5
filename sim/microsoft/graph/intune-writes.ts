import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { graphStatusCodes, intuneForbiddenMessage, sendGraphError } from '../errors.ts';
import type { MicrosoftSimState, SimItem, SimTenant } from '../state.ts';
import { caller, hasAnyRole } from './context.ts';
import { simFamilies } from './families.ts';

/** The families restore writes, with the role Intune demands (ReadWrite only) and the assign body's list. */
const writable = {
  deviceConfigurations: { role: 'DeviceManagementConfiguration.ReadWrite.All', assignKey: 'assignments' },
  deviceCompliancePolicies: { role: 'DeviceManagementConfiguration.ReadWrite.All', assignKey: 'assignments' },
  deviceEnrollmentConfigurations: { role: 'DeviceManagementServiceConfig.ReadWrite.All', assignKey: 'enrollmentConfigurationAssignments' },
} as const;
type WritableFamily = keyof typeof writable;

/** One write as applied (bodies are policy JSON, never credentials, so they are kept). */
export interface SimWrite {
  at: number;
  tenantId: string;
  family: WritableFamily;
  action: 'create' | 'update' | 'assign';
  id: string;
  body: Record<string, unknown>;
}

interface WriteControl {
  /** Intune's write limit per tenant: 100 writes / 20 s. */
  limit: { writes: number; windowSeconds: number };
  admitted: Map<string, number[]>;
  log: SimWrite[];
}

const controls = new WeakMap<MicrosoftSimState, WriteControl>();

function control(state: MicrosoftSimState): WriteControl {
  let found = controls.get(state);
  if (!found) {
    found = { limit: { writes: 100, windowSeconds: 20 }, admitted: new Map(), log: [] };
    controls.set(state, found);
  }
  return found;
}

/** The writes this simulator applied, oldest first. */
export function intuneWriteLog(state: MicrosoftSimState): readonly SimWrite[] {
  return control(state).log;
}

/** Changes the write limit (tests use a small window instead of 100 writes). */
export function setIntuneWriteLimit(state: MicrosoftSimState, limit: { writes: number; windowSeconds: number }): void {
  control(state).limit = { ...limit };
}

/** Sliding window of admitted writes; refused ones do not count. False = a 429 was sent. */
function admitWrite(state: MicrosoftSimState, res: Response): boolean {
  const { limit, admitted } = control(state);
  const tenantId = caller(res).tenant.id;
  const now = Date.now();
  const windowMs = limit.windowSeconds * 1000;
  const times = admitted.get(tenantId) ?? [];
  admitted.set(tenantId, times);
  while (times.length > 0 && (times[0] ?? 0) <= now - windowMs) times.shift();
  if (times.length >= limit.writes) {
    const retryAfter = Math.max(1, Math.ceil(((times[times.length - limit.writes] ?? now) + windowMs - now) / 1000));
    const [code, message] = graphStatusCodes[429] ?? ['TooManyRequests', 'Too many requests.'];
    sendGraphError(res, 429, code, message, retryAfter);
    return false;
  }
  times.push(now);
  return true;
}

/** Intune's order: API version, license, scopes, then the write budget. */
function admit(state: MicrosoftSimState, res: Response, name: WritableFamily): boolean {
  const { tenant, version } = caller(res);
  const refusal: [number, string, string] | null = !simFamilies[name].versions.includes(version) ? [400, 'BadRequest', `Resource not found for the segment '${name}'.`]
    : !tenant.intuneLicensed ? [400, 'BadRequest', 'Request not applicable to target tenant.']
      : !hasAnyRole(res, [writable[name].role]) ? [403, 'Forbidden', intuneForbiddenMessage([writable[name].role])]
        : null;
  if (!refusal) return admitWrite(state, res);
  sendGraphError(res, ...refusal);
  return false;
}

function bodyOf(req: Request): Record<string, unknown> | null {
  const body: unknown = req.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
}

function record(state: MicrosoftSimState, tenant: SimTenant, family: WritableFamily, action: SimWrite['action'], id: string, body: Record<string, unknown>): void {
  control(state).log.push({ at: Date.now(), tenantId: tenant.id, family, action, id, body: structuredClone(body) });
}

/**
 * Graph writes for the families restore supports: POST (create), PATCH (update in place),
 * POST .../assign (replace the assignments). Applied to the state, journaled, throttled at
 * Intune's write limit. A type change, a created default (priority 0) and an assignment to a
 * group the tenant does not have are refused, as Intune refuses them.
 */
export function intuneWritesRouter(state: MicrosoftSimState): Router {
  const router = express.Router({ mergeParams: true });
  router.use(express.json({ limit: '5mb' }));
  for (const name of Object.keys(writable) as WritableFamily[]) {
    const base = `/${simFamilies[name].base}/${name}`;
    const find = (res: Response, id: string): SimItem | undefined => caller(res).tenant.intune[name].find((i) => i.id === id);
    router.post(base, (req, res) => {
      if (!admit(state, res, name)) return;
      const body = bodyOf(req);
      if (!body || typeof body['@odata.type'] !== 'string' || typeof body.displayName !== 'string') return sendGraphError(res, 400, 'BadRequest', 'The request body needs @odata.type and displayName.');
      if (name === 'deviceEnrollmentConfigurations' && body.priority === 0) return sendGraphError(res, 400, 'BadRequest', 'A default configuration (priority 0) cannot be created.');
      const now = new Date().toISOString();
      const { tenant } = caller(res);
      const { id: _ignored, assignments: _none, ...fields } = body;
      const item: SimItem = { ...fields, id: randomUUID(), createdDateTime: now, lastModifiedDateTime: now };
      tenant.intune[name].push(item);
      record(state, tenant, name, 'create', item.id, body);
      res.status(201).json(item);
    });
    router.patch(`${base}/:id`, (req: Request<{ id: string }>, res) => {
      if (!admit(state, res, name)) return;
      const item = find(res, req.params.id);
      if (!item) return sendGraphError(res, 404, 'ResourceNotFound', `Resource not found for the segment '${name}'.`);
      const body = bodyOf(req);
      if (!body) return sendGraphError(res, 400, 'BadRequest', 'The request body must be a JSON object.');
      if (body['@odata.type'] !== undefined && body['@odata.type'] !== item['@odata.type']) return sendGraphError(res, 400, 'BadRequest', 'The @odata.type of an existing object cannot be changed.');
      if (body.priority !== undefined && body.priority !== item.priority && item.priority === 0) return sendGraphError(res, 400, 'BadRequest', 'The priority of a default configuration cannot be changed.');
      const { id: _ignored, assignments: _none, ...fields } = body;
      Object.assign(item, fields, { lastModifiedDateTime: new Date().toISOString() });
      record(state, caller(res).tenant, name, 'update', item.id, body);
      res.status(204).end();
    });
    router.post(`${base}/:id/assign`, (req: Request<{ id: string }>, res) => {
      if (!admit(state, res, name)) return;
      const item = find(res, req.params.id);
      if (!item) return sendGraphError(res, 404, 'ResourceNotFound', `Resource not found for the segment '${name}'.`);
      const list = bodyOf(req)?.[writable[name].assignKey];
      if (!Array.isArray(list)) return sendGraphError(res, 400, 'BadRequest', `The request body needs ${writable[name].assignKey}.`);
      const { tenant } = caller(res);
      const targets = list.map((a) => ((a as { target?: Record<string, unknown> } | null)?.target ?? {}));
      const unknownGroup = targets.map((t) => t.groupId).find((g) => typeof g === 'string' && !tenant.groups.has(g.toLowerCase()));
      if (unknownGroup) return sendGraphError(res, 400, 'BadRequest', `Group ${String(unknownGroup)} was not found in the tenant.`);
      item.assignments = targets.map((target, i) => ({ id: `${item.id}_${typeof target.groupId === 'string' ? target.groupId : i}`, target }));
      record(state, tenant, name, 'assign', item.id, bodyOf(req) ?? {});
      if (name === 'deviceEnrollmentConfigurations') res.status(204).end();
      else res.json({ value: item.assignments });
    });
  }
  return router;
}
