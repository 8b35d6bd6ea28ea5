import { z } from 'zod/v4';
import { AppError } from '../errors.ts';
import type { Db } from '../db/client.ts';
import type { Tenant } from '../db/generated/client.ts';
import { violatedIndex } from '../db/client.ts';

export type { Tenant };

export const guidSchema = z.guid();

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

export async function createTenant(db: Db, input: { name: string; entraTenantId: string }): Promise<Tenant> {
  const name = input.name.trim();
  if (!name) throw new AppError('invalid_input', 'The tenant name must not be empty.');
  if (!guidSchema.safeParse(input.entraTenantId).success) {
    throw new AppError('invalid_input', `"${input.entraTenantId}" is not a GUID; use the Entra tenant id from Entra ID > Overview.`);
  }
  const slug = slugify(name);
  if (!slug) throw new AppError('invalid_input', 'The tenant name needs at least one letter or digit.');
  try {
    return await db.tenant.create({ data: { name, slug, entraTenantId: input.entraTenantId.toLowerCase() } });
  } catch (error) {
    const index = violatedIndex(error);
    if (index) {
      const field = index.includes('slug') ? `slug "${slug}"` : index.includes('entra') ? `Entra tenant id ${input.entraTenantId}` : `name "${name}"`;
      throw new AppError('invalid_input', `A tenant with this ${field} already exists.`);
    }
    throw error;
  }
}

export function listTenants(db: Db): Promise<Tenant[]> {
  return db.tenant.findMany({ orderBy: { name: 'asc' } });
}

/** T = tenant id, slug or exact name; an ambiguous match lists the candidates. */
export async function resolveTenant(db: Db, ref: string): Promise<Tenant> {
  const value = ref.trim();
  if (!value) throw new AppError('invalid_input', 'A tenant (id, slug or exact name) is required.');
  const isUuid = z.uuid().safeParse(value).success;
  const matches = await db.tenant.findMany({
    where: { OR: [...(isUuid ? [{ id: value }] : []), { slug: value.toLowerCase() }, { name: value }] },
  });
  const unique = [...new Map(matches.map((t) => [t.id, t])).values()];
  if (unique.length === 1 && unique[0]) return unique[0];
  if (unique.length === 0) throw new AppError('not_found', `No tenant matches "${value}". List them with: operate-hub tenant list`);
  throw new AppError('invalid_input', `"${value}" matches several tenants: ${unique.map((t) => `${t.slug} (${t.id})`).join(', ')}. Use the id.`);
}
