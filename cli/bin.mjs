#!/usr/bin/env node
// The operate-hub command: runs the TypeScript sources through tsx, so it works
// right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
