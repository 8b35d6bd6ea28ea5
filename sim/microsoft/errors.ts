import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { LOGIN_ORIGIN } from '../../services/microsoft/hosts.ts';

/** Entra's token-endpoint error body (error, error_description with AADSTS, error_codes, ids). */
export function sendEntraError(res: Response, status: number, error: string, aadsts: number, text: string, retryAfter?: number): void {
  const trace = randomUUID();
  const correlation = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
  res.status(status).json({
    error,
    error_description: `AADSTS${aadsts}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [aadsts], timestamp, trace_id: trace, correlation_id: correlation,
    error_uri: `${LOGIN_ORIGIN}/error?code=${aadsts}`,
  });
}

/** Graph's error body: {error: {code, message, innerError: {date, request-id, client-request-id}}}. */
export function sendGraphError(res: Response, status: number, code: string, message: string, retryAfter?: number): void {
  const requestId = randomUUID();
  if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
  res.set('request-id', requestId);
  res.status(status).json({ error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId } } });
}

/** Intune wraps its own JSON (with CRLFs) in error.message; the scope list sits inside it. */
export function intuneForbiddenMessage(scopes: readonly string[]): string {
  const inner = `Application is not authorized to perform this operation. Application must have one of the following scopes: ${scopes.join(', ')} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${randomUUID()} - Url: https://fef.msub02.manage.microsoft.com/DeviceConfiguration_2411/StatelessDeviceConfigurationFEService/deviceManagement - CustomApiErrorPhrase: `;
  return JSON.stringify({ _version: 3, Message: inner, CustomApiErrorPhrase: '', RetryAfter: null, ErrorSourceService: '', HttpHeaders: '{}' }, null, 2).replace(/\n/g, '\r\n');
}

export const graphStatusCodes: Record<number, [string, string]> = {
  400: ['BadRequest', 'Bad request.'],
  401: ['InvalidAuthenticationToken', 'Access token validation failure.'],
  403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
  404: ['Request_ResourceNotFound', 'Resource does not exist or one of its queried reference-property objects are not present.'],
  429: ['TooManyRequests', 'Too many requests, please retry after the period named in the Retry-After header.'],
  500: ['InternalServerError', 'An internal server error occurred.'],
  502: ['BadGateway', 'Bad gateway.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'The gateway timed out.'],
};

export const entraFaultErrors: Record<number, [string, number, string]> = {
  400: ['invalid_request', 90002, 'Tenant not found.'],
  401: ['invalid_client', 7000215, 'Invalid client secret provided.'],
  429: ['temporarily_unavailable', 90055, 'The request was throttled: too many requests in a short period.'],
  500: ['server_error', 90033, 'A transient error has occurred. Please try again.'],
  503: ['temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'],
};
