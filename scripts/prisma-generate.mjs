// Generates the Prisma client without the schema-engine download: Prisma skips the
// download when PRISMA_SCHEMA_ENGINE_BINARY names an existing file, and `generate`
// never runs that engine, so a stub that refuses to run is enough.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const stub = path.join(root, 'scripts', 'schema-engine-stub.sh');
 
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
const result = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'],
  { cwd: root, stdio: "inherit", env },
);
process.exit(result.status ?? 1);
