import type { z } from 'zod/v4';
import { directoryContracts } from './directory.ts';
import { intuneContracts } from './intune.ts';
import type { GraphContract, ParamsOf } from './define.ts';

export { features, type Feature, type GraphContract, type ParamsOf, fillTemplate } from './define.ts';
export { graphPermissions, isGranted, setsSatisfied, anyOf, type Permission, type PermissionSets } from './permissions.ts';
export { intuneFamilies, type IntuneFamily } from './intune.ts';
export * from './schemas.ts';

/** EVERY Graph call the product makes, including those whose handlers come later. */
export const graphContracts = { ...directoryContracts, ...intuneContracts };

export type Contracts = typeof graphContracts;
export type ContractKey = keyof Contracts & string;
export type PagedContractKey = { [K in ContractKey]: Contracts[K]['paged'] extends false ? never : K }[ContractKey];
export type ContractParams<K extends ContractKey> = ParamsOf<Contracts[K]>;
export type ContractResponse<K extends ContractKey> = z.infer<Contracts[K]['response']>;
export type ContractItem<K extends ContractKey> = ContractResponse<K> extends { value: (infer I)[] } ? I : never;

export function contract(key: ContractKey): GraphContract {
  return graphContracts[key];
}

export const contractKeys = Object.keys(graphContracts) as ContractKey[];
