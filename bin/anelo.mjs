#!/usr/bin/env node
// The command line, from the bundle of its sources when that is current (plain JavaScript: no TypeScript to compile
// at every start; see server/engine/pool/thread-bundle.ts), else the TypeScript sources through tsx, so `npm ci`
// stays the whole install. Started through tsx, it has the bundle made meanwhile, for the next command.
import { currentEntryUrl } from '../server/engine/pool/current-bundle.mjs';

const useBundle = process.env.ANELO_THREAD_BUNDLE !== '0';
const bundled = useBundle ? currentEntryUrl('cli') : undefined;
let started = false;
if (bundled) {
  try {
    await import(bundled);
    started = true;
  } catch (e) {
    // A file of the bundle gone (a cache folder cleaned by hand) fails before any of it runs: the sources serve.
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('.cache')) throw e;
  }
}
if (!started) {
  const { register } = await import('tsx/esm/api');
  register();
  // Made beside the command (~0.3 s, on esbuild's own process); any trouble only means the next start is this one.
  const making = useBundle ? import('../server/engine/pool/thread-bundle.ts').then((m) => m.threadBundle()).catch(() => undefined) : undefined;
  await import('../server/cli/main.ts');
  await making;
}
