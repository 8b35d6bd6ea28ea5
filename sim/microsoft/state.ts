import { z } from 'zod/v4';
import { faultSchema, groupSchema, scenarioSchema, type Fault, type Scenario, type ScenarioInput, type SimGroupInput } from './scenario.ts';
import { stableGuid, type SimPermission } from './permissions.ts';
import { simFamilyNames, type SimFamilyName } from './graph/families.ts';

export type SimItem = Record<string, unknown> & { id: string };
export interface SimSecret { value: string; expiresAt?: string | undefined }

export interface SimApp {
  clientId: string;
  displayName: string;
  secrets: SimSecret[];
  enabled: boolean;
  consent: 'granted' | 'none' | 'no_service_principal';
  /** Granted application permissions = appRoleAssignments = the token's roles (one truth). */
  roles: Set<string>;
  /** Listed in appRoleAssignments, not yet in tokens (see propagateRoles). */
  pendingRoles: Set<string>;
  blockedByPolicy: boolean;
  /** The app's service principal object id in this tenant. */
  spId: string;
}

export interface SimGroup { id: string; displayName: string; description: string | null; securityEnabled: boolean; mailEnabled: boolean; mail: string | null; groupTypes: string[]; seq: number }

export interface SimTenant {
  id: string;
  displayName: string;
  domain: string | undefined;
  intuneLicensed: boolean;
  /** Microsoft Graph's service principal in this tenant (resourceId of the assignments). */
  graphSpId: string;
  apps: Map<string, SimApp>;
  groups: Map<string, SimGroup>;
  removedGroups: { id: string; seq: number }[];
  intune: Record<SimFamilyName, SimItem[]>;
  conditionalAccessPolicies: SimItem[];
}

export interface ActiveFault extends Fault { remaining: number | undefined; pattern: RegExp }

/** Intune's per-tenant request budget; see graph/throttle.ts. */
export interface IntuneThrottle { requests: number; windowSeconds: number }

/**
 * The simulator's one mutable state, shared by the token endpoint and Graph so roles and
 * appRoleAssignments always agree. Tests and later issues change it through these methods.
 */
export class MicrosoftSimState {
  pageSize: number;
  readonly tenants = new Map<string, SimTenant>();
  readonly faults: ActiveFault[] = [];
  /** Token ids (uti) issued so far, and those revoked (Graph answers 401 for them). */
  readonly issuedTokens: string[] = [];
  readonly revokedTokens = new Set<string>();
  /** Off unless the scenario or a test sets it. */
  intuneThrottle: IntuneThrottle | undefined;
  /** Per tenant: groups delta tokens older than this sequence are expired (410 syncStateNotFound). */
  private readonly deltaValidFrom = new Map<string, number>();
  private seq = 0;

  constructor(input: Scenario | ScenarioInput) {
    const scenario = scenarioSchema.parse(input);
    this.pageSize = scenario.pageSize;
    this.intuneThrottle = scenario.intuneThrottle;
    for (const t of scenario.tenants) {
      const tenant: SimTenant = {
        id: t.id.toLowerCase(), displayName: t.displayName, domain: t.domain?.toLowerCase(), intuneLicensed: t.intuneLicensed,
        graphSpId: stableGuid('graph-sp', t.id), apps: new Map(), groups: new Map(), removedGroups: [],
        intune: Object.fromEntries(simFamilyNames.map((f) => [f, []])) as unknown as Record<SimFamilyName, SimItem[]>,
        conditionalAccessPolicies: t.conditionalAccessPolicies.map((p) => ({ ...p })),
      };
      this.tenants.set(tenant.id, tenant);
      for (const a of t.apps) {
        tenant.apps.set(a.clientId.toLowerCase(), { ...a, clientId: a.clientId.toLowerCase(), secrets: a.secrets.map((s) => ({ ...s })), roles: new Set(a.roles), pendingRoles: new Set(a.pendingRoles), spId: stableGuid('sp', t.id, a.clientId) });
      }
      this.addGroups(tenant.id, t.groups);
      for (const [family, items] of Object.entries(t.intune)) this.addIntuneItems(tenant.id, family as SimFamilyName, items as SimItem[]);
    }
    for (const fault of scenario.faults) this.addFault(fault);
  }

  /** By id or domain (case-insensitive), as the token endpoint's path names it. */
  findTenant(ref: string): SimTenant | undefined {
    const key = ref.toLowerCase();
    return this.tenants.get(key) ?? [...this.tenants.values()].find((t) => t.domain === key);
  }

  tenant(ref: string): SimTenant {
    const tenant = this.findTenant(ref);
    if (!tenant) throw new Error(`no simulated tenant ${ref}`);
    return tenant;
  }

  app(tenantRef: string, clientId: string): SimApp {
    const app = this.tenant(tenantRef).apps.get(clientId.toLowerCase());
    if (!app) throw new Error(`no simulated app ${clientId} in tenant ${tenantRef}`);
    return app;
  }

