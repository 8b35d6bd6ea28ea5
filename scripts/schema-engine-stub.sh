#!/bin/sh
echo "operate-hub: the Prisma schema-engine binary is not used; run 'operate-hub migrate' or 'npm run migration:create'" >&2
exit 1
