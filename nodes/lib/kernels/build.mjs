#!/usr/bin/env node
// Compiles the AssemblyScript kernels (assembly/*.ts) into kernels.wasm, which is committed: running anelo needs no
// compiler, and test/nodes/lib/kernels/kernels-build.test.ts fails when the file is not what these sources give.
// `npm run build:kernels` after changing them.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const KERNELS_WASM = path.join(here, 'kernels.wasm');

/** The compiler's arguments: optimised, SIMD, no runtime (the JavaScript side lays out all memory), no asserts. */
const ARGS = [path.join(here, 'assembly', 'index.ts'), '-O3', '--enable', 'simd', '--runtime', 'stub', '--noAssert', '--outFile', 'kernels.wasm'];

/** The module's bytes as the sources compile now. */
export async function compileKernels() {
  const { default: asc } = await import('assemblyscript/asc');
  let binary;
  const log = [];
  const stream = { write: (s) => log.push(String(s)) };
  const { error } = await asc.main(ARGS, {
    stdout: stream,
    stderr: stream,
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) binary = contents;
    },
  });
  if (error || !binary) throw new Error(`asc failed: ${error?.message ?? 'no output'}\n${log.join('')}`);
  return Buffer.from(binary);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bytes = await compileKernels();
  writeFileSync(KERNELS_WASM, bytes);
  console.log(`wrote ${path.relative(process.cwd(), KERNELS_WASM)} (${bytes.length} bytes)`);
}
