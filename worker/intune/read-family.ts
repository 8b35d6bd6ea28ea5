import { createHash } from 'node:crypto';
import type { GraphClient } from '../../services/microsoft/graph-client.ts';
import { contract, intuneFamilies, type IntuneFamily } from '../../services/microsoft/contracts/index.ts';
import { AppError, toAppError } from '../../services/errors.ts';
import { failure, type RunFailure } from '../../services/reason-codes.ts';
import { canonicalJson } from '../../services/runs/identity.ts';

/** One Intune object as we store it (inventory and backups alike). */
export interface IntuneObject {
  family: IntuneFamily;
  graphId: string;
  odataType: string | null;
  displayName: string | null;
  /** The full Graph JSON without `assignments` (and with `settings` for settings-catalog policies). */
  payload: Record<string, unknown>;
  assignments: unknown[];
  /** SHA-256 of the canonical JSON of payload + assignments: equal content, equal hash. */
  payloadHash: string;
}

export function isIntuneFamily(value: string): value is IntuneFamily {
  return (intuneFamilies as readonly string[]).includes(value);
}

function toObject(family: IntuneFamily, raw: Record<string, unknown>, settings?: unknown[]): IntuneObject {
  const { assignments, ...rest } = raw;
  const payload = settings ? { ...rest, settings } : rest;
  const list = Array.isArray(assignments) ? assignments : [];
  const name = typeof raw.displayName === 'string' ? raw.displayName : typeof raw.name === 'string' ? raw.name : null;
  return {
    family,
    graphId: String(raw.id),
    odataType: typeof raw['@odata.type'] === 'string' ? raw['@odata.type'] : null,
    displayName: name,
    payload,
    assignments: list,
    payloadHash: createHash('sha256').update(canonicalJson({ payload, assignments: list })).digest('hex'),
  };
}

/**
 * Reads one family page by page (memory bounded by the page size). Assignments come
 * through `$expand` where the list allows it; for the few families whose list does not,
 * `fetchMissingAssignments` reads each item (backups need them, inventory does not).
 * Settings-catalog policies get their settings.
 */
export async function* readFamily(graph: GraphClient, family: IntuneFamily, options: { fetchMissingAssignments: boolean }): AsyncIterable<IntuneObject[]> {
  const listKey = `${family}.list` as const;
  const expands = Boolean(contract(listKey).query?.$expand);
  for await (const page of graph.pages(listKey, {})) {
    const objects: IntuneObject[] = [];
    for (const item of page.items as Record<string, unknown>[]) {
      let raw = item;
      if (!expands && options.fetchMissingAssignments) {
        raw = (await graph.call(`${family}.get` as const, { id: String(item.id) })) as Record<string, unknown>;
      }
      let settings: unknown[] | undefined;
      if (family === 'configurationPolicies') {
        settings = [];
        for await (const settingsPage of graph.pages('configurationPolicies.settings', { id: String(item.id) })) settings.push(...settingsPage.items);
      }
      objects.push(toObject(family, raw, settings));
    }
    yield objects;
  }
}

/** A family that could not be read becomes a per-family failure naming what is missing. */
export function familyFailure(family: IntuneFamily, error: unknown): RunFailure {
  const appError = toAppError(error);
  if (appError.code === 'provider_permission_denied') {
    const needed = contract(`${family}.list`).permissions.map((set) => set.join(' + ')).join(' or ');
    return failure('provider_permission_denied', `${family}: missing Graph permission ${needed}.`, { family, needed, ...appError.detail });
  }
  return failure(appError.code, `${family}: ${appError.userMessage}`, { family, ...appError.detail });
}

/** Errors that end the whole run (the credential is bad), rather than one family. */
export function isRunFatal(error: unknown): boolean {
  return error instanceof AppError && ['provider_credential_invalid', 'provider_credential_expired', 'provider_credential_missing', 'provider_consent_missing', 'provider_app_not_found', 'provider_tenant_not_found', 'provider_app_disabled', 'provider_blocked_by_policy'].includes(error.code);
}
