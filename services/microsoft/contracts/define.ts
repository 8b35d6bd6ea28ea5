import type { z } from 'zod/v4';
import type { PermissionSets } from './permissions.ts';

/** What a contract serves; readiness per feature is derived from these, never hand-kept. */
export const features = ['verification', 'inventory', 'groups', 'backup', 'restore'] as const;
export type Feature = (typeof features)[number];

/**
 * One Graph call: the TypeScript counterpart of the seed's config/graph_contracts.php.
 * `path` and `query` values may hold `{placeholders}` filled from the call's params.
 */
export interface GraphContract<P extends string = string, R extends z.ZodType = z.ZodType, Paged extends boolean = boolean> {
  key: string;
  /** Several Intune collections exist only in beta. */
  apiVersion: 'v1.0' | 'beta';
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: P;
  query?: Readonly<Record<string, string>>;
  /** Application permissions as ANY-OF sets (a ReadWrite permission satisfies its Read). */
  permissions: PermissionSets;
  /** Validates every response (every page, for paged contracts). */
  response: R;
  /** Collection answered in pages that follow @odata.nextLink. */
  paged: Paged;
  features: readonly Feature[];
  /** Needs an Intune license in the tenant (deviceManagement / deviceAppManagement). */
  intune: boolean;
  /** A missing permission is a warning for verification, not a blocker (cross-checks only). */
  advisory?: boolean;
  /** Verification calls it with $top=1 to prove access (GET collections without placeholders). */
  probe?: boolean;
  /** Validates the request body of writes. */
  body?: z.ZodType;
}

export function defineContract<const C extends GraphContract>(contract: C): C {
  return contract;
}

type Placeholders<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
type QueryPlaceholders<Q> = Q extends Readonly<Record<string, string>> ? { [K in keyof Q]: Placeholders<Q[K]> }[keyof Q] : never;

/** The `{placeholders}` of a contract's path and query, as required string params. */
export type ParamsOf<C extends GraphContract> = { [K in Placeholders<C['path']> | QueryPlaceholders<C['query']>]: string };

/** Fills `{name}` placeholders; values are URL-encoded in paths and quoted-safe in OData filters. */
export function fillTemplate(template: string, params: Record<string, string>, encode: (v: string) => string): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing Graph contract parameter "${name}"`);
    return encode(value);
  });
}
