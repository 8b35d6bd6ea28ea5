// Loopback networking for the embedded server: free-port checks, connection probes and
// database creation (node-postgres, TCP 127.0.0.1 only).
import net from 'node:net';
import pg from 'pg';
import { sleep } from './embedded-process.ts';

export interface Credentials {
  user: string;
  password: string;
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the picked port'))));
    });
  });
}

async function withClient<T>(port: number, creds: Credentials, timeoutMs: number, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: creds.user, password: creds.password, database: 'postgres', connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True once the server on port accepts our credentials (retried until timeoutMs). */
export async function waitUntilAccepting(port: number, creds: Credentials, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withClient(port, creds, 2_000, (client) => client.query('select 1'));
      return true;
    } catch {
      if (Date.now() > deadline) return false;
      await sleep(200);
    }
  }
}

export async function ensureDatabase(port: number, creds: Credentials, name: string): Promise<boolean> {
  return withClient(port, creds, 5_000, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '42P04') return false; // created meanwhile
      throw error;
    }
  });
}
