import { readFile } from 'node:fs/promises';
import { z } from 'zod/v4';
import { simPermissions } from './permissions.ts';
import { simFamilyNames } from './graph/families.ts';

const guid = z.guid();

export const secretSchema = z.object({
  value: z.string().min(1),
  /** Past = expired (AADSTS7000222). Omitted = never expires. */
  expiresAt: z.iso.datetime().optional(),
});

export const appSchema = z.object({
  clientId: guid,
  displayName: z.string().default('Operate Hub'),
  secrets: z.array(secretSchema).default([]),
  /** false: AADSTS7000112. */
  enabled: z.boolean().default(true),
  /** granted: token roles = `roles`; none: token WITHOUT roles; no_service_principal: AADSTS7000229. */
  consent: z.enum(['granted', 'none', 'no_service_principal']).default('granted'),
  /** Application permissions with admin consent (the service principal's appRoleAssignments). */
  roles: z.array(z.enum(simPermissions)).default([]),
  /** Granted (listed in appRoleAssignments) but not yet in issued tokens: Entra's replication delay. */
  pendingRoles: z.array(z.enum(simPermissions)).default([]),
  /** A Conditional Access policy blocks the app (AADSTS53003). */
  blockedByPolicy: z.boolean().default(false),
});

export const groupSchema = z.object({
  id: guid,
  displayName: z.string(),
  description: z.string().nullable().default(null),
  securityEnabled: z.boolean().default(true),
  mailEnabled: z.boolean().default(false),
  mail: z.string().nullable().default(null),
  groupTypes: z.array(z.string()).default([]),
});

/** Any Intune object as Graph returns it; `assignments` (and `settings`) are served on $expand only. */
export const intuneItemSchema = z.looseObject({ id: z.string() });

export const tenantSchema = z.object({
  id: guid,
  displayName: z.string(),
  /** e.g. contoso.onmicrosoft.com; token requests may name the tenant by it. */
  domain: z.string().optional(),
  intuneLicensed: z.boolean().default(true),
  apps: z.array(appSchema).default([]),
  groups: z.array(groupSchema).default([]),
  intune: z.partialRecord(z.enum(simFamilyNames), z.array(intuneItemSchema)).default({}),
  conditionalAccessPolicies: z.array(z.looseObject({ id: z.string(), displayName: z.string() })).default([]),
});

/** An injected failure: the first `times` matching requests (all, when omitted) get it. */
export const faultSchema = z.object({
  /** Glob on the request path, `*` = anything: "/graph/*\/deviceManagement/*", "/login/*". */
  path: z.string().min(1),
  method: z.string().optional(),
  status: z.number().int().min(400).max(599),
  retryAfter: z.number().int().min(0).optional(),
  times: z.number().int().positive().optional(),
  /** Entra faults: the AADSTS number in the body. */
  aadsts: z.number().int().optional(),
  /** Graph faults: error.code / error.message; `scopes` builds Intune's nested Forbidden message. */
  code: z.string().optional(),
  message: z.string().optional(),
  scopes: z.array(z.string()).optional(),
});

export const scenarioSchema = z.object({
  name: z.string().default('scenario'),
  /** Graph's page size for collections ($top may lower it). */
  pageSize: z.number().int().min(1).max(999).default(100),
  tenants: z.array(tenantSchema).min(1),
  faults: z.array(faultSchema).default([]),
  /** Intune's per-tenant budget (1,000 requests / 20 s): beyond it, 429 with Retry-After. Off when omitted. */
  intuneThrottle: z.object({ requests: z.number().int().positive().default(1000), windowSeconds: z.number().int().positive().default(20) }).optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Fault = z.infer<typeof faultSchema>;
export type SimGroupInput = z.input<typeof groupSchema>;

/** Reads and validates a scenario file; every problem is named with its JSON path. */
export async function loadScenario(file: string): Promise<Scenario> {
  const parsed = scenarioSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`invalid scenario ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
