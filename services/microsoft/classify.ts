import { AuthError, InteractionRequiredAuthError } from '@azure/msal-node';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { isReasonCode, type ReasonCode } from '../reason-codes.ts';
import { TransportRefusedError } from './transport.ts';

/** A provider failure mapped onto the taxonomy; `detail` never carries tokens or secrets. */
export interface Classified {
  code: ReasonCode;
  detail: Record<string, unknown>;
}

/** provider-taxonomy.md, keyed by the numeric AADSTS code (texts change, numbers do not). */
const aadsts: Record<string, ReasonCode> = {
  7000215: 'provider_credential_invalid', 700027: 'provider_credential_invalid',
  7000222: 'provider_credential_expired', 7000218: 'provider_credential_missing',
  700016: 'provider_app_not_found',
  7000229: 'provider_consent_missing', 65001: 'provider_consent_missing', 90094: 'provider_consent_missing',
  90002: 'provider_tenant_not_found', 900023: 'provider_tenant_invalid',
  7000112: 'provider_app_disabled', 70001: 'provider_app_disabled',
  53003: 'provider_blocked_by_policy',
  90055: 'provider_throttled', 50196: 'provider_throttled',
  90033: 'provider_unavailable', 90006: 'provider_unavailable', 90090: 'provider_unavailable',
};

/** MSAL errors: errorNo first, then AADSTS in the message, then the status. */
export function classifyMsalError(error: AuthError): Classified {
  const server = error as AuthError & { errorNo?: string; status?: number };
  const number = server.errorNo ?? /AADSTS(\d+)/.exec(error.message)?.[1];
  const detail: Record<string, unknown> = { source: 'entra', error_code: error.errorCode, ...(number ? { aadsts: number } : {}), ...(server.status ? { status: server.status } : {}) };
  const mapped = number === undefined ? undefined : aadsts[number];
  if (mapped) return { code: mapped, detail };
  if (error instanceof InteractionRequiredAuthError && error.subError === 'consent_required') return { code: 'provider_consent_missing', detail };
  if (error.errorCode === 'network_error' || error.errorCode === 'network_request_failed') return { code: 'provider_network_error', detail };
  if (server.status === 429) return { code: 'provider_throttled', detail };
  if (server.status !== undefined && server.status >= 500) return { code: 'provider_unavailable', detail };
  return { code: 'provider_unknown', detail: { ...detail, message: error.message.slice(0, 300) } };
}

const scopePattern = /Application must have one of the following scopes:\s*([^"\\\r\n]*)/i;

/** Intune names scopes by their old internal names at times (DeviceManagementServiceConfiguration.*). */
export function parseIntuneScopes(message: string): string[] | undefined {
  const list = scopePattern.exec(message)?.[1]?.split(/\s+-\s+/)[0];
  if (list === undefined) return undefined;
  const scopes = list.split(',').map((s) => s.trim().replace(/[).,;]+$/, '').replace('DeviceManagementServiceConfiguration.', 'DeviceManagementServiceConfig.')).filter(Boolean);
  return [...new Set(scopes)];
}

/** Graph errors: message signals first (they are more specific), then code, then status. */
export function classifyGraphError(error: Pick<GraphError, 'statusCode' | 'code' | 'message'> & { headers?: Headers | undefined; requestId?: string | null }): Classified {
  const { statusCode: status, code, message } = error;
  const retryAfter = error.headers?.get?.('retry-after') ?? undefined;
  const detail: Record<string, unknown> = { source: 'graph', status, ...(code ? { graph_code: code } : {}), ...(error.requestId ? { request_id: error.requestId } : {}), ...(retryAfter ? { retry_after: retryAfter } : {}) };
  if (status === -1) return { code: code === 'TransportRefusedError' ? 'internal_error' : 'provider_network_error', detail: { ...detail, message: message.slice(0, 200) } };
  if (/Either scp or roles claim need to be present/i.test(message)) return { code: 'provider_consent_missing', detail };
  const scopes = parseIntuneScopes(message);
  if (scopes) return { code: 'provider_permission_denied', detail: { ...detail, scopes } };
  if (/Request not applicable to target tenant/i.test(message)) return { code: 'provider_license_missing', detail };
  if (status === 429) return { code: 'provider_throttled', detail };
  if (status === 503 || status === 504) return { code: 'provider_unavailable', detail };
  if (code === 'Authorization_RequestDenied' || status === 403) return { code: 'provider_permission_denied', detail };
  if (status === 401) return { code: 'provider_token_invalid', detail };
  if (status === 404) return { code: 'provider_resource_missing', detail };
  return { code: 'provider_unknown', detail: { ...detail, message: message.slice(0, 300) } };
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

/** Anything thrown while talking to Microsoft, mapped once. */
export function classifyMicrosoftError(error: unknown): Classified {
  if (error instanceof TransportRefusedError) return { code: 'internal_error', detail: { source: 'transport', message: error.message } };
  if (error instanceof AuthError) return classifyMsalError(error);
  if (error instanceof GraphError) return classifyGraphError(error);
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  const name = (error as { name?: string } | undefined)?.name;
  if ((cause?.code && networkCodes.has(cause.code)) || name === 'TimeoutError' || (error instanceof TypeError && error.message === 'fetch failed')) {
    return { code: 'provider_network_error', detail: { source: 'network', ...(cause?.code ? { errno: cause.code } : {}) } };
  }
  return { code: 'provider_unknown', detail: { source: 'unknown', message: error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300) } };
}

/** Codes written by earlier versions or other tools (provider-taxonomy.md "Legacy compatibility"). */
const legacyCodes: Record<string, ReasonCode> = {
  permission_denied: 'provider_permission_denied', insufficient_permissions: 'provider_permission_denied',
  graph_forbidden: 'provider_permission_denied', forbidden: 'provider_permission_denied',
  consent_required: 'provider_consent_missing', admin_consent_required: 'provider_consent_missing',
  auth_failed: 'provider_credential_invalid', invalid_client: 'provider_credential_invalid', invalid_credentials: 'provider_credential_invalid',
  throttled: 'provider_throttled', rate_limited: 'provider_throttled',
  timeout: 'provider_network_error', network_error: 'provider_network_error',
};

/** A stored code as it must be shown: current codes as-is, legacy ones mapped, unknown ones kept. */
export function normalizeReasonCode(stored: string): { code: ReasonCode; original?: string } {
  if (isReasonCode(stored)) return { code: stored };
  const key = stored.trim().toLowerCase();
  const legacy = Object.hasOwn(legacyCodes, key) ? legacyCodes[key] : undefined;
  if (legacy) return { code: legacy, original: stored };
  return { code: 'provider_unknown', original: stored };
}
