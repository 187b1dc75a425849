#!/usr/bin/env node
// Runs the benchmark harness through tsx, like bin/anelo.mjs runs the CLI: `npm run bench -- --quick`.
import { register } from 'tsx/esm/api';

register();
await import('../bench/main.ts');
