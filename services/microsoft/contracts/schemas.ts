import { z } from 'zod/v4';

/**
 * Response shapes of the Graph calls we make. Loose objects: what Graph adds is kept (a backup
 * must store the full JSON), what we rely on is checked. Entra ids are z.guid(): real Microsoft
 * ids such as 00000003-0000-0000-c000-000000000000 are not RFC 4122 variants.
 */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.looseObject({
    value: z.array(item),
    '@odata.nextLink': z.string().optional(),
    '@odata.deltaLink': z.string().optional(),
  });
}

export const organizationSchema = z.looseObject({ id: z.guid(), displayName: z.string().nullish() });

export const appRoleSchema = z.looseObject({
  id: z.guid(),
  value: z.string().nullish(),
  allowedMemberTypes: z.array(z.string()).optional(),
});

export const servicePrincipalSchema = z.looseObject({
  id: z.guid(),
  appId: z.guid(),
  displayName: z.string().nullish(),
  appRoles: z.array(appRoleSchema).optional(),
});

export const appRoleAssignmentSchema = z.looseObject({
  id: z.string(),
  appRoleId: z.guid(),
  principalId: z.guid(),
  resourceId: z.guid(),
  resourceDisplayName: z.string().nullish(),
});

export const groupSchema = z.looseObject({
  id: z.guid(),
  displayName: z.string().nullish(),
  '@removed': z.looseObject({ reason: z.string() }).optional(),
});

export const assignmentSchema = z.looseObject({
  id: z.string().optional(),
  target: z.looseObject({ '@odata.type': z.string(), groupId: z.string().nullish() }),
});

/** Any Intune policy-like object: ids are not always GUIDs (e.g. "<guid>_DefaultPlatformRestrictions"). */
export const intuneItemSchema = z.looseObject({
  id: z.string(),
  '@odata.type': z.string().optional(),
  displayName: z.string().nullish(),
  name: z.string().nullish(),
  lastModifiedDateTime: z.string().nullish(),
  assignments: z.array(assignmentSchema).optional(),
});

export const configurationSettingSchema = z.looseObject({
  id: z.string(),
  settingInstance: z.looseObject({ '@odata.type': z.string(), settingDefinitionId: z.string() }),
});

export const conditionalAccessPolicySchema = z.looseObject({ id: z.string(), displayName: z.string().nullish(), state: z.string().nullish() });

/** Writes answer 204 or an echo we do not rely on. */
export const anyResponseSchema = z.unknown();

export type IntuneItem = z.infer<typeof intuneItemSchema>;
export type Group = z.infer<typeof groupSchema>;
