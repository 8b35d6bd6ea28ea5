import http from 'node:http';
import express, { type Express } from 'express';
import type { Logger } from '../services/logger.ts';

export interface Readiness {
  /** Each dependency's reachability; any false answers 503. */
  check(): Promise<Record<string, boolean>>;
}

export interface HttpServerOptions {
  logger: Logger;
  readiness: Readiness;
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** Chat adapters mount their routes here (POST /api/messages, POST /slack/events). */
  mounts?: ((app: Express) => void)[];
}

/** The one express server: health, readiness, metrics and the chat endpoints. */
export function createHttpApp(options: HttpServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await options.readiness.check().catch(() => ({ check: false }));
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await options.metrics();
    res.type(contentType).send(body);
  });
  for (const mount of options.mounts ?? []) mount(app);
  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ error: 'not found' });
  });
  // Never echo internals: log the error, answer with a generic body.
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : 500;
    if (status >= 500) options.logger.error({ err: error }, 'request failed');
    res.status(status).json({ error: status >= 500 ? 'internal error' : 'bad request' });
  });
  return app;
}

export async function listen(app: Express, port: number, host: string): Promise<{ server: http.Server; url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
