#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npm ci` is the whole install (no build step for the engine).
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
