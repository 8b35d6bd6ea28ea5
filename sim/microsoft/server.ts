import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { entraFaultErrors, graphStatusCodes, intuneForbiddenMessage, sendEntraError, sendGraphError } from './errors.ts';
import { entraRouter } from './entra.ts';
import { graphGateway } from './graph/context.ts';
import { directoryRouter } from './graph/directory.ts';
import { intuneRouter } from './graph/intune.ts';
import { intuneWritesRouter } from './graph/intune-writes.ts';
import { intuneThrottle } from './graph/throttle.ts';
import type { Scenario, ScenarioInput } from './scenario.ts';
import { MicrosoftSimState } from './state.ts';
import { createTokenIssuer } from './tokens.ts';

export { MicrosoftSimState } from './state.ts';
export { loadScenario, scenarioSchema, type Scenario, type ScenarioInput, type Fault } from './scenario.ts';
export { simFamilies, simFamilyNames, type SimFamilyName } from './graph/families.ts';
export { simPermissions, type SimPermission } from './permissions.ts';
export { generateTenant, familyCounts, type GenerateOptions, type GeneratedTenant } from './generate.ts';

/** One request as the simulator saw it. Never bodies: token requests carry client secrets. */
export interface SimRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  status: number;
  faulted: boolean;
  clientId?: string;
}

export interface MicrosoftSimulator {
  /** Use as MICROSOFT_SIMULATOR_URL. */
  url: string;
  state: MicrosoftSimState;
  requestLog: SimRequest[];
  close(): Promise<void>;
}

/**
 * The Microsoft 365 simulator on 127.0.0.1: Entra ID under /login, Graph under /graph/{v1.0|beta}.
 * The transport in services/microsoft maps the real hosts onto these prefixes.
 */
export async function startMicrosoftSimulator(options: { scenario: Scenario | ScenarioInput; port?: number }): Promise<MicrosoftSimulator> {
  const state = new MicrosoftSimState(options.scenario);
  const issuer = await createTokenIssuer();
  const requestLog: SimRequest[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((req: Request, res: Response, next: NextFunction) => {
    const entry: SimRequest = { at: Date.now(), method: req.method, path: req.path, query: { ...req.query }, status: 0, faulted: false };
    res.on('finish', () => {
      entry.status = res.statusCode;
      if (typeof res.locals.clientId === 'string') entry.clientId = res.locals.clientId;
      requestLog.push(entry);
    });
    const fault = state.takeFault(req.method, req.path);
    if (!fault) return next();
    entry.faulted = true;
    if (req.path.startsWith('/login/')) {
      const [error, number, text] = entraFaultErrors[fault.status] ?? ['invalid_request', fault.aadsts ?? 90002, 'Injected failure.'];
      return sendEntraError(res, fault.status, error, fault.aadsts ?? number, fault.message ?? text, fault.retryAfter);
    }
    const [code, text] = graphStatusCodes[fault.status] ?? ['UnknownError', 'Injected failure.'];
    if (fault.scopes) return sendGraphError(res, fault.status, fault.code ?? 'Forbidden', intuneForbiddenMessage(fault.scopes), fault.retryAfter);
    return sendGraphError(res, fault.status, fault.code ?? code, fault.message ?? text, fault.retryAfter);
  });
  app.use('/login', entraRouter(state, issuer));
  app.use('/graph/:version', graphGateway(state, issuer), directoryRouter(state), intuneThrottle(state), intuneRouter(state));
  app.use('/graph/:version', graphGateway(state, issuer), intuneWritesRouter(state));
  app.use('/graph', (req, res) => sendGraphError(res, 400, 'BadRequest', `Resource not found for the segment '${req.path.split('/')[2] ?? ''}'.`));
  app.use((_req, res) => res.status(404).json({ error: 'not simulated' }));

  const server = app.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requestLog,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}
