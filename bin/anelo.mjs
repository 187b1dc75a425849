#!/usr/bin/env node
// The command line, from the bundle of its sources when that is current (plain JavaScript: no TypeScript to compile
// at every start; see server/engine/pool/thread-bundle.ts), else the TypeScript sources through tsx, so `npm ci`
// stays the whole install. Started through tsx, it has the bundle made meanwhile, for the next command.
import { currentEntryUrl } from '../server/engine/pool/current-bundle.mjs';

const useBundle = process.env.ANELO_THREAD_BUNDLE !== '0';
const bundled = useBundle ? currentEntryUrl('cli') : undefined;
if (bundled) {
  await import(bundled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  // Made beside the command (~0.3 s, on esbuild's own process); any trouble only means the next start is this one.
  const making = useBundle ? import('../server/engine/pool/thread-bundle.ts').then((m) => m.threadBundle()).catch(() => undefined) : undefined;
  await import('../server/cli/main.ts');
  await making;
}
