import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { decodeJwt } from 'jose';
import { AppError } from '../../services/errors.ts';
import { createTransport, TransportRefusedError } from '../../services/microsoft/transport.ts';
import { createMsalClient } from '../../services/microsoft/msal-factory.ts';
import { createGraphClient } from '../../services/microsoft/graph-client.ts';
import { authorityFor, BOT_FRAMEWORK_SCOPE, BOT_FRAMEWORK_TENANT, GRAPH_ORIGIN, GRAPH_SCOPE, LOGIN_ORIGIN } from '../../services/microsoft/hosts.ts';
import { loadScenario, startMicrosoftSimulator } from '../../sim/microsoft/server.ts';
import { sealSecret } from '../../services/secrets.ts';
import { createMicrosoftServices } from '../../services/microsoft/services.ts';
import { healthyFixture, newKeyring, type Fixture } from './bed.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every URL Node's fetch was asked for during the test. */
function recordFetches(): string[] {
  const seen: string[] = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    seen.push(typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url);
    return real(input, init);
  });
  return seen;
}

async function graphFor(fixture: Fixture) {
  const sim = await startMicrosoftSimulator({ scenario: fixture.scenario });
  onTestFinished(() => sim.close());
  const transport = createTransport({ simulatorUrl: sim.url, timeoutMs: 5000 });
  const token = await createMsalClient({ clientId: fixture.clientId, authority: authorityFor(fixture.tenantId), clientSecret: fixture.secret }, transport).acquireToken(GRAPH_SCOPE);
  const graph = createGraphClient({ transport, tokens: { getAccessToken: async () => token.accessToken }, retry: { maxRetries: 0, maxDelaySeconds: 1 } });
  return { sim, graph };
}

describe('the Microsoft transport', () => {
  it('maps the real hosts onto the simulator prefixes, same path and query', () => {
    const transport = createTransport({ simulatorUrl: 'http://127.0.0.1:4010/', timeoutMs: 1000 });
    expect(transport.resolve(`${LOGIN_ORIGIN}/t1/oauth2/v2.0/token?client-request-id=x`)).toBe('http://127.0.0.1:4010/login/t1/oauth2/v2.0/token?client-request-id=x');
    expect(transport.resolve(`${GRAPH_ORIGIN}/beta/deviceManagement/deviceConfigurations?$top=1&$skiptoken=abc`)).toBe('http://127.0.0.1:4010/graph/beta/deviceManagement/deviceConfigurations?$top=1&$skiptoken=abc');
  });

  it('without a simulator URL the real endpoints are used unchanged', () => {
    const transport = createTransport({ timeoutMs: 1000 });
    expect(transport.resolve(`${GRAPH_ORIGIN}/v1.0/organization`)).toBe(`${GRAPH_ORIGIN}/v1.0/organization`);
  });

  it.each([
    'https://example.com/v1.0/organization',
    `${GRAPH_ORIGIN}.evil.example/v1.0/organization`,
    `${GRAPH_ORIGIN.replace('https:', 'http:')}/v1.0/organization`,
    `${GRAPH_ORIGIN}:8443/v1.0/organization`,
    `https://${LOGIN_ORIGIN.slice(8)}@evil.example/token`,
    'http://127.0.0.1:4010/graph/v1.0/organization',
    'not a url',
  ])('refuses %s before any request is made', async (url) => {
    const fetches = recordFetches();
    const transport = createTransport({ simulatorUrl: 'http://127.0.0.1:4010', timeoutMs: 1000 });
    expect(() => transport.resolve(url)).toThrow(TransportRefusedError);
    await expect(transport.fetch(url)).rejects.toThrow(TransportRefusedError);
    expect(fetches).toEqual([]);
  });

  it.each(['http://10.0.0.8:4010', 'http://example.com:4010', 'https://sim.internal'])('refuses a non-loopback simulator URL %s', (url) => {
    expect(() => createTransport({ simulatorUrl: url, timeoutMs: 1000 })).toThrow(/loopback/);
  });

  it('an MSAL client with a foreign authority never sends traffic off loopback', async () => {
    const sim = await startMicrosoftSimulator({ scenario: healthyFixture().scenario });
    onTestFinished(() => sim.close());
    const fetches = recordFetches();
    const client = createMsalClient({ clientId: randomUUID(), authority: 'https://login.example.com/contoso', clientSecret: 'x' }, createTransport({ simulatorUrl: sim.url, timeoutMs: 2000 }));
    await expect(client.acquireToken(GRAPH_SCOPE)).rejects.toBeInstanceOf(AppError);
    expect(fetches.filter((u) => !u.startsWith(`${sim.url}/`))).toEqual([]);
  });

  it('a whole verification-sized exchange (token, Graph, paging) only ever fetches the simulator', async () => {
    const fixture = healthyFixture();
    const fetches = recordFetches();
    const { sim, graph } = await graphFor(fixture);
    await graph.call('organization.get', {});
    expect(fetches.length).toBeGreaterThanOrEqual(2);
    expect(fetches.filter((u) => !u.startsWith(`${sim.url}/`))).toEqual([]);
  });
});

