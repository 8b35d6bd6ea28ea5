import { decodeJwt } from 'jose';
import type { Logger } from '../logger.ts';
import type { SecretKeyring } from '../secrets.ts';
import { reasonCodes } from '../reason-codes.ts';
import { asProviderError, CheckList } from './checks.ts';
import type { ConnectionCredentialRef, FreshToken } from './credentials.ts';
import type { TokenSource } from './graph-client.ts';
import { adminConsentUrl } from './hosts.ts';
import { uniformReadiness } from './readiness.ts';
import { decideOutcome, type VerificationReport } from './report.ts';
import type { MicrosoftServices } from './services.ts';
import { runGraphChecks, type GraphFindings } from './verify-graph.ts';

export interface VerifyDeps {
  microsoft: MicrosoftServices;
  keyring: SecretKeyring;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * Verifies one connection against what Entra and Graph actually say: a fresh token (never the
 * cache: a stale token carries stale roles), its tid and roles, Graph, the permissions each
 * feature's contracts need, and Intune. Never throws for provider failures: they are the report.
 */
export async function verifyConnection(deps: VerifyDeps, connection: ConnectionCredentialRef): Promise<VerificationReport> {
  const list = new CheckList();
  const consentUrl = adminConsentUrl(connection.entraTenantId, connection.clientId);
  const report = (granted: string[], findings: Partial<GraphFindings>, stats = { requests: 0, throttled: 0, unavailable: 0, retries: 0 }, tokenRetries = 0): VerificationReport => {
    const failed = list.checks.find((c) => c.status === 'fail');
    const features = findings.features ?? (failed && !failed.blocking
      ? uniformReadiness('unknown', null, `verification could not finish (${failed.reason_code ?? 'unknown'})`)
      : uniformReadiness('blocked', failed?.reason_code ?? null, failed?.detail ?? 'verification did not finish'));
    const graph = { ...stats, token_retries: tokenRetries };
    return {
      version: 1,
      connection: { id: connection.id, client_id: connection.clientId, entra_tenant_id: connection.entraTenantId },
      checked_at: new Date().toISOString(),
      outcome: decideOutcome(list.checks, features),
      checks: list.checks,
      features,
      granted_permissions: granted,
      permission_source: findings.permissionSource ?? (granted.length > 0 ? 'token_only' : 'none'),
      organization: findings.organization ?? null,
      graph,
      notes: throttlingNotes(graph),
      admin_consent_url: consentUrl,
    };
  };

  let token: FreshToken;
  try {
    token = await deps.microsoft.tokens.freshGraphToken(connection, deps.keyring, { retry: deps.microsoft.retry, ...(deps.signal ? { signal: deps.signal } : {}) });
  } catch (thrown) {
    const error = asProviderError(thrown);
    deps.logger.info({ reason_code: error.code, detail: error.detail }, 'verification: no token');
    list.failWith('credential', error, error.code === 'provider_consent_missing' ? consentRemediation(consentUrl) : undefined);
    list.skipRest('credential');
    return report([], {});
  }
  list.pass('credential', 'A token was issued for the app (client credentials).', { token_retries: token.retries });

  const claims = decodeJwt(token.accessToken);
  const tid = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : null;
  if (tid !== connection.entraTenantId.toLowerCase()) {
    list.add('tenant_match', 'fail', 'provider_tenant_mismatch', `The token was issued by tenant ${tid ?? '(none)'}, not ${connection.entraTenantId}.`, { data: { token_tenant: tid } });
    list.skipRest('tenant_match');
    return report([], {}, undefined, token.retries);
  }
  list.pass('tenant_match', `The token's tenant is ${tid}.`);

  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  if (roles.length === 0) {
    list.add('admin_consent', 'fail', 'provider_consent_missing', 'The token carries no roles: no application permission has admin consent.', { remediation: consentRemediation(consentUrl) });
    list.skipRest('admin_consent');
    return report([], {}, undefined, token.retries);
  }
  list.pass('admin_consent', `Admin consent covers ${roles.length} application permission(s).`);

  let current = token.accessToken;
  const tokens: TokenSource = {
    getAccessToken: async (options) => {
      if (options?.forceRefresh) current = (await deps.microsoft.tokens.freshGraphToken(connection, deps.keyring, { retry: deps.microsoft.retry })).accessToken;
      return current;
    },
  };
  const graph = deps.microsoft.graphClient(tokens, { ...(deps.signal ? { signal: deps.signal } : {}), logger: deps.logger });
  const findings = await runGraphChecks(graph, list, { clientId: connection.clientId, granted: new Set(roles), consentUrl });
  return report([...roles].sort(), findings, { ...graph.stats }, token.retries);
}

function consentRemediation(url: string): string {
  return `${reasonCodes.provider_consent_missing.remediation} ${url}`;
}

function throttlingNotes(graph: VerificationReport['graph']): string[] {
  const notes: string[] = [];
  if (graph.throttled > 0) notes.push(`Microsoft Graph throttled ${graph.throttled} request(s) (HTTP 429); Retry-After was honoured.`);
  if (graph.unavailable > 0) notes.push(`Microsoft Graph was unavailable for ${graph.unavailable} request(s) (HTTP 503/504); they were retried.`);
  if (graph.token_retries > 0) notes.push(`The token endpoint was throttled or unavailable ${graph.token_retries} time(s); the request was retried.`);
  return notes;
}