  grantRoles(tenantRef: string, clientId: string, ...roles: SimPermission[]): void {
    for (const role of roles) this.app(tenantRef, clientId).roles.add(role);
  }

  /** Pending roles reach tokens (the replication delay is over). */
  propagateRoles(tenantRef: string, clientId: string): void {
    const app = this.app(tenantRef, clientId);
    for (const role of app.pendingRoles) app.roles.add(role);
    app.pendingRoles.clear();
  }

  revokeRoles(tenantRef: string, clientId: string, ...roles: SimPermission[]): void {
    for (const role of roles) this.app(tenantRef, clientId).roles.delete(role);
  }

  setConsent(tenantRef: string, clientId: string, consent: SimApp['consent']): void {
    this.app(tenantRef, clientId).consent = consent;
  }

  /** Replaces the app's secrets (rotation); pass an expiresAt in the past for an expired one. */
  setSecrets(tenantRef: string, clientId: string, ...secrets: SimSecret[]): void {
    this.app(tenantRef, clientId).secrets = secrets.map((s) => ({ ...s }));
  }

  setIntuneLicense(tenantRef: string, licensed: boolean): void {
    this.tenant(tenantRef).intuneLicensed = licensed;
  }

  addFault(input: z.input<typeof faultSchema>): ActiveFault {
    const fault = faultSchema.parse(input);
    const pattern = new RegExp(`^${fault.path.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    const active: ActiveFault = { ...fault, remaining: fault.times, pattern };
    this.faults.push(active);
    return active;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The fault for this request, consuming one of its `times`. */
  takeFault(method: string, path: string): ActiveFault | undefined {
    const fault = this.faults.find((f) => (f.remaining === undefined || f.remaining > 0) && (!f.method || f.method.toUpperCase() === method) && f.pattern.test(path));
    if (fault?.remaining !== undefined) fault.remaining -= 1;
    return fault;
  }

  addIntuneItems(tenantRef: string, family: SimFamilyName, items: SimItem[]): void {
    this.tenant(tenantRef).intune[family].push(...items.map((item) => structuredClone(item)));
  }

  addGroups(tenantRef: string, groups: SimGroupInput[]): void {
    const tenant = this.tenant(tenantRef);
    for (const g of groups.map((input) => groupSchema.parse(input))) tenant.groups.set(g.id.toLowerCase(), { ...g, id: g.id.toLowerCase(), seq: ++this.seq });
  }

  removeGroup(tenantRef: string, id: string): void {
    const tenant = this.tenant(tenantRef);
    if (tenant.groups.delete(id.toLowerCase())) tenant.removedGroups.push({ id: id.toLowerCase(), seq: ++this.seq });
  }

  /** Edits a group in Entra: the next groups delta reports it as changed. */
  changeGroup(tenantRef: string, id: string, patch: Partial<Omit<SimGroup, 'id' | 'seq'>>): void {
    const group = this.tenant(tenantRef).groups.get(id.toLowerCase());
    if (!group) throw new Error(`no simulated group ${id}`);
    Object.assign(group, patch, { seq: ++this.seq });
  }

  /** Every groups delta token issued so far is expired (as after Entra's 7-day token lifetime). */
  expireDeltaTokens(tenantRef: string): void {
    this.deltaValidFrom.set(this.tenant(tenantRef).id, ++this.seq);
  }

  isDeltaTokenExpired(tenantRef: string, tokenSeq: number): boolean {
    return tokenSeq < (this.deltaValidFrom.get(this.tenant(tenantRef).id) ?? 0);
  }

  /** Edits an Intune object in place (keys set to undefined are removed); returns the new object. */
  changeIntuneItem(tenantRef: string, family: SimFamilyName, id: string, patch: Record<string, unknown>): SimItem {
    const item = this.intuneItem(tenantRef, family, id);
    for (const [key, value] of Object.entries(structuredClone(patch))) {
      if (value === undefined) delete item[key];
      else item[key] = value;
    }
    return item;
  }

  removeIntuneItem(tenantRef: string, family: SimFamilyName, id: string): void {
    const items = this.tenant(tenantRef).intune[family];
    items.splice(items.indexOf(this.intuneItem(tenantRef, family, id)), 1);
  }

  intuneItem(tenantRef: string, family: SimFamilyName, id: string): SimItem {
    const item = this.tenant(tenantRef).intune[family].find((i) => i.id === id);
    if (!item) throw new Error(`no simulated ${family} item ${id}`);
    return item;
  }

  /** The current change sequence (groups delta tokens carry it). */
  get changeSeq(): number {
    return this.seq;
  }

  /** Every token issued so far is rejected by Graph from now on (401 InvalidAuthenticationToken). */
  revokeIssuedTokens(): void {
    for (const uti of this.issuedTokens) this.revokedTokens.add(uti);
  }
}
