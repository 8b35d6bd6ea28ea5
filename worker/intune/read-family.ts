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
  /** false when the family's list cannot expand assignments and they were not fetched per item (`assignments` is then []). */
  assignmentsKnown: boolean;
  /** SHA-256 of the canonical JSON of payload + assignments: equal content, equal hash. */
  payloadHash: string;
}

export function isIntuneFamily(value: string): value is IntuneFamily {
  return (intuneFamilies as readonly string[]).includes(value);
}

function toObject(family: IntuneFamily, raw: Record<string, unknown>, assignmentsKnown: boolean, settings?: unknown[]): IntuneObject {
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
    assignmentsKnown,
    payloadHash: createHash('sha256').update(canonicalJson({ payload, assignments: list })).digest('hex'),
  };
}

/** The family's list expands assignments (`$expand=assignments` in its contract). */
export function listExpandsAssignments(family: IntuneFamily): boolean {
  return Boolean(contract(`${family}.list`).query?.$expand);
}

/**
 * Per-item calls (settings, single-item GETs) of one page in flight at once: enough to hide
 * Graph's latency, far below Intune's budget (1,000 requests / 20 s per tenant) at real
 * latencies; a 429 is waited out by the Graph client (Retry-After) anyway.
 */
export const itemConcurrency = 4;

/**
 * Reads one family page by page (memory bounded by the page size). Assignments come
 * through `$expand` where the list allows it; for the few families whose list does not,
 * `fetchMissingAssignments` reads each item (backups need them; the inventory does not,
 * since per-item calls would spend Intune's request budget). Settings-catalog policies get
 * their settings. An item deleted between the list and its own calls is left out.
 */
export async function* readFamily(graph: GraphClient, family: IntuneFamily, options: { fetchMissingAssignments: boolean }): AsyncIterable<IntuneObject[]> {
  const expands = listExpandsAssignments(family);
  const perItem = !expands && options.fetchMissingAssignments;
  for await (const page of graph.pages(`${family}.list`, {})) {
    const read = await mapLimited(page.items as Record<string, unknown>[], itemConcurrency, (item) => readItem(graph, family, item, perItem).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'provider_resource_missing') return null;
      throw error;
    }));
    yield read.flatMap((object) => (object ? [toObject(family, object.raw, expands || perItem, object.settings)] : []));
  }
}

/** `fn` over `items` with at most `limit` calls in flight, results in input order; stops starting calls after a failure. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    for (let i = next++; i < items.length && !failed; i = next++) {
      try {
        results[i] = await fn(items[i] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

async function readItem(graph: GraphClient, family: IntuneFamily, item: Record<string, unknown>, perItem: boolean): Promise<{ raw: Record<string, unknown>; settings?: unknown[] }> {
  const id = String(item.id);
  const raw = perItem ? ((await graph.call(`${family}.get` as const, { id })) as Record<string, unknown>) : item;
  if (family !== 'configurationPolicies') return { raw };
  const settings: unknown[] = [];
  for await (const settingsPage of graph.pages('configurationPolicies.settings', { id })) settings.push(...settingsPage.items);
  return { raw, settings };
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
