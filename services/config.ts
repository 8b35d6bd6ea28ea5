import { createHash } from 'node:crypto';
import { z } from 'zod/v4';

/** Empty strings count as unset, so `FOO=` in a .env file never becomes a value. */
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((v) => (v === '' || v === undefined ? fallback : v), schema);

const secretKeySchema = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64 (openssl rand -base64 32)');

const loopbackUrl = z.url().refine((v) => {
  const host = new URL(v).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}, 'must be a loopback URL such as http://127.0.0.1:4010');

/** Defaults of the limits that run-start prerequisites read (startRun falls back to them). */
export const settingDefaults = { RESTORE_PLAN_MAX_AGE_MINUTES: 60, INVENTORY_MAX_AGE_MINUTES: 1440 } as const;

export const configSchema = z
  .object({
    NODE_ENV: withDefault(z.enum(['development', 'production', 'test']), 'development'),
    LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
    DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().startsWith('postgres').optional()),
    PORT: withDefault(z.coerce.number().int().min(0).max(65535), '3978'),
    HOST: optionalString,
    OPERATE_HUB_SECRET_KEY: z.preprocess((v) => (v === '' ? undefined : v), secretKeySchema.optional()),
    OPERATE_HUB_PREVIOUS_KEYS: withDefault(
      z.string().transform((v, ctx) => {
        const keys = v.split(',').map((k) => k.trim()).filter(Boolean);
        for (const key of keys) {
          if (Buffer.from(key, 'base64').length !== 32) {
            ctx.addIssue({ code: 'custom', message: 'every comma-separated key must be 32 bytes of base64' });
          }
        }
        return keys;
      }),
      '',
    ),
    /** Folder whose `.operate-hub/` holds the embedded database and generated key (default: the project folder). */
    OPERATE_HUB_HOME: optionalString,
    MICROSOFT_SIMULATOR_URL: z.preprocess((v) => (v === '' ? undefined : v), loopbackUrl.optional()),
    /** Retries of throttled (429) and unavailable (503/504) Microsoft requests before giving up. */
    MICROSOFT_MAX_RETRIES: withDefault(z.coerce.number().int().min(0).max(10), '3'),
    /** A Retry-After longer than this is not waited for: the request fails as provider_throttled. */
    MICROSOFT_MAX_RETRY_DELAY_SECONDS: withDefault(z.coerce.number().int().min(1).max(180), '60'),
    /** Per-request timeout for Entra ID and Graph. */
    MICROSOFT_REQUEST_TIMEOUT_SECONDS: withDefault(z.coerce.number().int().min(1).max(300), '30'),
    /** A restore plan older than this cannot be executed (plan_expired): preview again. */
    RESTORE_PLAN_MAX_AGE_MINUTES: withDefault(z.coerce.number().int().min(1).max(10_080), String(settingDefaults.RESTORE_PLAN_MAX_AGE_MINUTES)),
    /** A restore preview needs an inventory (and groups cache) synced within this many minutes (inventory_stale). */
    INVENTORY_MAX_AGE_MINUTES: withDefault(z.coerce.number().int().min(1).max(43_200), String(settingDefaults.INVENTORY_MAX_AGE_MINUTES)),
    // Teams (Bot Framework). No app id = unauthenticated local mode (refused in production).
    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TENANT_ID: optionalString,
    MICROSOFT_APP_TYPE: withDefault(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']), 'MultiTenant'),
    /** Bot Framework OpenID metadata (token validation keys); tests point it at sim/teams. */
    BOT_OPENID_METADATA_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
    // Slack. Both or neither: without them Slack is disabled.
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_BOT_TOKEN: optionalString,
    SLACK_API_URL: withDefault(z.url(), 'https://slack.com/api/'),
  })
  .superRefine((c, ctx) => {
    if (!c.OPERATE_HUB_SECRET_KEY && (c.NODE_ENV === 'production' || c.DATABASE_URL)) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPERATE_HUB_SECRET_KEY'],
        message: 'is required in production and whenever DATABASE_URL is set (generate one: openssl rand -base64 32)',
      });
    }
    if (!c.MICROSOFT_APP_ID && c.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_ID'], message: 'is required when NODE_ENV=production (without it the Teams endpoint accepts unauthenticated requests)' });
    }
    if (c.MICROSOFT_APP_ID && !c.MICROSOFT_APP_PASSWORD && c.MICROSOFT_APP_TYPE !== 'UserAssignedMSI') {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_PASSWORD'], message: 'is required when MICROSOFT_APP_ID is set' });
    }
    if (c.MICROSOFT_APP_TYPE === 'SingleTenant' && !c.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_TENANT_ID'], message: 'is required when MICROSOFT_APP_TYPE=SingleTenant' });
    }
    if (Boolean(c.SLACK_SIGNING_SECRET) !== Boolean(c.SLACK_BOT_TOKEN)) {
      ctx.addIssue({ code: 'custom', path: [c.SLACK_SIGNING_SECRET ? 'SLACK_BOT_TOKEN' : 'SLACK_SIGNING_SECRET'], message: 'must be set together with the other SLACK_ variable (or neither, to disable Slack)' });
    }
    if (c.MICROSOFT_SIMULATOR_URL && c.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_SIMULATOR_URL'], message: 'must not be set when NODE_ENV=production' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once, at startup; lists every problem at once. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`),
    );
  }
  return parsed.data;
}

/** Key id = first 8 hex characters of the key's SHA-256, stored next to each ciphertext. */
export function keyId(base64Key: string): string {
  return createHash('sha256').update(Buffer.from(base64Key, 'base64')).digest('hex').slice(0, 8);
}
