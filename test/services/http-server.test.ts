import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp, listen } from '../../bot/http-server.ts';
import { createMetrics } from '../../services/metrics.ts';
import { silentLogger } from '../helpers/fixtures.ts';

const metrics = createMetrics();
let databaseUp = true;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  metrics.runsStarted.inc({ type: 'inventory.sync' });
  server = await listen(createHttpApp({
    logger: silentLogger,
    readiness: { check: async () => ({ database: databaseUp, queue: true }) },
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
    mounts: [(app) => app.get('/boom', () => { throw new Error('secret internals'); })],
  }), 0, '127.0.0.1');
});
afterAll(() => server.close());

describe('http server', () => {
  it('/healthz answers ok; /readyz answers 200 when every dependency is reachable and 503 otherwise', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({ status: 'ready', checks: { database: true, queue: true } });
    databaseUp = false;
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ checks: { database: false } });
    databaseUp = true;
  });

  it('/metrics serves Prometheus text with the run counters', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('operate_hub_runs_started_total{type="inventory.sync"} 1');
    expect(text).toContain('operate_hub_job_duration_seconds');
  });

  it('an unknown path is 404 and a failing route is a generic 500 that echoes nothing', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    const boom = await fetch(`${server.url}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('secret internals');
  });
});
