import { describe, expect, it } from 'vitest';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyGraphError, classifyMicrosoftError, normalizeReasonCode, parseIntuneScopes } from '../../services/microsoft/classify.ts';
import { TransportRefusedError } from '../../services/microsoft/transport.ts';

function graphError(status: number, code: string, message: string): GraphError {
  const error = new GraphError(status, message);
  error.code = code;
  return error;
}

describe('legacy reason codes', () => {
  it.each([
    ['permission_denied', 'provider_permission_denied'], ['insufficient_permissions', 'provider_permission_denied'],
    ['graph_forbidden', 'provider_permission_denied'], ['forbidden', 'provider_permission_denied'],
    ['consent_required', 'provider_consent_missing'], ['admin_consent_required', 'provider_consent_missing'],
    ['auth_failed', 'provider_credential_invalid'], ['invalid_client', 'provider_credential_invalid'], ['invalid_credentials', 'provider_credential_invalid'],
    ['throttled', 'provider_throttled'], ['rate_limited', 'provider_throttled'],
    ['timeout', 'provider_network_error'], ['network_error', 'provider_network_error'],
  ])('a stored %s reads as %s and keeps the original', (legacy, code) => {
    expect(normalizeReasonCode(legacy)).toEqual({ code, original: legacy });
  });

  it('a current code reads as itself, with no original', () => {
    expect(normalizeReasonCode('provider_license_missing')).toEqual({ code: 'provider_license_missing' });
    expect(normalizeReasonCode('run_not_found')).toEqual({ code: 'run_not_found' });
  });

  it('an unknown stored code reads as provider_unknown and keeps the original for support', () => {
    expect(normalizeReasonCode('graph_exploded_2019')).toEqual({ code: 'provider_unknown', original: 'graph_exploded_2019' });
    expect(normalizeReasonCode('toString')).toEqual({ code: 'provider_unknown', original: 'toString' });
  });
});

describe('Graph error classification', () => {
  const intune = '{\r\n  "_version": 3,\r\n  "Message": "Application is not authorized to perform this operation. Application must have one of the following scopes: DeviceManagementServiceConfiguration.Read.All, DeviceManagementServiceConfig.Read.All, DeviceManagementServiceConfiguration.ReadWrite.All, DeviceManagementServiceConfig.ReadWrite.All - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: x - Url: https://fef.example/x",\r\n  "CustomApiErrorPhrase": ""\r\n}';

  it("Intune's nested scope message yields provider_permission_denied with the scopes, old internal names mapped", () => {
    expect(classifyGraphError(graphError(403, 'Forbidden', intune))).toMatchObject({
      code: 'provider_permission_denied',
      detail: { status: 403, graph_code: 'Forbidden', scopes: ['DeviceManagementServiceConfig.Read.All', 'DeviceManagementServiceConfig.ReadWrite.All'] },
    });
  });

  it('a scope list ending in a parenthesis or a quote parses the same', () => {
    expect(parseIntuneScopes('Application must have one of the following scopes: DeviceManagementApps.ReadWrite.All)')).toEqual(['DeviceManagementApps.ReadWrite.All']);
    expect(parseIntuneScopes('"Application must have one of the following scopes: A.Read.All, B.Read.All"')).toEqual(['A.Read.All', 'B.Read.All']);
    expect(parseIntuneScopes('Insufficient privileges to complete the operation.')).toBeUndefined();
  });

  it.each([
    [401, 'InvalidAuthenticationToken', 'Either scp or roles claim need to be present in the token.', 'provider_consent_missing'],
    [403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', 'provider_permission_denied'],
    [400, 'BadRequest', 'Request not applicable to target tenant.', 'provider_license_missing'],
    [401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', 'provider_token_invalid'],
    [429, 'TooManyRequests', 'Too many requests', 'provider_throttled'],
    [503, 'ServiceUnavailable', 'Unavailable', 'provider_unavailable'],
    [504, 'GatewayTimeout', 'Gateway timeout', 'provider_unavailable'],
    [404, 'Request_ResourceNotFound', "Resource 'x' does not exist", 'provider_resource_missing'],
    [-1, 'TypeError', 'fetch failed', 'provider_network_error'],
    [500, 'InternalServerError', 'Oops', 'provider_unknown'],
  ])('HTTP %i %s -> %s', (status, code, message, expected) => {
    expect(classifyGraphError(graphError(status, code, message)).code).toBe(expected);
  });
});

describe('other failures', () => {
  it('a refused host is an internal error (a bug), never mistaken for a network outage', () => {
    expect(classifyMicrosoftError(new TransportRefusedError('https://example.com/x', 'not allowed')).code).toBe('internal_error');
  });

  it('connection refused, DNS failure and timeouts are provider_network_error', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const dns = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect([refused, dns, timeout].map((e) => classifyMicrosoftError(e).code)).toEqual(['provider_network_error', 'provider_network_error', 'provider_network_error']);
  });

  it('anything unrecognised is provider_unknown with a short message', () => {
    expect(classifyMicrosoftError(new Error('x'.repeat(1000)))).toMatchObject({ code: 'provider_unknown', detail: { message: 'x'.repeat(300) } });
  });
});
