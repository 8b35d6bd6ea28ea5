/**
 * The ONE closed set of reason codes: operational codes and the provider taxonomy
 * (../shared provider taxonomy). Runs, audit events, reports and chat replies store and
 * show only these. `blocking`: a person must fix something before the affected feature
 * works again. `retryable`: the worker retries with backoff instead of failing the run.
 */
export interface ReasonCodeInfo {
  blocking: boolean;
  retryable: boolean;
  userMessage: string;
  remediation: string;
}

export const reasonCodes = {
  // Operational
  /** A job names a run that does not exist; the job fails, nothing is created. */
  run_not_found: { blocking: false, retryable: false, userMessage: 'That run does not exist.', remediation: 'Check the run id with `runs`.' },
  /** The run type's handler is not built yet; the run fails rather than faking success. */
  operation_not_implemented: { blocking: false, retryable: false, userMessage: 'This operation is not available yet.', remediation: 'Upgrade Operate Hub to a version that supports it.' },
  /** The worker running this run died; the reaper failed it after the type's expiry. */
  worker_lost: { blocking: false, retryable: true, userMessage: 'The worker running this operation stopped unexpectedly.', remediation: 'Start the operation again.' },
  /** The handler exceeded its type's time limit. */
  operation_timeout: { blocking: false, retryable: true, userMessage: 'The operation took too long and was stopped.', remediation: 'Start it again; if it keeps timing out, check the tenant size and Graph throttling.' },
  /** A member or the CLI cancelled the run. */
  cancelled_by_user: { blocking: false, retryable: false, userMessage: 'The operation was cancelled.', remediation: 'Start it again when needed.' },
  /** The tenant has no default provider connection. */
  connection_missing: { blocking: true, retryable: false, userMessage: 'This tenant has no Microsoft connection.', remediation: 'Add one: operate-hub connection add --tenant T --client-id GUID, then connection set-secret.' },
  /** The default connection failed verification with a blocking reason. */
  connection_blocked: { blocking: true, retryable: false, userMessage: 'The Microsoft connection is blocked.', remediation: 'Open the latest verification report, fix what it names, then verify again.' },
  /** The latest verification says restore is not ready. */
  restore_not_ready: { blocking: true, retryable: false, userMessage: 'Restore is not ready for this connection.', remediation: 'Grant the missing ReadWrite permissions named in the verification report and verify again.' },
  /** The inventory cache is missing or older than the configured limit. */
  inventory_stale: { blocking: true, retryable: false, userMessage: 'The inventory is missing or too old to plan a restore.', remediation: 'Run `sync inventory`, then preview again.' },
  /** The restore plan is older than the configured age. */
  plan_expired: { blocking: true, retryable: false, userMessage: 'This restore plan has expired.', remediation: 'Create a new preview and execute that.' },
  /** The member's tenant role does not allow the action. */
  not_authorized: { blocking: false, retryable: false, userMessage: 'You are not allowed to do that.', remediation: 'Ask a tenant owner for a role that allows it.' },
  /** The referenced object does not exist in the caller's tenant. */
  not_found: { blocking: false, retryable: false, userMessage: 'Not found.', remediation: 'Check the id; ids are looked up within your tenant only.' },
  /** The chat user is not a member of any tenant. */
  member_unknown: { blocking: false, retryable: false, userMessage: 'You are not a member of any Operate Hub tenant.', remediation: 'Ask an owner to run: operate-hub member add ...' },
  /** The channel is not bound to a tenant and the member has several. */
  channel_unbound: { blocking: false, retryable: false, userMessage: 'This channel is not bound to a tenant.', remediation: 'Bind it (operate-hub channel bind ...) or add --tenant <slug>.' },
  /** The requested tenant differs from the channel's binding. */
  tenant_mismatch: { blocking: false, retryable: false, userMessage: 'This channel is bound to another tenant.', remediation: 'Run the command in a channel bound to that tenant, or in a personal chat with --tenant.' },
  /** Retry was asked for a run that is not a failed or partially succeeded backup run. */
  run_not_retryable: { blocking: false, retryable: false, userMessage: 'That run cannot be retried.', remediation: 'Only failed or partially succeeded backup runs can be retried.' },
  /** Malformed command, payload or option. */
  invalid_input: { blocking: false, retryable: false, userMessage: 'That input is not valid.', remediation: 'See `help` for the expected form.' },
  /** A bug or an unexpected failure; details are in the server log. */
  internal_error: { blocking: false, retryable: true, userMessage: 'Something went wrong on our side.', remediation: 'Try again; if it persists, check the Operate Hub server log.' },

  // Provider taxonomy (Entra ID + Microsoft Graph)
  provider_credential_invalid: { blocking: true, retryable: false, userMessage: 'The client secret was rejected.', remediation: 'Paste the secret VALUE (not its ID) with operate-hub connection set-secret.' },
  provider_credential_expired: { blocking: true, retryable: false, userMessage: 'The client secret has expired.', remediation: 'Create a new secret for the app registration and run operate-hub connection set-secret.' },
  provider_credential_missing: { blocking: true, retryable: false, userMessage: 'No client secret is stored for this connection.', remediation: 'Run operate-hub connection set-secret.' },
  provider_app_not_found: { blocking: true, retryable: false, userMessage: 'The app registration was not found in this tenant.', remediation: 'Check the client id and the tenant id of the connection.' },
  provider_consent_missing: { blocking: true, retryable: false, userMessage: 'Admin consent has not been granted to the app.', remediation: 'A Global Administrator must grant admin consent (open the admin-consent link).' },
  provider_tenant_not_found: { blocking: true, retryable: false, userMessage: 'The Entra tenant was not found.', remediation: 'Check the Entra tenant id of the connection.' },
  provider_tenant_invalid: { blocking: true, retryable: false, userMessage: 'The Entra tenant id is malformed.', remediation: 'Use the tenant GUID from Entra ID > Overview.' },
  provider_tenant_mismatch: { blocking: true, retryable: false, userMessage: 'The token was issued for a different tenant.', remediation: 'Check the connection\'s Entra tenant id.' },
  provider_app_disabled: { blocking: true, retryable: false, userMessage: 'The app registration is disabled.', remediation: 'Enable the enterprise application in Entra ID.' },
  provider_blocked_by_policy: { blocking: true, retryable: false, userMessage: 'Conditional Access blocked the app.', remediation: 'Exclude the app\'s service principal from the blocking Conditional Access policy.' },
  provider_permission_denied: { blocking: true, retryable: false, userMessage: 'A Graph permission is missing.', remediation: 'Grant the named application permission and admin consent, then verify again.' },
  provider_license_missing: { blocking: true, retryable: false, userMessage: 'The tenant has no Intune license.', remediation: 'Assign an Intune license to the tenant.' },
  provider_token_invalid: { blocking: true, retryable: true, userMessage: 'Graph rejected the access token.', remediation: 'Verify again; if it persists, check the app registration.' },
  provider_throttled: { blocking: false, retryable: true, userMessage: 'Microsoft is throttling requests.', remediation: 'Wait a few minutes and try again.' },
  provider_unavailable: { blocking: false, retryable: true, userMessage: 'The Microsoft service is temporarily unavailable.', remediation: 'Try again later.' },
  provider_resource_missing: { blocking: false, retryable: false, userMessage: 'A referenced object no longer exists.', remediation: 'Review the named object; the rest proceeds.' },
  provider_network_error: { blocking: false, retryable: true, userMessage: 'Microsoft could not be reached.', remediation: 'Check the server\'s network and proxy settings.' },
  provider_unknown: { blocking: false, retryable: false, userMessage: 'Microsoft returned an unexpected error.', remediation: 'See the details and the server log.' },
} as const satisfies Record<string, ReasonCodeInfo>;

export type ReasonCode = keyof typeof reasonCodes;

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && Object.hasOwn(reasonCodes, value);
}

export function reasonInfo(code: ReasonCode): ReasonCodeInfo {
  return reasonCodes[code];
}

/** A failure as stored on a run: `[{reason_code, message, blocking, detail}]`. */
export interface RunFailure {
  reason_code: ReasonCode;
  message: string;
  blocking: boolean;
  detail?: Record<string, unknown>;
}

export function failure(code: ReasonCode, message?: string, detail?: Record<string, unknown>): RunFailure {
  const info = reasonCodes[code];
  return { reason_code: code, message: message ?? info.userMessage, blocking: info.blocking, ...(detail ? { detail } : {}) };
}
