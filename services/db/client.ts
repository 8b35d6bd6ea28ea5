import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, Prisma } from './generated/client.ts';

export { Prisma, PrismaClient };
export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

export function createPrisma(connectionString: string, options?: { max?: number }): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max: options?.max ?? 10 });
  return new PrismaClient({ adapter });
}

/** The unique index a P2002 violated (the pg adapter puts it in the driver error, not meta.target). */
export function violatedIndex(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return undefined;
  const meta = error.meta as { driverAdapterError?: { cause?: { constraint?: { index?: string } } }; target?: unknown } | undefined;
  const index = meta?.driverAdapterError?.cause?.constraint?.index;
  if (index) return index;
  return typeof meta?.target === 'string' ? meta.target : undefined;
}
