/** kernels.wasm, where the build writes it and wasm.ts reads it. */
export const KERNELS_WASM: string;
/** The module's bytes as the AssemblyScript sources compile now. */
export function compileKernels(): Promise<Buffer>;
