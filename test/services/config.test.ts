import { describe, expect, it } from 'vitest';
import { ConfigError, keyId, parseConfig } from '../../services/config.ts';

const key = Buffer.alloc(32, 7).toString('base64');

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config', () => {
  it('an empty environment gives the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ NODE_ENV: 'development', PORT: 3978, LOG_LEVEL: 'info', OPERATE_HUB_PREVIOUS_KEYS: [] });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('empty values count as unset', () => {
    expect(parseConfig({ PORT: '', DATABASE_URL: '', HOST: '', LOG_LEVEL: '' })).toMatchObject({ PORT: 3978, LOG_LEVEL: 'info' });
  });

  it('every problem is listed at once, naming the variable', () => {
    const found = problems({ PORT: 'abc', LOG_LEVEL: 'loud', OPERATE_HUB_SECRET_KEY: 'short', DATABASE_URL: 'mysql://x' });
    expect(found.length).toBeGreaterThanOrEqual(4);
    for (const name of ['PORT', 'LOG_LEVEL', 'OPERATE_HUB_SECRET_KEY', 'DATABASE_URL']) expect(found.join('\n')).toContain(name);
  });

  it('DATABASE_URL without a secret key is refused; production needs the key and a bot app id', () => {
    expect(problems({ DATABASE_URL: 'postgresql://localhost/x' }).join()).toContain('OPERATE_HUB_SECRET_KEY');
    const prod = problems({ NODE_ENV: 'production' }).join('\n');
    expect(prod).toContain('OPERATE_HUB_SECRET_KEY');
    expect(prod).toContain('MICROSOFT_APP_ID');
  });

  it('the simulator URL must be loopback and is refused in production', () => {
    expect(problems({ MICROSOFT_SIMULATOR_URL: 'http://10.0.0.5:4000' }).join()).toContain('loopback');
    expect(problems({ NODE_ENV: 'production', OPERATE_HUB_SECRET_KEY: key, MICROSOFT_APP_ID: 'a', MICROSOFT_APP_PASSWORD: 'b', MICROSOFT_SIMULATOR_URL: 'http://127.0.0.1:4000' }).join())
      .toContain('MICROSOFT_SIMULATOR_URL');
  });

  it('Slack variables come as a pair; previous keys must each be 32 bytes', () => {
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' }).join()).toContain('SLACK_SIGNING_SECRET');
    expect(problems({ OPERATE_HUB_PREVIOUS_KEYS: `${key},nope` }).join()).toContain('OPERATE_HUB_PREVIOUS_KEYS');
    expect(parseConfig({ OPERATE_HUB_PREVIOUS_KEYS: ` ${key} , ${key}` }).OPERATE_HUB_PREVIOUS_KEYS).toEqual([key, key]);
  });

  it('the key id is the first 8 hex characters of the key\'s SHA-256', () => {
    expect(keyId(key)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyId(key)).not.toBe(keyId(Buffer.alloc(32, 8).toString('base64')));
  });
});
