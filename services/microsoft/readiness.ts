import type { ReasonCode } from '../reason-codes.ts';
import { contractKeys, features, graphContracts, isGranted, setsSatisfied, type ContractKey, type Feature, type GraphContract } from './contracts/index.ts';

/** Why Graph refused a contract when verification probed it (overrides what the token suggests). */
export interface ContractDenial {
  contract: ContractKey;
  code: ReasonCode;
  scopes?: string[];
}

export interface FeatureReadiness {
  feature: Feature;
  status: 'ready' | 'blocked' | 'unknown';
  reason_code: ReasonCode | null;
  /** Permissions to grant (the first alternative of each unsatisfied contract). */
  missing_permissions: string[];
  blocked_contracts: string[];
  detail: string;
}

/** What to grant so a contract is satisfied: the least-privileged alternative's missing part. */
export function missingFor(spec: GraphContract, granted: ReadonlySet<string>): string[] {
  if (setsSatisfied(granted, spec.permissions)) return [];
  return (spec.permissions[0] ?? []).filter((p) => !isGranted(granted, p));
}

function describe(feature: Feature, missing: string[], blocked: string[], code: ReasonCode | null): string {
  if (blocked.length === 0) return `${feature} ready`;
  if (missing.length > 0) return `${feature} blocked: missing ${missing.join(', ')}`;
  if (code === 'provider_license_missing') return `${feature} blocked: the tenant has no Intune license`;
  return `${feature} blocked: Graph refused ${blocked.join(', ')}`;
}

/**
 * Per-feature readiness from the contracts registry, the permissions actually granted (token
 * roles), the Intune license and what Graph refused during probes. Advisory contracts
 * (verification cross-checks) never block.
 */
export function deriveReadiness(input: { granted: ReadonlySet<string>; intuneLicensed: boolean | undefined; denials: readonly ContractDenial[] }): FeatureReadiness[] {
  return features.map((feature) => {
    const missing = new Set<string>();
    const blocked: string[] = [];
    let code: ReasonCode | null = null;
    for (const key of contractKeys) {
      const spec: GraphContract = graphContracts[key];
      if (!spec.features.includes(feature) || spec.advisory) continue;
      const lacking = missingFor(spec, input.granted);
      const denial = input.denials.find((d) => d.contract === key);
      const unlicensed = spec.intune && input.intuneLicensed === false;
      if (lacking.length === 0 && !denial && !unlicensed) continue;
      blocked.push(key);
      for (const p of lacking) missing.add(p);
      for (const p of denial?.scopes?.slice(0, 1) ?? []) missing.add(p);
      code ??= lacking.length > 0 ? 'provider_permission_denied' : unlicensed ? 'provider_license_missing' : (denial?.code ?? null);
    }
    const missingList = [...missing].sort();
    return {
      feature, status: blocked.length === 0 ? 'ready' : 'blocked', reason_code: code,
      missing_permissions: missingList, blocked_contracts: blocked, detail: describe(feature, missingList, blocked, code),
    };
  });
}

/** Every feature in the same state, for runs that never got as far as reading permissions. */
export function uniformReadiness(status: 'blocked' | 'unknown', code: ReasonCode | null, why: string): FeatureReadiness[] {
  return features.map((feature) => ({ feature, status, reason_code: code, missing_permissions: [], blocked_contracts: [], detail: `${feature} ${status}: ${why}` }));
}
