import express, { type Request, type Response, type Router } from 'express';
import { intuneForbiddenMessage, sendGraphError } from '../errors.ts';
import type { MicrosoftSimState, SimItem } from '../state.ts';
import { caller, hasAnyRole, sendPage } from './context.ts';
import { simFamilies, simFamilyNames, type SimFamily, type SimFamilyName } from './families.ts';

/** The Intune collections: list (paged, $expand=assignments), get by id, child collections. */
export function intuneRouter(state: MicrosoftSimState): Router {
  const router = express.Router({ mergeParams: true });
  for (const name of simFamilyNames) {
    const family: SimFamily = simFamilies[name];
    const base = `/${family.base}/${name}`;
    router.get(base, (req, res) => {
      if (!admit(res, name, family)) return;
      const expand = expansions(req);
      sendPage(req, res, items(res, name).map((item) => shape(item, family, expand)), state.pageSize);
    });
    router.get(`${base}/:id`, (req: Request<{ id: string }>, res) => {
      if (!admit(res, name, family)) return;
      const item = items(res, name).find((i) => i.id === req.params.id);
      if (!item) return sendGraphError(res, 404, 'ResourceNotFound', `Resource not found for the segment '${name}'.`);
      res.json(shape(item, family, expansions(req)));
    });
    for (const child of family.children ?? []) {
      router.get(`${base}/:id/${child}`, (req: Request<{ id: string }>, res) => {
        if (!admit(res, name, family)) return;
        const item = items(res, name).find((i) => i.id === req.params.id);
        if (!item) return sendGraphError(res, 404, 'ResourceNotFound', `Resource not found for the segment '${name}'.`);
        sendPage(req, res, Array.isArray(item[child]) ? (item[child] as unknown[]) : [], state.pageSize);
      });
    }
  }
  return router;
}

/** Intune's own checks, in its order: API version, license, then the scopes. */
function admit(res: Response, name: SimFamilyName, family: SimFamily): boolean {
  const { tenant, version } = caller(res);
  if (!family.versions.includes(version)) {
    sendGraphError(res, 400, 'BadRequest', `Resource not found for the segment '${name}'.`);
    return false;
  }
  if (!tenant.intuneLicensed) {
    sendGraphError(res, 400, 'BadRequest', 'Request not applicable to target tenant.');
    return false;
  }
  if (!hasAnyRole(res, family.accepted)) {
    sendGraphError(res, 403, 'Forbidden', intuneForbiddenMessage(family.scopeMessage));
    return false;
  }
  return true;
}

function items(res: Response, name: SimFamilyName): SimItem[] {
  return caller(res).tenant.intune[name];
}

function expansions(req: Request): Set<string> {
  return new Set(String(req.query.$expand ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

/** Child arrays (assignments, settings) appear only when expanded, as in Graph. */
function shape(item: SimItem, family: SimFamily, expand: Set<string>): SimItem {
  const copy: SimItem = { ...item };
  for (const key of ['assignments', ...(family.children ?? [])]) {
    if (!expand.has(key)) delete copy[key];
    else copy[key] ??= [];
  }
  return copy;
}
