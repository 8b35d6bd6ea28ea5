/**
 * The real Microsoft hosts, named here and nowhere else (lint + test/microsoft/boundaries).
 * sim/ imports these so its nextLinks and issuers look exactly like Microsoft's.
 */
export const LOGIN_HOST = 'login.microsoftonline.com';
export const GRAPH_HOST = 'graph.microsoft.com';
export const LOGIN_ORIGIN = `https://${LOGIN_HOST}`;
export const GRAPH_ORIGIN = `https://${GRAPH_HOST}`;

/** Scope of an app-only Graph token (client credentials). */
export const GRAPH_SCOPE = `${GRAPH_ORIGIN}/.default`;
/** The Microsoft Graph resource application (its service principal carries the app roles). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Bot Connector credentials: multi-tenant bots get tokens from the botframework.com tenant. */
export const BOT_FRAMEWORK_TENANT = 'botframework.com';
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

export function authorityFor(tenant: string): string {
  return `${LOGIN_ORIGIN}/${tenant}`;
}

/** Where a Global Administrator grants tenant-wide admin consent to the app. */
export function adminConsentUrl(entraTenantId: string, clientId: string): string {
  return `${LOGIN_ORIGIN}/${encodeURIComponent(entraTenantId)}/adminconsent?client_id=${encodeURIComponent(clientId)}`;
}