describe('paging and delta through the real Graph client', () => {
  it('2,500 items in pages of 100 follow nextLinks on the real host, one request per page consumed', async () => {
    const fixture = healthyFixture();
    fixture.scenario.tenants[0]!.intune = { deviceConfigurations: Array.from({ length: 2500 }, (_, i) => ({ id: randomUUID(), displayName: `Policy ${i}` })) };
    const { sim, graph } = await graphFor(fixture);
    const pages = graph.pages('deviceConfigurations.list', {})[Symbol.asyncIterator]();
    const first = await pages.next();
    expect(first.done).toBe(false);
    expect(first.value?.items).toHaveLength(100);
    expect(first.value?.nextLink?.startsWith(`${GRAPH_ORIGIN}/beta/deviceManagement/deviceConfigurations?`)).toBe(true);
    expect(sim.requestLog.filter((r) => r.path.endsWith('/deviceConfigurations'))).toHaveLength(1);
    let count = first.value?.items.length ?? 0;
    for (let page = await pages.next(); !page.done; page = await pages.next()) count += page.value.items.length;
    expect(count).toBe(2500);
    const requests = sim.requestLog.filter((r) => r.path.endsWith('/deviceConfigurations'));
    expect(requests).toHaveLength(25);
    expect(requests.every((r) => r.query.$expand === 'assignments')).toBe(true);
  });

  it('groups delta: a full round ends in a deltaLink; resuming from it returns only changes and removals', async () => {
    const fixture = healthyFixture();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    fixture.scenario.tenants[0]!.groups = ids.map((id, i) => ({ id, displayName: `Group ${i}` }));
    fixture.scenario.pageSize = 2;
    const { sim, graph } = await graphFor(fixture);
    const collect = async (startAt?: string) => {
      const items: { id: string; removed: boolean }[] = [];
      let deltaLink: string | undefined;
      for await (const page of graph.pages('groups.delta', {}, startAt ? { startAt } : {})) {
        items.push(...page.items.map((g) => ({ id: g.id, removed: g['@removed'] !== undefined })));
        deltaLink = page.deltaLink ?? deltaLink;
      }
      return { items, deltaLink };
    };
    const full = await collect();
    expect(full.items.map((i) => i.id).sort()).toEqual([...ids].sort());
    expect(full.deltaLink?.startsWith(`${GRAPH_ORIGIN}/v1.0/groups/delta?`)).toBe(true);

    const added = randomUUID();
    sim.state.addGroups(fixture.tenantId, [{ id: added, displayName: 'New group' }]);
    sim.state.removeGroup(fixture.tenantId, ids[0]!);
    const changes = await collect(full.deltaLink);
    expect(changes.items).toEqual([{ id: added, removed: false }, { id: ids[0], removed: true }]);
  });
});

describe('the MSAL factory for Bot Connector credentials', () => {
  it('gets a Bot Framework token from the botframework.com tenant through the same transport', async () => {
    const sim = await startMicrosoftSimulator({ scenario: await loadScenario('sim/microsoft/scenarios/demo.json') });
    onTestFinished(() => sim.close());
    const client = createMsalClient({ clientId: '6f0e2a71-3c1b-4d8e-9f20-7a1b2c3d4e10', authority: authorityFor(BOT_FRAMEWORK_TENANT), clientSecret: 'demo-bot-password' }, createTransport({ simulatorUrl: sim.url, timeoutMs: 5000 }));
    const token = await client.acquireToken(BOT_FRAMEWORK_SCOPE);
    expect(decodeJwt(token.accessToken)).toMatchObject({ aud: 'https://api.botframework.com', tid: 'd6d49420-f39b-4df7-a1dc-d59a935871db', appid: '6f0e2a71-3c1b-4d8e-9f20-7a1b2c3d4e10' });
    expect(decodeJwt(token.accessToken).roles).toBeUndefined();
    expect(sim.requestLog.map((r) => r.path)).toEqual(['/login/botframework.com/oauth2/v2.0/token']);
  });
});

describe('the per-connection Graph client (syncs, backups, restores)', () => {
  it('reuses the cached token across calls and fetches a new one only after Graph rejects it', async () => {
    const fixture = healthyFixture();
    const sim = await startMicrosoftSimulator({ scenario: fixture.scenario });
    onTestFinished(() => sim.close());
    const keyring = newKeyring();
    const sealed = sealSecret(keyring, fixture.secret);
    const connection = { id: randomUUID(), entraTenantId: fixture.tenantId, clientId: fixture.clientId, secretCiphertext: sealed.ciphertext, secretKeyId: sealed.keyId };
    const microsoft = createMicrosoftServices({ MICROSOFT_SIMULATOR_URL: sim.url, MICROSOFT_MAX_RETRIES: 0, MICROSOFT_MAX_RETRY_DELAY_SECONDS: 1, MICROSOFT_REQUEST_TIMEOUT_SECONDS: 5 });
    const tokenRequests = () => sim.requestLog.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;

    await microsoft.graphForConnection(connection, keyring).call('organization.get', {});
    await microsoft.graphForConnection(connection, keyring).call('groups.list', {});
    expect(tokenRequests()).toBe(1);

    sim.state.revokeIssuedTokens();
    await microsoft.graphForConnection(connection, keyring).call('organization.get', {});
    expect(tokenRequests()).toBe(2);
    expect(sim.requestLog.filter((r) => r.path === '/graph/v1.0/organization').map((r) => r.status)).toEqual([200, 401, 200]);
  });
});
