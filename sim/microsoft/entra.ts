import express, { type Request, type Response, type Router } from 'express';
import { BOT_FRAMEWORK_SCOPE, GRAPH_ORIGIN } from '../../services/microsoft/hosts.ts';
import { sendEntraError } from './errors.ts';
import type { MicrosoftSimState, SimApp, SimTenant } from './state.ts';
import type { TokenIssuer } from './tokens.ts';

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const domainPattern = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const resources: Record<string, string> = {
  [`${GRAPH_ORIGIN}/.default`]: GRAPH_ORIGIN,
  [BOT_FRAMEWORK_SCOPE]: BOT_FRAMEWORK_SCOPE.replace(/\/\.default$/, ''),
};

/** Entra ID under /login: the v2.0 token endpoint (client credentials) and the signing keys. */
export function entraRouter(state: MicrosoftSimState, issuer: TokenIssuer): Router {
  const router = express.Router();
  router.get('/:tenant/discovery/v2.0/keys', (_req, res) => {
    res.json(issuer.jwks());
  });
  router.post('/:tenant/oauth2/v2.0/token', express.urlencoded({ extended: false }), async (req: Request<{ tenant: string }>, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    res.locals.clientId = body.client_id;
    const tenant = resolveTenant(state, req.params.tenant, res);
    if (!tenant) return;
    if (body.grant_type !== 'client_credentials') return sendEntraError(res, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${body.grant_type ?? ''}'.`);
    const app = tenant.apps.get((body.client_id ?? '').toLowerCase());
    if (!app) return sendEntraError(res, 400, 'unauthorized_client', 700016, `Application with identifier '${body.client_id ?? ''}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    if (!app.enabled) return sendEntraError(res, 400, 'unauthorized_client', 7000112, `Application '${app.clientId}'(${app.displayName}) is disabled.`);
    if (!checkSecret(app, body, res)) return;
    if (app.consent === 'no_service_principal') return sendEntraError(res, 400, 'invalid_client', 7000229, `The client application ${app.clientId} is missing service principal in the tenant ${tenant.id}.`);
    if (app.blockedByPolicy) return sendEntraError(res, 400, 'access_denied', 53003, 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.');
    const audience = resources[body.scope ?? ''];
    if (!body.scope?.endsWith('/.default')) return sendEntraError(res, 400, 'invalid_scope', 1002012, `The provided value for scope ${body.scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    if (!audience) return sendEntraError(res, 400, 'invalid_resource', 500011, `The resource principal named ${body.scope.replace(/\/\.default$/, '')} was not found in the tenant named ${tenant.displayName}.`);
    const roles = audience === GRAPH_ORIGIN && app.consent === 'granted' ? [...app.roles].sort() : [];
    const issued = await issuer.issue({ tenantId: tenant.id, clientId: app.clientId, appDisplayName: app.displayName, servicePrincipalId: app.spId, audience, roles });
    state.issuedTokens.push(issued.uti);
    res.json({ token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.token });
  });
  return router;
}

function resolveTenant(state: MicrosoftSimState, ref: string, res: Response): SimTenant | undefined {
  if (!guidPattern.test(ref) && !domainPattern.test(ref)) {
    sendEntraError(res, 400, 'invalid_request', 900023, `Specified tenant identifier '${ref}' is neither a valid DNS name, nor a valid external domain.`);
    return undefined;
  }
  const tenant = state.findTenant(ref);
  if (!tenant) sendEntraError(res, 400, 'invalid_request', 90002, `Tenant '${ref}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  return tenant;
}

function checkSecret(app: SimApp, body: Record<string, string | undefined>, res: Response): boolean {
  if (!body.client_secret && !body.client_assertion) {
    sendEntraError(res, 401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    return false;
  }
  const match = app.secrets.find((s) => s.value === body.client_secret);
  if (!match) {
    sendEntraError(res, 401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
    return false;
  }
  if (match.expiresAt && Date.parse(match.expiresAt) <= Date.now()) {
    sendEntraError(res, 401, 'invalid_client', 7000222, `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app.`);
    return false;
  }
  return true;
}
